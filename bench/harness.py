"""What every benchmark here shares: paths, the clean environment, the order of the sides,
ratios, a gunicorn of one side, child processes, the command line and the results file.

Both ``bench/run`` (driver.py, the generated modules) and ``bench/run --legacy``
(legacy_driver.py, openIMIS's modules) are built on this module, so a side is
started, timed, compared and written down the same way in both.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from statistics import median

BENCH = Path(__file__).resolve().parent
BUILD = BENCH / "build"
BIN = Path(sys.executable).parent

# Variables a developer's shell may carry that would change what either side does.
_DROP_PREFIXES = ("OPENIMIS_", "DB_", "CACHE_", "GUNICORN_", "DJANGO_", "GRAPHQL_", "RATELIMIT_",
                  "SECURE_", "JWT_", "SCHEDULER_", "CELERY_", "SENTRY_", "EMAIL_")
_DROP = {"MODE", "SITE_ROOT", "SECRET_KEY", "NO_DATABASE", "PYTHONPATH", "WEB_CONCURRENCY",
         "ALLOWED_HOSTS", "ALLOWED_HOST", "PORT", "SQLITE_PATH", "PYTHONDONTWRITEBYTECODE",
         "TRUST_X_FORWARDED_PROTO", "REMOTE_USER_AUTHENTICATION", "CONTENT_SECURITY_POLICY",
         "PERMISSIONS_POLICY", "MIDDLEWARE", "FORWARDED_ALLOW_IPS"}


class Failed(RuntimeError):
    """A benchmark process or response was not what it should be; the message holds it."""


def clean_environ() -> dict:
    """This process's environment without what would change either side."""
    return {k: v for k, v in os.environ.items() if not k.startswith(_DROP_PREFIXES) and k not in _DROP}


def workdir() -> Path:
    """The working directory of every benchmark process (the host reads a ``.env`` from its
    working directory; this one has none)."""
    path = BUILD / "run"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log(message: str) -> None:
    """A progress line on stderr (the table goes to stdout)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def rotated(items, rnd: int) -> list:
    """``items`` in the order for round ``rnd``: each goes first in turn; with two the order
    alternates (AB, BA, ...), so that the drift of a shared machine falls on all alike."""
    items = list(items)
    k = rnd % len(items)
    return items[k:] + items[:k]


def ratios(num: list[float], den: list[float]) -> tuple[float, float]:
    """(paired, of medians) for num / den: the median of the ratios of samples taken side by
    side, and the ratio of the two medians."""
    return median(a / b for a, b in zip(num, den, strict=True)), median(num) / median(den)


def run_child(script: str, env: dict, args: list[str], **run) -> subprocess.CompletedProcess:
    """``script --child args`` in ``env`` (a side's), with this directory importable too."""
    env = {**env, "PYTHONPATH": os.pathsep.join(p for p in (env.get("PYTHONPATH"), str(BENCH)) if p)}
    return subprocess.run([sys.executable, os.path.abspath(script), *args, "--child"], env=env,
                          cwd=workdir(), **run)


def profile_calls(call, count: int, lines: int, warmup: int = 30) -> tuple[float, float]:
    """Warm ``call`` up, time ``count`` calls on CPU, profile ``count`` more (on CPU time) and
    print the profile; returns (CPU seconds per call unprofiled, wall seconds per call profiled)."""
    for _ in range(warmup):
        call()
    start = time.process_time()
    for _ in range(count):
        call()
    plain = (time.process_time() - start) / count
    # On CPU time: on a shared machine a wall-clock profile charges the time other processes
    # hold the CPU (and this one waits for the database) to whatever function was running.
    profile = cProfile.Profile(time.process_time)
    start = time.perf_counter()
    profile.enable()
    for _ in range(count):
        call()
    profile.disable()
    profiled = (time.perf_counter() - start) / count
    profile.dump_stats(workdir() / "last.prof")  # for pstats: callers, callees
    print_profile(profile, lines)
    print(f"(whole profile: {workdir() / 'last.prof'})")
    return plain, profiled


def print_profile(profile: cProfile.Profile, lines: int) -> None:
    """The profile's functions by their own time, then by cumulative time."""
    for key in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).strip_dirs().sort_stats(key).print_stats(lines)
        print(f"===== sorted by {key} =====\n{out.getvalue()}")


def kib(pid: int, name: str, key: str) -> int:
    """A ``key: N kB`` figure of ``/proc/<pid>/<name>`` (status, smaps_rollup)."""
    for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise Failed(f"no {key} in /proc/{pid}/{name}")


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Gunicorn:
    """A gunicorn of one side on 127.0.0.1, in its own process group; ``first_answer`` is the
    seconds from its start until ``ready(port)`` first returned true."""

    name: str
    proc: subprocess.Popen
    port: int
    log: Path
    first_answer: float = 0.0
    headers: dict = field(default_factory=dict)

    @classmethod
    def start(cls, name: str, args: list[str], env: dict, cwd: Path, ready,
              deadline: float = 240, poll: float = 0.02) -> Gunicorn:
        """Start ``args --bind 127.0.0.1:<free port>`` and poll ``ready`` until it answers."""
        port = free_port()
        log_path = workdir() / f"gunicorn-{name}.log"
        with open(log_path, "wb") as out:
            started = time.perf_counter()
            proc = subprocess.Popen(args + ["--bind", f"127.0.0.1:{port}"], env=env, cwd=cwd,
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        server = cls(name, proc, port, log_path)
        while True:
            if proc.poll() is not None:
                raise Failed(f"gunicorn ({name}) exited {proc.returncode}:\n"
                             + log_path.read_text(errors="replace")[-4000:])
            try:
                if ready(port):
                    break
            except (OSError, Failed):
                pass
            if time.perf_counter() > started + deadline:
                server.stop()
                raise Failed(f"gunicorn ({name}) did not answer within {deadline} s; see {log_path}")
            time.sleep(poll)
        server.first_answer = time.perf_counter() - started
        return server

    def memory(self, workers: int) -> dict:
        """KiB: Pss and VmRSS of each worker (there must be ``workers``), VmRSS of the master."""
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        pids = [int(p) for p in path.read_text().split()] if path.exists() else []
        if len(pids) != workers:
            raise Failed(f"gunicorn ({self.name}) has {len(pids)} workers, expected {workers}")
        return {"worker_pss": [kib(w, "smaps_rollup", "Pss") for w in pids],
                "worker_rss": [kib(w, "status", "VmRSS") for w in pids],
                "master_rss": kib(self.proc.pid, "status", "VmRSS")}

    def stop(self) -> None:
        """Stop this gunicorn (its own process group only)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def cli(doc: str, parts: tuple, output: str, add=None) -> argparse.Namespace:
    """The benchmarks' common options: ``--quick``, ``--parts`` (checked, a list in
    ``args.parts``), ``--output``; ``add(parser)`` adds a benchmark's own."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer, shorter repetitions")
    parser.add_argument("--parts", default=",".join(parts), help="comma-separated subset of: "
                        + ", ".join(parts))
    parser.add_argument("--output", default=str(BENCH / output), help=f"the results (bench/{output})")
    if add:
        add(parser)
    args = parser.parse_args()
    args.parts = [p for p in args.parts.split(",") if p]
    if set(args.parts) - set(parts):
        parser.error(f"unknown part(s): {', '.join(sorted(set(args.parts) - set(parts)))}")
    return args


def _git(*args) -> str:
    try:
        return subprocess.run(["git", "-C", str(BENCH.parent), *args], capture_output=True,
                              text=True, timeout=30).stdout.strip()
    except OSError:
        return ""


def run_info(mode: str, plan: dict, versions: dict) -> dict:
    """What a results file says about its run: when, the machine and its load, what was measured."""
    cpu = "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    changed = _git("status", "--porcelain", "--", "openimis_host", "plugins_spec", "pyproject.toml")
    return {"mode": mode, "plan": plan, "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "started": time.monotonic(), "versions": versions,
            "machine": {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
                        "platform": platform.platform(), "load_before": os.getloadavg()},
            "host_source": {"commit": _git("rev-parse", "--short", "HEAD"),
                            "uncommitted_files": len(changed.splitlines())}}


def finish(info: dict) -> None:
    """Close ``info`` (run_info's) at the end of the run: its duration and the load after."""
    info["seconds"] = round(time.monotonic() - info.pop("started"), 1)
    info["machine"]["load_after"] = os.getloadavg()


def relative(value):
    """``value`` with every absolute path inside the repository made relative to it (also inside
    lists, dicts and command lines): a results file names no machine's paths."""
    if isinstance(value, dict):
        return {k: relative(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [relative(v) for v in value]
    if isinstance(value, str) and str(BENCH.parent) in value:
        return value.replace(str(BENCH.parent) + os.sep, "").replace(str(BENCH.parent), ".")
    return value


def write_results(path: str, results: dict) -> None:
    """The figures indented for reading, the raw samples (thousands of numbers) on one line."""
    results = relative(results)
    summary = json.dumps({k: v for k, v in results.items() if k != "raw"}, indent=2)
    with open(path, "w") as out:
        out.write(summary[:-2] + ',\n  "raw": ' + json.dumps(results.get("raw", {})) + "\n}\n")
    log(f"wrote {path} ({results.get('info', results).get('seconds', '?')} s)")
