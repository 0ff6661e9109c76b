"""``<SITE_ROOT>health``: database reachable, every module loaded, every task's last run fine?"""

from django.db import DatabaseError, connection
from django.http import JsonResponse

from . import __version__
from .host import FAILED, get_host


def health(request):
    """200 with ``status: ok``, or 503 with ``status: degraded`` and the reasons.

    A task whose last run failed makes it degraded too: the web still serves,
    but someone should look (``openimis-host tasks`` shows the error).
    """
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = {"status": "ok"}
    except Exception as exc:
        database = {"status": "error", "error": f"{type(exc).__name__}: {exc}".strip()}
        problems.append("database unreachable")
    host = get_host()
    failed = [m.name for m in host.modules if m.status == FAILED]
    if failed:
        problems.append(f"modules failed: {', '.join(failed)}")
    tasks = _tasks() if database["status"] == "ok" else []
    failing = [t["id"] for t in tasks if t["outcome"] in ("failed", "interrupted")]
    if failing:
        problems.append(f"tasks failed on their last run: {', '.join(failing)}")
    body = {
        "status": "degraded" if problems else "ok",
        "version": __version__,
        "problems": problems,
        "database": database,
        "modules": [{"name": m.name, "distribution": m.distribution, "version": m.version,
                     "status": m.status, "error": m.error} for m in host.modules],
        "tasks": tasks,
    }
    return JsonResponse(body, status=503 if problems else 200)


def _tasks() -> list[dict]:
    """Each scheduled task with its last ended run (none before ``migrate``)."""
    from .assembly.tasks import all_tasks
    from .scheduler.history import last_runs

    tasks = all_tasks()
    try:
        runs = last_runs(tasks, finished=True)
    except DatabaseError:  # the history table does not exist yet
        runs = {}
    rows = []
    for task_id in tasks:
        run = runs.get(task_id)
        error = run.error.strip().splitlines()[-1:] if run and run.error else []
        rows.append({"id": task_id, "last_run": run.started.isoformat() if run else None,
                     "outcome": run.outcome if run else None, "error": error[0] if error else None})
    return rows
