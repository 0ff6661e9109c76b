"""``?prof=True``: a cProfile report of the request instead of its response (MODE=DEV only).

``&download=True`` returns the raw profile (``profile.prof``, the format of
``cProfile.Profile.dump_stats``), which ``snakeviz profile.prof`` and
``pstats.Stats("profile.prof")`` open. For GraphQL, POST the query as usual and
add the parameters to the URL: the report covers executing that query.
In PROD the parameter is refused with 403: profiling exposes code paths and
costs time on every call.
"""

from __future__ import annotations

import cProfile
import io
import marshal
import pstats

from django.conf import settings
from django.http import HttpResponse

from .json_errors import error_response

#: How many functions the text report lists.
REPORT_LINES = 80


def _flag(request, name: str) -> bool:
    return request.GET.get(name, "").lower() in ("true", "1")


class ProfilerMiddleware:
    """Profiles the rest of the middleware chain and the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The substring test spares every other request building request.GET.
        if "prof" not in request.META.get("QUERY_STRING", "") or not _flag(request, "prof"):
            return self.get_response(request)
        if not settings.DEBUG:
            return error_response(request, 403, "profiler_disabled",
                                  "the profiler (prof=True) is only available in MODE=DEV")
        profiler = cProfile.Profile()
        try:
            profiler.enable()
        except ValueError:  # another profiler is active in this process (another thread)
            return error_response(request, 409, "profiler_busy",
                                  "another request is being profiled; try again")
        try:
            self.get_response(request)
        finally:
            profiler.disable()
        profiler.create_stats()
        if _flag(request, "download"):
            return HttpResponse(
                marshal.dumps(profiler.stats), content_type="application/octet-stream",
                headers={"Content-Disposition": 'attachment; filename="profile.prof"'})
        report = io.StringIO()
        stats = pstats.Stats(profiler, stream=report)
        stats.sort_stats(pstats.SortKey.CUMULATIVE).print_stats(REPORT_LINES)
        return HttpResponse(report.getvalue(), content_type="text/plain; charset=utf-8")
