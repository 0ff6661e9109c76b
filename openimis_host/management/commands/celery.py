"""``openimis-host celery worker|beat [celery options]``: Celery for the scheduled tasks and
openIMIS core's queued mutations."""

import argparse
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from openimis_host.errors import ConfigError
from openimis_host.scheduler import history


class Command(BaseCommand):
    help = ("Run Celery with SCHEDULER_BACKEND=celery: `worker` runs the tasks (start one or more "
            "on each machine; it also runs openIMIS core's queued mutations), `beat` sends them "
            "on schedule (start one or more: only the holder of the scheduler lock sends). "
            "Further options go to Celery, e.g. "
            "`openimis-host celery worker --concurrency 4 --loglevel INFO`.")
    # Workers and beat serve no URLs; `openimis-host check` covers the configuration.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("program", choices=["worker", "beat"])
        parser.add_argument("celery_args", nargs=argparse.REMAINDER,
                            help="options for `celery worker` or `celery beat`")

    def handle(self, *args, program, celery_args, **options):
        # A worker also runs openIMIS core's queued mutations (ASYNC_MUTATIONS, legacy/mutations.py).
        queued = getattr(settings, "ASYNC_MUTATIONS", False)
        if settings.SCHEDULER_BACKEND != "celery" and not (program == "worker" and queued):
            raise ConfigError("SCHEDULER_BACKEND is not celery: set SCHEDULER_BACKEND=celery and "
                              "CELERY_BROKER_URL to run the tasks on Celery (or run "
                              "`openimis-host scheduler` for the embedded scheduler)"
                              + ("" if program == "beat" else
                                 "; with openIMIS core, MODE=PROD (or ASYNC=true) and "
                                 "CELERY_BROKER_URL make workers run its mutations"))
        history.require_tables()
        from openimis_host.scheduler.celery import app, check_broker

        check_broker(app)
        sys.exit(app.start([program, *celery_args]) or 0)
