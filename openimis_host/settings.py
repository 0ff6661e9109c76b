"""Django settings: the environment, then the installed modules.

Every variable an operator can set is read here, once, through
:class:`openimis_host.env.Environment`; the README lists them. Modules are
discovered at the end, and their apps, middleware and setting defaults folded in.
"""

import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from openimis_host import assembly, discovery, redis_databases
from openimis_host.env import Environment
from openimis_host.errors import ConfigError
from openimis_host.faults import backends, db_deadline, db_one_wait
from openimis_host.host import POLICIES, current_host
from openimis_host.legacy import settings as legacy_settings
from openimis_host.security import keys, ratelimit_settings

env = Environment()

# --- mode ------------------------------------------------------------------
MODE = env.choice("MODE", "DEV", ("DEV", "PROD"))
DEBUG = MODE == "DEV"
DEV_SECRET_KEY = "openimis-host-insecure-development-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", DEV_SECRET_KEY if DEBUG else None)
if not DEBUG:
    # Missing, short, or published (this host's DEV key, openIMIS's fallback, django-insecure-*).
    keys.refuse_weak_secret_key(SECRET_KEY, DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", env.list("ALLOWED_HOST", ["*"] if DEBUG else []))
if not DEBUG and (not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS):
    raise ConfigError(f"ALLOWED_HOSTS={','.join(ALLOWED_HOSTS)!r}: MODE=PROD needs the host names "
                      "clients use, comma-separated, e.g. ALLOWED_HOSTS=imis.example.org "
                      "('*' would accept any Host header)")

# SITE_ROOT "api" serves everything under /api/: modules at /api/<module>/.
SITE_ROOT = env.str("SITE_ROOT", "").strip("/")
SITE_ROOT = f"{SITE_ROOT}/" if SITE_ROOT else ""
SITE_URL = env.str("SITE_URL", "")
FRONTEND_URL = env.str("FRONTEND_URL", "")

# --- database --------------------------------------------------------------
ENGINES = {
    "postgresql": env.str("PSQL_DB_ENGINE", "django.db.backends.postgresql"),
    "mssql": env.str("MSSQL_DB_ENGINE", "mssql"),
}
NO_DATABASE = env.bool("NO_DATABASE", False)
DEFAULT_SQLITE_PATH = ".run/db.sqlite3"  # relative to the working directory, like .env
DB_DEFAULT = env.choice("DB_DEFAULT", "postgresql", tuple(ENGINES))
_db_engine = env.str("DB_ENGINE")
if NO_DATABASE or not env.is_set("DB_NAME"):
    _stray = [v for v in ("DB_HOST", "DB_PORT", "DB_USER", "DB_PASSWORD", "DB_ENGINE")
              if env.is_set(v)]
    if _stray and not NO_DATABASE:
        raise ConfigError(f"{', '.join(_stray)} set but DB_NAME is not: set DB_NAME to use that "
                          "database server, or unset them to use the embedded SQLite database")
    # One default for every process started in this directory (scripts/serve's gunicorn,
    # `openimis-host migrate`, `createsuperuser`, `scheduler`), so they share one database.
    DATABASES = {"default": {
        # Django's SQLite backend; it creates .run/ on first connection (sqlite/base.py).
        "ENGINE": "openimis_host.sqlite",
        "NAME": str(Path(env.str("SQLITE_PATH", DEFAULT_SQLITE_PATH)).resolve()),
        # Only for the default: a SQLITE_PATH in a missing directory is the operator's mistake.
        "CREATE_DIRECTORY": not env.is_set("SQLITE_PATH"),
        "OPTIONS": {"timeout": 20},
    }}
else:
    _engine = ENGINES.get(_db_engine, _db_engine) if _db_engine else ENGINES[DB_DEFAULT]
    DATABASES = {"default": {
        "ENGINE": _engine,
        "HOST": env.str("DB_HOST", "localhost"),
        "PORT": env.int("DB_PORT", None, minimum=1,
                        example=1433 if "mssql" in _engine else 5432) or "",
        "NAME": env.str("DB_NAME"),
        "USER": env.str("DB_USER", ""),
        "PASSWORD": env.str("DB_PASSWORD", ""),
        "OPTIONS": env.dict("DB_OPTIONS", {}),
        "CONN_MAX_AGE": env.int("DB_CONN_MAX_AGE", 60, minimum=0),
        # Django checks a reused connection only when a request first uses it (and
        # after an error), so requests that never touch the database pay nothing.
        "CONN_HEALTH_CHECKS": True,
    }}
    backends.require_driver(DATABASES["default"]["ENGINE"])
# A frozen database must not freeze the host (README: Under faults). Seconds; 0: none.
# `openimis-host` commands (migrate, scheduler, celery, ...) run without a statement
# timeout unless DB_STATEMENT_TIMEOUT is set (cli.py); gunicorn has the default.
DB_CONNECT_TIMEOUT = env.int("DB_CONNECT_TIMEOUT", 5, minimum=2)  # libpq's minimum is 2
DB_STATEMENT_TIMEOUT = env.int("DB_STATEMENT_TIMEOUT", 10, minimum=0)
backends.postgresql_timeouts(DATABASES, DB_CONNECT_TIMEOUT, DB_STATEMENT_TIMEOUT)
db_deadline.install(DATABASES, DB_STATEMENT_TIMEOUT)
db_one_wait.install(DATABASES)  # and a request waits on it once
if env.is_set("DB_TEST_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env.str("DB_TEST_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DJANGO_MIGRATE = env.bool("DJANGO_MIGRATE", False)
# `openimis-host start`: seconds to wait for the database server before giving up.
DB_WAIT_SECONDS = env.int("DB_WAIT_SECONDS", 60, minimum=0)
# Where openimis-be_py read its module list: never loaded here, only compared with
# what is installed by `check` (openimis_json.py, openimis.W007).
OPENIMIS_CONF_JSON = env.str("OPENIMIS_CONF_JSON", "")
OPENIMIS_CONF = env.str("OPENIMIS_CONF", "")

# --- cache -----------------------------------------------------------------
CACHE_BACKENDS = {
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    # Django's, with clear() scoped to the cache's own keys (redis_cache.py).
    "redis": "openimis_host.redis_cache.RedisCache",
    "django.core.cache.backends.redis.rediscache": "openimis_host.redis_cache.RedisCache",
    "pymemcache": "django.core.cache.backends.memcached.PyMemcacheCache",
    "db": "django.core.cache.backends.db.DatabaseCache",
    "file": "django.core.cache.backends.filebased.FileBasedCache",
    "dummy": "django.core.cache.backends.dummy.DummyCache",
}
_cache_backend = env.str("CACHE_BACKEND", "locmem")
CACHES = {"default": {
    "BACKEND": CACHE_BACKENDS.get(_cache_backend.lower(), _cache_backend),
    "LOCATION": env.str("CACHE_URL", ""),
    "OPTIONS": env.dict("CACHE_OPTIONS", {}),
}}
backends.require_cache_library(CACHES["default"]["BACKEND"], _cache_backend)
# A frozen or unreachable cache costs at most this many seconds per request (CACHE_OPTIONS wins).
CACHE_TIMEOUT = env.float("CACHE_TIMEOUT", 1.0)
if CACHE_TIMEOUT <= 0:
    raise ConfigError(f"CACHE_TIMEOUT={CACHE_TIMEOUT} is not valid: expected seconds > 0, e.g. 1")
backends.cache_timeouts(CACHES, CACHE_TIMEOUT)

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
ROOT_URLCONF = "openimis_host.urls"

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
CSRF_FAILURE_VIEW = "openimis_host.json_errors.csrf_failure"
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
WSGI_APPLICATION = "openimis_host.wsgi.application"
# openIMIS runs with USE_TZ=False (its databases hold local, naive times); the default
# follows whether openIMIS's core is installed (section "openIMIS modules" below).
USE_TZ = env.bool("USE_TZ", not legacy_settings.installed())
TIME_ZONE = env.str("TIME_ZONE", "UTC")
try:
    ZoneInfo(TIME_ZONE)
except (ValueError, LookupError):  # a malformed key, or ZoneInfoNotFoundError
    raise ConfigError(f"TIME_ZONE={TIME_ZONE!r} is not valid: expected an IANA zone name "
                      "such as UTC or Africa/Dar_es_Salaam") from None
LANGUAGE_CODE = env.str("LANGUAGE_CODE", "en")

# --- static files (staticfiles.py: WhiteNoise, from each app's package) --------------
STATIC_URL = f"/{SITE_ROOT}static/"
STATIC_ROOT = env.str("STATIC_ROOT", str(Path("static").resolve()))  # only for collectstatic
# Serve the apps' files where they are installed: nothing to collect before gunicorn starts.
WHITENOISE_USE_FINDERS = True

# --- email -------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
                        if DEBUG else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ConfigError("EMAIL_USE_TLS and EMAIL_USE_SSL are both true: set only one of them")

# --- scheduler ---------------------------------------------------------------
# Exactly one process in the deployment runs the modules' tasks (README: Scheduled tasks).
# embedded: APScheduler in `openimis-host scheduler`, or in the gunicorn workers with
# SCHEDULER_AUTOSTART; they compete for a lock in the database and only its holder runs.
# celery: `openimis-host celery worker` runs the tasks, `openimis-host celery beat` sends them.
SCHEDULER_BACKEND = env.choice("SCHEDULER_BACKEND", "embedded", ("embedded", "celery"))
SCHEDULER_AUTOSTART = env.bool("SCHEDULER_AUTOSTART", False)
# The holder renews the lock every LOCK_SECONDS/5 and others retry as often; a dead holder
# is replaced within LOCK_SECONDS/5 on PostgreSQL, within LOCK_SECONDS * 1.2 on other databases.
SCHEDULER_LOCK_SECONDS = env.int("SCHEDULER_LOCK_SECONDS", 10, minimum=2)
SCHEDULER_HISTORY_RUNS = env.int("SCHEDULER_HISTORY_RUNS", 1000, minimum=1)  # kept per task
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL")
CELERY_QUEUE = env.str("CELERY_QUEUE", "openimis")  # one per deployment sharing a broker
if CELERY_BROKER_URL and "://" not in CELERY_BROKER_URL:
    raise ConfigError(f"CELERY_BROKER_URL={CELERY_BROKER_URL!r} is not valid: expected a URL "
                      "like amqp://user:password@host:5672// or redis://host:6379/0")
redis_databases.refuse_shared(CACHES["default"]["BACKEND"], CACHES["default"]["LOCATION"],
                              CELERY_BROKER_URL)
if SCHEDULER_BACKEND == "celery" and not CELERY_BROKER_URL:
    raise ConfigError("SCHEDULER_BACKEND=celery needs CELERY_BROKER_URL, e.g. "
                      "amqp://guest:guest@rabbitmq:5672// or redis://redis:6379/0")
if SCHEDULER_BACKEND == "celery" and SCHEDULER_AUTOSTART:
    raise ConfigError("SCHEDULER_AUTOSTART=true and SCHEDULER_BACKEND=celery: with Celery, "
                      "beat sends the tasks and workers run them; unset SCHEDULER_AUTOSTART")

# --- logging -----------------------------------------------------------------
# A module import or hook slower than this is logged, naming the module (faults/slow.py); 0: never.
OPENIMIS_SLOW_MODULE_SECONDS = env.float("OPENIMIS_SLOW_MODULE_SECONDS", 5.0)
LOG_HANDLERS = ("console", "debug-log")
DJANGO_LOG_HANDLER = env.choice("DJANGO_LOG_HANDLER", "console", LOG_HANDLERS)
DJANGO_DB_LOG_HANDLER = env.str("DJANGO_DB_LOG_HANDLER")
if DJANGO_DB_LOG_HANDLER:
    DJANGO_DB_LOG_HANDLER = env.choice("DJANGO_DB_LOG_HANDLER", "console", LOG_HANDLERS)
DJANGO_LOG_LEVEL = env.choice("DJANGO_LOG_LEVEL", "INFO",
                              ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))
DEBUG_LOG_FILE = env.str("DEBUG_LOG_FILE", "debug.log")
DB_QUERIES_LOG_FILE = env.str("DB_QUERIES_LOG_FILE", "db-queries.log")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"standard": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "standard"},
        "debug-log": {"class": "logging.FileHandler", "filename": DEBUG_LOG_FILE,
                      "formatter": "standard", "delay": True},
        "db-log": {"class": "logging.FileHandler", "filename": DB_QUERIES_LOG_FILE,
                   "formatter": "standard", "delay": True},
    },
    "root": {"handlers": [DJANGO_LOG_HANDLER], "level": DJANGO_LOG_LEVEL},
    "loggers": {
        # The scheduler logs each run itself; APScheduler's own INFO lines would repeat it.
        "apscheduler": {"level": "WARNING"},
        # django-axes: its lockouts are WARNINGs; every failed login would be an INFO line.
        "axes": {"level": "WARNING"},
        # graphql-core 2 (the legacy stack) logs every resolver error with its traceback,
        # even those meant for the client; the GraphQL view logs the unexpected ones itself.
        "graphql.execution.utils": {"level": "CRITICAL"},
        "graphql.execution.executor": {"level": "CRITICAL"},
        "django.db.backends": {
            "handlers": [{"console": "console", "debug-log": "db-log"}[DJANGO_DB_LOG_HANDLER]]
            if DJANGO_DB_LOG_HANDLER else [],
            "level": "DEBUG" if DJANGO_DB_LOG_HANDLER else "WARNING",
            "propagate": False,
        },
    },
}

# --- Sentry (optional: pip install 'openimis-host[sentry]') ----------------------
# Unexpected exceptions (Django's 500s, GraphQL resolver errors) are logged at ERROR
# with their traceback; sentry-sdk sends those log records and the 500s as events.
SENTRY_DSN = env.str("SENTRY_DSN")
IS_SENTRY_ENABLED = env.bool("IS_SENTRY_ENABLED", True)
SENTRY_SAMPLE_RATE = env.float("SENTRY_SAMPLE_RATE", 0.0)  # share of requests traced
if not 0.0 <= SENTRY_SAMPLE_RATE <= 1.0:
    raise ConfigError(f"SENTRY_SAMPLE_RATE={SENTRY_SAMPLE_RATE} is not valid: expected 0 to 1")
if SENTRY_DSN and IS_SENTRY_ENABLED:
    try:
        import sentry_sdk
    except ImportError:
        raise ConfigError("SENTRY_DSN is set but sentry-sdk is not installed: "
                          "pip install 'openimis-host[sentry]' (or unset SENTRY_DSN)") from None
    try:
        sentry_sdk.init(dsn=SENTRY_DSN, traces_sample_rate=SENTRY_SAMPLE_RATE,
                        environment=MODE.lower(), send_default_pii=False)
    except Exception as exc:  # sentry-sdk's BadDsn and friends
        raise ConfigError(f"SENTRY_DSN is not valid: {exc}") from None

# --- Django, DRF, graphene -----------------------------------------------------
HOST_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "graphene_django",
    "axes",
]
MIDDLEWARE = [
    # The header middleware come first so that every response has the headers,
    # including the errors answered by the middleware below them; and outside
    # SecurityMiddleware, whose HTTP -> HTTPS redirect skips everything below it.
    # (gunicorn's own error pages, e.g. a malformed request line, never reach
    # Django: only a proxy in front can add headers to those.)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    *(["openimis_host.security.headers.SecurityHeadersMiddleware"] if not DEBUG else []),
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, with the headers above and before any session or auth work.
    "openimis_host.staticfiles.StaticFilesMiddleware",
    # A view that failed because the database is unreachable: 503, one log line.
    "openimis_host.faults.outage.DatabaseOutageMiddleware",
    # DEV: names the module whose view left database connections open.
    *(["openimis_host.faults.leaks.LeakedConnectionsMiddleware"] if DEBUG else []),
    # ?prof=True: profiles everything below it in DEV, refused in PROD.
    "openimis_host.profiler.ProfilerMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of each response from Accept-Language (else LANGUAGE_CODE): modules'
    # translations, in their own locale/ directories, are then used.
    "openimis_host.language.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "openimis_host.security.auth.AuthenticationMiddleware",  # Django's, plus the JWT
    *(["openimis_host.security.remote_user.RemoteUserMiddleware"]
      if REMOTE_USER_AUTHENTICATION else []),
    "django.contrib.messages.middleware.MessageMiddleware",
    # Turns a locked-out login into the lockout answer (security/lockout.py).
    "axes.middleware.AxesMiddleware",
]
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
REST_FRAMEWORK = {
    # Chooses the handler of the module that mounted the view (assembly/exceptions.py).
    "EXCEPTION_HANDLER": "openimis_host.assembly.exceptions.handle",
    # JWT first: its WWW-Authenticate challenge makes DRF answer 401 rather than 403.
    # JSON nested too deeply is a 400, not a RecursionError and a 500 (parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "openimis_host.parsers.HostJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "openimis_host.security.auth.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}
if not DEBUG:
    # Login by default: a view that means to be public says so (permission_classes=[AllowAny]).
    # JSON only: the browsable API's HTML pages (forms, the API's layout) are for development.
    REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] = ["rest_framework.permissions.IsAuthenticated"]
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = ["rest_framework.renderers.JSONRenderer"]
GRAPHENE = {"SCHEMA": "openimis_host.assembly.graphql.schema"}
GRAPHQL_DOCUMENT_CACHE_SIZE = env.int("GRAPHQL_DOCUMENT_CACHE_SIZE", 1024, minimum=0)
# The query text the cache may keep, summed; a document takes about 40 times its
# text in memory, so 256 KB is some 10 MB per worker (document_cache.py).
GRAPHQL_DOCUMENT_CACHE_BYTES = env.int("GRAPHQL_DOCUMENT_CACHE_BYTES", 256 * 1024, minimum=0)

# --- GraphQL limits (graphql_limits.py) ----------------------------------------------
# 0: no limit. GraphiQL's introspection query is 15 deep.
GRAPHQL_MAX_DEPTH = env.int("GRAPHQL_MAX_DEPTH", 20, minimum=0)
GRAPHQL_INTROSPECTION = env.bool("GRAPHQL_INTROSPECTION", DEBUG)  # __schema/__type queries
# The cost of one operation, fragments counted where they are spread; 0: no limit.
# 100 aliases of a list field could hold a worker for 16 s, 10,000 aliases of a
# lookup made 10,000 SQL queries. The same defaults in DEV, so a front-end meets
# them before production does.
GRAPHQL_MAX_ALIASES = env.int("GRAPHQL_MAX_ALIASES", 30, minimum=0)
GRAPHQL_MAX_FIELDS = env.int("GRAPHQL_MAX_FIELDS", 2000, minimum=0)
GRAPHQL_MAX_ROOT_FIELDS = env.int("GRAPHQL_MAX_ROOT_FIELDS", 20, minimum=0)
# Lexical tokens the parser reads before giving up (GraphiQL's introspection query has 163).
GRAPHQL_MAX_TOKENS = env.int("GRAPHQL_MAX_TOKENS", 10000, minimum=0)
# Login by default (graphql_login.py): without a logged-in user a request reaches only the
# root fields the modules declare public (openimis_public_graphql_fields) and these.
GRAPHQL_LOGIN_REQUIRED = env.bool("GRAPHQL_LOGIN_REQUIRED", not DEBUG)
GRAPHQL_PUBLIC_FIELDS = env.list("GRAPHQL_PUBLIC_FIELDS", [])
# Bytes, checked before anything is parsed (graphql_size.py): the tokens above can be
# megabytes each (a 9.5 MB string literal took seconds of CPU to lex). 0: no limit.
# Both stay under DATA_UPLOAD_MAX_MEMORY_SIZE, the bound on the whole body.
GRAPHQL_MAX_QUERY_BYTES = env.int("GRAPHQL_MAX_QUERY_BYTES", 128 * 1024, minimum=0)
GRAPHQL_MAX_VARIABLES_BYTES = env.int("GRAPHQL_MAX_VARIABLES_BYTES", 1024 * 1024, minimum=0)

# --- openIMIS modules (pip install 'openimis-host[legacy]', docs/openimis-modules.md) ----
# With openIMIS's core installed, the settings its modules read, decided by the host.
if legacy_settings.installed():
    globals().update(legacy_settings.derive(env, globals()))
    GRAPHENE["RELAY_CONNECTION_MAX_LIMIT"] = 100  # openimis-be_py's

# --- modules (last: the installed modules are folded into everything above) --------
OPENIMIS_MODULE_ERRORS = env.choice("OPENIMIS_MODULE_ERRORS", "fail", POLICIES)
# With openIMIS's core, its createsuperuser comes first (Django takes the first app's command).
INSTALLED_APPS = (["openimis_host.legacy.accounts"] if legacy_settings.installed() else []) + \
    HOST_APPS + ["openimis_host"]  # module apps go before the host's own
_host = current_host() or discovery.from_environment(env)  # a test's setup_host() made one already
assembly.fold_settings(_host, globals(), env)
