"""Pure helpers of the fault handling: which database errors are outages, when headers are in."""

from __future__ import annotations

import socket
import sqlite3

import psycopg
import pytest
from django.db import IntegrityError, InterfaceError, OperationalError, ProgrammingError

from openimis_host.faults.outage import find, is_outage
from openimis_host.server.worker import CLOSED, COMPLETE, INCOMPLETE, peek


def django_error(cls, cause: BaseException) -> BaseException:
    """What Django raises: its own class, with the driver's error as the cause."""
    try:
        raise cls(str(cause)) from cause
    except cls as exc:
        return exc


@pytest.mark.parametrize("error, outage", [
    (django_error(OperationalError, psycopg.OperationalError("connection refused")), True),
    (django_error(OperationalError, psycopg.errors.QueryCanceled("statement timeout")), True),
    (django_error(OperationalError, psycopg.errors.AdminShutdown("terminating")), True),
    (django_error(OperationalError, psycopg.errors.TooManyConnections("too many")), True),
    (django_error(OperationalError, psycopg.errors.InvalidCatalogName("no database")), True),
    (django_error(InterfaceError, psycopg.InterfaceError("connection already closed")), True),
    (django_error(OperationalError, sqlite3.OperationalError("unable to open database file")), True),
    (django_error(OperationalError, sqlite3.OperationalError("database is locked")), True),
    # The SQL or the schema is wrong: a bug to fix, not an outage to wait out.
    (django_error(OperationalError, sqlite3.OperationalError("no such table: claim")), False),
    (django_error(ProgrammingError, psycopg.errors.UndefinedTable("no such table")), False),
    (django_error(IntegrityError, psycopg.errors.UniqueViolation("duplicate")), False),
    (RuntimeError("not a database error"), False),
], ids=lambda v: type(v.__cause__ or v).__name__ if isinstance(v, BaseException) else str(v))
def test_which_database_errors_are_outages(error, outage):
    assert is_outage(error) is outage


def test_an_outage_is_found_behind_the_exception_that_wraps_it():
    outage = django_error(OperationalError, psycopg.OperationalError("server closed the connection"))
    try:
        raise RuntimeError("a resolver's own wrapper") from outage
    except RuntimeError as wrapper:
        assert find(wrapper) is outage
    assert find(RuntimeError("unrelated")) is None


def test_peek_says_whether_the_headers_are_all_in_without_reading_them():
    client, server = socket.socketpair()
    with client, server:
        assert peek(server) == INCOMPLETE  # nothing yet
        client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        assert peek(server) == INCOMPLETE
        client.sendall(b"\r\n")
        assert peek(server) == COMPLETE
        assert server.recv(100).startswith(b"GET / HTTP/1.1")  # still there for gunicorn
        client.close()
        assert peek(server) == CLOSED


def test_peek_waits_for_a_small_body_too():
    client, server = socket.socketpair()
    with client, server:
        client.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345")
        assert peek(server) == INCOMPLETE
        client.sendall(b"67890")
        assert peek(server) == COMPLETE
    client, server = socket.socketpair()
    with client, server:  # a large body is read by a thread, as it comes
        client.sendall(b"POST / HTTP/1.1\r\ncontent-length: 10000000\r\n\r\n123")
        assert peek(server) == COMPLETE
