"""Logging out of openIMIS's core means logged out: core's logout mutations use the host's
revocation.

core's schema has django-graphql-jwt's ``revokeToken(refreshToken)``, which
revokes one long-running refresh token (openIMIS issues none: its tokens are
refreshed with ``refreshToken``), and ``deleteTokenCookie``, which openIMIS's
frontend calls to log out and which only deletes the cookie: the token itself
stayed valid until it expired. Under the host (:func:`install`):

- ``revokeToken`` ends every token and Django session of the user (the host's
  :func:`~openimis_host.security.revocation.revoke`): the caller's, or, from a
  client that is not logged in, those of the refresh token's owner. Without
  either it is a client error ("Refresh token is required"), never a server fault;
- ``deleteTokenCookie`` does the same for the user that the deleted cookie logged in;
- a revocation also revokes the user's django-graphql-jwt refresh tokens.

Core's tokens carry the host's ``cred`` claim (jwt.py), which is what makes the
revocation end them. The host's ``revokeAllTokens`` does the same for any user.
"""

from __future__ import annotations

from calendar import timegm

from django.utils import timezone


def install() -> None:
    """Wrap django-graphql-jwt's Revoke and DeleteJSONWebTokenCookie (once), and end refresh
    tokens on each revocation."""
    from graphql_jwt.mixins import DeleteJSONWebTokenCookieMixin
    from graphql_jwt.refresh_token.mutations import Revoke

    from ..security import revocation

    revocation.tokens_revoked.connect(_revoke_refresh_tokens, dispatch_uid="openimis_host.legacy")
    # The fields were made (core's schema) with Revoke.mutate as resolver, which calls
    # cls.revoke and cls.delete_cookie by name: those are what can still be replaced.
    if not getattr(Revoke.revoke.__func__, "openimis_host_wrapped", False):
        _revoke_token.openimis_host_wrapped = True
        Revoke.revoke = classmethod(_revoke_token)
    delete = DeleteJSONWebTokenCookieMixin.delete_cookie.__func__
    if not getattr(delete, "openimis_host_wrapped", False):
        def delete_cookie(cls, root, info, **kwargs):
            result = delete(cls, root, info, **kwargs)
            user = getattr(info.context, "user", None)
            if result.deleted and user is not None and user.is_authenticated:
                revocation.revoke(user)  # the frontend's logout: the token ends with the cookie
            return result

        delete_cookie.openimis_host_wrapped = True
        DeleteJSONWebTokenCookieMixin.delete_cookie = classmethod(delete_cookie)


def _revoke_token(cls, root, info, refresh_token=None, **kwargs):
    from graphql_jwt.exceptions import JSONWebTokenError
    from graphql_jwt.refresh_token.shortcuts import get_refresh_token
    from graphql_jwt.settings import jwt_settings

    from ..security import revocation

    request = info.context
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        refresh_token = refresh_token or request.COOKIES.get(
            jwt_settings.JWT_REFRESH_TOKEN_COOKIE_NAME)
        if not refresh_token:
            raise JSONWebTokenError("Refresh token is required (or send the token to revoke as "
                                    "Authorization: Bearer <token>, or the JWT cookie)")
        user = get_refresh_token(refresh_token, request).user  # "Invalid refresh token" if none
    revocation.revoke(user)
    request.delete_jwt_cookie = True
    return cls(revoked=timegm(timezone.now().utctimetuple()))


def _revoke_refresh_tokens(sender, user, **kwargs):
    from django.apps import apps

    if not apps.is_installed("graphql_jwt.refresh_token"):
        return
    from graphql_jwt.refresh_token.utils import get_refresh_token_model

    get_refresh_token_model().objects.filter(user=user, revoked__isnull=True).update(
        revoked=timezone.now())
