"""The benchmark driver: generate the modules, measure both sides interleaved, report.

    bench/run [--quick] [--parts boot,inprocess,rss]

Every measurement alternates the sides (host, hand-wired, hand-wired, host,
...; the in-process workers take turns sample by sample, see measure.py) so
that the drift of this shared machine falls on all alike. Figures are medians
over the repetitions; see report.py for the ratios and the targets.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone

import generate
import measure
import report
from configs import BENCH, BUILD, HOST_WIRING, SIDES

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


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def alternating(rep: int):
    """The two sides in the order for repetition ``rep``: AB, BA, AB, ..."""
    return SIDES if rep % 2 == 0 else SIDES[::-1]


def run_boot(plan: dict) -> dict:
    samples = {s.name: {n: [] for n in plan["ns"]} for s in SIDES}
    # One discarded boot per configuration: writes the .pyc files of the
    # generated modules and warms the page cache.
    for n in plan["ns"]:
        for side in SIDES:
            measure.boot(side, n)
    for rep in range(plan["boot_reps"]):
        for n in plan["ns"]:
            for side in alternating(rep + n):
                samples[side.name][n].append(measure.boot(side, n))
        log(f"boot: repetition {rep + 1}/{plan['boot_reps']}")
    return samples


def run_inprocess(plan: dict) -> dict:
    sides = SIDES + (HOST_WIRING,)
    samples = {s.name: {n: {w: [] for w in WORKLOADS} for n in plan["inprocess_ns"]} for s in sides}
    for rep in range(plan["inprocess_workers"]):
        for n in plan["inprocess_ns"]:
            first = rep % len(sides)  # which worker boots (and samples) first
            result = measure.inprocess_lockstep(sides[first:] + sides[:first], n, WORKLOADS,
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
            for side in alternating(rep + n):
                samples[side.name][n].append(measure.worker_rss(side, n, plan["rss_requests"]))
        log(f"gunicorn RSS: repetition {rep + 1}/{plan['rss_reps']}")
    return samples


def machine() -> dict:
    cpu = "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "platform": platform.platform(), "load_before": os.getloadavg()}


def host_source() -> dict:
    """Which state of the host's sources was measured (the venv installs the work tree)."""
    def git(*args):
        try:
            return subprocess.run(["git", "-C", str(BENCH.parent), *args], capture_output=True,
                                  text=True, timeout=30).stdout.strip()
        except OSError:
            return ""
    changed = git("status", "--porcelain", "--", "openimis_host", "plugins_spec", "pyproject.toml")
    return {"commit": git("rev-parse", "--short", "HEAD"),
            "uncommitted_files": len(changed.splitlines())}


def versions() -> dict:
    from importlib import metadata

    return {d: metadata.version(d) for d in ("openimis-host", "Django", "djangorestframework",
                                             "graphene", "graphene-django", "graphql-core",
                                             "gunicorn", "pluggy")}


def write_json(results: dict, path: str) -> None:
    """The figures indented for reading; the raw samples (thousands of numbers) on one line."""
    summary = json.dumps({k: v for k, v in results.items() if k != "raw"}, indent=2)
    with open(path, "w") as out:
        out.write(summary[:-2] + ',\n  "raw": ' + json.dumps(results["raw"]) + "\n}\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (< 3 minutes)")
    parser.add_argument("--parts", default=",".join(PARTS),
                        help="comma-separated subset of: " + ", ".join(PARTS))
    parser.add_argument("--output", default=str(BENCH / "results.json"),
                        help="where to write the JSON results (default: bench/results.json)")
    args = parser.parse_args()
    parts = [p for p in args.parts.split(",") if p]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    mode = "quick" if args.quick else "full"
    plan = PLANS[mode]

    started = time.monotonic()
    info = {"mode": mode, "plan": plan, "date": datetime.now(timezone.utc).isoformat(
        timespec="seconds"), "machine": machine(), "versions": versions(),
            "host_source": host_source()}
    ns = sorted(set(plan["ns"] + plan["inprocess_ns"] + plan["rss_ns"]))
    for n in ns:
        generate.generate(n, BUILD)
    log(f"{mode} run; generated N={', '.join(map(str, ns))} under {BUILD}")

    raw = {}
    runners = {"boot": run_boot, "inprocess": run_inprocess, "rss": run_rss}
    for part in PARTS:
        if part in parts:
            log(f"{part} ...")
            raw[part] = runners[part](plan)
    info["seconds"] = round(time.monotonic() - started, 1)
    info["machine"]["load_after"] = os.getloadavg()

    results = report.summarize(raw, info)
    print(report.table(results))
    write_json(results, args.output)
    log(f"wrote {args.output} ({info['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
