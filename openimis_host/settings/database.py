"""The database: SQLite by default, else DB_* (PostgreSQL, SQL Server), with its timeouts under faults."""

from pathlib import Path

from openimis_host.errors import ConfigError
from openimis_host.faults import backends, db_deadline, db_one_wait

from .core import env

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
# what is installed by `check` (management/openimis_json.py, openimis.W007).
OPENIMIS_CONF_JSON = env.str("OPENIMIS_CONF_JSON", "")
OPENIMIS_CONF = env.str("OPENIMIS_CONF", "")
