"""JSON error bodies: what a client gets instead of an HTML page or a traceback.

The GraphQL endpoint answers in the GraphQL shape
(``{"errors": [{"message": ..., "extensions": {"code": ...}}]}``) so GraphQL
clients read it like any other error; every other path answers in DRF's shape
(``{"detail": ..., "code": ...}``). ``handler400/403/404`` in the root
URLconf point here, so Django's own error responses (a disallowed Host, an
oversized body) are JSON as well; ``handler500`` is
:func:`openimis_host.faults.outage.server_error`, which tells an outage from a fault.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.http import JsonResponse


def is_graphql(request) -> bool:
    """Whether ``request`` is for the GraphQL endpoint."""
    return request.path == f"/{settings.SITE_ROOT}graphql"


def error_response(request, status: int, code: str, message: str,
                   headers: dict | None = None) -> JsonResponse:
    """A JSON error response in the shape the requested endpoint uses."""
    if is_graphql(request):
        body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    else:
        body = {"detail": message, "code": code}
    return JsonResponse(body, status=status, headers=headers)


def bad_request(request, exception=None):
    """handler400: a malformed request, a disallowed Host, a body over the size limit."""
    # Django's exception texts name settings; a client learns only what it did wrong.
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    if isinstance(exception, DisallowedHost):
        return error_response(request, 400, "disallowed_host", "the Host header is not allowed")
    return error_response(request, 400, "bad_request", "bad request")


def too_large(request):
    """413: the body is over DATA_UPLOAD_MAX_MEMORY_SIZE."""
    return error_response(request, 413, "body_too_large", "the request body is larger than "
                          f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes")


def permission_denied(request, exception=None):
    """handler403."""
    return error_response(request, 403, "permission_denied", "permission denied")


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a cookie-authenticated POST without a valid CSRF token."""
    return error_response(request, 403, "csrf_failed", "CSRF verification failed; send the "
                          "CSRF token, or authenticate with Authorization: Bearer")


def not_found(request, exception=None):
    """handler404."""
    return error_response(request, 404, "not_found", f"no endpoint at {request.path}")
