"""``<SITE_ROOT>health``, ``health/live`` and ``health/ready``: is this process fit to serve?

- ``health/live``: 200 whenever the process can answer at all. It touches
  neither the database nor the cache, so a probe never restarts a healthy web
  tier over a dependency's outage.
- ``health/ready``: 503 when a request would fail: the database is unreachable,
  a cache that backs the rate limit (fail-closed) or the sessions is down, or a
  module failed under ``OPENIMIS_MODULE_ERRORS=skip``. A scheduled task whose
  last run failed is shown, but does not make it 503.
- ``health``: the full report; a failed task makes it 503 (someone should look).

Who sees what (PROD): anonymous callers get the status and the names of the
failing parts (``database``, ``cache``, ``modules``, ``tasks``) only. Staff
users, or a request carrying ``X-Health-Token: <HEALTH_TOKEN>``, also get the
details: module names and versions, error texts, tasks. DEV shows everything.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import JsonResponse

from .. import __version__
from ..host import FAILED, get_host

#: The request header that carries HEALTH_TOKEN.
TOKEN_HEADER = "HTTP_X_HEALTH_TOKEN"
#: Session engines that keep sessions in a cache (a cache outage logs everyone out).
CACHE_SESSION_ENGINES = ("django.contrib.sessions.backends.cache",
                         "django.contrib.sessions.backends.cached_db")


def live(request):
    """200 whenever the process can serve; nothing else is looked at."""
    return JsonResponse({"status": "ok"})


def ready(request):
    """200 ``ready``, or 503 ``unavailable`` naming what is down."""
    report = _Report()
    report.database()
    report.caches()
    report.modules()
    report.tasks()
    body = {"status": "unavailable" if report.down else "ready", "down": report.down,
            "warnings": report.warnings}
    if may_see_details(request):
        body.update(report.details)
    return JsonResponse(body, status=503 if report.down else 200)


def health(request):
    """200 with ``status: ok``, or 503 with ``status: degraded`` and the reasons.

    A task whose last run failed makes it degraded too: the web still serves,
    but someone should look (``openimis-host tasks`` shows the error).
    """
    report = _Report()
    report.database()
    report.caches()
    report.modules()
    report.tasks()
    failing = report.down + report.warnings
    body = {"status": "degraded" if failing else "ok", "failing": failing}
    if may_see_details(request):
        host = get_host()
        body.update({
            "version": __version__,
            "problems": report.problems,
            "database": report.details["database"],
            "caches": report.details["caches"],
            "modules": [{"name": m.name, "distribution": m.distribution, "version": m.version,
                         "status": m.status, "error": m.error} for m in host.modules],
            "tasks": report.task_rows,
        })
    return JsonResponse(body, status=503 if failing else 200)


def may_see_details(request) -> bool:
    """DEV, a staff user, or the configured HEALTH_TOKEN in ``X-Health-Token``."""
    if settings.DEBUG:
        return True
    token = settings.HEALTH_TOKEN
    sent = request.META.get(TOKEN_HEADER, "")
    if token and sent and hmac.compare_digest(sent.encode(), token.encode()):
        return True
    try:
        # Lazy: an anonymous probe (no session cookie, no token) costs no query.
        return bool(getattr(request.user, "is_staff", False))
    except DatabaseError:  # the user cannot be looked up during an outage
        return False


class _Report:
    """What is down (makes readiness fail), what is only a warning, and the details of each."""

    def __init__(self):
        self.down: list[str] = []
        self.warnings: list[str] = []
        self.problems: list[str] = []
        self.details: dict = {}
        self.task_rows: list[dict] = []

    def database(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            self.details["database"] = {"status": "ok"}
        except Exception as exc:
            self.details["database"] = {"status": "error", "error": _error_text(exc)}
            self.down.append("database")
            self.problems.append("database unreachable")

    def caches(self) -> None:
        """The caches that back the rate limit or the sessions: down makes requests fail."""
        needed = {}
        if settings.RATELIMIT_ENABLE:
            # Fail-open (RATELIMIT_SKIP_TIMEOUT): requests go through unlimited, so only a warning.
            needed[settings.RATELIMIT_CACHE] = "rate limit" + (
                " (fail-open)" if settings.RATELIMIT_SKIP_TIMEOUT else "")
        if settings.SESSION_ENGINE in CACHE_SESSION_ENGINES:
            needed[settings.SESSION_CACHE_ALIAS] = "sessions"
        report, down, warn = {}, False, False
        for alias, use in needed.items():
            try:
                caches[alias].get("openimis-host:health")
                report[alias] = {"status": "ok", "backs": use}
            except Exception as exc:  # redis, memcached ... errors: no common base class
                report[alias] = {"status": "error", "backs": use, "error": _error_text(exc)}
                critical = use != "rate limit (fail-open)"
                down, warn = down or critical, warn or not critical
                self.problems.append(f"cache '{alias}' ({use}) unreachable")
        self.details["caches"] = report
        if down:
            self.down.append("cache")
        elif warn:
            self.warnings.append("cache")

    def modules(self) -> None:
        failed = [m for m in get_host().modules if m.status == FAILED]
        self.details["modules"] = [{"name": m.name, "distribution": m.distribution,
                                    "version": m.version, "error": m.error} for m in failed]
        if failed:
            self.down.append("modules")
            self.problems.append(f"modules failed: {', '.join(m.name for m in failed)}")

    def tasks(self) -> None:
        if "database" in self.down:
            return  # the history is in the database
        self.task_rows = _tasks()
        failing = [t for t in self.task_rows if t["outcome"] in ("failed", "interrupted")]
        self.details["tasks"] = failing
        if failing:
            self.warnings.append("tasks")
            self.problems.append("tasks failed on their last run: "
                                 + ", ".join(t["id"] for t in failing))


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip()


def _tasks() -> list[dict]:
    """Each scheduled task with its last ended run (none before ``migrate``)."""
    from ..assembly.tasks import all_tasks
    from ..scheduler.history import last_runs

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
