"""The legacy benchmark: openIMIS's own modules (graphene 2) under the host and hand-wired.

    bench/run --legacy [--quick] [--parts throughput,boot]

Parts (both against the same PostgreSQL database, made fresh for the run and
dropped after it; only 127.0.0.1; every load bounded in time and count):

- ``throughput``: the host and a hand-wired Django project (graphene-django 2's
  own GraphQLView on the same schema: legacy_project.py) serving core,
  location, medical and medical_pricelist, on gunicorn with the same workers
  and threads. A logged-in client (tokenAuth, getCsrfToken, as openIMIS's
  front-end) repeats one authenticated ``locations`` query, and separately
  ``tokenAuth``; the sides take turns (host, hand-wired, hand-wired, host, ...),
  several rounds. Target: host >= 1.5x hand-wired requests/s on ``locations``.
- ``boot``: both sides with the 18 distributions of issue 10 (those of
  tests/legacy-requirements.txt): seconds from starting gunicorn
  to the first answered query, then Pss and VmRSS per worker after a few
  queries of each kind. No target.
- ``logincheck``: what login by default costs a logged-in ``locations`` query, in
  one host process (login_check.py). Target: at most 2% of the request.

Medians of the rounds, ratios host/hand-wired; the table goes to stdout,
everything to bench/legacy-results.json.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import uuid
from contextlib import contextmanager
from importlib import metadata

import harness
import legacy_http
import legacy_project
import login_check
from harness import BIN, log, ratios, rotated, workdir
from legacy_sides import MODULES_DIR, THREADS, WORKERS, LegacySide, external_side

FOUR = ("core", "location", "medical", "medical_pricelist")
#: openIMIS's standard order (openimis-be_py's openimis.json) of the 18 of issue 10.
EIGHTEEN = ("core", "report", "location", "medical", "medical_pricelist", "product", "insuree",
            "policy", "contribution", "payer", "payment", "claim", "claim_batch", "calculation",
            "contribution_plan", "policyholder", "contract", "invoice")
USER, PASSWORD = "Admin", "admin123"  # openIMIS's demo administrator
REGIONS, DISTRICTS_PER_REGION = 5, 8  # the query asks for the first 20 districts

PLANS = {
    "quick": {"rounds": 3, "seconds": 3.0, "warmup": 2.0, "concurrency": 4, "boot_reps": 2,
              "after_boot_requests": 10},
    "full": {"rounds": 6, "seconds": 6.0, "warmup": 3.0, "concurrency": 4, "boot_reps": 4,
             "after_boot_requests": 30},
}
PARTS = ("throughput", "boot", "logincheck")
TARGET = 1.5
#: Issue 19's goals against the original assembly, judged when a side is named ``seed``
#: (``--external seed=FILE``): (what, figure, comparison, limit); throughput paired.
SEED_GOALS = (("locations req/s", "locations", ">=", 4.0), ("tokenAuth req/s", "tokenAuth", ">=", 3.0),
              ("boot (first answer)", "first_answer_s", "<=", 0.6),
              ("Pss per worker", "worker_pss_mib", "<=", 0.45))

SEED = f"""
from datetime import date
from core.test_helpers import create_test_interactive_user
from location.models import Location
create_test_interactive_user(username={USER!r}, password={PASSWORD!r}, custom_props={{"language": "en"}})
for r in range({REGIONS}):
    region = Location.objects.create(code=f"R{{r}}", name=f"Region {{r}}", type="R",
                                     validity_from=date(2019, 6, 1), audit_user_id=-1)
    for d in range({DISTRICTS_PER_REGION}):
        Location.objects.create(code=f"R{{r}}D{{d}}", name=f"District {{r}}.{{d}}", type="D",
                                parent=region, validity_from=date(2019, 6, 1), audit_user_id=-1)
"""


def psql(sql: str) -> None:
    """Run ``sql`` on the local PostgreSQL server as postgres (trust, as scripts/services sets up)."""
    import psycopg

    try:
        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres",
                             autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql)
    except psycopg.OperationalError as exc:
        raise legacy_http.Failed(f"PostgreSQL on 127.0.0.1:5432 (user postgres) refused {sql!r}: "
                                 f"{exc}; start it with scripts/services") from None


def installed_modules() -> tuple:
    """The 18 of EIGHTEEN that are installed in MODULES_DIR, in the standard order."""
    return tuple(m for m in EIGHTEEN if (MODULES_DIR / m / "__init__.py").exists())


def prepare_database(database: dict, modules: tuple) -> None:
    """Tables for every module (the host's migrate, new-database mode), the demo Admin,
    and locations for the query."""
    host = LegacySide("host", modules)
    env = host.env(database)
    for args, what in ((["migrate"], "migrate"), (["shell", "-c", SEED], "seeding")):
        proc = subprocess.run([str(BIN / "openimis-host"), *args], env=env, cwd=workdir(),
                              capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise legacy_http.Failed(f"{what} exited {proc.returncode}:\n{proc.stdout[-2000:]}\n"
                                     f"{proc.stderr[-4000:]}")
        log(f"database: {what} done")


@contextmanager
def fresh_database(label: str, modules: tuple = FOUR):
    """A new PostgreSQL database with the benchmark's rows (its DB_* variables), dropped after."""
    name = f"bench_legacy_{label}_{uuid.uuid4().hex[:8]}"
    database = {"DB_NAME": name, "DB_HOST": "127.0.0.1", "DB_PORT": "5432", "DB_USER": "postgres"}
    psql(f'CREATE DATABASE "{name}"')
    try:
        prepare_database(database, modules)
        yield database
    finally:
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


LOGIN_BODY = {"query": legacy_http.LOGIN, "variables": {"u": USER, "p": PASSWORD}}
LOCATIONS_BODY = {"query": legacy_http.LOCATIONS, "variables": {}}
WORKLOADS = {"locations": LOCATIONS_BODY, "tokenAuth": LOGIN_BODY}


def ready(server: harness.Gunicorn) -> None:
    """Log in once and check the answer of the measured query."""
    server.headers = legacy_http.login(server.port, USER, PASSWORD)
    data, _ = legacy_http.graphql(server.port, legacy_http.LOCATIONS, headers=server.headers)
    legacy_http.check_locations(data, 20)


def run_throughput(plan: dict, database: dict, externals: list) -> dict:
    """req/s samples per side and workload: the sides in turn, round after round."""
    sides = [LegacySide("host", FOUR), LegacySide("handwired", FOUR), *externals]
    servers = []
    try:
        for side in sides:
            servers.append(side.start(database))
            ready(servers[-1])
        for server in servers:  # each worker imports what it imports lazily, opens connections
            for name, body in WORKLOADS.items():
                legacy_http.run_load(server.port, body, server.headers if name == "locations" else {},
                                     plan["concurrency"], plan["warmup"])
        samples = {s.name: {w: [] for w in WORKLOADS} for s in servers}
        for rnd in range(plan["rounds"]):
            order = rotated(servers, rnd)
            for name, body in WORKLOADS.items():
                for server in order:
                    headers = server.headers if name == "locations" else {}
                    samples[server.name][name].append(legacy_http.run_load(
                        server.port, body, headers, plan["concurrency"], plan["seconds"]))
            log(f"throughput: round {rnd + 1}/{plan['rounds']}")
        return samples
    finally:
        for server in servers:
            server.stop()


def run_boot(plan: dict, database: dict, modules: tuple, externals: list) -> dict:
    """Per side and boot: seconds to the first answer, then the memory of its processes."""
    sides = [LegacySide("host", modules), LegacySide("handwired", modules), *externals]
    samples = {s.name: [] for s in sides}
    for rep in range(plan["boot_reps"]):
        for side in rotated(sides, rep):
            server = side.start(database)
            try:
                ready(server)
                for _ in range(plan["after_boot_requests"]):
                    legacy_http.graphql(server.port, legacy_http.LOCATIONS, headers=server.headers)
                    legacy_http.graphql(server.port, legacy_http.LOGIN, {"u": USER, "p": PASSWORD})
                samples[side.name].append({"first_answer": server.first_answer, **server.memory(WORKERS)})
            finally:
                server.stop()
        log(f"boot: repetition {rep + 1}/{plan['boot_reps']}")
    return samples


def summarize(raw: dict) -> dict:
    """Medians per side, and the host's ratio to each other side (its throughput over theirs,
    paired by round, and the ratio of the medians)."""
    out = {}
    if "logincheck" in raw:
        out["logincheck"] = raw["logincheck"]  # medians already (login_check.py)
    if "throughput" in raw:
        by_side = raw["throughput"]
        host = next(k for k in by_side if k.startswith("host"))
        out["throughput"] = {}
        for w in WORKLOADS:
            rps = {side: [s["rps"] for s in samples[w]] for side, samples in by_side.items()}
            out["throughput"][w] = {side: {
                "rps": statistics.median(values),
                "p50_ms": statistics.median(s["p50_ms"] for s in by_side[side][w]),
                **({} if side == host else dict(zip(("host_ratio_paired", "host_ratio_of_medians"),
                                                    ratios(rps[host], values), strict=True))),
            } for side, values in rps.items()}
        hand = next(k for k in by_side if k.startswith("handwired"))
        loc = out["throughput"]["locations"][hand]["host_ratio_paired"]
        out["target"] = {"locations >= 1.5x hand-wired (paired)": "PASS" if loc >= TARGET else "MISS"}
    if "boot" in raw:
        out["boot"] = {}
        for name, reps in raw["boot"].items():
            out["boot"][name] = {
                "first_answer_s": statistics.median(r["first_answer"] for r in reps),
                "worker_pss_mib": statistics.median(statistics.mean(r["worker_pss"]) for r in reps) / 1024,
                "worker_rss_mib": statistics.median(statistics.mean(r["worker_rss"]) for r in reps) / 1024,
                "master_rss_mib": statistics.median(r["master_rss"] for r in reps) / 1024,
            }
    host = next((v for k, v in out.get("boot", {}).items() if k.startswith("host")), {})
    seed = {w: out["throughput"][w]["seed"]["host_ratio_paired"] for w in WORKLOADS
            if "seed" in out.get("throughput", {}).get(w, {})}
    seed.update({k: host[k] / v for k, v in out.get("boot", {}).get("seed", {}).items()})
    for what, key, op, limit in SEED_GOALS:
        if key in seed:
            met = seed[key] >= limit if op == ">=" else seed[key] <= limit
            how = "paired" if key in WORKLOADS else "of medians"
            out.setdefault("target", {})[f"host/seed {what} {op} {limit}x ({how})"] = (
                f"{'MET' if met else 'MISS'} ({seed[key]:.2f}x)")
    return out


def table(summary: dict, info: dict) -> str:
    lines = [f"legacy benchmark ({info['mode']}), {info['date']}, host {info['host_source']['commit']}"
             f" ({info['host_source']['uncommitted_files']} uncommitted files), "
             f"load {info['machine']['load_before'][0]:.1f} -> {info['machine']['load_after'][0]:.1f}",
             f"gunicorn: {WORKERS} workers x {THREADS} threads (gthread, preload) for host and hand-wired"
             + "".join(f"; {n}: {' '.join(e['command'][1:])}" for n, e in info["externals"].items()) + "; "
             f"client: {info['plan']['concurrency']} threads, a new connection per request"]
    if "throughput" in summary:
        lines += ["", f"throughput, {len(FOUR)} modules ({', '.join(FOUR)}), "
                      f"{info['plan']['rounds']} rounds x {info['plan']['seconds']:.0f} s per side "
                      "(host x = the host's req/s over that side's: paired by round / of the medians):",
                  f"{'workload':<12}{'side':<14}{'req/s':>9}{'p50':>10}{'host x':>18}"]
        for w, sides in summary["throughput"].items():
            for side, r in sides.items():
                ratio = (f"{r['host_ratio_paired']:.2f}x / {r['host_ratio_of_medians']:.2f}x"
                         if "host_ratio_paired" in r else "")
                lines.append(f"{w:<12}{side:<14}{r['rps']:>9.1f}{r['p50_ms']:>8.1f}ms{ratio:>18}")
        for target, verdict in summary["target"].items():
            lines.append(f"target {target}: {verdict}")
    if "boot" in summary:
        lines += ["", f"boot with {len(info['boot_modules'])} modules "
                      f"({', '.join(info['boot_modules'])}), {info['plan']['boot_reps']} boots per side:",
                  f"{'side':<14}{'first answer':>13}{'Pss/worker':>12}{'RSS/worker':>12}{'master RSS':>12}"]
        for name, r in summary["boot"].items():
            lines.append(f"{name:<14}{r['first_answer_s']:>12.2f}s{r['worker_pss_mib']:>9.1f}MiB"
                         f"{r['worker_rss_mib']:>9.1f}MiB{r['master_rss_mib']:>9.1f}MiB")
    if "logincheck" in summary:
        lines += ["", *login_check.describe(summary["logincheck"])]
    return "\n".join(lines)


def main() -> int:
    """``bench/run --legacy``: prepare, measure the parts asked for, report, write the results."""
    args = harness.cli(__doc__, PARTS, "legacy-results.json", lambda parser: parser.add_argument(
        "--external", action="append", default=[], metavar="NAME=FILE",
        help="also measure another assembly of the same modules, described by the JSON FILE: "
             "command (gunicorn's, without --bind), env, cwd (README)"))
    if not (MODULES_DIR / "core").is_dir():
        sys.exit(f"no openIMIS modules in {MODULES_DIR}: run the benchmark through `bench/run --legacy`")
    externals = [external_side(spec) for spec in args.external]
    mode = "quick" if args.quick else "full"
    plan = PLANS[mode]
    modules = installed_modules()
    for group in {FOUR, modules}:
        legacy_project.generate(list(group), MODULES_DIR, LegacySide("handwired", group).project_dir())
    names = ("openimis-host", "Django", "graphene", "graphene-django", "graphql-core",
             "django-graphql-jwt", "gunicorn", "psycopg")
    versions = {d: metadata.version(d) for d in names}
    versions.update({d.metadata["Name"]: d.version for d in metadata.distributions(path=[str(MODULES_DIR)])})
    info = {**harness.run_info(mode, plan, versions), "boot_modules": list(modules),
            "externals": {e.name: {"command": e.spec["command"], "cwd": e.spec["cwd"]} for e in externals}}
    raw = {}
    try:
        with fresh_database("run", modules) as database:
            if "throughput" in args.parts:
                log("throughput ...")
                raw["throughput"] = run_throughput(plan, database, externals)
            if "boot" in args.parts:
                log(f"boot with {len(modules)} modules ...")
                raw["boot"] = run_boot(plan, database, modules, externals)
            if "logincheck" in args.parts:
                log("login check ...")
                raw["logincheck"] = login_check.measure(database, plan["rounds"])
    except legacy_http.Failed as exc:  # a side that failed, or no database: said, not a traceback
        log(f"legacy benchmark failed: {exc}")
        return 1
    harness.finish(info)
    summary = summarize(raw)
    print(table(summary, info))
    harness.write_results(args.output, {**info, "summary": summary, "raw": raw})
    return 0


if __name__ == "__main__":
    sys.exit(main())
