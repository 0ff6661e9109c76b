"""A client-side deadline on every PostgreSQL round trip (psycopg 3).

The server's ``statement_timeout`` cannot fire while the server itself is frozen
(SIGSTOP, a hung VM, a proxy that stopped forwarding), and neither can TCP's
own timeouts: the peer's kernel keeps acknowledging the bytes, so keepalives and
``tcp_user_timeout`` see a healthy connection (measured: a query through a
frozen proxy with ``keepalives_idle=1 tcp_user_timeout=2000`` still hung after
8 s). Only the client can give up.

Every blocking operation of a psycopg 3 connection (execute, fetch from a
server-side cursor, commit, rollback, the ``SELECT 1`` of Django's health check)
goes through ``Connection.wait()``. When Django opens a connection, its class is
swapped for a subclass whose ``wait()`` registers the connection's socket with
one watchdog thread per process (``watchdog.py``). If the operation is still running at the
deadline, the watchdog shuts the socket down: libpq sees the connection closed,
psycopg raises ``OperationalError``, which this module rewords to say that the
deadline fired, and Django drops the connection at the end of the request.

The deadline is ``DB_STATEMENT_TIMEOUT`` + :data:`GRACE` seconds, so that a slow
query on a live server is cancelled by the server first (a clean error, and the
connection stays usable).
"""

from __future__ import annotations

import contextlib

from .watchdog import Watchdog

#: Seconds the client waits beyond the server's statement_timeout.
GRACE = 2.0

_deadlines: dict[str, float] = {}  # database alias -> seconds (0: none)
_unbounded = False  # set by unbounded(): migrations in the gunicorn master
_watchdog = Watchdog("openimis-db-deadline")
_classes: dict[tuple[type, float], type] = {}


def _with_deadline(base: type, seconds: float) -> type:
    """A subclass of the psycopg connection class ``base`` whose waits end at the deadline."""
    import psycopg

    class DeadlineConnection(base):
        """A psycopg connection whose every round trip ends within the deadline."""

        def wait(self, gen, *args, **kwargs):
            if _unbounded:
                return super().wait(gen, *args, **kwargs)
            armed = _watchdog.arm(self.pgconn.socket, seconds)
            try:
                return super().wait(gen, *args, **kwargs)
            except psycopg.OperationalError as exc:
                if armed.fired:
                    raise psycopg.OperationalError(
                        f"no answer from the database server within {seconds:g} s "
                        "(DB_STATEMENT_TIMEOUT + 2 s); the connection was closed") from exc
                raise
            finally:
                _watchdog.disarm(armed)

    DeadlineConnection.__name__ = DeadlineConnection.__qualname__ = f"Deadline{base.__name__}"
    return DeadlineConnection


def _on_connection_created(sender, connection, **kwargs) -> None:
    seconds = _deadlines.get(connection.alias)
    raw = connection.connection
    if not seconds or not hasattr(raw, "pgconn"):  # no deadline, or not psycopg 3
        return
    base = type(raw)
    cls = _classes.get((base, seconds))
    if cls is None:
        cls = _classes[base, seconds] = _with_deadline(base, seconds)
    raw.__class__ = cls


def install(databases: dict, statement_timeout: int) -> None:
    """Give each PostgreSQL database a deadline of ``statement_timeout`` (s) + GRACE; 0: none."""
    from django.db.backends.signals import connection_created

    for alias, config in databases.items():
        if "postgresql" in config.get("ENGINE", "") and statement_timeout:
            _deadlines[alias] = statement_timeout + GRACE
    connection_created.connect(_on_connection_created, dispatch_uid="openimis_host.faults.db_deadline")


@contextlib.contextmanager
def unbounded(connection):
    """Run a long job (migrations) on ``connection`` with neither deadline nor statement timeout."""
    global _unbounded
    _unbounded = True
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
        yield
    finally:
        _unbounded = False
        connection.close()  # the next user gets a connection with the configured timeouts
