"""The two sides of the comparison: how each is configured and started.

``host`` is openimis-host as shipped, discovering the N modules from their
entry points. ``handwired`` is the generated plain Django project
(``handwired`` package, see generate.py) that imports the same modules.

Both run with DEBUG off and logging at ERROR. The host runs as shipped for
production (MODE=PROD), with only what a plain-HTTP loopback benchmark needs
changed through its documented environment variables (see HOST below); the
hand-wired settings are a plain Django project with Django's usual middleware.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
BUILD = BENCH / "build"
BIN = Path(sys.executable).parent

# Variables a developer's shell may carry that would change what either side does.
_DROP_PREFIXES = ("OPENIMIS_", "DB_", "CACHE_", "GUNICORN_", "DJANGO_", "GRAPHQL_")
_DROP_PREFIXES += ("RATELIMIT_", "SECURE_", "JWT_", "SCHEDULER_", "CELERY_", "SENTRY_", "EMAIL_")
_DROP = {"MODE", "SITE_ROOT", "SECRET_KEY", "NO_DATABASE", "PYTHONPATH", "WEB_CONCURRENCY",
         "ALLOWED_HOSTS", "ALLOWED_HOST", "PORT", "SQLITE_PATH", "PYTHONDONTWRITEBYTECODE",
         "TRUST_X_FORWARDED_PROTO", "REMOTE_USER_AUTHENTICATION", "CONTENT_SECURITY_POLICY",
         "PERMISSIONS_POLICY", "MIDDLEWARE", "FORWARDED_ALLOW_IPS"}


@dataclass(frozen=True)
class Side:
    name: str
    settings: str  # DJANGO_SETTINGS_MODULE
    extra_env: tuple = ()

    def env(self, n: int) -> dict:
        """The environment of a process of this side with N modules installed."""
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(_DROP_PREFIXES) and k not in _DROP}
        return {
            **base,
            **dict(self.extra_env),
            "DJANGO_SETTINGS_MODULE": self.settings,
            # The modules directory is "installed" by being on sys.path.
            "PYTHONPATH": str(BUILD / f"mods-{n}"),
            "SQLITE_PATH": str(workdir() / "db.sqlite3"),
        }

    def gunicorn_args(self) -> list[str]:
        if self.name == "host":
            # The shipped config: preload_app, gthread with 32 threads and a header deadline,
            # timeout 30 (workers from WEB_CONCURRENCY).
            return [str(BIN / "gunicorn"), "-c", "python:openimis_host.server.gunicorn_conf"]
        # The comparable plain command: the same preload, workers, threads and timeout, on
        # gunicorn's own gthread worker.
        return [str(BIN / "gunicorn"), "handwired.wsgi:application", "--preload",
                "--workers", "1", "--worker-class", "gthread", "--threads", "32", "--timeout", "30"]


#: Host names both sides accept (MODE=PROD refuses "*").
ALLOWED_HOSTS = "127.0.0.1,localhost"

HOST = Side("host", "openimis_host.settings", (
    ("MODE", "PROD"),
    # PROD refuses short or well-known keys; this one is only ever used on loopback.
    ("SECRET_KEY", "bench-" + hashlib.sha256(b"openimis-host bench").hexdigest()),
    ("ALLOWED_HOSTS", ALLOWED_HOSTS),
    ("DJANGO_LOG_LEVEL", "ERROR"),
    # The benchmark talks plain HTTP to 127.0.0.1: PROD's redirect to HTTPS would
    # answer every request with a 301.
    ("SECURE_SSL_REDIRECT", "false"),
    # The GraphQL rate limit stays on (its cost per request is part of the host),
    # with a rate that one benchmark client sending thousands of queries stays under.
    ("RATELIMIT_RATE", "100000000/m"),
    ("WEB_CONCURRENCY", "1"),
    ("GUNICORN_ACCESS_LOG", ""),
))
HANDWIRED = Side("handwired", "handwired.settings")
SIDES = (HOST, HANDWIRED)

#: For the in-process part only: the host, with its MIDDLEWARE cut down to
#: Django's own (what the hand-wired project has) inside the measuring process.
#: Set against the hand-wired side it shows what the host's wiring (discovery,
#: URL routing, exception handler dispatch, GraphQL view) costs on its own,
#: apart from the middleware the host adds as features (security headers,
#: token authentication, profiler switch). No target is judged on it.
HOST_WIRING = Side("host_wiring", "openimis_host.settings",
                   HOST.extra_env + (("BENCH_DJANGO_MIDDLEWARE_ONLY", "1"),))


def workdir() -> Path:
    """The working directory of every benchmark process.

    The host reads a ``.env`` file from its working directory; this one has none.
    """
    path = BUILD / "run"
    path.mkdir(parents=True, exist_ok=True)
    return path


def run_as_child(script: str, side_name: str, n: int, args: list[str], **popen) -> int:
    """Run ``script`` again with ``--child`` in the environment of one side with N modules.

    The tools that measure inside one process (profiling, middleware_cost) need
    the side's settings and modules on sys.path, which only a fresh process gets.
    """
    if not (BUILD / f"mods-{n}").exists():
        sys.exit(f"no generated modules for N={n}: run `python bench/generate.py {n}`")
    env = (HOST if side_name == "host" else HANDWIRED).env(n)
    # The child imports this directory's modules (inprocess, configs) too.
    env["PYTHONPATH"] += os.pathsep + str(BENCH)
    return subprocess.call([sys.executable, os.path.abspath(script), side_name, str(n), *args,
                            "--child"], env=env, cwd=workdir(), **popen)
