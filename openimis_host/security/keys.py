"""Vetting the secret key and loading the JWT key pair, for ``settings/core.py`` and ``settings/login.py``.

Both run while the settings module is imported, so every problem is a
:class:`~openimis_host.errors.ConfigError` naming the variable or file: the CLI
and gunicorn print it as one line and refuse to start.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError

#: Django's ``check --deploy`` (security.W009) wants at least this many characters.
MIN_SECRET_KEY_LENGTH = 50
#: Keys published in source code. The first is the fallback the openIMIS
#: backend assembly ships; anyone can forge its sessions and HS256 tokens.
PUBLISHED_SECRET_KEYS = frozenset({
    "chv^^7i_v3-04!rzu&qe#+h*a=%h(ib#5w9n$!f2q7%2$qp=zz",
})
GENERATE = "python -c 'import secrets; print(secrets.token_urlsafe(50))'"

PRIVATE_KEY_FILE = "jwt_private_key.pem"
PUBLIC_KEY_FILE = "jwt_public_key.pem"
MIN_RSA_BITS = 2048


def refuse_weak_secret_key(key: str | None, development_key: str) -> None:
    """Raise ConfigError unless ``key`` is fit to run MODE=PROD."""
    if key is None:
        problem = "is not set"
    elif key == development_key or key in PUBLISHED_SECRET_KEYS:
        problem = "is a published default key"
    elif key.startswith("django-insecure-"):
        problem = "is a development key made by django-admin startproject (django-insecure-...)"
    elif len(key) < MIN_SECRET_KEY_LENGTH:
        problem = f"is too short ({len(key)} characters, at least {MIN_SECRET_KEY_LENGTH} needed)"
    elif len(set(key)) < 5:
        problem = "has fewer than 5 distinct characters"
    else:
        return
    raise ConfigError(f"SECRET_KEY {problem}: MODE=PROD needs a long random SECRET_KEY, "
                      f"e.g. {GENERATE}")


@dataclass(frozen=True)
class JWTKeys:
    """How tokens are signed and verified: RS256 with a key pair, else HS256 with SECRET_KEY."""

    algorithm: str
    signing_key: object  # an RSA private key object, or the secret string
    verifying_key: object  # an RSA public key object, or the secret string


def load_jwt_keys(*, secret_key: str, keys_dir: str, private_pem: str | None,
                  public_pem: str | None, password: str | None) -> JWTKeys:
    """RS256 from JWT_PRIVATE_KEY/JWT_PUBLIC_KEY, else from the files in ``keys_dir``;
    else HS256 with the secret key."""
    if private_pem or public_pem:
        if not (private_pem and public_pem):
            missing = "JWT_PUBLIC_KEY" if private_pem else "JWT_PRIVATE_KEY"
            raise ConfigError(f"{missing} is not set: RS256 needs both JWT_PRIVATE_KEY and "
                              "JWT_PUBLIC_KEY (PEM text), or neither for HS256 with SECRET_KEY")
        return _rsa(private_pem.encode(), public_pem.encode(), password,
                    "JWT_PRIVATE_KEY", "JWT_PUBLIC_KEY")
    directory = Path(keys_dir)
    private, public = directory / PRIVATE_KEY_FILE, directory / PUBLIC_KEY_FILE
    if private.is_file() or public.is_file():
        if not (private.is_file() and public.is_file()):
            present, absent = (private, public) if private.is_file() else (public, private)
            raise ConfigError(f"{present} exists but {absent} does not: RS256 needs both "
                              f"files in JWT_KEYS_DIR={keys_dir!r} (or neither, for HS256 "
                              "with SECRET_KEY)")
        try:
            private_bytes, public_bytes = private.read_bytes(), public.read_bytes()
        except OSError as exc:
            raise ConfigError(f"cannot read the JWT keys in JWT_KEYS_DIR={keys_dir!r}: "
                              f"{exc.strerror} ({exc.filename})") from None
        return _rsa(private_bytes, public_bytes, password, str(private), str(public))
    return JWTKeys("HS256", secret_key, secret_key)


def _rsa(private_pem: bytes, public_pem: bytes, password: str | None,
         private_name: str, public_name: str) -> JWTKeys:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        private = serialization.load_pem_private_key(
            private_pem, password.encode() if password else None)
    except TypeError:  # encrypted without a password, or a password for a plain key
        raise ConfigError(f"{private_name} is encrypted: set JWT_PRIVATE_KEY_PASSWORD"
                          if not password else
                          f"JWT_PRIVATE_KEY_PASSWORD is set but {private_name} is not encrypted: "
                          "unset JWT_PRIVATE_KEY_PASSWORD") from None
    except ValueError:
        wrong_password = " (or JWT_PRIVATE_KEY_PASSWORD is wrong)" if password else ""
        raise ConfigError(f"{private_name} is not a PEM private key{wrong_password}") from None
    try:
        public = serialization.load_pem_public_key(public_pem)
    except ValueError:
        raise ConfigError(f"{public_name} is not a PEM public key") from None
    if not isinstance(private, rsa.RSAPrivateKey) or not isinstance(public, rsa.RSAPublicKey):
        raise ConfigError(f"{private_name} and {public_name} must be RSA keys for RS256")
    if private.key_size < MIN_RSA_BITS:
        raise ConfigError(f"{private_name} is a {private.key_size}-bit RSA key: "
                          f"use at least {MIN_RSA_BITS} bits")
    if private.public_key().public_numbers() != public.public_numbers():
        raise ConfigError(f"{public_name} is not the public key of {private_name}: "
                          "tokens signed with one could not be verified with the other")
    return JWTKeys("RS256", private, public)
