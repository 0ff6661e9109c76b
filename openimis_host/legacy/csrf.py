"""core's CSRF check on mutations, with a clear error when the client sent no token.

core checks the X-CSRFToken header against the token ``getCsrfToken`` keeps in
the session, by indexing both: without them it raises KeyError, which a client
sees as "internal server error". :func:`install` wraps that check so the client
is told what is missing and how to get it; the check itself is core's own.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

MISSING = ("CSRF token missing: call the getCsrfToken mutation first (with the same session "
           "cookie) and send its csrfToken as the X-CSRFToken header")


def install() -> None:
    """Wrap ``core.schema._check_csrf_token`` (looked up by name where core calls it)."""
    from core import schema

    check = schema._check_csrf_token
    if getattr(check, "openimis_host_wrapped", False):
        return

    def checked(request):
        try:
            check(request)
        except KeyError:  # no token in the session, or no X-CSRFToken header
            raise PermissionDenied(MISSING) from None

    checked.openimis_host_wrapped = True
    schema._check_csrf_token = checked
