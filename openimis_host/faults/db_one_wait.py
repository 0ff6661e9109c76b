"""One wait per request on a database that does not answer.

Django tries the database again on its own within a request. Its health check
(``CONN_HEALTH_CHECKS``) runs ``SELECT 1`` on a kept connection and, when that
fails, opens a new one; a query after a failed connect connects again. Against a
server that does not answer, each of these waits its full time: the health check
the deadline (``DB_STATEMENT_TIMEOUT`` + 2 s, ``db_deadline.py``), then the new
connection ``DB_CONNECT_TIMEOUT``. A frozen database answered a request after
17 s instead of 12 (measured), and a GraphQL query with three fields that each
need the database after three connect timeouts.

So within a request, the first wait that ends without an answer (a missed
deadline, a failed connect) is the last: the request's later connects fail at
once, with the reason, and the request gets its 503. The next request tries the
database again, which is how its return is noticed. The longest a request waits
on a database that does not answer is then one figure,
``max(DB_STATEMENT_TIMEOUT + 2, DB_CONNECT_TIMEOUT)`` seconds (docs/operators.md).

How: at each request's start, the thread's Django connection object (one per
thread and database) gets a subclass of its own class, once, whose
``get_new_connection`` checks and records the request's :class:`Missed`, and binds
the new psycopg connection to its deadline before Django's first statement on it.
Connections used outside requests (scheduler threads, commands) are left as they are.
"""

from __future__ import annotations

from . import db_deadline

_aliases: tuple[str, ...] = ()
_classes: dict[type, type] = {}


class Missed:
    """Why this request's database did not answer ("": it has not failed yet)."""

    __slots__ = ("reason",)

    def __init__(self):
        self.reason = ""

    def __bool__(self) -> bool:
        return bool(self.reason)

    def note(self, reason: str) -> None:
        """Record the first failure of the request (later ones follow from it)."""
        if not self.reason:
            self.reason = reason


def _one_wait(base: type) -> type:
    """A subclass of the Django database wrapper class ``base`` that connects once per failure."""

    class OneWaitDatabaseWrapper(base):
        """A Django connection that does not connect again in a request after a failure."""

        openimis_one_wait = True  # marks the wrappers already given this class

        def get_new_connection(self, conn_params):
            missed = self.__dict__.get("openimis_missed")
            if missed is None:  # a copy Django made of a wrapper (_nodb_cursor, test databases)
                missed = self.openimis_missed = Missed()
            if missed:
                # The driver's own class: Django turns it into its OperationalError,
                # which the outage handling answers with 503 (outage.py).
                raise self.Database.OperationalError(
                    f"{missed.reason} earlier in this request; not connecting again before "
                    "the next request")
            try:
                raw = super().get_new_connection(conn_params)
            except self.Database.Error as exc:
                missed.note(f"could not connect ({_first_line(exc)})")
                raise
            db_deadline.bind(self.alias, raw, missed)
            return raw

    OneWaitDatabaseWrapper.__name__ = OneWaitDatabaseWrapper.__qualname__ = f"OneWait{base.__name__}"
    return OneWaitDatabaseWrapper


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _on_request_started(**kwargs) -> None:
    from django.db import connections

    for alias in _aliases:
        wrapper = connections[alias]
        if hasattr(wrapper, "openimis_one_wait"):
            wrapper.openimis_missed.reason = ""  # a new request: a new chance
            continue
        cls = type(wrapper)
        one_wait = _classes.get(cls)
        if one_wait is None:
            one_wait = _classes[cls] = _one_wait(cls)
        # From now on every connection it opens goes through get_new_connection
        # above; one it may hold already (used before any request) is bound here.
        missed = wrapper.openimis_missed = Missed()
        wrapper.__class__ = one_wait
        if hasattr(wrapper.connection, "openimis_deadline"):
            wrapper.connection.openimis_missed = missed


def _on_request_finished(**kwargs) -> None:
    # Code that runs outside requests in the same thread (the test client's caller,
    # runserver's) connects as Django would: the rule is for requests only.
    from django.db import connections

    for wrapper in connections.all(initialized_only=True):
        if hasattr(wrapper, "openimis_one_wait"):
            wrapper.openimis_missed.reason = ""


def install(databases: dict) -> None:
    """Give every PostgreSQL database one wait per request."""
    from django.core.signals import request_finished, request_started

    global _aliases
    _aliases = tuple(alias for alias, config in databases.items()
                     if "postgresql" in config.get("ENGINE", ""))
    if _aliases:
        # Connected after Django's close_old_connections (django.db connects it on
        # import, to both signals), so a request's Missed is fresh when its view starts.
        request_started.connect(_on_request_started, dispatch_uid="openimis_host.faults.db_one_wait")
        request_finished.connect(_on_request_finished, dispatch_uid="openimis_host.faults.db_one_wait")
