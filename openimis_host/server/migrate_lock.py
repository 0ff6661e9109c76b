"""Migrations that several replicas may start at once on one database.

Each replica of a deployment (``openimis-host start`` with DJANGO_MIGRATE=true,
or gunicorn's own DJANGO_MIGRATE) migrates before it serves. Two Django
``migrate`` runs on one empty database race: both create a table, one fails
("relation ... already exists") and that replica dies. On PostgreSQL the run is
serialised by a session advisory lock, held on a connection of its own so that
nothing migrate does (closing or resetting the default connection) can release
it early: the first replica migrates, the others wait and then find nothing to do.
SQLite is one file that one machine opens; there is no lock to take.
"""

from __future__ import annotations

import time
import zlib

#: The advisory lock's key: fixed, so every replica of every version agrees on it.
LOCK_KEY = zlib.crc32(b"openimis-host migrate")


def migrate(say=print, alias: str = "default") -> None:
    """Run ``migrate`` (non-interactive) under the migration lock; ``say`` reports progress."""
    from django.core.management import call_command
    from django.db import connections

    from ..faults.db_deadline import unbounded

    connection = connections[alias]
    if connection.vendor != "postgresql":
        with unbounded(connection):
            call_command("migrate", interactive=False, verbosity=1, database=alias)
        return
    holder = connections.create_connection(alias)  # a session of its own for the lock
    try:
        with unbounded(holder), holder.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            if not cursor.fetchone()[0]:
                say("another replica is migrating this database: waiting for it to finish")
                started = time.monotonic()
                cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
                say(f"the other replica's migration ended after {time.monotonic() - started:.1f} s")
            try:
                with unbounded(connection):
                    call_command("migrate", interactive=False, verbosity=1, database=alias)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
    finally:
        holder.close()
