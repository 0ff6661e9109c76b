"""A database that cannot be reached: a 503 that says so, and one log line per failure.

Without this, DRF answered 500, GraphQL 200 with "internal server error", and
each failed request logged a full traceback (180,000 lines for a 9 s outage).

- :class:`DatabaseOutageMiddleware` answers an outage raised by a view (plain
  Django or DRF, whose default handler re-raises it) before Django logs it.
- The GraphQL view asks :func:`find` whether a resolver failed on one.
- :func:`server_error` (handler500) answers one
  raised by a middleware (the JWT user lookup, say); its response is marked as
  logged, so Django's traceback line is replaced by this module's single line.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError

from ..web.json_errors import error_response

log = logging.getLogger("openimis_host.db")

#: Seconds a client is told to wait (the connect timeout is of that order).
RETRY_AFTER = 5
#: PostgreSQL error classes that mean the server cannot serve, not that the SQL is wrong:
#: connection exception, invalid authorization, no such database, insufficient
#: resources (too many connections), operator intervention (shutdown, query
#: cancelled by statement_timeout), system error.
OUTAGE_SQLSTATE_CLASSES = ("08", "28", "3D", "53", "57", "58")
#: SQLite's own OperationalErrors that mean the same (not "no such table", a schema problem).
SQLITE_OUTAGES = ("unable to open database", "database is locked", "disk i/o error")


def is_outage(exc: BaseException) -> bool:
    """Whether ``exc`` means the database cannot serve right now."""
    if isinstance(exc, InterfaceError):  # the connection is already closed
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if sqlstate:
        return sqlstate[:2] in OUTAGE_SQLSTATE_CLASSES
    if type(cause).__module__.startswith("sqlite3"):
        return str(exc).lower().startswith(SQLITE_OUTAGES)
    return True  # a client-side failure: refused, timed out, closed by the server


def find(exc: BaseException | None) -> BaseException | None:
    """``exc`` or the outage in its chain of causes, or None."""
    seen = 0
    while exc is not None and seen < 10:
        if is_outage(exc):
            return exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def describe(alias: str = "default") -> str:
    """``database 'default' (postgresql openimis on 127.0.0.1:5432)``: which database, no secrets."""
    config = settings.DATABASES.get(alias, {})
    engine = config.get("ENGINE", "?").rsplit(".", 1)[-1]
    where = config.get("NAME", "?")
    if config.get("HOST"):
        where += f" on {config['HOST']}:{config.get('PORT') or 'default port'}"
    return f"database '{alias}' ({engine} {where})"


def first_line(exc: BaseException) -> str:
    """The exception's first non-empty line (psycopg's messages run over several)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def log_failure(request, exc: BaseException) -> None:
    """The one log line a failed request gets."""
    log.error("%s unavailable: %s: %s (answered 503 to %s %s)", describe(), type(exc).__name__,
              first_line(exc), request.method, request.path)


def response(request):
    """503 JSON with Retry-After, in the shape of the endpoint."""
    reply = error_response(request, 503, "database_unavailable",
                           "the database is unavailable; try again later",
                           headers={"Retry-After": str(RETRY_AFTER)})
    # The failure has its line already: Django's "Service Unavailable: <path>" would be a second.
    reply._has_been_logged = True
    return reply


def handle(request, exc: BaseException):
    """Log ``exc`` in one line and answer 503."""
    log_failure(request, exc)
    return response(request)


class DatabaseOutageMiddleware:
    """Answers 503 for a view that failed because the database is unavailable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        outage = find(exception)
        return handle(request, outage) if outage is not None else None


def current() -> BaseException | None:
    """The outage being handled right now (inside an ``except``), or None."""
    return find(sys.exc_info()[1])


def server_error(request):
    """handler500: nothing about the failure leaves the server.

    Django has already logged the exception with its traceback (logger
    ``django.request``), which is also what Sentry captures. A database outage
    raised outside a view (by a middleware) is a 503 instead, logged in one line
    in place of Django's traceback.
    """
    failure = current()
    if failure is not None:
        return handle(request, failure)
    return error_response(request, 500, "server_error",
                          "internal server error; the details are in the server log")


class GraphQLOutage(Exception):
    """Raised by the GraphQL view when a resolver failed on an outage; answered with 503."""

    def __init__(self, failure: BaseException):
        super().__init__(str(failure))
        self.failure = failure


def check_graphql(errors) -> None:
    """Raise :class:`GraphQLOutage` if one of a GraphQL result's errors is an outage.

    One such error makes the whole answer a 503: the other fields' data would be
    partial for the same reason, and the client should retry it all.
    """
    for error in errors or ():
        failure = find(getattr(error, "original_error", None))
        if failure is not None:
            raise GraphQLOutage(failure)
