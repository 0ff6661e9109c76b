"""One measurement of one side: boot time, in-process request costs, gunicorn worker RSS.

Each function starts fresh processes and returns plain numbers; the driver
decides how often and in which order to call them (interleaving the sides).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

from configs import Side
from harness import BENCH, Failed, Gunicorn, rotated, workdir
from inprocess import graphql_body
from legacy_http import request

# What "boot" means: a fresh interpreter that sets Django up (for the host this
# includes discovering and loading the modules from their entry points), loads
# the root URLconf and gets the GraphQL schema built. It prints the time spent
# after interpreter start-up and the CPU time of the whole process so far; the
# driver also times the whole process.
BOOT = """\
import time
t0 = time.perf_counter()
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
from graphene_django.settings import graphene_settings
graphene_settings.SCHEMA.graphql_schema
print(time.perf_counter() - t0, time.process_time())
"""


def _run(args: list[str], side: Side, n: int, timeout: float) -> str:
    # stderr goes to a file: both sides log the 409s of the DRF error path the
    # same way, and a pipe nobody reads during the run could fill up.
    log = workdir() / f"{side.name}-{n}.stderr"
    with open(log, "wb") as err:
        proc = subprocess.run(args, env=side.env(n), cwd=workdir(), stdout=subprocess.PIPE,
                              stderr=err, timeout=timeout, text=True)
    if proc.returncode != 0:
        tail = log.read_text(errors="replace")[-4000:]
        raise Failed(f"{side.name} N={n}: {' '.join(args[:3])}... "
                     f"exited {proc.returncode}:\n{tail}")
    return proc.stdout


def boot(side: Side, n: int) -> dict:
    """Seconds: ``wall`` of the whole process, ``inside`` it after interpreter start-up,
    and ``cpu``, the CPU time of the whole process (user + system)."""
    start = time.perf_counter()
    out = _run([sys.executable, "-c", BOOT], side, n, timeout=300)
    wall = time.perf_counter() - start
    inside, cpu = map(float, out.strip().splitlines()[-1].split())
    return {"wall": wall, "inside": inside, "cpu": cpu}


class _Worker:
    """One inprocess.py worker of one side, driven over its stdin/stdout."""

    def __init__(self, side: Side, n: int, workloads: list[str]):
        self.side = side
        self.log = workdir() / f"inprocess-{side.name}-{n}.stderr"
        with open(self.log, "wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, str(BENCH / "inprocess.py"), str(n), *workloads],
                env=side.env(n), cwd=workdir(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=err, text=True)
        self.per_call = self._read()["per_call"]

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            raise Failed(f"in-process worker ({self.side.name}) exited {self.proc.returncode}:\n"
                         + self.log.read_text(errors="replace")[-4000:])
        return json.loads(line)

    def sample(self, workload: str, count: int) -> dict:
        """Seconds per request over ``count`` requests: ``wall`` and ``cpu``."""
        self.proc.stdin.write(json.dumps({"workload": workload, "count": count}) + "\n")
        self.proc.stdin.flush()
        return {k: v / count for k, v in self._read().items()}

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def inprocess_lockstep(sides: tuple[Side, ...], n: int, workloads: list[str], rounds: int,
                       seconds: float) -> dict:
    """Seconds per request from lock-stepped workers: ``{side: {workload: [{wall, cpu}, ...]}}``.

    One worker per side is started (one after the other, so their boots do
    not compete). Each round then samples every workload on every side back
    to back, rotating which side goes first; a sample sends the same number
    of requests to each side, sized to last about ``seconds``.
    """
    workers = []
    try:
        for side in sides:
            workers.append(_Worker(side, n, workloads))
        counts = {w: max(20, int(seconds / max(k.per_call[w] for k in workers)))
                  for w in workloads}
        out = {k.side.name: {w: [] for w in workloads} for k in workers}
        for r in range(rounds):
            for i, w in enumerate(workloads):
                for worker in rotated(workers, r + i):
                    out[worker.side.name][w].append(worker.sample(w, counts[w]))
        return out
    finally:
        for worker in workers:
            worker.close()


# --- gunicorn ------------------------------------------------------------------------

def worker_rss(side: Side, n: int, requests: int) -> dict:
    """KiB: VmRSS and Pss of the one gunicorn worker after ``requests`` of each kind; master VmRSS.

    Pss (from smaps_rollup) splits pages shared with the preloaded master
    between the two; VmRSS counts them whole, as ``ps`` and ``top`` do.
    """
    server = Gunicorn.start(f"{side.name}-{n}", side.gunicorn_args(), side.env(n), workdir(),
                            lambda port: request(port, "/m001/ping/")[0] == 200, deadline=180, poll=0.2)
    try:
        last = f"m{n:03d}"
        expected = {"/m001/ping/": 200, f"/{last}/ping/": 200, "/m001/api/": 200,
                    "/m001/fail/": 409}
        for _ in range(requests):
            for path, status in expected.items():
                got = request(server.port, path)[0]
                if got != status:
                    raise Failed(f"gunicorn ({side.name}): GET {path} answered {got}, not {status}")
            got = request(server.port, "/graphql", json.loads(graphql_body(n)))[0]
            if got != 200:
                raise Failed(f"gunicorn ({side.name}): POST /graphql answered {got}")
        memory = server.memory(workers=1)
        return {"worker_vmrss": memory["worker_rss"][0], "worker_pss": memory["worker_pss"][0],
                "master_vmrss": memory["master_rss"]}
    finally:
        server.stop()


__all__ = ["Failed", "boot", "inprocess_lockstep", "worker_rss"]
