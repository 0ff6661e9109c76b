"""The embedded scheduler: APScheduler in this process, running jobs only while it holds the lock.

Every process that starts it (``openimis-host scheduler``, or each gunicorn
worker with ``SCHEDULER_AUTOSTART``) competes for one database lock; the
holder schedules the tasks, the others wait to take over (see lock.py for
the bound).
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from django.conf import settings

from ..assembly.tasks import Task, all_tasks
from ..host import get_host
from . import history
from .lock import Elector, database_lock, runner_name

log = logging.getLogger("openimis_host.scheduler")

#: The name of the lock that one process of the deployment holds to run the tasks.
SCHEDULER_LOCK = "scheduler"


class EmbeddedScheduler:
    """APScheduler whose jobs exist only while this process holds the scheduler lock."""

    def __init__(self):
        self.tasks = all_tasks()
        self.lock = database_lock(SCHEDULER_LOCK)
        self.aps = BackgroundScheduler(timezone=settings.TIME_ZONE)
        self.elector = Elector(self.lock, self._acquired, self._lost)

    def start(self) -> None:
        self.aps.start()
        self.elector.start()

    def stop(self, wait: bool = True) -> None:
        """Stop scheduling, hand the lock over, and (if ``wait``) let running tasks finish."""
        self.elector.stop()
        self.aps.shutdown(wait=wait)

    def _acquired(self) -> None:
        log.info("%s holds the scheduler lock and runs %d task(s)",
                 runner_name(), len(self.tasks))
        for task in self.tasks.values():
            self.aps.add_job(
                self._run, task.trigger(), args=[task], id=task.id, name=task.id,
                replace_existing=True, coalesce=True,
                # runs never overlap beyond what the record allows: a busy tick is skipped
                max_instances=task.record.max_instances,
                # a late tick still runs (once), rather than being dropped
                misfire_grace_time=None)

    def _lost(self) -> None:
        if self.elector.stopping:
            log.info("%s stops and hands the scheduler lock over", runner_name())
        else:
            log.warning("%s lost the scheduler lock; another process takes over",
                        runner_name())
        self.aps.remove_all_jobs()

    def _run(self, task: Task) -> None:
        # The fence: if renewing the lock has stalled, another process may hold it by now.
        if not self.lock.held:
            log.warning("task %s: skipped: the scheduler lock is not confirmed", task.id)
            return
        history.run(task)


def run_foreground(stop) -> None:
    """Compete for the lock and run the tasks while held, until the event ``stop`` is set."""
    history.require_tables()
    scheduler = EmbeddedScheduler()
    for task in scheduler.tasks.values():
        log.info("task %s: %s", task.id, task.schedule)
    if not scheduler.tasks:
        log.warning("no module has scheduled tasks; waiting anyway")
    log.info("%s is waiting for the scheduler lock", runner_name())
    scheduler.start()
    try:
        stop.wait()
    finally:
        scheduler.stop(wait=True)


def autostart() -> None:
    """Start the scheduler in the background of this (web) process; errors are logged only.

    The running scheduler is kept on the process Host (``host.scheduler``).
    """
    host = get_host()
    try:
        history.require_tables()
        host.scheduler = EmbeddedScheduler()
        host.scheduler.start()
    except Exception as exc:  # a scheduler that cannot start must not take the web down
        host.scheduler = None
        log.error("scheduler not started in %s (SCHEDULER_AUTOSTART): %s", runner_name(), exc)


def autostop() -> None:
    """Stop what :func:`autostart` started, handing the lock over to another process."""
    host = get_host()
    if host.scheduler is not None:
        host.scheduler.stop(wait=False)
        host.scheduler = None
