"""Where the time goes: cProfile one side on one workload, or its boot.

    bench/build/venv/bin/python bench/profiling.py host 200 view_first [--lines 40]
    bench/build/venv/bin/python bench/profiling.py handwired 200 boot

(run bench/run once first, to create the venv and the generated modules).
The workload names are those of inprocess.py. For a request, the profile
covers a few thousand identical requests after a warm-up; for ``boot``, one
fresh process doing what measure.BOOT does. Prints the functions sorted by
their own time and by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import sys

from configs import side
from harness import print_profile, profile_calls, run_child


def child(n: int, target: str, count: int, lines: int) -> None:
    """Runs in the side's environment (see main)."""
    profile = cProfile.Profile()
    if target == "boot":
        profile.enable()
        import django
        from django.urls import get_resolver
        from graphene_django.settings import graphene_settings

        django.setup()
        get_resolver().url_patterns  # noqa: B018  loads the URLconf
        graphene_settings.SCHEMA.graphql_schema  # noqa: B018  builds it
        profile.disable()
    else:
        import django
        import inprocess
        from django.core.wsgi import get_wsgi_application

        django.setup()
        method, path, body, _, _ = inprocess.workloads(n)[target]
        print(f"{count} x {method} {path}")
        profile_calls(inprocess.request_caller(get_wsgi_application(), method, path, body), count,
                      lines, warmup=200)
        return
    print_profile(profile, lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("side", choices=["host", "handwired"])
    parser.add_argument("n", type=int)
    parser.add_argument("target", help="boot, or a workload of inprocess.py (e.g. view_first)")
    parser.add_argument("--count", type=int, default=3000, help="requests to profile")
    parser.add_argument("--lines", type=int, default=35)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.n, args.target, args.count, args.lines)
        return
    sys.exit(run_child(__file__, side(args.side).env(args.n), [args.side, str(args.n), args.target,
                       "--count", str(args.count), "--lines", str(args.lines)]).returncode)


if __name__ == "__main__":
    main()
