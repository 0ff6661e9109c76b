"""The module's DRF exception handler: its own JSON error shape."""

from rest_framework.response import Response


class InvalidInsureeNumber(Exception):
    """An insurance number that does not have INSUREE_NUMBER_LENGTH digits."""


def handler(exc, context):
    if isinstance(exc, InvalidInsureeNumber):
        return Response({"error": {"module": "insuree", "code": "invalid_number",
                                   "message": str(exc)}}, status=422)
    return None  # DRF's default handler answers
