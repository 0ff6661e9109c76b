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
connection stays usable). A missed deadline is also noted on the request's
:class:`~openimis_host.faults.db_one_wait.Missed`, so that the request does not
then wait again on a new connection (``db_one_wait.py``).
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

        #: The deadline in seconds; its presence also marks a connection as bound (never twice).
        openimis_deadline = seconds

        def wait(self, gen, *args, **kwargs):
            if _unbounded:
                return super().wait(gen, *args, **kwargs)
            armed = _watchdog.arm(self.pgconn.socket, seconds)
            try:
                return super().wait(gen, *args, **kwargs)
            except psycopg.OperationalError as exc:
                if armed.fired:
                    reason = (f"no answer from the database server within {seconds:g} s "
                              "(DB_STATEMENT_TIMEOUT + 2 s)")
                    missed = self.__dict__.get("openimis_missed")
                    if missed is not None:  # the request's connection (db_one_wait.py)
                        missed.note(reason)
                    raise psycopg.OperationalError(f"{reason}; the connection was closed") from exc
                raise
            finally:
                _watchdog.disarm(armed)

    DeadlineConnection.__name__ = DeadlineConnection.__qualname__ = f"Deadline{base.__name__}"
    return DeadlineConnection


def bind(alias: str, raw, missed=None) -> None:
    """Give the new psycopg 3 connection ``raw`` of database ``alias`` its deadline, if it has one.

    ``missed`` (a :class:`~openimis_host.faults.db_one_wait.Missed`) is told when a
    deadline fires. Other drivers, and databases without a deadline, are left as they are.
    """
    seconds = _deadlines.get(alias)
    if not seconds or not hasattr(raw, "pgconn") or hasattr(raw, "openimis_deadline"):
        return
    base = type(raw)
    cls = _classes.get((base, seconds))
    if cls is None:
        cls = _classes[base, seconds] = _with_deadline(base, seconds)
    raw.__class__ = cls
    if missed is not None:
        raw.openimis_missed = missed


def _on_connection_created(sender, connection, **kwargs) -> None:
    # Connections opened outside requests (scheduler threads, ...); a request's
    # connection is bound earlier, before Django's first statements on it (db_one_wait.py).
    bind(connection.alias, connection.connection)


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
