"""Helpers for the scheduler tests: a ticker module, real processes, and reading their ticks.

The ``ticker`` module is a real distribution whose one-second tasks append a
line (what, pid, time) to the file named by TICKER_LOG, so a test can count
runs per tick and see which process ran each. TICKER_TASKS picks its tasks.
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
import time
from pathlib import Path

from conftest import BIN, build_dist, with_dists

LOCK_SECONDS = 3  # SCHEDULER_LOCK_SECONDS for the tests: contenders retry every 0.6s
RETRY = LOCK_SECONDS / 5
#: How long after its holder dies another process runs the next tick, at most.
TAKEOVER = {"postgres": RETRY + 1.0, "sqlite": LOCK_SECONDS + RETRY + 1.0}
SLACK = 1.5  # a loaded CI machine

TICKER_FILES = {
    "ticker_mod/__init__.py": "",
    "ticker_mod/plugin.py": """\
        import os
        from datetime import timedelta

        from plugins_spec import ScheduledTask, hookimpl

        SECOND = timedelta(seconds=1)


        @hookimpl
        def openimis_scheduled_tasks():
            tasks = {
                "tick": ScheduledTask(name="tick", func="ticker_mod.jobs.tick", every=SECOND),
                "boom": ScheduledTask(name="boom", func="ticker_mod.jobs.boom", every=SECOND),
                "slow": ScheduledTask(name="slow", func="ticker_mod.jobs.slow", every=SECOND),
                "badcron": ScheduledTask(name="badcron", func="ticker_mod.jobs.tick",
                                         cron="61 * * * *"),
                "noimport": ScheduledTask(name="noimport", func="ticker_mod.nowhere.tick",
                                          every=SECOND),
            }
            return [tasks[name] for name in os.environ.get("TICKER_TASKS", "tick").split(",")]
        """,
    "ticker_mod/jobs.py": """\
        import os
        import time


        def _log(what):
            with open(os.environ["TICKER_LOG"], "a") as log:
                log.write(f"{what} {os.getpid()} {time.time():.3f}\\n")


        def tick():
            _log("tick")


        def boom():
            raise RuntimeError("boom from the ticker")


        def slow():
            _log("slow-start")
            release = os.environ.get("TICKER_SLOW_UNTIL")
            if release:  # held until the test creates the file: however long a busy machine needs
                deadline = time.monotonic() + 300
                while not os.path.exists(release) and time.monotonic() < deadline:
                    time.sleep(0.1)
            else:
                time.sleep(float(os.environ.get("TICKER_SLOW_SECONDS", "2.5")))
            _log("slow-end")
        """,
}


def ticker_env(env: dict, tmp_path: Path, tasks: str = "tick") -> dict:
    """``env`` with the ticker module (only it), its log file, and a short scheduler lock."""
    dist = build_dist("openimis-test-ticker", "1.0", TICKER_FILES, module="ticker",
                      entry_point="ticker_mod.plugin")
    return {**with_dists(env, dist), "OPENIMIS_MODULES": "ticker", "TICKER_TASKS": tasks,
            "TICKER_LOG": str(tmp_path / "ticks.log"),
            "SCHEDULER_LOCK_SECONDS": str(LOCK_SECONDS)}


def runs(env: dict, what: str = "tick") -> list[tuple[int, float]]:
    """(pid, time) of every logged ``what`` so far, in order."""
    path = Path(env["TICKER_LOG"])
    if not path.exists():
        return []
    lines = [line.split() for line in path.read_text().splitlines()]
    return [(int(pid), float(t)) for kind, pid, t in (x for x in lines if len(x) == 3)
            if kind == what]


def wait_for(predicate, timeout: float, what: str, procs=()):
    """Poll ``predicate`` until it returns something truthy; fail naming ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    logs = "\n".join(f"--- {p.name}\n{p.output[-3000:]}" for p in procs)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{logs}")


def assert_once_per_tick(env: dict, start: float, end: float, what: str = "tick") -> list:
    """Every one-second tick in [start, end) ran exactly once (give or take the window's edges)."""
    window = [(pid, t) for pid, t in runs(env, what) if start <= t < end]
    seconds = [math.floor(t) for _, t in window]
    doubled = sorted({s for s in seconds if seconds.count(s) > 1})
    twice = [w for w in window if math.floor(w[1]) in doubled]
    assert not doubled, f"ticks run more than once: {twice}"
    assert len(window) >= (end - start) - 2, f"ticks missing in {end - start:.1f}s: {window}"
    return window


def holder(env: dict) -> int:
    """The pid that ran the latest tick."""
    return runs(env)[-1][0]


class Proc:
    """A long-running ``openimis-host`` command (scheduler, celery) with its output in a file."""

    def __init__(self, name: str, args: list[str], env: dict, cwd: Path):
        self.name = name
        self.log = cwd / f"{name}.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([str(BIN / "openimis-host"), *args], env=env, cwd=cwd,
                                         stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        self.pid = self.proc.pid

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def signal(self, signum: int) -> None:
        """Signal the whole process group (a Celery worker's pool processes too)."""
        try:
            os.killpg(self.pid, signum)
        except ProcessLookupError:
            pass

    def stop(self, timeout: float = 15) -> int | None:
        if self.proc.poll() is None:
            self.signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.signal(signal.SIGKILL)
                self.proc.wait()
        self.signal(signal.SIGKILL)  # leftovers of the group, if any
        return self.proc.returncode


class Procs:
    """Starts :class:`Proc` objects for one test and stops them all afterwards."""

    def __init__(self, cwd: Path):
        self.cwd = cwd
        self.started: list[Proc] = []

    def __call__(self, name: str, *args: str, env: dict) -> Proc:
        proc = Proc(name, list(args), env, self.cwd)
        self.started.append(proc)
        return proc

    def by_pid(self, pid: int) -> Proc | None:
        return next((p for p in self.started if p.pid == pid), None)

    def stop_all(self) -> None:
        for proc in self.started:
            proc.stop()
