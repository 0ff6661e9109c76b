"""What each middleware of one side costs per request, by leaving it out.

    bench/build/venv/bin/python bench/middleware_cost.py host 200 view_first

(run bench/run once first). In one process of the side, it builds one WSGI
handler with the side's full MIDDLEWARE and one per middleware with that
middleware left out (Django reads MIDDLEWARE when a handler is built), then
samples them in turn, round after round, on CPU time. The difference between
the full stack and the stack without X is X's marginal cost per request. One
more variant keeps only Django's own middleware (``django.*``), which for the
host leaves the hand-wired project's stack. A variant whose response differs
from the full stack's (a middleware another one needs) is not timed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from statistics import median

from configs import side
from harness import run_child


def child(n: int, workload: str, rounds: int, seconds: float) -> None:
    import django
    import inprocess
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    django.setup()
    full = list(settings.MIDDLEWARE)
    method, path, body, _, _ = inprocess.workloads(n)[workload]
    variants = {"(full stack)": full,
                "(only django.* middleware)": [m for m in full if m.startswith("django.")]}
    variants.update({f"without {m.rsplit('.', 1)[-1]}": [x for x in full if x != m] for m in full})
    calls, broken = {}, []
    for name, middleware in variants.items():
        settings.MIDDLEWARE = middleware
        call = inprocess.request_caller(WSGIHandler(), method, path, body)
        if call()[0] != calls.get("(full stack)", call)()[0]:
            # e.g. AuthenticationMiddleware without SessionMiddleware: every request a 500.
            broken.append(name)
            continue
        calls[name] = call
    settings.MIDDLEWARE = full
    per_call = {}
    for name, call in calls.items():
        start = time.process_time()
        for _ in range(200):
            call()
        per_call[name] = (time.process_time() - start) / 200
    count = max(50, int(seconds / max(per_call.values())))
    samples = {name: [] for name in calls}
    for r in range(rounds):
        names = list(calls) if r % 2 == 0 else list(calls)[::-1]
        for name in names:
            call = calls[name]
            start = time.process_time()
            for _ in range(count):
                call()
            samples[name].append((time.process_time() - start) / count)
    base = samples["(full stack)"]
    print(f"{workload} ({method} {path}), N={n}: median CPU us per request over {rounds} rounds "
          f"of {count} requests")
    print(f"  {'stack':<45} {'us/request':>10} {'saving (paired median)':>24}")
    for name, values in samples.items():
        saving = median(b - v for b, v in zip(base, values, strict=True)) * 1e6
        print(f"  {name:<45} {median(values) * 1e6:>10.1f} {saving:>24.1f}")
    for name in broken:
        print(f"  {name:<45} {'(the response changes: not comparable)':>35}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("side", choices=["host", "handwired"])
    parser.add_argument("n", type=int)
    parser.add_argument("workload", help="a workload of inprocess.py, e.g. view_first")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--seconds", type=float, default=0.1, help="per sample")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.n, args.workload, args.rounds, args.seconds)
        return
    sys.exit(run_child(__file__, side(args.side).env(args.n), [
        args.side, str(args.n), args.workload, "--rounds", str(args.rounds),
        "--seconds", str(args.seconds)], stderr=subprocess.DEVNULL).returncode)


if __name__ == "__main__":
    main()
