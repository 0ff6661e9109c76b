"""``openimis-host start``: the entrypoint of a container or a service unit.

1. waits for the database server, at most DB_WAIT_SECONDS, saying which host:port;
2. with DJANGO_MIGRATE=true, applies the migrations under a lock that makes
   replicas starting together on one database take turns (migrate_lock.py);
3. replaces itself with gunicorn and the shipped configuration (PORT,
   WEB_CONCURRENCY, GUNICORN_*), so that the container's signals reach gunicorn.

Extra arguments go to gunicorn (``openimis-host start --bind 127.0.0.1:9000``).
"""

from __future__ import annotations

import os
import sys
import time

from ..errors import exit_with

#: Errors that waiting does not cure: the server answered, and said no.
FINAL = ("does not exist", "authentication failed", "no pg_hba.conf entry", "role ")


def main(gunicorn_args: list[str]) -> None:
    """Wait, migrate, exec gunicorn; a failure exits 2 with one line."""
    if {"-h", "--help"} & set(gunicorn_args):
        print("usage: openimis-host start [gunicorn options]\n" + __doc__.split("\n", 1)[1])
        raise SystemExit(0)
    environment = dict(os.environ)  # gunicorn gets the operator's environment, as it was
    # The migrations may run for minutes: no statement timeout unless one is set.
    os.environ.setdefault("DB_STATEMENT_TIMEOUT", "0")
    from django.conf import settings

    settings.DATABASES  # noqa: B018 (loads the settings: a bad value stops here, in one line)
    wait_for_database(settings.DB_WAIT_SECONDS)
    if settings.DJANGO_MIGRATE:
        import django

        from . import migrate_lock

        django.setup()
        say("DJANGO_MIGRATE is true: applying migrations")
        try:
            migrate_lock.migrate(say)
        except Exception as exc:
            exit_with(f"start: applying migrations failed: {type(exc).__name__}: "
                      f"{str(exc).strip().splitlines()[0] if str(exc).strip() else ''}; "
                      "fix the cause, or run `openimis-host migrate` by hand to see all of it")
        # Done here, once, under the lock: gunicorn's master need not try again.
        environment["DJANGO_MIGRATE"] = "false"
    command = [sys.executable, "-m", "gunicorn", "-c", "python:openimis_host.server.gunicorn_conf",
               *gunicorn_args]
    say("starting gunicorn")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, command, environment)


def say(message: str) -> None:
    """One progress line on stderr, where a container's log collects it."""
    print(f"openimis-host start: {message}", file=sys.stderr, flush=True)


def wait_for_database(seconds: int) -> None:
    """Return once the default database accepts a connection; exit 2 after ``seconds``."""
    from django.db import connections
    from django.db.utils import OperationalError

    connection = connections["default"]
    if connection.vendor == "sqlite":
        return  # a file: nothing to wait for
    config = connection.settings_dict
    where = f"{config.get('HOST') or 'localhost'}:{config.get('PORT') or 5432}"
    what = f"PostgreSQL at {where} (database {config.get('NAME')!r})"
    deadline = time.monotonic() + seconds
    announced = False
    while True:
        try:
            connection.ensure_connection()
            connection.close()
            if announced:
                say(f"{what} is up")
            return
        except OperationalError as exc:
            connection.close()
            reason = _first_line(exc)
            if any(text in reason for text in FINAL):
                exit_with(f"start: {what} refused the connection: {reason}; check DB_NAME, DB_USER "
                          "and DB_PASSWORD, and that the database exists (createdb)")
            if time.monotonic() >= deadline:
                exit_with(f"start: {what} did not accept a connection within {seconds} s "
                          f"(DB_WAIT_SECONDS): {reason}; check DB_HOST and DB_PORT and that the "
                          "server runs")
            if not announced:
                say(f"waiting up to {seconds} s for {what} (DB_WAIT_SECONDS): {reason}")
                announced = True
            time.sleep(1)


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
