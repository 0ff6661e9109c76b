"""gunicorn's gthread worker, with a deadline on reading each request's headers.

gthread serves each connection from a pool of threads, so one slow client holds
one thread, not a whole worker. But once the first bytes of a request arrive,
gunicorn reads the rest of the headers (and the TLS handshake) with no time
limit: a client trickling a byte now and then holds its thread for ever, and
enough of them take every thread. Here a connection whose headers are not all
in within ``GUNICORN_HEADER_TIMEOUT`` seconds is shut down (see ``watchdog.py``);
gunicorn then sees a client that went away and frees the thread.

The application's own time is not limited here: that is ``GUNICORN_TIMEOUT``'s
and the database's deadlines' business. Nor is the body's: a proxy in front
(README: Under faults) buffers slow uploads.
"""

from __future__ import annotations

import threading

from gunicorn.workers.gthread import ThreadWorker

from .watchdog import Watchdog

_local = threading.local()
_watchdog = Watchdog("openimis-header-deadline")


class HeaderDeadlineWorker(ThreadWorker):
    """gthread, where reading a request's headers takes at most ``header_timeout`` seconds."""

    header_timeout = 10  # seconds; gunicorn_conf sets it from GUNICORN_HEADER_TIMEOUT

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
