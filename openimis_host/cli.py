"""The ``openimis-host`` command: django-admin with the host's settings.

A :class:`~openimis_host.errors.HostError` (a bad environment value, a broken
module) is printed as its message, without a traceback, and exits with 2.
"""

import atexit
import contextlib
import gc
import os
import sys

from .errors import HostError, exit_with

#: Commands that show modules, including broken ones, instead of refusing to boot.
INSPECT_COMMANDS = {"modules"}


def main(argv=None) -> int:
    """Run ``openimis-host ARGS`` (``argv`` as sys.argv); returns the exit status."""
    argv = list(sys.argv if argv is None else argv)
    # At exit the interpreter's last collection walks every object the host loaded (Django,
    # graphene, the modules): ~0.2 s of CPU for nothing, the process ends. Frozen, they are
    # left to the process's end; atexit handlers, logging and files are flushed as before.
    atexit.register(gc.freeze)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openimis_host.settings")
    if len(argv) > 1 and argv[1] in INSPECT_COMMANDS:
        # Boot in skip mode so the table can show what is broken; the command
        # itself exits non-zero when the configured policy would have refused.
        os.environ["_OPENIMIS_INSPECT"] = "1"
    if len(argv) > 1 and argv[1] == "start":
        from .server.start import main as start

        try:
            start(argv[2:])  # replaces this process with gunicorn
        except HostError as exc:
            exit_with(exc)
    # Commands run the long jobs (migrations, scheduled tasks, Celery workers), whose
    # statements may take minutes: the web's statement timeout and database deadline
    # apply to them only if the operator sets DB_STATEMENT_TIMEOUT explicitly.
    os.environ.setdefault("DB_STATEMENT_TIMEOUT", "0")
    from django.core.management import execute_from_command_line

    try:
        if _json_listing(argv):
            # Modules may print while they are assembled (openIMIS's location prints its
            # configuration in ready()): keep stdout for the JSON document, so that it parses.
            import django

            with contextlib.redirect_stdout(sys.stderr):
                django.setup()
        execute_from_command_line(argv)
    except HostError as exc:
        exit_with(exc)
    except Exception as exc:
        # The database is unreachable or does not exist: one line, not 88 of traceback.
        from .faults.outage import describe, find, first_line

        failure = find(exc)
        if failure is None:
            raise
        exit_with(f"{describe()} is unavailable: {first_line(failure)}; check DB_HOST, DB_PORT, "
                  "DB_NAME, DB_USER and DB_PASSWORD, that the server runs and that the database "
                  "exists (createdb)")
    return 0


def _json_listing(argv: list[str]) -> bool:
    """Whether the command prints a document on stdout (``modules --json``, ``tasks --json``,
    ``modules freeze``) that a program reads."""
    return len(argv) > 2 and argv[1] in ("modules", "tasks") and bool({"--json", "freeze"} & set(argv[2:]))


if __name__ == "__main__":
    sys.exit(main())
