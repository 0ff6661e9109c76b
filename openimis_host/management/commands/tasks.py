"""``openimis-host tasks``: every scheduled task and its last run; ``tasks run <id>`` runs one."""

import json
import sys
from datetime import datetime
from datetime import timezone as dt_timezone

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from openimis_host.assembly.tasks import all_tasks
from openimis_host.management.table import render
from openimis_host.scheduler import history


class Command(BaseCommand):
    help = ("List every module's scheduled tasks: schedule, next run, last run and its outcome. "
            "`tasks run <id>` runs one task now, in the foreground, and exits 0 if it "
            "succeeded, 1 if it failed or could not start.")

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["run"], help="run a task now")
        parser.add_argument("task_id", nargs="?", help="the task to run, e.g. claim.close_stale")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args, action=None, task_id=None, **options):
        if action == "run":
            self._run(task_id)
        elif task_id:
            raise CommandError(f"unexpected '{task_id}': did you mean `tasks run {task_id}`?",
                               returncode=2)
        else:
            self._list(options["json"])

    def _run(self, task_id):
        tasks = all_tasks()
        if not task_id or task_id not in tasks:
            known = ", ".join(tasks) or "(none: no module has scheduled tasks)"
            what = f"no task '{task_id}'" if task_id else "which task?"
            raise CommandError(f"{what}; tasks: {known}", returncode=2)
        history.require_tables()
        try:
            record = history.run(tasks[task_id], trigger="manual")
        except DatabaseError as exc:  # the lock or the history could not be written
            raise CommandError(f"{task_id}: not run: the database refused: {exc}; "
                               "try again, or check the database settings") from None
        if record is None:
            self.stderr.write(f"{task_id}: not started: it is already running "
                              f"(max_instances={tasks[task_id].record.max_instances})")
            sys.exit(1)
        took = (record.finished - record.started).total_seconds()
        if record.outcome != record.SUCCEEDED:
            self.stderr.write(f"{task_id}: {record.outcome} after {took:.2f}s "
                              f"(traceback above; recorded in the run history)")
            sys.exit(1)
        self.stdout.write(f"{task_id}: succeeded in {took:.2f}s")

    def _list(self, as_json):
        tasks = all_tasks()
        try:
            runs = history.last_runs(tasks)
        except DatabaseError as exc:
            runs = {}
            self.stderr.write(f"no run history ({exc}); run `openimis-host migrate`")
        # Aware even with USE_TZ=False: the triggers compute in real time zones.
        now = datetime.now(dt_timezone.utc)
        rows = []
        for task in tasks.values():
            run = runs.get(task.id)
            rows.append({
                "id": task.id,
                "module": task.module,
                "schedule": task.schedule,
                "max_instances": task.record.max_instances,
                "next_run": task.next_run(now),
                "last_run": None if run is None else {
                    "started": run.started, "finished": run.finished, "outcome": run.outcome,
                    "trigger": run.trigger, "runner": run.runner, "error": run.error,
                },
            })
        if as_json:
            self.stdout.write(json.dumps({"tasks": rows}, indent=2, default=_iso))
        else:
            self._table(rows)

    def _table(self, rows):
        header = ("MODULE", "TASK", "SCHEDULE", "NEXT RUN", "LAST RUN", "OUTCOME")
        lines = [(r["module"], r["id"], r["schedule"], _local(r["next_run"]),
                  _local(r["last_run"] and r["last_run"]["started"]),
                  r["last_run"]["outcome"] if r["last_run"] else "-") for r in rows]
        for line in render(header, lines):
            self.stdout.write(line)
        for r in rows:
            last = r["last_run"]
            if last and last["outcome"] in ("failed", "interrupted"):
                error = last["error"].strip().splitlines() or [""]
                self.stdout.write(f"\n{r['id']}: {last['outcome']}: {error[-1]}")
        if not rows:
            self.stdout.write("\nNo scheduled tasks: no loaded module returns any.")


def _local(moment) -> str:
    if not moment:
        return "-"
    # With USE_TZ=False the run history holds naive local times, already in TIME_ZONE.
    return (timezone.localtime(moment) if timezone.is_aware(moment) else moment).strftime(
        "%Y-%m-%d %H:%M:%S")


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
