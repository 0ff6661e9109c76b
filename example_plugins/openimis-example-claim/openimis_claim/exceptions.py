"""The claim module's DRF exception handler.

It answers for every DRF view mounted under /claim/, whatever module raised
the exception: an invalid insurance number raised by the insuree module's
code gets the claim module's error shape here.
"""

from openimis_insuree.exceptions import InvalidInsureeNumber
from rest_framework.response import Response


class ClaimTooLarge(Exception):
    """A claim over CLAIM_MAX_AMOUNT."""


def handler(exc, context):
    if isinstance(exc, (ClaimTooLarge, InvalidInsureeNumber)):
        return Response({"claim_error": str(exc)}, status=400)
    return None
