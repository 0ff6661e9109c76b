"""Django settings: the environment, then the installed modules.

Every variable an operator can set is read here, once, through
:class:`openimis_host.env.Environment`; the README lists them. Modules are
discovered at the end, and their apps, middleware and setting defaults folded in.
"""

import os
from pathlib import Path

from openimis_host import modules
from openimis_host.assembly import apps as apps_assembly
from openimis_host.assembly import middleware as middleware_assembly
from openimis_host.assembly import settings as settings_assembly
from openimis_host.env import Environment
from openimis_host.errors import ConfigError

env = Environment()

# --- mode ------------------------------------------------------------------
MODE = env.choice("MODE", "DEV", ("DEV", "PROD"))
DEBUG = MODE == "DEV"
DEV_SECRET_KEY = "openimis-host-insecure-development-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", DEV_SECRET_KEY if DEBUG else None)
if SECRET_KEY is None:
    raise ConfigError("SECRET_KEY is not set: MODE=PROD needs a long random SECRET_KEY "
                      "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", env.list("ALLOWED_HOST", ["*"] if DEBUG else []))

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
DB_DEFAULT = env.choice("DB_DEFAULT", "postgresql", tuple(ENGINES))
_db_engine = env.str("DB_ENGINE")
if NO_DATABASE or not env.is_set("DB_NAME"):
    _stray = [v for v in ("DB_HOST", "DB_PORT", "DB_USER", "DB_ENGINE") if env.is_set(v)]
    if _stray and not NO_DATABASE:
        raise ConfigError(f"{', '.join(_stray)} set but DB_NAME is not: set DB_NAME to use that "
                          "database server, or unset them to use the embedded SQLite database")
    DATABASES = {"default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(Path(env.str("SQLITE_PATH", "db.sqlite3")).resolve()),
        "OPTIONS": {"timeout": 20},
    }}
else:
    DATABASES = {"default": {
        "ENGINE": ENGINES.get(_db_engine, _db_engine) if _db_engine else ENGINES[DB_DEFAULT],
        "HOST": env.str("DB_HOST", "localhost"),
        "PORT": env.int("DB_PORT", None, minimum=1) or "",
        "NAME": env.str("DB_NAME"),
        "USER": env.str("DB_USER", ""),
        "PASSWORD": env.str("DB_PASSWORD", ""),
        "OPTIONS": env.dict("DB_OPTIONS", {}),
        "CONN_MAX_AGE": env.int("DB_CONN_MAX_AGE", 60, minimum=0),
        "CONN_HEALTH_CHECKS": True,
    }}
if env.is_set("DB_TEST_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env.str("DB_TEST_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DJANGO_MIGRATE = env.bool("DJANGO_MIGRATE", False)

# --- cache -----------------------------------------------------------------
CACHE_BACKENDS = {
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "redis": "django.core.cache.backends.redis.RedisCache",
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

# --- HTTP --------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024, minimum=1)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS",
                                ["http://localhost:3000", "http://localhost:8000"])
ROOT_URLCONF = "openimis_host.urls"
WSGI_APPLICATION = "openimis_host.wsgi.application"
STATIC_URL = f"/{SITE_ROOT}static/"
STATIC_ROOT = env.str("STATIC_ROOT", str(Path("static").resolve()))
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", "UTC")
LANGUAGE_CODE = env.str("LANGUAGE_CODE", "en")

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
SCHEDULER_AUTOSTART = env.bool("SCHEDULER_AUTOSTART", False)

# --- logging -----------------------------------------------------------------
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
        "django.db.backends": {
            "handlers": [{"console": "console", "debug-log": "db-log"}[DJANGO_DB_LOG_HANDLER]]
            if DJANGO_DB_LOG_HANDLER else [],
            "level": "DEBUG" if DJANGO_DB_LOG_HANDLER else "WARNING",
            "propagate": False,
        },
    },
}

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
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
}
GRAPHENE = {"SCHEMA": "openimis_host.assembly.graphql.schema"}
GRAPHQL_DOCUMENT_CACHE_SIZE = env.int("GRAPHQL_DOCUMENT_CACHE_SIZE", 1024, minimum=0)

# --- modules -------------------------------------------------------------------
OPENIMIS_MODULE_ERRORS = env.choice("OPENIMIS_MODULE_ERRORS", "fail", modules.POLICIES)
_policy = "skip" if os.environ.get("_OPENIMIS_INSPECT") else OPENIMIS_MODULE_ERRORS
HOST = modules.discover(
    only=env.list("OPENIMIS_MODULES", []) or None,
    disabled=env.list("OPENIMIS_DISABLED_MODULES", []),
    policy=_policy,
)
apps_assembly.collect(HOST)
middleware_assembly.collect(HOST)
settings_assembly.collect(HOST)
HOST.settle()

# The host app comes last so its ready() (which assembles URLs, the schema and
# the tasks, then calls openimis_ready) runs after every module's AppConfig.
INSTALLED_APPS = HOST_APPS + apps_assembly.installed(HOST) + ["openimis_host"]
MIDDLEWARE += middleware_assembly.installed(HOST)
globals().update(settings_assembly.defaults(HOST, env, host_settings=set(globals())))
del HOST  # reach it through openimis_host.modules.get_host()
