"""The JWT cookie on the GraphQL endpoint's responses: set at login, deleted at logout.

Two logins can ask for it. The host's own ``tokenAuth`` and ``revokeToken``
(graphql.py) leave the token (or ``""``) in ``request.openimis_jwt_cookie``.
openIMIS's core uses django-graphql-jwt, whose mutations write the cookie only
when the view says it carries one (``request.jwt_cookie``, as its ``jwt_cookie``
decorator does): then ``tokenAuth`` and ``refreshToken`` leave the new token in
``request.jwt_token``, and ``deleteTokenCookie`` / ``deleteRefreshTokenCookie``
set ``request.delete_jwt_cookie`` / ``request.delete_refresh_token_cookie``.
openIMIS's frontend depends on that cookie: it asks ``tokenAuth`` for
``refreshExpiresIn`` only, never for the token.

Whichever login wrote it, the cookie gets the host's one policy: HttpOnly, the
JWT lifetime, SameSite=JWT_COOKIE_SAMESITE (Lax), Secure unless DEBUG (the
response headers middleware drops Secure over plain HTTP, with a warning).
"""

from __future__ import annotations

from django.conf import settings


def prepare(request) -> None:
    """Tell django-graphql-jwt's mutations that this response can carry the cookie."""
    request.jwt_cookie = True


def apply(request, response) -> None:
    """Set or delete the JWT cookie on ``response`` as the request's mutations asked."""
    token = getattr(request, "openimis_jwt_cookie", None)  # set by tokenAuth, "" by revokeToken
    if token is None:
        token = getattr(request, "jwt_token", None)  # django-graphql-jwt's tokenAuth, refreshToken
    if token == "" or getattr(request, "delete_jwt_cookie", False):
        response.delete_cookie(settings.JWT_COOKIE_NAME, samesite=settings.JWT_COOKIE_SAMESITE)
    elif token:
        response.set_cookie(settings.JWT_COOKIE_NAME, token, max_age=settings.JWT_EXPIRATION,
                            secure=settings.JWT_COOKIE_SECURE, httponly=True,
                            samesite=settings.JWT_COOKIE_SAMESITE)
    if getattr(request, "delete_refresh_token_cookie", False):
        from graphql_jwt.settings import jwt_settings

        response.delete_cookie(jwt_settings.JWT_REFRESH_TOKEN_COOKIE_NAME,
                               samesite=settings.JWT_COOKIE_SAMESITE)
