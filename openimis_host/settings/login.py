"""Logging in: JWT (keys, algorithm, the cookie), the remote user, the authentication
backends, and django-axes' lockout after failed logins."""

from datetime import timedelta

from openimis_host.security import keys

from .core import DEBUG, SECRET_KEY, env

# --- authentication: JWT, remote user (security/) -------------------------------
# RS256 when a key pair is given (JWT_PRIVATE_KEY/JWT_PUBLIC_KEY PEM text, or
# jwt_private_key.pem/jwt_public_key.pem in JWT_KEYS_DIR), else HS256 with SECRET_KEY.
JWT_KEYS_DIR = env.str("JWT_KEYS_DIR", "keys")
_jwt = keys.load_jwt_keys(secret_key=SECRET_KEY, keys_dir=JWT_KEYS_DIR,
                          private_pem=env.str("JWT_PRIVATE_KEY"),
                          public_pem=env.str("JWT_PUBLIC_KEY"),
                          password=env.str("JWT_PRIVATE_KEY_PASSWORD"))
JWT_ALGORITHM, JWT_SIGNING_KEY, JWT_VERIFYING_KEY = (
    _jwt.algorithm, _jwt.signing_key, _jwt.verifying_key)
JWT_EXPIRATION = env.int("JWT_EXPIRATION", 24 * 3600, minimum=1)  # seconds
JWT_COOKIE_NAME = "JWT"
JWT_COOKIE_SECURE = not DEBUG
JWT_COOKIE_SAMESITE = "Lax"
# The host's tokenAuth mutation; off when openIMIS's core, whose tokenAuth is the login, is in use.
HOST_TOKEN_AUTH = True
# A dotted path: verifies the tokens of another login instead of the host's (legacy/jwt.py).
JWT_USER_FOR_TOKEN = None
REMOTE_USER_AUTHENTICATION = env.bool("REMOTE_USER_AUTHENTICATION", False)
# The request.META key a trusted proxy fills in; HTTP_REMOTE_USER is its "Remote-User" header.
REMOTE_USER_HEADER_NAME = env.str("REMOTE_USER_HEADER_NAME", "HTTP_REMOTE_USER")
# django-axes first: it refuses every login (admin, tokenAuth, a module's authenticate())
# while the user name or the client is locked out (security/lockout.py).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend",
                           "django.contrib.auth.backends.ModelBackend"] + (
    ["django.contrib.auth.backends.RemoteUserBackend"] if REMOTE_USER_AUTHENTICATION else [])

# --- failed logins: django-axes (security/lockout.py) -------------------------------
AXES_ENABLED = env.bool("AXES_ENABLED", True)
# After this many failed logins, a user name is locked (whatever the client), and so is
# a client (whatever the user names), for AXES_COOLOFF_TIME minutes; 0: until
# `openimis-host axes_reset`.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", 5, minimum=1)
_cooloff = env.int("AXES_COOLOFF_TIME", 15, minimum=0)
AXES_COOLOFF_TIME = timedelta(minutes=_cooloff) if _cooloff else None
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The database: one count for every gunicorn worker and every server (needs migrate).
AXES_HANDLER = "openimis_host.security.axes_handler.DatabaseHandler"  # counts once per request
# Where the client address is read: REMOTE_ADDR, which a client cannot forge. Behind a
# proxy every client has the proxy's address: set HTTP_X_FORWARDED_FOR,REMOTE_ADDR only
# if that proxy overwrites X-Forwarded-For and is the only way in.
AXES_IPWARE_META_PRECEDENCE_ORDER = tuple(env.list("AXES_IPWARE_META_PRECEDENCE_ORDER",
                                                   ["REMOTE_ADDR"]))
AXES_LOCKOUT_CALLABLE = "openimis_host.security.lockout.lockout_response"
# The user name as django-axes records it, cut to its 255-character column.
AXES_USERNAME_CALLABLE = "openimis_host.security.lockout.client_username"
AXES_HTTP_RESPONSE_CODE = 429
