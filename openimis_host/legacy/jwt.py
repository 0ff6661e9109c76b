"""core's tokens, accepted by the host's own authentication (one login).

With openIMIS's core installed its ``tokenAuth`` (django-graphql-jwt, with
core's per-user signing keys) is the login. The host's authentication (the
middleware for GraphQL and plain views, the DRF class, the JWT cookie) verifies
those tokens with django-graphql-jwt's own functions, configured by
legacy/settings.py with the host's algorithm and keys: the algorithm is pinned,
never read from the token, and expiry is always checked.
"""

from __future__ import annotations

from ..security.tokens import InvalidToken


def user_for_token(token: str):
    """The active user a core token names; :class:`InvalidToken` if it is not valid."""
    from graphql_jwt.exceptions import JSONWebTokenError, JSONWebTokenExpired
    from graphql_jwt.utils import get_payload, get_user_by_payload

    try:
        user = get_user_by_payload(get_payload(token))
    except JSONWebTokenExpired:
        raise InvalidToken("token_expired", "the token has expired") from None
    except (JSONWebTokenError, ValueError, TypeError, LookupError):
        # One message for every other failure, as for the host's own tokens.
        raise InvalidToken("invalid_token", "the token is invalid") from None
    if user is None or not user.is_active:
        raise InvalidToken("invalid_token", "the token's user does not exist or is inactive")
    return user
