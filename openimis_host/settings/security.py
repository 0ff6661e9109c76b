"""Security: the rate limit on /graphql, body size, CSRF, HTTPS, headers, cookies, the health token.

Read after cache.py: the rate limit's counters get a cache alias of their own (CACHES["ratelimit"]).
"""

import re

from openimis_host.errors import ConfigError
from openimis_host.security import ratelimit_settings

from .cache import CACHES
from .core import DEBUG, SITE_ROOT, env

# --- rate limit on the GraphQL endpoint (security/ratelimit.py, django-ratelimit) ----
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", True)
RATELIMIT_CACHE = env.str("RATELIMIT_CACHE", "default")  # a CACHES alias
# The counters live in that cache under a key prefix of their own (alias "ratelimit"), so
# that a module's cache.clear() on that cache (scoped to its prefix) leaves them alone.
RATELIMIT_USE_CACHE = "ratelimit"  # django-ratelimit's name for it
RATELIMIT_KEY = env.str("RATELIMIT_KEY", "ip")
RATELIMIT_RATE = env.str("RATELIMIT_RATE", "150/m")
RATELIMIT_METHOD = env.str("RATELIMIT_METHOD", "ALL")
RATELIMIT_GROUP = env.str("RATELIMIT_GROUP", "graphql")
# true: when the cache cannot be reached (down, timed out) requests go through
# unlimited; false: they are refused with 503.
RATELIMIT_SKIP_TIMEOUT = env.bool("RATELIMIT_SKIP_TIMEOUT", False)
RATELIMIT_FAIL_OPEN = RATELIMIT_SKIP_TIMEOUT  # the same, for django-ratelimit's own failures
RATELIMIT_METHODS = ratelimit_settings.methods("RATELIMIT_METHOD", RATELIMIT_METHOD)
ratelimit_settings.check(rate=RATELIMIT_RATE, key=RATELIMIT_KEY, cache=RATELIMIT_CACHE,
                         caches=CACHES)
CACHES["ratelimit"] = ratelimit_settings.counters_cache(CACHES[RATELIMIT_CACHE])

# --- HTTP --------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024, minimum=1)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS",
                                ["http://localhost:3000", "http://localhost:8000"])

# --- security: HTTPS, headers, cookies (README: Running in production) --------------------
# SecurityMiddleware sends HSTS (on HTTPS responses), nosniff, Referrer-Policy and
# does the SSL redirect; XFrameOptionsMiddleware sends X-Frame-Options;
# security/headers.py adds CSP and Permissions-Policy in PROD.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", not DEBUG)
# Behind a proxy that terminates TLS: trust its X-Forwarded-Proto. Only safe when
# clients cannot reach the host except through that proxy, which must overwrite
# the header. (gunicorn itself trusts it from FORWARDED_ALLOW_IPS, default 127.0.0.1.)
TRUST_X_FORWARDED_PROTO = env.bool("TRUST_X_FORWARDED_PROTO", False)
if TRUST_X_FORWARDED_PROTO:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers probe over plain HTTP (README: Under faults).
SECURE_REDIRECT_EXEMPT = [rf"^{re.escape(SITE_ROOT)}health/(live|ready)$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 0 if DEBUG else 63072000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on the host's
# own form POSTs and Django's CSRF check refuses the admin login (docs/security.md).
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = env.str("CONTENT_SECURITY_POLICY", "default-src 'self'")
PERMISSIONS_POLICY = env.str("PERMISSIONS_POLICY", "geolocation=(), microphone=()")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = not DEBUG
CSRF_FAILURE_VIEW = "openimis_host.web.json_errors.csrf_failure"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a request to be hard-coded into browsers; the seed's header omits it.
    "security.W021",
] + ([
    # SSL redirect off is right when the TLS-terminating proxy redirects and is trusted.
    "security.W008",
] if TRUST_X_FORWARDED_PROTO and not SECURE_SSL_REDIRECT else [])

# Who sees the details of /health and /health/ready in PROD besides staff users:
# requests with "X-Health-Token: <HEALTH_TOKEN>" (monitoring). Unset: staff only.
HEALTH_TOKEN = env.str("HEALTH_TOKEN")
if HEALTH_TOKEN and len(HEALTH_TOKEN) < 16:
    raise ConfigError("HEALTH_TOKEN is too short to keep secret: use at least 16 random characters, "
                      "e.g. python -c 'import secrets; print(secrets.token_urlsafe())'")
