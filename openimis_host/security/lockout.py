"""What a locked-out login gets, from django-axes (the AXES_* block of ``settings/login.py``).

django-axes counts failed logins in the database, per user name and per client
address, whatever the login surface: its backend comes first in
AUTHENTICATION_BACKENDS, so the admin, the ``tokenAuth`` mutation and any module
calling ``django.contrib.auth.authenticate(request, ...)`` are all refused while
locked, even with the right password. ``axes.middleware.AxesMiddleware`` then
replaces the response with :func:`lockout_response`:

- GraphQL and every other non-admin path: 429, a JSON error (code
  ``login_locked_out``) and ``Retry-After``;
- the admin login page: the page itself, with 429 and the lockout message as the
  form's error (:class:`AdminLoginForm`), so a person sees why.

A module that calls ``authenticate()`` without the request is not limited (django-axes
needs the client) and django-axes logs an error for each such call.
"""

from __future__ import annotations

import inspect

from axes.helpers import get_cool_off as _axes_cool_off
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from ..web.json_errors import error_response

# django-axes 6.4 (openIMIS's pin, the legacy extra) takes no request; later ones take it.
_COOL_OFF_TAKES_REQUEST = bool(inspect.signature(_axes_cool_off).parameters)


def get_cool_off(request):
    """AXES_COOLOFF_TIME for ``request``, on every django-axes the host supports."""
    return _axes_cool_off(request) if _COOL_OFF_TAKES_REQUEST else _axes_cool_off()


def lockout_message(request=None) -> str:
    """The sentence a locked-out client reads."""
    cool_off = get_cool_off(request)
    until = (f"try again in {int(cool_off.total_seconds() // 60) or 1} minutes" if cool_off
             else "an administrator must unlock it (openimis-host axes_reset)")
    return (f"too many failed logins for this user name or from this address "
            f"({settings.AXES_FAILURE_LIMIT}): logins are locked; {until}")


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the answer to a login refused or failed into a lockout."""
    if isinstance(original_response, dict):  # django-axes 6.4 calls (request, credentials)
        original_response = None
    if _is_admin(request) and original_response is not None \
            and original_response.get("Content-Type", "").startswith("text/html"):
        original_response.status_code = 429  # the login form, showing lockout_message()
        return original_response
    cool_off = get_cool_off(request)
    headers = {"Retry-After": str(int(cool_off.total_seconds()))} if cool_off else None
    return error_response(request, 429, "login_locked_out", lockout_message(request), headers)


def _is_admin(request) -> bool:
    return request.path.startswith(f"/{settings.SITE_ROOT}admin/")


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login form, saying "locked" rather than "wrong password" when it is."""

    def get_invalid_login_error(self):
        if getattr(self.request, "axes_locked_out", False):
            return ValidationError(lockout_message(self.request), code="locked_out")
        return super().get_invalid_login_error()


#: The length of django-axes's ``username`` columns (AccessAttempt, AccessLog...).
USERNAME_COLUMN = 255


def client_username(request, credentials=None) -> str | None:
    """AXES_USERNAME_CALLABLE: django-axes's own choice of user name, cut to its column.

    django-axes records a failed login under the name the client sent, in a
    255-character column: a longer name was a DataError on PostgreSQL (SQLite does
    not check), a 500 instead of the wrong-credentials answer, and the attempt went
    uncounted. Cut, the attempt is counted under its first 255 characters, which no
    real user name exceeds (Django's own column is 150).
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    if isinstance(username, str):
        return username[:USERNAME_COLUMN]
    return username
