"""Locks in the database: which process runs the tasks, and which runs of a task may start.

On PostgreSQL a lock is a session advisory lock (``pg_try_advisory_lock``) on a
connection of its own, held as long as that connection lives: when the holder
dies, its connection closes and the server frees the lock at once. On any other
database (SQLite) it is a lease row that the holder renews; others take it only
after it expired, with one ``UPDATE ... WHERE expired`` that the database
serializes, so two processes can never both win.

Either way, the holder trusts its lock only until ``seconds`` after its last
successful renewal (:attr:`Lock.held`): a holder whose renewals stall stops
acting before anybody else may take over.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Q
from django.utils import timezone

log = logging.getLogger("openimis_host.scheduler")


def runner_name() -> str:
    """This process, for people: ``<hostname> pid <pid>``."""
    return f"{socket.gethostname()} pid {os.getpid()}"


class Lock:
    """A named lock in the database; :meth:`acquire` and :meth:`renew` try once, never wait."""

    #: Whether the holder must renew it to keep it (a lease), or it lasts by itself.
    expires = True

    def __init__(self, name: str, seconds: float):
        self.name = name
        self.seconds = seconds
        self.holder = f"{runner_name()} {uuid.uuid4().hex[:8]}"
        self._valid_until = 0.0  # time.monotonic()

    @property
    def held(self) -> bool:
        """True while the last acquire/renew succeeded less than ``seconds`` ago."""
        return time.monotonic() < self._valid_until

    def acquire(self) -> bool:
        """Take the lock if it is free (or already ours); True if this process holds it now."""
        return self._attempt(self._acquire)

    def renew(self) -> bool:
        """Keep the lock; False if it was lost (then it must be acquired again)."""
        return self._attempt(self._renew)

    def _attempt(self, step: Callable[[], bool]) -> bool:
        # Measured from before the attempt: the lock's expiry for others is never
        # earlier than the moment this process stops trusting it.
        started = time.monotonic()
        try:
            ok = step()
        except Exception:
            self._valid_until = 0.0
            self._discard()
            raise
        self._valid_until = started + self.seconds * 0.9 if ok else 0.0
        return ok

    def release(self) -> None:
        """Give the lock up so another process can take it at once."""
        self._valid_until = 0.0
        try:
            self._release()
        except Exception:  # it expires (lease) or goes with the connection (advisory) anyway
            log.debug("releasing lock %s failed", self.name, exc_info=True)
            self._discard()

    def _discard(self) -> None:
        """Drop whatever connection state a failed attempt left behind."""


class AdvisoryLock(Lock):
    """PostgreSQL: a session advisory lock on a connection kept for the life of the holder."""

    expires = False

    def __init__(self, name: str, seconds: float):
        super().__init__(name, seconds)
        digest = hashlib.blake2b(f"openimis_host:{name}".encode(), digest_size=8).digest()
        self.key = int.from_bytes(digest, "big", signed=True)
        self._conn = None

    def _cursor(self):
        if self._conn is None:
            self._conn = connections.create_connection(DEFAULT_DB_ALIAS)
            self._conn.inc_thread_sharing()  # acquired in one thread, released in another
        return self._conn.cursor()

    def _acquire(self) -> bool:
        with self._cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [self.key])
            got = cursor.fetchone()[0]
            if got:
                # If the holder's machine vanishes without closing the connection, the
                # server frees the lock after these keepalives fail, which is never
                # before the holder itself stops trusting it (``seconds``).
                cursor.execute(f"SET tcp_keepalives_idle = {max(int(self.seconds), 1)}")
                cursor.execute("SET tcp_keepalives_interval = 1")
                cursor.execute("SET tcp_keepalives_count = 3")
        return bool(got)

    def _renew(self) -> bool:
        # The lock lives as long as its session; ask the server that this session still has it.
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND pid = pg_backend_pid() AND objsubid = 1"
                " AND ((classid::bigint << 32) | objid::bigint) = %s)", [self.key])
            return bool(cursor.fetchone()[0])

    def _release(self) -> None:
        self._discard()

    def _discard(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                pass


class LeaseLock(Lock):
    """Any other database: a ``SchedulerLease`` row that expires unless its holder renews it."""

    _taken_once = False

    def _acquire(self) -> bool:
        from openimis_host.models import SchedulerLease

        now = timezone.now()
        taken = self._take(now)
        if not taken and not SchedulerLease.objects.filter(name=self.name).exists():
            SchedulerLease.objects.bulk_create(  # first use of this name: an expired row
                [SchedulerLease(name=self.name, expires=now)], ignore_conflicts=True)
            taken = self._take(timezone.now())
        return taken

    def _take(self, now) -> bool:
        from openimis_host.models import SchedulerLease

        # One statement: ours already, or expired. The database runs writers one at a time.
        taken = SchedulerLease.objects.filter(
            Q(holder=self.holder) | Q(expires__lt=now), name=self.name,
        ).update(holder=self.holder, expires=now + timedelta(seconds=self.seconds)) == 1
        self._taken_once |= taken
        return taken

    def _renew(self) -> bool:
        return self._take(timezone.now())

    def _release(self) -> None:
        from openimis_host.models import SchedulerLease

        if not self._taken_once:
            return  # nothing to give back, and no write to make
        SchedulerLease.objects.filter(name=self.name, holder=self.holder).update(
            holder="", expires=timezone.now() - timedelta(seconds=1))

    def _discard(self) -> None:
        connection.close()  # this thread's connection; the next query opens a fresh one


def database_lock(name: str) -> Lock:
    """The lock called ``name`` in the default database, of the kind that database supports."""
    seconds = settings.SCHEDULER_LOCK_SECONDS
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        return AdvisoryLock(name, seconds)
    return LeaseLock(name, seconds)


def retry_interval() -> float:
    """How often a holder renews and a contender retries: a fifth of the lock's lifetime."""
    return settings.SCHEDULER_LOCK_SECONDS / 5


class Elector:
    """A daemon thread that keeps competing for ``lock`` and reports when it changes hands.

    ``on_acquired()`` runs when this process takes the lock, ``on_lost()`` when
    it loses it or :meth:`stop` gives it up (then :attr:`stopping` is true);
    both in the elector's thread.
    """

    def __init__(self, lock: Lock, on_acquired: Callable[[], None],
                 on_lost: Callable[[], None]):
        self.lock = lock
        self.on_acquired, self.on_lost = on_acquired, on_lost
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"lock {lock.name}", daemon=True)
        self._last_error = None

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        """Stop competing; give the lock up if held (after ``on_lost``)."""
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        holding = False
        while True:
            try:
                ok = self.lock.renew() if holding else self.lock.acquire()
                self._last_error = None
            except Exception as exc:
                ok = False
                self._report(exc)
            if ok and not holding:
                holding = True
                self._call(self.on_acquired)
            elif holding and not ok:
                holding = False
                self._call(self.on_lost)
            if self._stop.wait(retry_interval()):
                break
        if holding:
            self._call(self.on_lost)
        self.lock.release()
        connection.close()

    def _report(self, exc: Exception) -> None:
        message = f"{type(exc).__name__}: {exc}".strip()
        if message != self._last_error:  # once per distinct problem, not every retry
            hint = " (run `openimis-host migrate`)" if "exist" in message else ""
            log.error("scheduler lock %s: database error: %s%s", self.lock.name, message, hint)
        self._last_error = message

    def _call(self, callback) -> None:
        try:
            callback()
        except Exception:
            log.exception("scheduler lock %s: %s failed", self.lock.name, callback.__name__)


class Renewal:
    """Renews a held lock in a daemon thread until :meth:`stop` (for a lease held by one run)."""

    def __init__(self, lock: Lock):
        self.lock = lock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"renew {lock.name}", daemon=True)
        if lock.expires:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)

    def _loop(self) -> None:
        while not self._stop.wait(retry_interval()):
            try:
                if not self.lock.renew():
                    log.warning("lock %s was lost: it could not be renewed in time", self.lock.name)
                    break
            except Exception as exc:
                log.warning("lock %s: renewing failed: %s", self.lock.name, exc)
        connection.close()
