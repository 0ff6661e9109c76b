from rest_framework.response import Response


class ClaimTooLarge(Exception):
    """A claim over CLAIM_MAX_AMOUNT."""


def handler(exc, context):
    if isinstance(exc, ClaimTooLarge):
        return Response({"claim_error": str(exc)}, status=400)
    return None
