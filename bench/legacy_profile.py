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
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import time
import uuid

from configs import BENCH, workdir


def child(workload: str, count: int, lines: int) -> None:
    """Runs in the side's environment (see main)."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    import legacy_driver
    import legacy_http

    client = Client(HTTP_HOST="127.0.0.1", HTTP_USER_AGENT="bench")

    def post(body, **headers):
        resp = client.post("/api/graphql", json.dumps(body), content_type="application/json",
                           **headers)
        data = json.loads(resp.content)
        if resp.status_code != 200 or data.get("errors"):
            sys.exit(f"{workload}: {resp.status_code} {resp.content[:600]!r}")
        return data["data"]

    token = post(legacy_driver.LOGIN_BODY)["tokenAuth"]["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    csrf = post({"query": legacy_http.CSRF}, **auth)["getCsrfToken"]["csrfToken"]
    headers = {**auth, "HTTP_X_CSRFTOKEN": csrf} if workload == "locations" else {}
    body = legacy_driver.WORKLOADS[workload]
    if workload == "tokenAuth":
        client.cookies.clear()
    for _ in range(30):
        post(body, **headers)
    queries = []

    def record(execute, sql, params, many, context):
        queries.append(sql)
        if os.environ.get("BENCH_STACK") and len(queries) == 1:
            import traceback; traceback.print_stack(limit=14)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):  # sees what the host's own wrappers run too
        post(body, **headers)
    start = time.process_time()
    for _ in range(count):
        post(body, **headers)
    plain = (time.process_time() - start) / count
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    for _ in range(count):
        post(body, **headers)
    profile.disable()
    per = (time.perf_counter() - start) / count
    print(f"{count} x {workload}: {1000 * plain:.2f} ms of CPU each (this process; the database "
          f"server's not counted), {1000 * per:.2f} ms each under the profiler; "
          f"{len(queries)} queries per request:")
    for sql in queries:
        print(f"  {sql[:220]}")
    for key in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).strip_dirs().sort_stats(key).print_stats(lines)
        print(f"===== sorted by {key} =====")
        print(out.getvalue())


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
    name = f"bench_legacy_prof_{uuid.uuid4().hex[:8]}"
    database = {"DB_NAME": name, "DB_HOST": "127.0.0.1", "DB_PORT": "5432", "DB_USER": "postgres"}
    legacy_driver.psql(f'CREATE DATABASE "{name}"')
    try:
        legacy_driver.prepare_database(database, legacy_driver.FOUR)
        env = side.env(database)
        env["PYTHONPATH"] += os.pathsep + str(BENCH)
        env.setdefault("DJANGO_SETTINGS_MODULE", "openimis_host.settings")
        code = subprocess.call([sys.executable, os.path.abspath(__file__), args.side, args.workload,
                                "--count", str(args.count), "--lines", str(args.lines), "--child"],
                               env=env, cwd=workdir())
    finally:
        legacy_driver.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    sys.exit(code)


if __name__ == "__main__":
    main()
