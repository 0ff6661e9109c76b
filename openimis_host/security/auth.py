"""Who is calling: a JWT as ``Authorization: Bearer <token>`` (or ``JWT <token>``), or the JWT cookie.

``JWT`` is django-graphql-jwt's own prefix, which openIMIS's clients send. A header
that holds no token at all (openIMIS's frontend sends ``JWT undefined`` after a login
that set the cookie) does not override the cookie: with a cookie present, a header
value that is not shaped like a JWT counts as absent. A header that is not exactly
two words, a known scheme and a token, is no credential either (as django-graphql-jwt
reads it): the request is the cookie's, else anonymous, and never skips the CSRF check.
A JWT-shaped header is always the credential, and a bad one is answered with 401.

- :class:`AuthenticationMiddleware` authenticates every request (GraphQL and
  plain Django views see ``request.user``). A bad Bearer token is answered with
  401: the client sent it on purpose. A bad JWT *cookie* is ignored (the request
  is anonymous), so a browser holding an expired cookie can still log in again.
  A request authenticated by the Authorization header (``Bearer`` or ``JWT``) skips
  Django's CSRF check: a browser never adds that header by itself, so another site
  cannot forge it.
- :class:`JWTAuthentication` is the same for DRF views, which authenticate on
  their own. Like DRF's SessionAuthentication it applies the CSRF check to a
  request authenticated by the cookie, and not to one with the Bearer header.

The cookie is set by the ``tokenAuth`` mutation (see ``graphql.py``). On the
GraphQL endpoint, Django's CSRF middleware is off and ``graphql_csrf.py`` applies
the endpoint's own rule (form-encoded POSTs need the CSRF token); ``SameSite=Lax``
on the cookie is a second defence.
"""

from __future__ import annotations

from functools import partial

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.utils.module_loading import import_string
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed

from ..web.json_errors import error_response
from . import revocation, sessions
from .tokens import InvalidToken, verify

_UNSET = object()


def authenticate(request):
    """The user a request's token names, or None without a token; :class:`InvalidToken` if bad.

    Cached on the request: the middleware and DRF both ask.
    """
    cached = getattr(request, "_openimis_jwt_user", _UNSET)
    if cached is _UNSET:
        try:
            cached = _authenticate(request)
        except InvalidToken as exc:
            cached = exc
        request._openimis_jwt_user = cached
    if isinstance(cached, InvalidToken):
        raise cached
    return cached


#: The ``Authorization`` schemes that carry a token: RFC 6750's, and django-graphql-jwt's.
SCHEMES = ("bearer", "jwt")


def _bearer(request) -> str | None:
    """The token of the ``Authorization`` header, None if that header is not the credential."""
    cached = getattr(request, "_openimis_jwt_header", _UNSET)
    if cached is _UNSET:
        cached = request._openimis_jwt_header = _header_token(request)
    return cached


def _header_token(request) -> str | None:
    # Exactly "<scheme> <token>", as django-graphql-jwt reads it: a header of any other shape
    # (openIMIS's tests send "Bearer (1) admin [uuid]", a user printed) is no credential.
    words = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(words) != 2 or words[0].lower() not in SCHEMES:
        return None
    token = words[1]
    if token.count(".") != 2 and request.COOKIES.get(settings.JWT_COOKIE_NAME):
        return None  # "JWT undefined", "Bearer null": no token, and the cookie is one
    return token


def _authenticate(request):
    token = _bearer(request)
    if token is not None:
        return _user_for(token)
    cookie = request.COOKIES.get(settings.JWT_COOKIE_NAME)
    if cookie:
        try:
            return _user_for(cookie)
        except InvalidToken:
            return None
    return None


def _user_for(token: str):
    # JWT_USER_FOR_TOKEN: another issuer's tokens are the login (openIMIS's core: legacy/jwt.py).
    if settings.JWT_USER_FOR_TOKEN:
        return import_string(settings.JWT_USER_FOR_TOKEN)(token)
    return _user(verify(token))


def _user(claims: dict):
    sub = claims["sub"]
    try:
        # One query: the user, and its token version by a subquery (revocation.py).
        user = get_user_model()._default_manager.filter(pk=sub).annotate(
            _openimis_token_version=revocation.version_subquery(sub)).first()
    except (TypeError, ValueError):
        user = None
    if user is None or not user.is_active:
        raise InvalidToken("invalid_token", "the token's user does not exist or is inactive")
    if not revocation.matches(user, user._openimis_token_version, claims.get(revocation.CLAIM)):
        # Also a token without the claim, issued by a host before revocation existed.
        raise InvalidToken("token_revoked", "the token was revoked (a logout, a password "
                           "change): log in again")
    return user


def unauthorized(request, exc: InvalidToken):
    """401 with the ``WWW-Authenticate`` challenge RFC 6750 asks for."""
    return error_response(request, 401, exc.code, exc.message, headers={
        "WWW-Authenticate": f'Bearer error="invalid_token", error_description="{exc.message}"'})


def _resolved_user(request):
    user = request.user
    user.is_authenticated  # noqa: B018  evaluates a lazy user here, in a thread that may query
    return user


async def _auser(request):
    """``request.auser()``: the user this middleware decided, for async views."""
    return await sync_to_async(_resolved_user)(request)


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's session authentication, then the JWT: a valid token sets ``request.user``.

    A bad Bearer token is answered with 401. One middleware rather than a second
    one after Django's: each layer costs every request a call.
    """

    def process_request(self, request):
        super().process_request(request)
        request.user = sessions.checked_user(request)  # a revocation ends sessions too
        # Django's async accessor would load the session's user again, unchecked: it must
        # answer whatever this middleware decides request.user is.
        request.auser = partial(_auser, request)
        meta = request.META
        if ("HTTP_AUTHORIZATION" not in meta
                and settings.JWT_COOKIE_NAME not in meta.get("HTTP_COOKIE", "")):
            return None  # no token of any kind: most requests, spared the parsing below
        try:
            user = authenticate(request)
        except InvalidToken as exc:
            return unauthorized(request, exc)
        if user is not None:
            request.user = user
            if _bearer(request) is not None:
                request._dont_enforce_csrf_checks = True  # honoured by CsrfViewMiddleware
        return None


class JWTAuthentication(BaseAuthentication):
    """DRF authentication class for the same tokens."""

    def authenticate(self, request):
        try:
            user = authenticate(request._request)
        except InvalidToken as exc:
            raise AuthenticationFailed(exc.message, code=exc.code) from None
        if user is None:
            return None
        if _bearer(request._request) is None:  # the cookie: a browser sends it by itself
            SessionAuthentication().enforce_csrf(request)
        return (user, None)

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to an unauthenticated request.
        return 'Bearer realm="api"'
