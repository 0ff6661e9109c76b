"""``openimis-host scheduler``: run the modules' scheduled tasks in the foreground."""

import os
import signal
import sys
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from openimis_host.errors import ConfigError
from openimis_host.scheduler.embedded import run_foreground


class Command(BaseCommand):
    help = ("Run every module's scheduled tasks in this process until stopped (SIGTERM or "
            "Ctrl-C). Start as many as you like: they share a lock in the database, and only "
            "its holder runs tasks; when it stops, another takes over.")

    def handle(self, *args, **options):
        if settings.SCHEDULER_BACKEND == "celery":
            raise ConfigError("SCHEDULER_BACKEND=celery: Celery runs the tasks; start "
                              "`openimis-host celery beat` and `openimis-host celery worker` "
                              "instead of `openimis-host scheduler`")
        stop = threading.Event()

        def on_signal(signum, frame):
            if stop.is_set():
                # A second Ctrl-C: leave now. SystemExit would still wait for the
                # scheduler's (non-daemon) worker threads to finish their tasks.
                print("scheduler: stopped without waiting for running tasks", file=sys.stderr)
                os._exit(1)
            stop.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        run_foreground(stop)
