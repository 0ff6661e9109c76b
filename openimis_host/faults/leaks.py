"""DEV: name the module whose view leaves database connections open.

A module that opened a connection per request and never closed it exhausted
PostgreSQL after 110 requests, and nothing said which. In DEV this middleware
compares the process's TCP connections to the database server before and after
each request; connections opened during the request and still open at its end,
other than Django's own (kept for reuse, ``DB_CONN_MAX_AGE``), are reported at
WARNING with the module the view belongs to (the mount its URL went through).

It reads ``/proc`` (Linux) and watches PostgreSQL over TCP; elsewhere it turns
itself off. Concurrent requests in other threads can blur the count: it is a
development aid, not an accounting.
"""

from __future__ import annotations

import logging
import os
from collections import Counter

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections

log = logging.getLogger("openimis_host.leaks")

ESTABLISHED = "01"


def _own_socket_inodes() -> dict[str, int]:
    """inode -> fd of this process's sockets."""
    inodes = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # closed meanwhile
        if target.startswith("socket:["):
            inodes[target[8:-1]] = int(fd)
    return inodes


def database_sockets(port: int) -> set[str]:
    """Inodes of this process's established TCP connections to ``port``."""
    own = _own_socket_inodes()
    found = set()
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    remote_port = int(fields[2].rsplit(":", 1)[1], 16)
                    if remote_port == port and fields[3] == ESTABLISHED and fields[9] in own:
                        found.add(fields[9])
        except OSError:
            continue
    return found


def _django_sockets() -> set[str]:
    """Inodes of the connections Django holds for this thread."""
    inodes = set()
    for conn in connections.all(initialized_only=True):
        raw = conn.connection
        if raw is None:
            continue
        try:
            target = os.readlink(f"/proc/self/fd/{raw.fileno()}")
        except Exception:  # closed meanwhile, or a driver without fileno(): not countable
            continue
        inodes.add(target[8:-1])
    return inodes


class LeakedConnectionsMiddleware:
    """Logs, naming the module, connections a request opened and left open."""

    def __init__(self, get_response):
        config = settings.DATABASES["default"]
        if ("postgresql" not in config["ENGINE"] or not config.get("HOST", "").strip()
                or config["HOST"].startswith("/") or not os.path.isdir("/proc/self/fd")):
            raise MiddlewareNotUsed("leak detection needs PostgreSQL over TCP and /proc")
        self.port = int(config.get("PORT") or 5432)
        self.get_response = get_response
        self.leaked = Counter()  # module -> connections leaked so far

    def __call__(self, request):
        before = database_sockets(self.port)
        response = self.get_response(request)
        left = database_sockets(self.port) - before - _django_sockets()
        if left:
            from ..assembly.urls import module_of

            module = module_of(request.resolver_match)
            owner = f"module '{module}'" if module else "the host's own views"
            self.leaked[module] += len(left)
            log.warning("%s left %d database connection(s) open after %s %s (%d so far): close "
                        "them, or use django.db.connection, which Django closes for you",
                        owner, len(left), request.method, request.path, self.leaked[module])
        return response
