"""core's tokens, accepted by the host's own authentication (one login), and revocable like
the host's.

With openIMIS's core installed its ``tokenAuth`` (django-graphql-jwt, with
core's per-user signing keys) is the login. The host's authentication (the
middleware for GraphQL and plain views, the DRF class, the JWT cookie) verifies
those tokens with django-graphql-jwt's own functions, configured by
legacy/settings.py with the host's algorithm and keys: the algorithm is pinned,
never read from the token, and expiry is always checked.

Revocation: django-graphql-jwt builds every token's payload with :func:`payload`,
which adds the host's ``cred`` claim (security/revocation.py), and decodes every
token with :func:`decode`, which checks it after core's own decoding. So a
revocation (``revokeAllTokens``, ``openimis-host revoke_tokens``, a logout of the
admin) ends core's tokens exactly as it ends the host's, everywhere they are read:
the Authorization header, the JWT cookie, core's ``refreshToken`` (a revoked token
cannot be refreshed into a valid one) and core's own DRF authentication.
"""

from __future__ import annotations

from graphql_jwt.exceptions import JSONWebTokenError

from ..security.tokens import InvalidToken

_NOT_LOADED = object()


class TokenRevoked(JSONWebTokenError):
    """A token whose ``cred`` claim is not the user's current one (or that has none)."""

    default_message = "the token was revoked (a logout, a password change): log in again"


def payload(user, context=None) -> dict:
    """django-graphql-jwt's payload for ``user``, with the host's ``cred`` claim
    (GRAPHQL_JWT's JWT_PAYLOAD_HANDLER)."""
    from graphql_jwt.utils import jwt_payload

    from ..security import revocation

    claims = jwt_payload(user, context)
    claims[revocation.CLAIM] = revocation.credential(user, revocation.current_version(user))
    return claims


def decode(token: str, context=None) -> dict:
    """core's decoding (the user's own key), then the ``cred`` check (JWT_DECODE_HANDLER);
    :class:`TokenRevoked` if the claim does not match."""
    return _verified(token, context)[0]


def _verified(token: str, context=None):
    """(claims, user or None): the token verified with its user's key, then the ``cred`` check.

    core's rule for the key (``core.jwt.jwt_decode_user_key``): the one of the user the
    token names, their ``InteractiveUser.private_key``, else the site's key; then every check
    of django-graphql-jwt's settings (signature, expiry, audience, issuer, the one algorithm).
    core's function loads the user twice for that key (the user, then their InteractiveUser)
    and the ``cred`` check needed it a third time: here the user, with the InteractiveUser
    and TechnicalUser that hold the password, is loaded once, and serves all three; on
    PostgreSQL that one query also reads the user's token version.
    """
    import jwt
    from core.jwt import get_jwt_key
    from django.contrib.auth import get_user_model
    from django.db import connections
    from graphql_jwt.settings import jwt_settings

    from ..security import revocation

    # Unverified, only for the name of the user whose key verifies it below.
    username = jwt.decode(token, options={"verify_signature": False}).get("username")
    user = None
    if isinstance(username, str) and username:
        # core's User reads ``password`` from its InteractiveUser (or TechnicalUser).
        users = get_user_model()._default_manager.filter(username=username).select_related(
            "i_user", "t_user")
        if connections[users.db].vendor == "postgresql":
            # PostgreSQL writes core's uuid keys as str() does: the version in the same query.
            users = users.annotate(_openimis_token_version=revocation.outer_version_subquery())
        user = users.first()
    key = getattr(getattr(user, "i_user", None), "private_key", None) or get_jwt_key(encode=False)
    claims = jwt.decode(
        token, key, algorithms=[jwt_settings.JWT_ALGORITHM], leeway=jwt_settings.JWT_LEEWAY,
        audience=jwt_settings.JWT_AUDIENCE, issuer=jwt_settings.JWT_ISSUER,
        options={"verify_exp": jwt_settings.JWT_VERIFY_EXPIRATION,
                 "verify_aud": jwt_settings.JWT_AUDIENCE is not None,
                 "verify_signature": jwt_settings.JWT_VERIFY})
    if claims.get("username") != username or user is None:
        return claims, None  # django-graphql-jwt refuses a payload without a user itself
    version = getattr(user, "_openimis_token_version", _NOT_LOADED)
    if version is _NOT_LOADED:
        version = revocation.current_version(user)
    if not revocation.matches(user, version, claims.get(revocation.CLAIM)):
        raise TokenRevoked()
    return claims, user


def user_for_token(token: str):
    """The active user a core token names; :class:`InvalidToken` if it is not valid.

    The user loaded for the ``cred`` check is the one returned."""
    import jwt

    try:
        _, user = _verified(token)
    except jwt.ExpiredSignatureError:
        raise InvalidToken("token_expired", "the token has expired") from None
    except TokenRevoked as exc:
        raise InvalidToken("token_revoked", str(exc)) from None
    except (jwt.InvalidTokenError, JSONWebTokenError, ValueError, TypeError, LookupError):
        # One message for every other failure, as for the host's own tokens.
        raise InvalidToken("invalid_token", "the token is invalid") from None
    if user is None or not user.is_active:
        raise InvalidToken("invalid_token", "the token's user does not exist or is inactive")
    return user
