"""A revocation ends the user's Django sessions as well as its tokens.

Each session records, when its user logs in (Django's ``user_logged_in``), the
user's token version (revocation.py). A request authenticated by its session
whose recorded version is no longer the user's current one is a session opened
before a revocation (``revokeToken``, ``revokeAllTokens``, ``openimis-host
revoke_tokens``, core's ``revokeToken``): it is flushed and the request is
anonymous. This works with every session engine (database, cache, signed
cookies), none of which can list a user's sessions, and costs one query, only
for requests authenticated by a session. A session opened before the host
recorded versions counts as version 0.
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY as USER_ID_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.functional import SimpleLazyObject

from . import revocation

#: Where a session keeps the token version of its login.
VERSION_KEY = "_openimis_token_version"


@receiver(user_logged_in, dispatch_uid="openimis_host.session_token_version")
def _record_version(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and user is not None:
        request.session[VERSION_KEY] = revocation.current_version(user)


def checked_user(request):
    """``request.user`` (Django's lazy session user), ended if a revocation came after its login."""
    session_user = request.user

    def user():
        if USER_ID_KEY not in request.session:
            return session_user  # no login in this session: nothing to end
        if not session_user.is_authenticated:
            return session_user
        if request.session.get(VERSION_KEY, 0) != revocation.current_version(session_user):
            request.session.flush()  # not logout(): that would revoke the tokens once more
            return AnonymousUser()
        return session_user

    return SimpleLazyObject(user)
