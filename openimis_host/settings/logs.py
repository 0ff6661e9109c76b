"""Logging (Django's LOGGING, the SQL query log, slow modules) and Sentry.

Named ``logs`` rather than ``logging`` so that no reader mistakes it for the standard library's.
"""

from openimis_host.errors import ConfigError

from .core import MODE, env

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
