"""The benchmark driver: generate the modules, measure both sides interleaved, report.

    bench/run [--quick] [--parts boot,inprocess,rss]

Every measurement alternates the sides (host, hand-wired, hand-wired, host,
...; the in-process workers take turns sample by sample, see measure.py) so
that the drift of this shared machine falls on all alike. Figures are medians
over the repetitions; see report.py for the ratios and the targets.
"""

from __future__ import annotations

import sys
from importlib import metadata

import generate
import harness
import measure
import report
from configs import BUILD, HOST_WIRING, SIDES
from harness import log, rotated

# How much of everything to do. The quick plan fits in 3 minutes on 2 cores;
# the in-process and RSS parts then run at N=200 only, where the targets bite.
PLANS = {
    "quick": {"ns": [1, 50, 200], "boot_reps": 5,
              "inprocess_ns": [200], "inprocess_workers": 2, "rounds": 10, "seconds": 0.1,
              "rss_ns": [200], "rss_reps": 2, "rss_requests": 20},
    "full": {"ns": [1, 50, 200], "boot_reps": 15,
             "inprocess_ns": [1, 50, 200], "inprocess_workers": 3, "rounds": 12, "seconds": 0.15,
             "rss_ns": [1, 50, 200], "rss_reps": 3, "rss_requests": 50},
}
WORKLOADS = ["view_first", "view_last", "drf_ok", "drf_error", "graphql",
             "resolve_first", "resolve_last"]
PARTS = ("boot", "inprocess", "rss")


def run_boot(plan: dict) -> dict:
    samples = {s.name: {n: [] for n in plan["ns"]} for s in SIDES}
    # One discarded boot per configuration: writes the .pyc files of the
    # generated modules and warms the page cache.
    for n in plan["ns"]:
        for side in SIDES:
            measure.boot(side, n)
    for rep in range(plan["boot_reps"]):
        for n in plan["ns"]:
            for side in rotated(SIDES, rep + n):
                samples[side.name][n].append(measure.boot(side, n))
        log(f"boot: repetition {rep + 1}/{plan['boot_reps']}")
    return samples


def run_inprocess(plan: dict) -> dict:
    sides = SIDES + (HOST_WIRING,)
    samples = {s.name: {n: {w: [] for w in WORKLOADS} for n in plan["inprocess_ns"]} for s in sides}
    for rep in range(plan["inprocess_workers"]):
        for n in plan["inprocess_ns"]:
            # rotated: which worker boots (and samples) first
            result = measure.inprocess_lockstep(tuple(rotated(sides, rep)), n, WORKLOADS,
                                                plan["rounds"], plan["seconds"])
            for side, by_workload in result.items():
                for workload, values in by_workload.items():
                    samples[side][n][workload] += values
        log(f"in-process: worker set {rep + 1}/{plan['inprocess_workers']}")
    return samples


def run_rss(plan: dict) -> dict:
    samples = {s.name: {n: [] for n in plan["rss_ns"]} for s in SIDES}
    for rep in range(plan["rss_reps"]):
        for n in plan["rss_ns"]:
            for side in rotated(SIDES, rep + n):
                samples[side.name][n].append(measure.worker_rss(side, n, plan["rss_requests"]))
        log(f"gunicorn RSS: repetition {rep + 1}/{plan['rss_reps']}")
    return samples


def main() -> int:
    args = harness.cli(__doc__, PARTS, "results.json")
    mode = "quick" if args.quick else "full"
    plan = PLANS[mode]
    info = harness.run_info(mode, plan, {d: metadata.version(d) for d in (
        "openimis-host", "Django", "djangorestframework", "graphene", "graphene-django",
        "graphql-core", "gunicorn", "pluggy")})
    ns = sorted(set(plan["ns"] + plan["inprocess_ns"] + plan["rss_ns"]))
    for n in ns:
        generate.generate(n, BUILD)
    log(f"{mode} run; generated N={', '.join(map(str, ns))} under {BUILD}")

    raw = {}
    runners = {"boot": run_boot, "inprocess": run_inprocess, "rss": run_rss}
    for part in PARTS:
        if part in args.parts:
            log(f"{part} ...")
            raw[part] = runners[part](plan)
    harness.finish(info)
    results = report.summarize(raw, info)
    print(report.table(results))
    harness.write_results(args.output, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
