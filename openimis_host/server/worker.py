"""gunicorn's gthread worker, where a slow client does not hold a thread while it sends its headers.

gthread serves each connection from a pool of threads, so a slow client holds
one thread, not a whole worker. But gunicorn hands a connection to a thread as
soon as it is accepted (or its first byte arrives), and the thread then reads
the rest of the headers with no time limit: 40 clients trickling a byte now and
then held every thread, and the other requests waited (measured: up to 4.6 s).

This worker keeps a connection in its main loop until the whole header block has
arrived, and the body too when it is small (peeked at, not read: gunicorn's
parser reads it afterwards). It waits on
an edge-triggered epoll whose descriptor sits in gunicorn's own poller, so a
connection is looked at again only when new bytes arrive. A connection whose
request is not all in after ``GUNICORN_HEADER_TIMEOUT`` seconds is closed.

Where that cannot work (TLS, whose bytes cannot be read before the handshake;
no epoll; headers over :data:`PEEK_BYTES`), the thread reads the headers as
usual, under the same deadline: past it, :mod:`openimis_host.faults.watchdog` shuts the
socket down and gunicorn sees a client that went away.

The application's time is not limited here (``GUNICORN_TIMEOUT`` and the
database deadlines do that), nor a slow body over :data:`PEEK_BYTES`: a proxy in
front buffers uploads (README: Under faults).
"""

from __future__ import annotations

import re
import select
import selectors
import socket
import threading
import time

from gunicorn.workers.gthread import ThreadWorker

from ..faults.watchdog import Watchdog

#: Bytes looked at for the end of the headers (and a small body); more is read by a thread.
PEEK_BYTES = 64 * 1024
_CONTENT_LENGTH = re.compile(rb"\ncontent-length:[ \t]*(\d{1,12})[ \t]*\r?\n", re.IGNORECASE)
COMPLETE, INCOMPLETE, CLOSED = "complete", "incomplete", "closed"

_local = threading.local()
_watchdog = Watchdog("openimis-header-deadline")


def peek(sock: socket.socket) -> str:
    """Whether the request headers waiting on ``sock`` are complete, not yet, or the peer left."""
    try:
        data = sock.recv(PEEK_BYTES, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except (BlockingIOError, InterruptedError):
        return INCOMPLETE
    except OSError:
        return CLOSED
    if not data:
        return CLOSED
    if len(data) >= PEEK_BYTES:
        return COMPLETE
    end, gap = data.find(b"\r\n\r\n"), 4
    if end < 0:
        end, gap = data.find(b"\n\n"), 2
    if end < 0:
        return INCOMPLETE
    # A small body must be all in too: a client trickling it would hold the thread that
    # reads it. A large or chunked one is the thread's to read (under no deadline here).
    match = _CONTENT_LENGTH.search(data, 0, end + gap // 2)  # with the last line's end
    if not match:
        return COMPLETE
    wanted = end + gap + int(match.group(1))
    # Only what the kernel will buffer unread (a quarter of SO_RCVBUF, which Linux doubles
    # and which also holds bookkeeping): waiting for more would wait for ever.
    room = min(PEEK_BYTES, sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) // 4)
    return INCOMPLETE if len(data) < wanted <= room else COMPLETE


def _buffered(conn) -> bool:
    """Whether gunicorn's parser already holds bytes of the next request (read ahead)."""
    buf = getattr(getattr(getattr(conn, "parser", None), "unreader", None), "buf", None)
    return buf is not None and bool(buf.getvalue())


class HeaderDeadlineWorker(ThreadWorker):
    """gthread, where reading a request's headers takes at most ``header_timeout`` seconds."""

    header_timeout = 10  # seconds; gunicorn_conf sets it from GUNICORN_HEADER_TIMEOUT

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._waiting: dict[int, tuple[object, float]] = {}  # fd -> (connection, deadline)
        self._edge = None  # the edge-triggered epoll, made in the worker process

    # --- the main loop: wait for the headers without a thread ---------------------------

    def enqueue_req(self, conn):
        if self.cfg.is_ssl or not hasattr(select, "epoll") or _buffered(conn):
            return super().enqueue_req(conn)
        state = peek(conn.sock)
        if state == COMPLETE:
            return super().enqueue_req(conn)
        if state == CLOSED:
            return self._drop(conn)
        if self._edge is None:
            self._edge = select.epoll()
            self.poller.register(self._edge.fileno(), selectors.EVENT_READ, self._on_bytes)
        fd = conn.sock.fileno()
        self._waiting[fd] = (conn, time.monotonic() + self.header_timeout)
        # Registering reports bytes already there, so none that arrived since the peek is missed.
        self._edge.register(fd, select.EPOLLIN | select.EPOLLRDHUP | select.EPOLLET)

    def _on_bytes(self, _fileobj):
        for fd, _events in self._edge.poll(0):
            conn, _deadline = self._waiting.get(fd, (None, 0))
            if conn is None:
                continue
            state = peek(conn.sock)
            if state == INCOMPLETE:
                continue
            self._stop_waiting(fd)
            if state == CLOSED:
                self._drop(conn)
            else:
                super().enqueue_req(conn)

    def murder_keepalived(self, *args, **kwargs):
        # Called on every turn of the main loop (at least once a second).
        super().murder_keepalived(*args, **kwargs)
        now = time.monotonic()
        for fd, (conn, deadline) in list(self._waiting.items()):
            # A stopping worker does not wait for requests that have not even arrived.
            if deadline <= now or not self.alive:
                self._stop_waiting(fd)
                self._drop(conn)

    def _stop_waiting(self, fd: int) -> None:
        del self._waiting[fd]
        self._edge.unregister(fd)

    def _drop(self, conn) -> None:
        self.nr_conns -= 1
        conn.close()

    # --- in a thread: the same deadline when the headers are read there ------------------

    def handle(self, conn):
        _local.armed = _watchdog.arm(conn.sock.fileno(), self.header_timeout)
        try:
            return super().handle(conn)
        finally:
            _watchdog.disarm(_local.armed)
            _local.armed = None

    def handle_request(self, req, conn):
        # The headers are in: from here on the time is the application's.
        _watchdog.disarm(getattr(_local, "armed", None))
        _local.armed = None
        return super().handle_request(req, conn)
