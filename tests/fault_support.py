"""The faultprobe module, for the fault tests: views and a GraphQL field with and without the
database, a view that leaks a connection, and a slow import on demand."""

from __future__ import annotations

import time

from conftest import build_dist
from production_support import call

FAULTPROBE_FILES = {
    "openimis_faultprobe/__init__.py": "",
    "openimis_faultprobe/plugin.py": """\
        import os
        import time

        from plugins_spec import hookimpl

        # A slow import, on demand: the boot must name the module.
        time.sleep(float(os.environ.get("FAULTPROBE_IMPORT_SECONDS", "0")))


        @hookimpl
        def openimis_urlpatterns():
            time.sleep(float(os.environ.get("FAULTPROBE_HOOK_SECONDS", "0")))  # a slow hook
            from .views import urlpatterns
            return urlpatterns


        @hookimpl
        def openimis_graphql_query():
            from .schema import Query
            return Query


        @hookimpl
        def openimis_public_graphql_fields():
            return ["faultprobeUsers"]  # the fault tests call it without logging in
        """,
    "openimis_faultprobe/views.py": """\
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.http import JsonResponse
        from django.urls import path
        from django.views.decorators.csrf import csrf_exempt
        from rest_framework.decorators import api_view, permission_classes
        from rest_framework.permissions import AllowAny
        from rest_framework.response import Response

        LEAKED = []


        @api_view(["GET"])
        @permission_classes([AllowAny])  # the fault tests call it without logging in
        def count(request):
            return Response({"users": get_user_model().objects.count()})


        def plain(request):
            return JsonResponse({"database": False})


        def leak(request):
            # A connection of its own, never closed: what exhausted PostgreSQL.
            import psycopg
            s = connection.settings_dict
            LEAKED.append(psycopg.connect(host=s["HOST"], port=s["PORT"], user=s["USER"],
                                          dbname=s["NAME"]))
            return JsonResponse({"leaked": len(LEAKED)})


        def tidy(request):
            return JsonResponse({"users": get_user_model().objects.count()})


        def timeout(request):
            with connection.cursor() as cursor:
                cursor.execute("SHOW statement_timeout")
                return JsonResponse({"statement_timeout": cursor.fetchone()[0]})


        @csrf_exempt
        def echo(request):
            return JsonResponse({"received": len(request.body)})


        urlpatterns = [path("count", count), path("plain", plain), path("leak", leak),
                       path("tidy", tidy), path("timeout", timeout), path("echo", echo)]
        """,
    "openimis_faultprobe/schema.py": """\
        import graphene
        from django.contrib.auth import get_user_model


        class Query(graphene.ObjectType):
            faultprobe_users = graphene.Int()

            def resolve_faultprobe_users(root, info):
                return get_user_model().objects.count()
        """,
}
USERS = "{ faultprobeUsers }"
#: Three fields that each need the database: a request that would try it three times.
THREE_USERS = "{ a: faultprobeUsers b: faultprobeUsers c: faultprobeUsers }"

#: Seconds a measured wait may exceed the documented figure it is checked against, on a quiet
#: machine: the watchdog looks every 0.1 s (faults/watchdog.py), psycopg polls, and the 503 goes
#: out through gunicorn (measured: 0.03 to 0.08 s over the figure). A second, as docs promise.
WITHIN = 1.0


def load_allowance(server, path: str = "/health/live", samples: int = 5) -> float:
    """Seconds the slowest of a few requests that need nothing takes on ``server`` now.

    What the machine's load adds to a request in this run (a few ms when quiet; more
    when other tests share the cores), measured rather than guessed: timing bounds add
    it to their documented figure, so that they hold on a loaded machine and stay
    within a second of the figure on a quiet one.
    """
    worst = 0.0
    for _ in range(samples):
        start = time.monotonic()
        assert call("GET", server.url + path).status == 200
        worst = max(worst, time.monotonic() - start)
    return worst


def faultprobe_dist():
    """The installed faultprobe distribution's directory (for with_dists)."""
    return build_dist("openimis-faultprobe", "1.0.0", FAULTPROBE_FILES, module="faultprobe",
                      entry_point="openimis_faultprobe.plugin")
