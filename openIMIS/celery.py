"""``from openIMIS.celery import app``, as some openIMIS modules write it: the host's one Celery app.

They use it to check that the broker answers before queueing work, or to read a
task's result. Importing it without CELERY_BROKER_URL is a clear ConfigError.
"""

from openimis_host.scheduler.celery import app

__all__ = ["app"]
