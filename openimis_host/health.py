"""``<SITE_ROOT>health``: is the database reachable, and is every module loaded?"""

from django.db import connection
from django.http import JsonResponse

from . import __version__
from .modules import FAILED, get_host


def health(request):
    """200 with ``status: ok``, or 503 with ``status: degraded`` and the reasons."""
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
    body = {
        "status": "degraded" if problems else "ok",
        "version": __version__,
        "problems": problems,
        "database": database,
        "modules": [{"name": m.name, "distribution": m.distribution, "version": m.version,
                     "status": m.status, "error": m.error} for m in host.modules],
    }
    return JsonResponse(body, status=503 if problems else 200)
