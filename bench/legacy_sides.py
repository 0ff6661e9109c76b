"""The sides of the legacy benchmark, and a gunicorn of one side on 127.0.0.1.

``host``: openimis-host as shipped (``-c python:openimis_host.server.gunicorn_conf``:
preload, gthread, 32 threads), MODE=PROD, the openIMIS modules found as
installed distributions. ``handwired``: the plain Django project of
legacy_project.py on gunicorn's own gthread worker with the same preload,
workers, threads and timeout. Both on the same PostgreSQL database.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import legacy_http
from configs import _DROP, _DROP_PREFIXES, BIN, BUILD

MODULES_DIR = BUILD / "legacy-modules"  # tests/legacy-requirements.txt (pip --target): the driver uses 18
#: Two sync-equivalent workers, as the seed's reference figures were taken with.
WORKERS = 2
THREADS = 32
SECRET_KEY = "bench-" + hashlib.sha256(b"openimis-host legacy bench").hexdigest()


def clean_environ() -> dict:
    """This process's environment without what would change either side (configs.py)."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith(_DROP_PREFIXES) and k not in _DROP}


def external_side(spec: str) -> LegacySide:
    """``NAME=FILE``: a side described by the JSON FILE (``command``, ``env``, ``cwd``)."""
    name, _, path = spec.partition("=")
    try:
        described = json.loads(Path(path).read_text())
        command, env = list(described["command"]), dict(described["env"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SystemExit(f"--external {spec}: expected NAME=FILE, FILE a JSON object with "
                         f"'command' (a list: the gunicorn command line, without --bind), 'env' "
                         f"(an object) and optionally 'cwd': {type(exc).__name__}: {exc}") from None
    if not name:
        raise SystemExit(f"--external {spec}: expected NAME=FILE")
    return LegacySide("external", (), name, (("command", tuple(command)),
                                             ("env", tuple(env.items())),
                                             ("cwd", described.get("cwd", "."))))


@dataclass(frozen=True)
class LegacySide:
    """One side: ``kind`` host or handwired, serving ``modules`` (openIMIS app names)."""

    kind: str
    modules: tuple
    label: str = ""
    #: For kind "external": {"command": [...], "env": {...}, "cwd": "..."}: another assembly
    #: of the same modules, prepared outside this repository (``--external``; README).
    external: tuple = ()

    @property
    def spec(self) -> dict:
        return dict(self.external)

    @property
    def name(self) -> str:
        return self.label or f"{self.kind}-{len(self.modules)}"

    def project_dir(self) -> Path:
        return BUILD / f"legacy-handwired-{len(self.modules)}"

    def modules_dir(self) -> Path:
        """A directory where exactly this side's modules are installed (links into MODULES_DIR),
        so that both sides have the same modules, as if only these had been pip-installed."""
        path = BUILD / f"legacy-modules-{len(self.modules)}"
        if path.is_dir():
            return path
        staging = path.with_name(path.name + ".tmp")
        staging.mkdir()
        for dist in metadata.distributions(path=[str(MODULES_DIR)]):
            top = (dist.read_text("top_level.txt") or "").split()
            if top and top[0] in self.modules:
                info = Path(dist._path)  # the .dist-info directory
                (staging / info.name).symlink_to(info)
                (staging / top[0]).symlink_to(MODULES_DIR / top[0])
        staging.rename(path)
        return path

    def env(self, database: dict) -> dict:
        """The environment of this side's processes on ``database`` (DB_* variables)."""
        env = {**clean_environ(), **database, "DJANGO_LOG_LEVEL": "ERROR"}
        if self.kind == "external":
            return {**env, **dict(self.spec["env"])}
        if self.kind == "host":
            return {**env, "PYTHONPATH": str(self.modules_dir()), "MODE": "PROD", "SECRET_KEY": SECRET_KEY,
                    "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "false",
                    # The rate limit stays on, at a rate the benchmark stays under.
                    "RATELIMIT_RATE": "100000000/m", "SITE_ROOT": "api",
                    "WEB_CONCURRENCY": str(WORKERS), "GUNICORN_THREADS": str(THREADS),
                    "GUNICORN_ACCESS_LOG": ""}
        return {**env, "PYTHONPATH": f"{self.project_dir()}{os.pathsep}{self.modules_dir()}",
                "DJANGO_SETTINGS_MODULE": "handwired_legacy.settings", "SECRET_KEY": SECRET_KEY,
                "JWT_SIGNING_KEY": SECRET_KEY}

    def cwd(self, workdir: Path) -> Path:
        return Path(self.spec["cwd"]) if self.kind == "external" else workdir

    def gunicorn_args(self) -> list[str]:
        if self.kind == "external":
            return list(self.spec["command"])
        if self.kind == "host":
            return [str(BIN / "gunicorn"), "-c", "python:openimis_host.server.gunicorn_conf"]
        return [str(BIN / "gunicorn"), "handwired_legacy.wsgi:application", "--preload",
                "--workers", str(WORKERS), "--worker-class", "gthread", "--threads", str(THREADS),
                "--timeout", "30"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running gunicorn of one side; ``first_answer`` is seconds from start to the first
    GraphQL answer."""

    side: LegacySide
    proc: subprocess.Popen
    port: int
    log: Path
    first_answer: float = 0.0
    headers: dict = field(default_factory=dict)

    @classmethod
    def start(cls, side: LegacySide, database: dict, workdir: Path, deadline: float = 240) -> Server:
        """Start gunicorn and wait (polling, at most ``deadline`` s) until it answers a query."""
        port = free_port()
        log = workdir / f"gunicorn-{side.name}.log"
        with open(log, "wb") as out:
            started = time.perf_counter()
            proc = subprocess.Popen(side.gunicorn_args() + ["--bind", f"127.0.0.1:{port}"],
                                    env=side.env(database), cwd=side.cwd(workdir), stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        server = cls(side, proc, port, log)
        limit = started + deadline
        while True:
            if proc.poll() is not None:
                raise legacy_http.Failed(f"gunicorn ({side.name}) exited {proc.returncode}:\n"
                                         + log.read_text(errors="replace")[-4000:])
            try:
                legacy_http.graphql(port, "{ __typename }")
                break
            except (OSError, legacy_http.Failed):
                if time.perf_counter() > limit:
                    server.stop()
                    raise legacy_http.Failed(f"gunicorn ({side.name}) did not answer within "
                                             f"{deadline} s; see {log}") from None
                time.sleep(0.02)
        server.first_answer = time.perf_counter() - started
        return server

    def workers(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    def memory(self) -> dict:
        """KiB: Pss and VmRSS of each worker, VmRSS of the master."""
        def kib(pid, name, key):
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(key + ":"):
                    return int(line.split()[1])
            raise legacy_http.Failed(f"no {key} in /proc/{pid}/{name}")

        workers = self.workers()
        if len(workers) != WORKERS:
            raise legacy_http.Failed(f"{self.side.name}: {len(workers)} workers, expected {WORKERS}")
        return {"worker_pss": [kib(w, "smaps_rollup", "Pss") for w in workers],
                "worker_rss": [kib(w, "status", "VmRSS") for w in workers],
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
