"""What login by default (graphql/login.py) costs an authenticated ``locations`` query.

    bench/build/legacy-venv/bin/python bench/login_check.py [--rounds 8]

(run ``bench/run --legacy`` once first: it builds the venv and installs the modules;
``bench/run --legacy`` also runs this as its ``logincheck`` part). On a fresh
PostgreSQL database with the benchmark's rows, in one process of the host (MODE=PROD,
core, location, medical, medical_pricelist), logged in as openIMIS's front-end is:

- **the check alone**: ``graphql.login.refusal(request, document)`` timed over many
  calls, for the logged-in request of the ``locations`` query (what every logged-in
  request pays) and for an anonymous ``tokenAuth`` (the walk over its root fields);
- **the request**: CPU time of one ``locations`` request through Django's test client
  (the whole middleware stack and view, without the socket, so the share is an upper
  bound of what gunicorn would show), rounds with the check on and off in turn.

The target is judged on the check alone over the request (end to end, a difference of
microseconds is within the noise of milliseconds; that figure is printed for scale).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from harness import Failed, run_child

TARGET_PERCENT = 2.0


def child(rounds: int) -> None:
    """Runs in the host side's environment (see measure); prints one JSON line."""
    from legacy_profile import logged_in_client

    post, headers, _ = logged_in_client("login check")
    import legacy_driver
    import legacy_http
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from openimis_host.graphql import login as graphql_login
    from openimis_host.graphql.stack import parse

    body = legacy_driver.LOCATIONS_BODY
    assert settings.GRAPHQL_LOGIN_REQUIRED, "the host side runs in PROD: the check is on"

    # The check alone, on the objects a request gives it.
    logged_in = RequestFactory().post("/api/graphql")
    logged_in.user = get_user_model().objects.get(username=legacy_driver.USER)
    anonymous = RequestFactory().post("/api/graphql")
    anonymous.user = AnonymousUser()
    cases = {"logged_in_locations": (logged_in, parse(legacy_http.LOCATIONS)),
             "anonymous_tokenAuth": (anonymous, parse(legacy_http.LOGIN))}
    check_us = {}
    for name, (request, document) in cases.items():
        assert graphql_login.refusal(request, document) is None, name
        times = []
        for _ in range(5):
            start = time.process_time()
            for _ in range(20000):
                graphql_login.refusal(request, document)
            times.append((time.process_time() - start) / 20000 * 1e6)
        check_us[name] = statistics.median(times)

    # The request, check on and off in turn (the setting is read per request).
    for _ in range(30):
        post(body, **headers)
    start = time.process_time()
    for _ in range(20):
        post(body, **headers)
    count = max(20, int(1.0 / ((time.process_time() - start) / 20)))  # about 1 s per batch
    samples = {True: [], False: []}
    for rnd in range(rounds):
        for on in ((True, False) if rnd % 2 == 0 else (False, True)):
            settings.GRAPHQL_LOGIN_REQUIRED = on
            start = time.process_time()
            for _ in range(count):
                post(body, **headers)
            samples[on].append((time.process_time() - start) / count * 1000)
    settings.GRAPHQL_LOGIN_REQUIRED = True
    request_ms = statistics.median(samples[True])
    print(json.dumps({
        "check_us": check_us,
        "request_ms_check_on": request_ms,
        "request_ms_check_off": statistics.median(samples[False]),
        "end_to_end_paired_percent": statistics.median(
            (a / b - 1) * 100 for a, b in zip(samples[True], samples[False], strict=True)),
        "check_percent_of_request": check_us["logged_in_locations"] / 1000 / request_ms * 100,
        "rounds": rounds, "requests_per_batch": count, "target_percent": TARGET_PERCENT,
    }))


def measure(database: dict, rounds: int) -> dict:
    """Run the child in the host side's environment on ``database`` (prepared); its figures."""
    import legacy_driver
    from legacy_sides import LegacySide

    env = {"DJANGO_SETTINGS_MODULE": "openimis_host.settings",
           **LegacySide("host", legacy_driver.FOUR).env(database)}
    proc = run_child(__file__, env, ["--rounds", str(rounds)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise Failed(f"login check: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def describe(r: dict) -> list[str]:
    """The lines of the report for ``measure``'s figures."""
    share = r["check_percent_of_request"]
    verdict = "met" if share <= r["target_percent"] else "NOT met"
    return ["login by default (graphql.login.refusal), MODE=PROD, core, location, medical, "
            "medical_pricelist:",
            f"  the check on a logged-in locations request: {r['check_us']['logged_in_locations']:.2f} us"
            f" = {share:.3f}% of the request's {r['request_ms_check_on']:.2f} ms of CPU "
            f"(target <= {r['target_percent']:.0f}%: {verdict})",
            f"  on an anonymous tokenAuth (the walk over its root fields): "
            f"{r['check_us']['anonymous_tokenAuth']:.2f} us",
            f"  end to end, check on vs off ({r['rounds']} rounds x {r['requests_per_batch']} "
            f"requests): {r['request_ms_check_on']:.2f} vs {r['request_ms_check_off']:.2f} ms, "
            f"paired {r['end_to_end_paired_percent']:+.2f}% (noise at this scale)"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.rounds)
        return
    import legacy_driver

    with legacy_driver.fresh_database("login") as database:
        result = measure(database, args.rounds)
    print("\n".join(describe(result)))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
