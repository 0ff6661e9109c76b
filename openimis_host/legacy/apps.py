"""core's AppConfig, with its own scheduler kept off.

core starts an APScheduler of its own in ``ready()`` when SCHEDULER_AUTOSTART is
set, in every process. Under the host, core's jobs are host tasks run by the
host's scheduler (exactly once per tick), and SCHEDULER_AUTOSTART means the
host's scheduler, so core's must never start next to it.
"""

from __future__ import annotations

from core.apps import CoreConfig as _CoreConfig
from django.test.utils import override_settings

from . import psycopg_tuples

psycopg_tuples.install()  # before core's ready() opens the first connection


class CoreConfig(_CoreConfig):
    """``core``'s app; its ``ready()`` runs as usual, except that its scheduler does not start."""

    def ready(self):
        with override_settings(SCHEDULER_AUTOSTART=False):
            super().ready()
