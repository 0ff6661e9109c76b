"""Where the time goes on the legacy stack: cProfile one side on one workload, in process.

    bench/build/legacy-venv/bin/python bench/legacy_profile.py host locations [--count 300]
    bench/build/legacy-venv/bin/python bench/legacy_profile.py handwired tokenAuth

(run ``bench/run --legacy`` once first: it builds the venv and installs the
modules). Makes a fresh PostgreSQL database as the benchmark does, logs in as
an openIMIS client would, then profiles ``--count`` identical requests through
Django's test client (the full middleware stack and view, without the socket)
after a warm-up; prints the functions by their own and cumulative time, and the
database queries of one request. The database is dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import sys

from harness import profile_calls, run_child


def logged_in_client(label: str):
    """In a side's process (django set up here): Django's test client logged in as openIMIS's
    front-end is. Returns ``post(body, **headers) -> data`` (it exits on an error or a
    non-200), the headers of the logged-in client, and the client (for its cookies)."""
    import django

    django.setup()
    import legacy_driver
    import legacy_http
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_USER_AGENT="bench")

    def post(body, **headers):
        resp = client.post("/api/graphql", json.dumps(body), content_type="application/json", **headers)
        data = json.loads(resp.content)
        if resp.status_code != 200 or data.get("errors"):
            sys.exit(f"{label}: {resp.status_code} {resp.content[:600]!r}")
        return data["data"]

    token = post(legacy_driver.LOGIN_BODY)["tokenAuth"]["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    csrf = post({"query": legacy_http.CSRF}, **auth)["getCsrfToken"]["csrfToken"]
    return post, {**auth, "HTTP_X_CSRFTOKEN": csrf}, client


def child(workload: str, count: int, lines: int) -> None:
    """Runs in the side's environment (see main)."""
    post, headers, client = logged_in_client(workload)
    import legacy_driver
    from django.db import connection

    body = legacy_driver.WORKLOADS[workload]
    if workload == "tokenAuth":
        headers = {}

    def call():
        if workload == "tokenAuth":  # as the benchmark's client: no cookie (a login sets the JWT's)
            client.cookies.clear()
        return post(body, **headers)

    plain, per = profile_calls(call, count, lines)
    queries = []

    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):  # sees what the host's own wrappers run too
        call()
    print(f"{count} x {workload}: {1000 * plain:.2f} ms of CPU each (this process; the database "
          f"server's not counted), {1000 * per:.2f} ms each under the profiler; "
          f"{len(queries)} queries per request:")
    for sql in queries:
        print(f"  {sql[:220]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("side", choices=["host", "handwired"])
    parser.add_argument("workload", choices=["locations", "tokenAuth"])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--lines", type=int, default=35)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.workload, args.count, args.lines)
        return
    import legacy_driver
    import legacy_project
    from legacy_sides import MODULES_DIR, LegacySide

    side = LegacySide(args.side, legacy_driver.FOUR)
    legacy_project.generate(list(side.modules), MODULES_DIR, side.project_dir())
    with legacy_driver.fresh_database("prof") as database:
        env = {"DJANGO_SETTINGS_MODULE": "openimis_host.settings", **side.env(database)}
        code = run_child(__file__, env, [args.side, args.workload, "--count", str(args.count),
                                         "--lines", str(args.lines)]).returncode
    sys.exit(code)


if __name__ == "__main__":
    main()
