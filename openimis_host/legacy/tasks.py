"""openIMIS's scheduled jobs as host tasks.

openIMIS modules add their jobs to an APScheduler scheduler they are handed
(``<module>.scheduled_tasks.schedule_tasks(scheduler)``), and core's
``SCHEDULER_JOBS`` setting lists more. :class:`Recorder` is handed instead of a
scheduler: it turns each ``add_job`` into a ``plugins_spec.ScheduledTask``, so
the host's scheduler runs them once per tick in the whole deployment (core's
own scheduler never starts: see ``apps.LegacyBridgeConfig``).
"""

from __future__ import annotations

import re
from datetime import timedelta

from plugins_spec import ScheduledTask

#: APScheduler cron fields, in crontab order, with the value meaning "every".
CRON_FIELDS = (("minute", "*"), ("hour", "*"), ("day", "*"), ("month", "*"), ("day_of_week", "*"))
INTERVAL_FIELDS = ("weeks", "days", "hours", "minutes", "seconds")
#: add_job arguments that say nothing about when or what (job-store details).
IGNORED = {"id", "name", "replace_existing", "misfire_grace_time", "coalesce", "jobstore",
           "executor", "max_instances", "next_run_time", "timezone", "jitter"}


class UnsupportedJob(ValueError):
    """An openIMIS job whose schedule the host's task records cannot express."""


class Recorder:
    """Stands in for the APScheduler scheduler that ``schedule_tasks`` expects."""

    def __init__(self, module: str):
        self.module = module
        self.tasks: list[ScheduledTask] = []

    def add_job(self, func, trigger=None, args=None, kwargs=None, id=None, name=None, **options):
        """Record one job as APScheduler's ``add_job`` describes it; returns the record."""
        label = id or name or getattr(func, "__name__", None) or str(func)
        schedule = _schedule(label, trigger, options)
        task = ScheduledTask(name=self._unique(_identifier(label)), func=func,
                             args=tuple(args or ()), kwargs=dict(kwargs or {}),
                             max_instances=options.get("max_instances", 1), **schedule)
        self.tasks.append(task)
        return task

    def scheduled_job(self, trigger, args=None, kwargs=None, id=None, name=None, **options):
        """APScheduler's decorator form of :meth:`add_job`."""
        def decorate(func):
            self.add_job(func, trigger, args, kwargs, id, name, **options)
            return func
        return decorate

    def add_jobs_setting(self, owned: bool) -> None:
        """core's ``SCHEDULER_JOBS`` (``{"method": dotted path, "args": [trigger], "kwargs": {}}``)
        whose method is in this module; with ``owned`` False, those of no installed openIMIS module."""
        from django.conf import settings

        from .installed import installed

        jobs = _by_id(getattr(settings, "SCHEDULER_JOBS", None) or [])
        # Only core (owned False) needs the installed modules; asked for every module, the
        # metadata scan cost a second of an 18-module boot.
        modules = set(installed()) if jobs and not owned else set()
        for job in jobs:
            package = str(job.get("method", "")).split(".", 1)[0]
            if (package == self.module) if owned else (package not in modules):
                args = list(job.get("args") or [])
                kwargs = dict(job.get("kwargs") or {})
                trigger = args.pop(0) if args else kwargs.pop("trigger", None)
                self.add_job(job["method"], trigger, **kwargs)

    def _unique(self, name: str) -> str:
        taken = {t.name for t in self.tasks}
        candidate, n = name, 2
        while candidate in taken:
            candidate, n = f"{name}_{n}", n + 1
        return candidate


def _by_id(jobs: list) -> list:
    """The entries of ``SCHEDULER_JOBS``, one per job id: a later entry with the id of an
    earlier one replaces it, as on APScheduler with ``replace_existing``. (policy 1.11 appends
    its renewal job to the setting at import, where openimis-be_py's settings already have it.)"""
    kept: dict[object, dict] = {}
    for i, job in enumerate(jobs):
        job_id = dict(job.get("kwargs") or {}).get("id") if isinstance(job, dict) else None
        kept[job_id if job_id is not None else ("#", i)] = job
    return list(kept.values())


def _identifier(label: str) -> str:
    name = re.sub(r"\W", "_", str(label).rsplit(".", 1)[-1]).strip("_") or "job"
    return name if name[0].isalpha() else f"job_{name}"


def _schedule(label: str, trigger, options: dict) -> dict:
    """``{"cron": ...}`` or ``{"every": ...}`` for an APScheduler trigger and its arguments."""
    options = {k: v for k, v in options.items() if k not in IGNORED}
    if trigger is not None and not isinstance(trigger, str):
        # A trigger object: CronTrigger and IntervalTrigger keep their fields.
        kind = type(trigger).__name__
        if kind == "CronTrigger":
            options = {f.name: str(f) for f in trigger.fields if not f.is_default}
            trigger = "cron"
        elif kind == "IntervalTrigger":
            options = {"seconds": trigger.interval.total_seconds()}
            trigger = "interval"
    if trigger == "cron":
        extra = sorted(set(options) - {f for f, _ in CRON_FIELDS} - {"second"})
        if extra or str(options.get("second", "0")) not in ("0", "*/60"):
            raise UnsupportedJob(f"job {label!r}: cron fields {sorted(options)} cannot be written as a "
                                 "five-field crontab (seconds, years and weeks are not supported)")
        return {"cron": " ".join(str(options.get(f, default)) for f, default in CRON_FIELDS)}
    if trigger == "interval":
        extra = sorted(set(options) - set(INTERVAL_FIELDS))
        every = timedelta(**{k: float(v) for k, v in options.items() if k in INTERVAL_FIELDS})
        if extra or every <= timedelta(0):
            raise UnsupportedJob(f"job {label!r}: interval arguments {sorted(options)} are not a "
                                 "positive weeks/days/hours/minutes/seconds interval")
        return {"every": every}
    raise UnsupportedJob(f"job {label!r}: trigger {trigger!r} is not supported (only 'cron' and "
                         "'interval' jobs can run on the host's scheduler)")
