"""In-process request costs of one side with N modules: a worker driven in lock-step.

    python inprocess.py N WORKLOAD...

Django is set up from DJANGO_SETTINGS_MODULE, then each request goes through
the WSGI handler that gunicorn would call (``get_wsgi_application()``): the
full middleware stack, URL resolution, the view, the response and the
``request_finished`` signal. That is what a worker does per request minus the
socket and HTTP parsing, which are the same for both sides.

The worker checks every workload's response once, warms it up, and prints one
JSON line ``{"per_call": {workload: seconds}}``. Then it waits for commands on
stdin, one JSON line each, ``{"workload": name, "count": k}``, and answers
``{"wall": seconds, "cpu": seconds}`` after sending k requests: the elapsed
time and the CPU time this process used meanwhile (``time.process_time``),
which the time other processes of this shared machine hold the CPU does not
inflate. measure.py runs a host
worker and a hand-wired worker side by side this way and alternates short
samples between them, so that only one runs at a time and the load of this
shared machine falls on both alike.
"""

from __future__ import annotations

import io
import json
import sys
import time

QUERY = """
query Bench($first: Int) {
  first: %(first)sInfo { ...FirstInfo }
  last: %(last)sInfo { ...LastInfo }
}
fragment FirstInfo on %(First)sInfo { module version tags(first: $first) }
fragment LastInfo on %(Last)sInfo { module version tags(first: $first) }
"""


def graphql_body(n: int) -> bytes:
    """The one query string sent over and over: a field of the first and of the last module."""
    first, last = "m001", f"m{n:03d}"
    query = QUERY % {"first": first, "last": last, "First": first.capitalize(),
                     "Last": last.capitalize()}
    return json.dumps({"query": query, "variables": {"first": 2}}).encode()


def workloads(n: int) -> dict:
    """name -> (method, path, body, expected status, a fragment the response must hold)."""
    last = f"m{n:03d}"
    return {
        "view_first": ("GET", "/m001/ping/", b"", 200, b'"m001"'),
        "view_last": ("GET", f"/{last}/ping/", b"", 200, f'"{last}"'.encode()),
        "drf_ok": ("GET", "/m001/api/", b"", 200, b'"m001"'),
        "drf_error": ("GET", "/m001/fail/", b"", 409, b"conflict in m001"),
        "graphql": ("POST", "/graphql", graphql_body(n), 200,
                    f'"last":{{"module":"{last}","version":"1.0.0","tags":["a","b"]}}'.encode()),
        # URL resolution alone, to show where the routing cost goes.
        "resolve_first": ("RESOLVE", "/m001/ping/", b"", None, None),
        "resolve_last": ("RESOLVE", f"/{last}/ping/", b"", None, None),
    }


def request_caller(app, method: str, path: str, body: bytes):
    """A function that sends one request through ``app`` and returns (status, body)."""
    if method == "RESOLVE":
        from django.urls import resolve

        return lambda: (resolve(path), None)
    base = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8000",
        "CONTENT_TYPE": "application/json" if body else "", "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }
    started = []

    def start_response(status, headers, exc_info=None):
        started.append(status)

    def call():
        environ = dict(base)
        environ["wsgi.input"] = io.BytesIO(body)
        started.clear()
        response = app(environ, start_response)
        content = b"".join(response)
        response.close()  # fires request_finished, as a WSGI server does
        return int(started[0].split()[0]), content

    return call


def prepare(n: int, names: list[str], warmup: float = 0.2) -> tuple[dict, dict]:
    """Set Django up; return {workload: call} and {workload: seconds per call after warm-up}."""
    import os

    import django
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    django.setup()
    if os.environ.get("BENCH_DJANGO_MIDDLEWARE_ONLY"):
        # configs.HOST_WIRING: Django's own middleware only (read when the handler is built).
        settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m.startswith("django.")]
    app = get_wsgi_application()
    specs = workloads(n)
    calls, per_call = {}, {}
    for name in names:
        method, path, body, status, fragment = specs[name]
        call = calls[name] = request_caller(app, method, path, body)
        got, content = call()
        if status is not None and (got != status or fragment not in content):
            sys.exit(f"{name}: {method} {path} answered {got} {content[:300]!r}, "
                     f"expected {status} with {fragment!r}")
        made, start = 0, time.perf_counter()
        while made < 20 or time.perf_counter() - start < warmup:
            call()
            made += 1
        per_call[name] = (time.perf_counter() - start) / made
    return calls, per_call


def main() -> None:
    n, names = int(sys.argv[1]), sys.argv[2:]
    calls, per_call = prepare(n, names)
    out = sys.stdout
    out.write(json.dumps({"per_call": per_call}) + "\n")
    out.flush()
    for line in sys.stdin:
        command = json.loads(line)
        call, count = calls[command["workload"]], command["count"]
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(count):
            call()
        out.write(json.dumps({"wall": time.perf_counter() - start,
                              "cpu": time.process_time() - cpu}) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
