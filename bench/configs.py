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
import sys
from dataclasses import dataclass

from harness import BIN, BUILD, clean_environ, workdir


@dataclass(frozen=True)
class Side:
    """One side: its name, its settings module and what it sets in its environment."""

    name: str
    settings: str  # DJANGO_SETTINGS_MODULE
    extra_env: tuple = ()

    def env(self, n: int) -> dict:
        """The environment of a process of this side with N modules installed."""
        if not (BUILD / f"mods-{n}").exists():
            sys.exit(f"no generated modules for N={n}: run `python bench/generate.py {n}`")
        return {
            **clean_environ(),
            **dict(self.extra_env),
            "DJANGO_SETTINGS_MODULE": self.settings,
            # The modules directory is "installed" by being on sys.path.
            "PYTHONPATH": str(BUILD / f"mods-{n}"),
            "SQLITE_PATH": str(workdir() / "db.sqlite3"),
        }

    def gunicorn_args(self) -> list[str]:
        """The command that serves this side (without --bind)."""
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


def side(name: str) -> Side:
    """The side called ``name`` (host, handwired, host_wiring)."""
    return next(s for s in SIDES + (HOST_WIRING,) if s.name == name)
