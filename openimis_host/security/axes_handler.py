"""django-axes' database handler, asked once per request for a login's failure count.

openIMIS's ``tokenAuth`` authenticates twice in one request (core's own check, then
django-graphql-jwt's), and django-axes' backend counts the failures before each: by user
name and by client (AXES_LOCKOUT_PARAMETERS), one query each, four in all. Within one
request the count changes only when a failure or a login is recorded, and both forget
what was kept; so the second check reads the first one's count from the request. Nothing
is kept across requests: each request counts afresh in the database, which all workers share.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username

_MEMO = "_openimis_axes_failures"


def _forget(request) -> None:
    if request is not None:
        request.__dict__.pop(_MEMO, None)


class DatabaseHandler(AxesDatabaseHandler):
    """AXES_HANDLER: django-axes' database handler with the per-request count above."""

    def get_failures(self, request, credentials=None) -> int:
        """The failures of this client and user name, counted once per request and user name."""
        memo = request.__dict__.setdefault(_MEMO, {})
        key = get_client_username(request, credentials)
        if key not in memo:
            memo[key] = super().get_failures(request, credentials)
        return memo[key]

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        """Record the failure (django-axes), and forget the count it changed."""
        _forget(request)
        try:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        finally:
            _forget(request)

    def user_logged_in(self, sender, request, user, **kwargs):
        """Record the login (django-axes may reset the failures), and forget the count."""
        try:
            return super().user_logged_in(sender, request, user, **kwargs)
        finally:
            _forget(request)
