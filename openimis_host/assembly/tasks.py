"""``openimis_scheduled_tasks`` -> validated tasks with ids ``<module>.<name>``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.utils.module_loading import import_string

from plugins_spec import ScheduledTask

_tasks: dict[str, "Task"] = {}


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
        return f"every {int(self.record.every.total_seconds())}s"

    def trigger(self):
        """The APScheduler trigger for this task."""
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        if self.record.cron:
            return CronTrigger.from_crontab(self.record.cron)
        return IntervalTrigger(seconds=self.record.every.total_seconds())


def _check(value) -> str | None:
    if isinstance(value, (list, tuple)) and all(isinstance(t, ScheduledTask) for t in value):
        return None
    return "expected a list of plugins_spec.ScheduledTask"


def resolve_func(func) -> Callable:
    if callable(func):
        return func
    return import_string(func.replace(":", "."))


def collect(host) -> None:
    seen: dict[str, object] = {}
    for module in host.loaded:
        records = host.call(module, "openimis_scheduled_tasks", _check)
        if not records:
            continue
        resolved = []
        for record in records:
            task_id = f"{module.name}.{record.name}"
            problem = None
            if task_id in seen:
                problem = (f"it declares the task id '{task_id}' twice",
                           "give each ScheduledTask of the module a different name")
            else:
                try:
                    func = resolve_func(record.func)
                    Task(task_id, module.name, record, func).trigger()
                except ImportError as exc:
                    problem = (f"task '{task_id}': func {record.func!r} cannot be imported ({exc})",
                               "fix the dotted path, e.g. 'package.module.function'")
                except ValueError as exc:
                    problem = (f"task '{task_id}': cron {record.cron!r} is not valid ({exc})",
                               "use five crontab fields: minute hour day month day-of-week")
            if problem:
                host.fail(module, *problem)
                break
            seen[task_id] = module
            resolved.append(Task(task_id, module.name, record, func))
        else:
            module.results["openimis_scheduled_tasks"] = resolved
            module.contributions["tasks"] = [t.id for t in resolved]


def install(host) -> None:
    _tasks.clear()
    for module in host.loaded:
        for task in module.results.get("openimis_scheduled_tasks", []):
            _tasks[task.id] = task


def all_tasks() -> dict[str, Task]:
    """Every task of the loaded modules, by id, in module order."""
    return dict(_tasks)
