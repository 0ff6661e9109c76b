"""The host's one Celery app: the scheduled tasks (``SCHEDULER_BACKEND=celery``) and the modules' own.

Every assembled task becomes a Celery task named by its id (``claim.close_stale``)
whose body is the same :func:`history.run` the embedded scheduler calls, and the
schedule becomes a beat schedule. The modules' own Celery tasks (openIMIS core's
queued mutations: ``@shared_task`` in ``<app>.tasks``) are found as openimis-be_py's
app finds them, in the ``tasks`` module of every installed Django app. Run, from the
same installation everywhere::

    openimis-host celery worker     # as many as you like, on any machine
    openimis-host celery beat       # one or more: only the holder of the scheduler lock sends

``celery -A openimis_host.scheduler.celery worker|beat`` works too.
"""

from __future__ import annotations

import logging
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openimis_host.settings")

import django  # noqa: E402
from django.apps import apps as django_apps  # noqa: E402

# Imported by `celery -A`: set Django up. Imported while Django sets up (legacy/mutations.py,
# from a ready hook, or `celery -A` itself, through that hook): it is under way already.
if not django_apps.ready and not django_apps.loading:
    django.setup()

from celery import Celery  # noqa: E402
from celery.beat import Scheduler  # noqa: E402
from celery.schedules import BaseSchedule, schedstate  # noqa: E402
from django.conf import settings  # noqa: E402
from kombu.utils.url import maybe_sanitize_url  # noqa: E402

from ..assembly.tasks import Task, all_tasks  # noqa: E402
from ..errors import ConfigError  # noqa: E402
from . import history  # noqa: E402
from .embedded import SCHEDULER_LOCK  # noqa: E402
from .lock import Elector, database_lock, retry_interval, runner_name  # noqa: E402
from .sending import HostTask  # noqa: E402

log = logging.getLogger("openimis_host.scheduler")


class TaskSchedule(BaseSchedule):
    """A beat schedule that asks the task's own trigger: both backends tick at the same instants."""

    def __init__(self, task: Task, app=None):
        self.task = task
        super().__init__(app=app)

    def remaining_estimate(self, last_run_at):
        return self.task.next_run(self.maybe_make_aware(last_run_at)) - self.now()

    def is_due(self, last_run_at):
        now = self.now()
        due = self.task.next_run(self.maybe_make_aware(last_run_at))
        if due <= now:  # late ticks collapse into this one run
            return schedstate(True, (self.task.next_run(now) - now).total_seconds())
        return schedstate(False, (due - now).total_seconds())

    def __eq__(self, other):
        return isinstance(other, TaskSchedule) and other.task.id == self.task.id

    def __repr__(self):
        return f"<{self.task.schedule}>"


class LockedScheduler(Scheduler):
    """Beat's in-memory scheduler, sending only while this beat holds the scheduler lock.

    Any number of beats can run; they compete for the same lock as the
    embedded scheduler, and a beat that takes over starts its schedule from
    now, so a tick the previous holder sent is not sent again.
    """

    def __init__(self, *args, **kwargs):
        self._elector = None
        self._term = 0  # how many times this beat has taken the lock
        self._term_scheduled = 0
        super().__init__(*args, **kwargs)

    def setup_schedule(self):
        pass  # the entries are made when this beat takes the lock (tick)

    def tick(self, *args, **kwargs):
        if self._elector is None:  # not in __init__: beat builds lazy instances too
            self._elector = Elector(database_lock(SCHEDULER_LOCK), self._acquired, self._lost)
            self._elector.start()
        if not self._elector.lock.held:
            if self.data:
                self.data, self._heap = {}, None
            return retry_interval()
        if self._term_scheduled != self._term:
            self._term_scheduled = self._term
            self.data, self._heap = {}, None
            self.merge_inplace(self.app.conf.beat_schedule)  # entries counted from now
        return super().tick(*args, **kwargs)

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        if not self._elector.lock.held:  # the fence: lost the lock since tick() began
            return None
        task = all_tasks().get(entry.task)
        if task is not None:
            # A message still queued when the next tick comes is dropped, not run late:
            # with every worker down for a while, the runs do not pile up in the queue.
            now = self.app.now()
            entry.options["expires"] = max((task.next_run(now) - now).total_seconds(), 1)
        return super().apply_async(entry, producer, advance, **kwargs)

    def close(self):
        if self._elector is not None:
            self._elector.stop()
        super().close()

    def _acquired(self):
        log.info("beat: %s holds the scheduler lock and sends the tasks", runner_name())
        self._term += 1

    def _lost(self):
        if self._elector.stopping:
            log.info("beat: %s stops and hands the scheduler lock over", runner_name())
        else:
            log.warning("beat: %s lost the scheduler lock; another beat takes over", runner_name())


def make_app() -> Celery:
    """The Celery app for this installation's tasks, configured from the host's settings."""
    url = settings.CELERY_BROKER_URL
    if not url:
        raise ConfigError("CELERY_BROKER_URL is not set: set it to e.g. "
                          "amqp://guest:guest@rabbitmq:5672// or redis://redis:6379/0")
    app = Celery("openimis", broker=url, set_as_current=True, task_cls=HostTask)
    # The default app of every thread, not only this one: core sends its mutations through
    # `shared_task` proxies, which use the current app, from gunicorn's request threads.
    app.set_default()
    app.conf.update(
        task_default_queue=settings.CELERY_QUEUE,
        timezone=settings.TIME_ZONE,
        enable_utc=True,
        task_ignore_result=True,  # outcomes go to the run history, not a result backend
        worker_prefetch_multiplier=1,  # a busy worker does not hold on to ticks others could run
        broker_connection_retry_on_startup=True,
        beat_scheduler="openimis_host.scheduler.celery:LockedScheduler",
        beat_max_loop_interval=retry_interval(),  # notice a lost or won lock quickly
        beat_schedule={},
    )
    if url.split("://", 1)[0] in ("amqp", "amqps", "pyamqp"):
        # RabbitMQ acknowledges each message (publisher confirms): without that, a message written
        # to a connection that dies a moment later is lost without an error (a mutation would stay
        # "received" for ever), and with it the send fails and says so (sending.TaskNotSent).
        app.conf.broker_transport_options = {"confirm_publish": True}
    # A broker that refuses or drops the connection fails a send at once; a frozen one (no
    # answer at all) after about 17 s: the ack waited for 5 s, then two reconnects of about 4 s
    # (broker_connection_timeout). A request never hangs on the broker.
    app.conf.task_publish_retry_policy = {"max_retries": 2, "interval_start": 0,
                                          "interval_step": 0.5, "interval_max": 1}
    for task in all_tasks().values():
        app.task(name=task.id)(_body(task))
        app.conf.beat_schedule[task.id] = {"task": task.id, "schedule": TaskSchedule(task, app)}
    # As openimis-be_py's app: `<app>.tasks` of every installed app, imported when a worker starts.
    app.autodiscover_tasks(lambda: [config.name for config in django_apps.get_app_configs()])
    return app


def _body(task: Task):
    def run():
        record = history.run(task)
        return record.outcome if record else "not started: already running"
    run.__name__ = run.__qualname__ = task.id.replace(".", "_")
    run.__doc__ = f"Run the scheduled task {task.id} ({task.schedule})."
    return run


def check_broker(app: Celery, attempts: int = 3) -> None:
    """Raise a ConfigError saying what is wrong when the broker cannot be reached."""
    url = maybe_sanitize_url(app.conf.broker_url)
    try:
        conn = app.connection_for_write()
    except KeyError as exc:  # kombu: "No such transport"
        raise ConfigError(f"CELERY_BROKER_URL={url!r} is not valid: {exc.args[0]} "
                          "(use amqp://, redis:// or another kombu transport)") from None
    try:
        conn.ensure_connection(max_retries=attempts, interval_start=1, interval_step=1,
                               interval_max=2, timeout=5)
    except Exception as exc:
        reason = str(exc).rstrip(".")
        raise ConfigError(f"cannot reach the Celery broker at {url}: {reason}; check "
                          "CELERY_BROKER_URL and that the broker is running") from None
    finally:
        conn.release()


app = make_app()
