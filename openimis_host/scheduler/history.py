"""Running one task and recording the run: the one path every run takes, on every backend."""

from __future__ import annotations

import logging
import time
import traceback
from contextlib import contextmanager

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Max
from django.utils import timezone

from ..assembly.tasks import Task
from ..errors import ConfigError
from .lock import Renewal, database_lock, runner_name

log = logging.getLogger("openimis_host.scheduler")


def run(task: Task, trigger: str = "schedule"):
    """Run ``task`` once and record it; returns the ``TaskRun``.

    Returns None, without running, when ``max_instances`` runs of the task are
    already going anywhere in the deployment. A task that raises is logged with
    its traceback and recorded as failed; the exception does not propagate.
    """
    close_old_connections()
    try:
        with _slot(task) as slot:
            if slot is None:
                log.warning("task %s: not started: %d run(s) of it still going (max_instances=%d)",
                            task.id, task.record.max_instances, task.record.max_instances)
                return None
            return _run(task, trigger)
    finally:
        close_old_connections()


@contextmanager
def _slot(task: Task):
    """Hold one of the task's ``max_instances`` run slots (locks); yield None if all are taken."""
    for number in range(task.record.max_instances):
        lock = database_lock(f"task {task.id} #{number}")
        if lock.acquire():
            renewal = Renewal(lock)
            try:
                yield lock
            finally:
                renewal.stop()
                lock.release()
            return
        lock.release()
    yield None


def _run(task: Task, trigger: str):
    from ..models import TaskRun

    if task.record.max_instances == 1:
        # This process holds the task's only slot, so a run still marked running
        # belongs to a process that died during it.
        TaskRun.objects.filter(task_id=task.id, outcome=TaskRun.RUNNING).update(
            outcome=TaskRun.INTERRUPTED, finished=timezone.now(),
            error="the process running it stopped before the task finished")
    record = TaskRun.objects.create(task_id=task.id, started=timezone.now(), trigger=trigger,
                                    runner=runner_name())
    log.debug("task %s: started", task.id)
    started = time.monotonic()
    try:
        task.func(*task.record.args, **task.record.kwargs)
    except Exception:
        log.exception("task %s: failed", task.id)
        record.outcome, record.error = TaskRun.FAILED, traceback.format_exc()
    except BaseException:  # shutdown or a time limit: record what happened, then let it go on
        record.outcome, record.error = TaskRun.INTERRUPTED, traceback.format_exc()
        _finish(record)
        raise
    else:
        record.outcome = TaskRun.SUCCEEDED
        log.info("task %s: succeeded in %.2fs", task.id, time.monotonic() - started)
    _finish(record)
    _prune(task.id)
    return record


def _finish(record) -> None:
    record.finished = timezone.now()
    try:
        record.save(update_fields=["finished", "outcome", "error"])
    except Exception:
        # The task may have left this thread's connection unusable (e.g. an aborted
        # transaction); the record matters more than that connection.
        connection.close()
        record.save(update_fields=["finished", "outcome", "error"])


def _prune(task_id: str) -> None:
    """Keep the newest SCHEDULER_HISTORY_RUNS runs of the task."""
    from ..models import TaskRun

    keep = settings.SCHEDULER_HISTORY_RUNS
    older = (TaskRun.objects.filter(task_id=task_id).order_by("-id")
             .values_list("id", flat=True)[keep:keep + 1])
    if older:
        TaskRun.objects.filter(task_id=task_id, id__lte=older[0]).delete()


def last_runs(task_ids, finished: bool = False) -> dict:
    """The latest ``TaskRun`` of each task, by task id (only ended runs if ``finished``)."""
    from ..models import TaskRun

    runs = TaskRun.objects.filter(task_id__in=list(task_ids))
    if finished:
        runs = runs.exclude(outcome=TaskRun.RUNNING)
    latest = runs.order_by().values("task_id").annotate(last=Max("id")).values_list("last")
    return {r.task_id: r for r in TaskRun.objects.filter(id__in=latest)}


def require_tables() -> None:
    """Raise a ConfigError naming the fix when the scheduler's tables do not exist yet."""
    from ..models import SchedulerLease, TaskRun

    try:
        names = set(connection.introspection.table_names())
    except Exception as exc:
        raise ConfigError(
            f"the database is not reachable: {type(exc).__name__}: {exc}".strip()) from None
    missing = [m._meta.db_table for m in (TaskRun, SchedulerLease) if m._meta.db_table not in names]
    if missing:
        raise ConfigError(f"the scheduler's tables do not exist ({', '.join(missing)}): "
                          "run `openimis-host migrate` first")
