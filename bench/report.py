"""Medians, ratios and targets from the raw samples; the printed table.

Ratios are always "host against hand-wired":

- boot: host time / hand-wired time (lower is better; target <= 1.10 at N=200);
- requests: host throughput / hand-wired throughput, i.e. hand-wired time per
  request / host time per request (higher is better);
- routing: cost of a plain view on the last module / on the first, for each
  side (target <= 1.10 for the host at N=200).

Which clock. Every sample has its wall time and its CPU time (user + system
of the measured process). This machine is shared: other processes take the
CPU for seconds at a time, which stretches wall time but not CPU time, and a
boot or a request here is single-threaded and CPU-bound (every file it reads
is in the page cache), so on an idle machine its wall time is its CPU time.
Targets are therefore judged on CPU time; the wall-time figures are printed
next to them.

How a ratio is formed. "paired" is the median of the ratios of paired samples:
a host sample and the hand-wired sample taken right next to it (the other
side's boot in the same repetition; the other worker's sample of the same
workload in the same round). "of medians" is the ratio of the two sides'
medians. A pair sees nearly the same machine, so the paired figure is the
one the targets are judged on; when the two disagree about a target the
result says "borderline".
"""

from __future__ import annotations

from statistics import median

from harness import ratios

#: (what, measurement, N or None for every N measured, comparison, limit)
TARGETS = [
    ("boot time", "boot", 200, "<=", 1.10),
    ("plain view, first module", "view_first", None, ">=", 0.97),
    ("plain view, last module", "view_last", None, ">=", 0.97),
    ("DRF view", "drf_ok", None, ">=", 0.97),
    ("DRF exception -> module handler", "drf_error", None, ">=", 0.97),
    ("host routing: last / first module cost", "routing", 200, "<=", 1.10),
    ("repeated GraphQL query", "graphql", None, ">=", 1.5),
]

LABELS = {
    "view_first": "plain view, first module",
    "view_last": "plain view, last module",
    "drf_ok": "DRF view (first module)",
    "drf_error": "DRF exception -> handler",
    "graphql": "repeated GraphQL query",
    "resolve_first": "resolve() only, first module",
    "resolve_last": "resolve() only, last module",
}

SIDES = ("host", "handwired")


def _check(value: float, op: str, limit: float) -> bool:
    return value <= limit if op == "<=" else value >= limit


def _boot(raw: dict) -> list[dict]:
    rows = []
    for n in sorted(raw["host"]):
        row = {"n": n, "samples": len(raw["host"][n])}
        clocks = {}
        for clock in ("wall", "inside", "cpu"):
            host = [s[clock] for s in raw["host"][n]]
            hand = [s[clock] for s in raw["handwired"][n]]
            row[f"host_{clock}_s"], row[f"handwired_{clock}_s"] = median(host), median(hand)
            clocks[clock] = ratios(host, hand)
            row[f"{clock}_ratio"], row[f"{clock}_ratio_of_medians"] = clocks[clock]
        rows.append(row)
    return rows


def _requests(raw: dict) -> tuple[list[dict], list[dict]]:
    requests, routing = [], []
    for n in sorted(raw["host"]):
        def series(side, workload, clock="cpu", n=n):
            return [s[clock] for s in raw[side][n][workload]]

        for workload in raw["host"][n]:
            row = {"n": n, "workload": workload, "samples": len(raw["host"][n][workload])}
            for clock in ("cpu", "wall"):
                host, hand = series("host", workload, clock), series("handwired", workload, clock)
                row[f"host_{clock}_us"] = median(host) * 1e6
                row[f"handwired_{clock}_us"] = median(hand) * 1e6
                # Throughput ratio: hand-wired time / host time.
                row[f"{clock}_ratio"], row[f"{clock}_ratio_of_medians"] = ratios(hand, host)
            if "host_wiring" in raw:
                wiring = series("host_wiring", workload)
                row["host_wiring_cpu_us"] = median(wiring) * 1e6
                row["host_wiring_cpu_ratio"] = ratios(series("handwired", workload), wiring)[0]
            requests.append(row)
        row = {"n": n}
        for side in SIDES:
            # Both workloads are sampled in every round of the same worker.
            (row[f"{side}_last_over_first"],
             row[f"{side}_last_over_first_of_medians"]) = ratios(
                series(side, "view_last"), series(side, "view_first"))
        routing.append(row)
    return requests, routing


def _rss(raw: dict) -> list[dict]:
    rows = []
    for n in sorted(raw["host"]):
        row = {"n": n, "samples": len(raw["host"][n])}
        for side in SIDES:
            for key in ("worker_vmrss", "worker_pss", "master_vmrss"):
                row[f"{side}_{key}_mib"] = median(s[key] for s in raw[side][n]) / 1024
        row["worker_vmrss_ratio"] = row["host_worker_vmrss_mib"] / row["handwired_worker_vmrss_mib"]
        rows.append(row)
    return rows


def _targets(boot, requests, routing) -> list[dict]:
    found = {}  # (measurement, n) -> (paired, of medians)
    for r in boot:
        found[("boot", r["n"])] = (r["cpu_ratio"], r["cpu_ratio_of_medians"])
    for r in requests:
        found[(r["workload"], r["n"])] = (r["cpu_ratio"], r["cpu_ratio_of_medians"])
    for r in routing:
        found[("routing", r["n"])] = (r["host_last_over_first"],
                                      r["host_last_over_first_of_medians"])
    targets = []
    for what, kind, n_target, op, limit in TARGETS:
        ns = [n_target] if n_target is not None else sorted({n for k, n in found if k == kind})
        for n in ns or [None]:
            value, of_medians = found.get((kind, n), (None, None))
            result = "NOT RUN"
            if value is not None:
                result = "PASS" if _check(value, op, limit) else "MISS"
                if _check(of_medians, op, limit) != _check(value, op, limit):
                    result += " (borderline: the ratio of medians says otherwise)"
            targets.append({"target": what, "n": n, "value": value,
                            "value_of_medians": of_medians, "op": op, "limit": limit,
                            "result": result})
    return targets


def summarize(raw: dict, info: dict) -> dict:
    """Medians, ratios and targets of every part in ``raw``, with ``info`` and ``raw``."""
    boot = _boot(raw["boot"]) if "boot" in raw else []
    requests, routing = _requests(raw["inprocess"]) if "inprocess" in raw else ([], [])
    rss = _rss(raw["rss"]) if "rss" in raw else []
    return {"info": info, "boot": boot, "requests": requests, "routing": routing, "rss": rss,
            "targets": _targets(boot, requests, routing), "raw": raw}


# --- the table ---------------------------------------------------------------------

def _x(value) -> str:
    return "-" if value is None else f"{value:.3f}x"


def table(results: dict) -> str:
    """The printed report of ``summarize``'s results."""
    info, m = results["info"], results["info"]["machine"]
    src = info.get("host_source", {})
    lines = [
        f"openimis-host benchmark: {info['mode']} run, {info['date']}, {m['cpus']} CPUs "
        f"({m['cpu']}), Python {m['python']}, load average {m['load_before'][0]:.2f} before, "
        f"{m['load_after'][0]:.2f} after, {info['seconds']} s",
        f"host sources: commit {src.get('commit') or '?'} + {src.get('uncommitted_files', '?')} "
        "uncommitted file(s); " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()),
    ]
    if results["boot"]:
        lines += ["", "Boot: a fresh `python -c` doing django.setup() + URLconf + schema "
                      "(median seconds; CPU = user+system of the whole process,",
                  "wall = the whole process as the driver sees it)",
                  f"{'N':>4}  {'host CPU':>8} {'hand CPU':>8} {'paired':>7} {'of med.':>7}   "
                  f"{'host wall':>9} {'hand wall':>9} {'paired':>7}  samples"]
        for r in results["boot"]:
            lines.append(f"{r['n']:>4}  {r['host_cpu_s']:>8.3f} {r['handwired_cpu_s']:>8.3f} "
                         f"{_x(r['cpu_ratio']):>7} {_x(r['cpu_ratio_of_medians']):>7}   "
                         f"{r['host_wall_s']:>9.3f} {r['handwired_wall_s']:>9.3f} "
                         f"{_x(r['wall_ratio']):>7}  {r['samples']}")
    if results["requests"]:
        lines += ["", "Requests in process through the WSGI handler and the full middleware stack",
                  "(median CPU microseconds per request; ratio = host throughput / hand-wired "
                  "throughput; wall-clock ratio for comparison;",
                  "wiring = the host with Django's middleware only, i.e. without the middleware "
                  "it adds as features; no target)",
                  f"{'N':>4}  {'workload':<30} {'host us':>8} {'hand us':>8} {'host/s':>7} "
                  f"{'hand/s':>7} {'paired':>7} {'of med.':>7} {'wall':>7}   "
                  f"{'wiring us':>9} {'paired':>7}  samples"]
        for r in results["requests"]:
            wiring = (f"{r['host_wiring_cpu_us']:>9.1f} {_x(r['host_wiring_cpu_ratio']):>7}"
                      if "host_wiring_cpu_us" in r else f"{'-':>9} {'-':>7}")
            lines.append(f"{r['n']:>4}  {LABELS[r['workload']]:<30} {r['host_cpu_us']:>8.1f} "
                         f"{r['handwired_cpu_us']:>8.1f} {1e6 / r['host_cpu_us']:>7.0f} "
                         f"{1e6 / r['handwired_cpu_us']:>7.0f} {_x(r['cpu_ratio']):>7} "
                         f"{_x(r['cpu_ratio_of_medians']):>7} {_x(r['wall_ratio']):>7}   "
                         f"{wiring}  {r['samples']}")
        lines += ["", "Routing: CPU cost of a plain view on the last module / on the first module",
                  f"{'N':>4}  {'host paired':>11} {'of med.':>7}  "
                  f"{'hand paired':>11} {'of med.':>7}"]
        for r in results["routing"]:
            lines.append(f"{r['n']:>4}  {_x(r['host_last_over_first']):>11} "
                         f"{_x(r['host_last_over_first_of_medians']):>7}  "
                         f"{_x(r['handwired_last_over_first']):>11} "
                         f"{_x(r['handwired_last_over_first_of_medians']):>7}")
    if results["rss"]:
        lines += ["", "gunicorn, 1 worker, after the requests (median MiB; no target)",
                  f"{'N':>4}  {'host worker RSS':>15} {'hand worker RSS':>15} {'ratio':>7}  "
                  f"{'host PSS':>8} {'hand PSS':>8}  {'host master':>11} {'hand master':>11}"]
        for r in results["rss"]:
            lines.append(f"{r['n']:>4}  {r['host_worker_vmrss_mib']:>15.1f} "
                         f"{r['handwired_worker_vmrss_mib']:>15.1f} "
                         f"{_x(r['worker_vmrss_ratio']):>7}  "
                         f"{r['host_worker_pss_mib']:>8.1f} {r['handwired_worker_pss_mib']:>8.1f}  "
                         f"{r['host_master_vmrss_mib']:>11.1f} "
                         f"{r['handwired_master_vmrss_mib']:>11.1f}")
    lines += ["", "Targets (on CPU time, judged on the paired median ratio)",
              f"{'target':<40} {'N':>4} {'paired':>7} {'of med.':>7}  {'needs':<8} result"]
    for t in results["targets"]:
        lines.append(f"{t['target']:<40} {t['n'] or '-':>4} {_x(t['value']):>7} "
                     f"{_x(t['value_of_medians']):>7}  {t['op']} {t['limit']:<5} {t['result']}")
    missed = [t for t in results["targets"] if t["result"].startswith("MISS")]
    lines.append("")
    if missed:
        lines.append(f"*** MISS: {len(missed)} target(s) missed: " + "; ".join(
            f"{t['target']} at N={t['n']} ({t['value']:.3f}x, needs {t['op']} {t['limit']})"
            for t in missed))
    elif all(t["value"] is None for t in results["targets"]):
        lines.append("No target judged: the parts they need were not run.")
    else:
        lines.append("All targets that were measured are met.")
    return "\n".join(lines)
