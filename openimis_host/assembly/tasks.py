"""``openimis_scheduled_tasks`` -> validated tasks with ids ``<module>.<name>``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from django.utils.module_loading import import_string

from plugins_spec import ScheduledTask

_GRID_ORIGIN = datetime(2000, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Task:
    """A module's ScheduledTask, resolved: its id, its callable and its trigger text."""

    id: str
    module: str
    record: ScheduledTask
    func: Callable

    @property
    def schedule(self) -> str:
        if self.record.cron:
            return f"cron {self.record.cron}"
        return f"every {self.record.every.total_seconds():g}s"

    def trigger(self):
        """The APScheduler trigger for this task: cron in TIME_ZONE, intervals on a fixed grid.

        An interval counts from a fixed origin, not from when a process started,
        so every process (and both backends) agree on the instants a task is due,
        and a scheduler that takes over keeps the same ticks.
        """
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger
        from django.conf import settings

        if self.record.cron:
            return CronTrigger.from_crontab(self.record.cron, timezone=settings.TIME_ZONE)
        return IntervalTrigger(seconds=self.record.every.total_seconds(),
                               start_date=_GRID_ORIGIN, timezone=timezone.utc)

    def next_run(self, after: datetime) -> datetime | None:
        """The first instant strictly after ``after`` at which the task is due."""
        return self.trigger().get_next_fire_time(None, after + timedelta(microseconds=1))


def _check(value) -> str | None:
    if isinstance(value, (list, tuple)) and all(isinstance(t, ScheduledTask) for t in value):
        return None
    return "expected a list of plugins_spec.ScheduledTask"


def resolve_func(func) -> Callable:
    """A ScheduledTask's ``func``: the callable itself, or imported from its dotted path."""
    if callable(func):
        return func
    return import_string(func.replace(":", "."))


def _resolve(task_id: str, module, record: ScheduledTask) -> Task | tuple[str, str]:
    """The Task for ``record``, or (what is wrong, how to fix it) if it does not hold together."""
    try:
        func = resolve_func(record.func)
    except Exception as exc:  # an ImportError, or whatever the func's own module raises
        return (f"task '{task_id}': func {record.func!r} cannot be imported "
                f"({type(exc).__name__}: {exc})",
                "fix the dotted path ('package.module.function') or the error in that module")
    task = Task(task_id, module.name, record, func)
    try:
        task.trigger()
    except ValueError as exc:
        return (f"task '{task_id}': cron {record.cron!r} is not valid ({exc})",
                "fix the crontab expression: five fields, minute hour day-of-month month "
                "day-of-week, each within its range")
    return task


HOOK = "openimis_scheduled_tasks"
HOOKS = (HOOK,)


def collect(host) -> None:
    """Call ``openimis_scheduled_tasks`` of each module and resolve its records into Tasks.

    What the module keeps in ``results`` is the resolved Tasks, not the records.
    """
    for name, records in host.collect(HOOK, _check).items():
        module = host.get(name)
        resolved: dict[str, Task] = {}
        for record in records:
            # Ids carry the module's name, so a duplicate can only come from within one module.
            task_id = f"{module.name}.{record.name}"
            if task_id in resolved:
                outcome = (f"it declares the task id '{task_id}' twice",
                           "give each ScheduledTask of the module a different name")
            else:
                outcome = _resolve(task_id, module, record)
            if isinstance(outcome, tuple):
                host.fail(module, "openimis.E017", *outcome)
                break
            resolved[task_id] = outcome
        else:
            module.results[HOOK] = list(resolved.values())


def apply(host) -> None:
    """Make the loaded modules' tasks the Host's ``tasks``, by id, in module order."""
    host.tasks = {task.id: task for _, tasks in host.results(HOOK) for task in tasks}


def all_tasks() -> dict[str, Task]:
    """Every task of the loaded modules, by id, in module order."""
    from ..host import get_host

    return dict(get_host().tasks)


def show(hook, result, module):
    return "tasks", [task.id for task in result]
