"""Issuing and verifying the host's JSON Web Tokens (PyJWT).

The verifying algorithm is pinned to the one the host signs with
(``settings.JWT_ALGORITHM``), never read from the token: this is what refuses
``alg: none`` tokens and HS256 tokens "signed" with the RS256 public key.
"""

from __future__ import annotations

import time

from django.conf import settings

# PyJWT (and cryptography, which it loads) is imported on first use: DRF imports
# the authentication classes, and so this module, while Django starts, and a
# tenth of a small host's boot would go to a library no request has needed yet. The
# gunicorn master imports it before forking (gunicorn_conf.on_starting).

#: Claims every accepted token must carry. ("cred" too, but auth.py checks it after the
#: expiry, so that an expired token is reported as expired: see revocation.py.)
REQUIRED_CLAIMS = ["exp", "iat", "sub"]


class InvalidToken(Exception):
    """A token that cannot be accepted; ``code`` is machine-readable, ``message`` for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def issue(user) -> tuple[str, int]:
    """A signed token for ``user`` and its expiry (seconds since the epoch)."""
    from . import revocation

    now = int(time.time())
    exp = now + settings.JWT_EXPIRATION
    claims = {"sub": str(user.pk), "username": user.get_username(), "iat": now, "exp": exp,
              revocation.CLAIM: revocation.credential(user, revocation.current_version(user))}
    import jwt

    return jwt.encode(claims, settings.JWT_SIGNING_KEY, algorithm=settings.JWT_ALGORITHM), exp


def verify(token: str) -> dict:
    """The claims of a valid token; :class:`InvalidToken` otherwise."""
    import jwt

    try:
        return jwt.decode(token, settings.JWT_VERIFYING_KEY, algorithms=[settings.JWT_ALGORITHM],
                          options={"require": REQUIRED_CLAIMS})
    except jwt.ExpiredSignatureError:
        raise InvalidToken("token_expired", "the token has expired") from None
    except jwt.InvalidTokenError:
        # One message for every other failure: telling a forger which check
        # failed (signature, algorithm, claims) would only help them.
        raise InvalidToken("invalid_token", "the token is invalid") from None
