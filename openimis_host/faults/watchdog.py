"""Deadlines on blocking socket operations: past its deadline, a socket is shut down.

A thread blocked in ``recv`` on a peer that never answers (a frozen database
server, a client trickling its headers) cannot time itself out when the code
doing the read (libpq, gunicorn's parser) offers no deadline of its own. Shutting
the socket down from another thread makes that read return end-of-file at once,
so the code fails the way it fails for a closed connection, which it handles.

One daemon thread per process (started again after a fork, on first use) looks at the operations
in flight every :data:`TICK` seconds; arming and disarming cost a lock and a set
operation, so they can wrap every database round trip.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time

#: How often the watchdog looks at the operations in flight (the deadlines' precision).
TICK = 0.1


class Armed:
    """One operation in flight: the socket to shut down at ``deadline``; ``fired`` once it was."""

    __slots__ = ("fd", "deadline", "fired")

    def __init__(self, fd: int, deadline: float):
        self.fd, self.deadline, self.fired = fd, deadline, False


class Watchdog:
    """Shuts down the sockets of operations still running at their deadline."""

    def __init__(self, name: str):
        self.name = name
        self._lock = threading.Lock()
        self._armed: set[Armed] = set()
        self._generation = 0  # bumped in a forked child: the parent's thread is not there
        self._running = False
        os.register_at_fork(after_in_child=self._forked)

    def _forked(self) -> None:
        self._lock = threading.Lock()  # it may have been held by a thread that is gone
        self._armed.clear()  # a parent's operations are not ours to end
        self._generation += 1
        self._running = False

    def arm(self, fd: int, seconds: float) -> Armed:
        """Shut ``fd`` down in ``seconds`` unless :meth:`disarm` is called first."""
        armed = Armed(fd, time.monotonic() + seconds)
        with self._lock:
            if not self._running:  # started on first use, in each process
                self._running = True
                threading.Thread(target=self._run, args=(self._generation,), name=self.name,
                                 daemon=True).start()
            self._armed.add(armed)
        return armed

    def disarm(self, armed: Armed | None) -> None:
        """The operation ended in time (or is no longer ours to watch)."""
        if armed is not None:
            with self._lock:
                self._armed.discard(armed)

    def _run(self, generation: int) -> None:
        while self._generation == generation:
            time.sleep(TICK)
            now = time.monotonic()
            with self._lock:
                # Under the lock: the owner cannot disarm (and then close the
                # socket, freeing its fd number for another) while we shut it down.
                for armed in [a for a in self._armed if a.deadline <= now]:
                    self._armed.discard(armed)
                    armed.fired = True
                    shutdown(armed.fd)


def shutdown(fd: int) -> None:
    """Make a blocked read on ``fd`` return end-of-file, leaving the descriptor to its owner."""
    try:
        sock = socket.socket(fileno=os.dup(fd))
    except OSError:
        return
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
