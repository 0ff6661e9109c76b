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
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import legacy_http
from harness import BIN, BUILD, Gunicorn, clean_environ, workdir

MODULES_DIR = BUILD / "legacy-modules"  # tests/legacy-requirements.txt (pip --target): the driver uses 18
#: Two sync-equivalent workers, as the seed's reference figures were taken with.
WORKERS = 2
THREADS = 32
SECRET_KEY = "bench-" + hashlib.sha256(b"openimis-host legacy bench").hexdigest()


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
        """The external side's description (empty for host and handwired)."""
        return dict(self.external)

    @property
    def name(self) -> str:
        """The side's name in the results: host-4, handwired-18, or an external's label."""
        return self.label or f"{self.kind}-{len(self.modules)}"

    def project_dir(self) -> Path:
        """Where the hand-wired project for these modules is generated."""
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

    def start(self, database: dict) -> Gunicorn:
        """This side's gunicorn on ``database``, once it answers ``{ __typename }``."""
        cwd = Path(self.spec["cwd"]) if self.kind == "external" else workdir()
        return Gunicorn.start(self.name, self.gunicorn_args(), self.env(database), cwd,
                              lambda port: legacy_http.graphql(port, "{ __typename }") is not None)

    def gunicorn_args(self) -> list[str]:
        """The command that serves this side (without --bind)."""
        if self.kind == "external":
            return list(self.spec["command"])
        if self.kind == "host":
            return [str(BIN / "gunicorn"), "-c", "python:openimis_host.server.gunicorn_conf"]
        return [str(BIN / "gunicorn"), "handwired_legacy.wsgi:application", "--preload",
                "--workers", str(WORKERS), "--worker-class", "gthread", "--threads", str(THREADS),
                "--timeout", "30"]
