"""The scheduler: embedded or Celery, its lock, the broker (never in the cache's Redis database)."""

from openimis_host.errors import ConfigError
from openimis_host.redis import databases as redis_databases

from .cache import CACHES
from .core import env

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
