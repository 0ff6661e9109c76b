"""A TCP proxy the fault tests control: forward, freeze, cut, restore.

Put it between the host and PostgreSQL or Redis so that an outage can be played
without touching the shared servers:

- ``freeze()``: stop forwarding and stop accepting, but keep every socket open.
  To the host this looks like a server stopped with SIGSTOP: the kernel still
  completes TCP handshakes and acknowledges bytes, and no answer ever comes.
- ``cut()``: close every connection, and close each new one as soon as it is
  accepted (a server that restarts, or crashes).
- ``restore()``: forward again. Connections that waited in the listen backlog
  during a freeze are served then.

One thread runs a selector loop over every socket; the control methods only
flip the state, which that thread reads on each turn (at most 50 ms later).
"""

from __future__ import annotations

import selectors
import socket
import threading
import time

FORWARDING, FROZEN, CUT = "forwarding", "frozen", "cut"


class TcpProxy:
    """Listens on a free loopback port and forwards to ``(host, port)``."""

    def __init__(self, host: str, port: int):
        self.upstream = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.listener.setblocking(False)
        self.port = self.listener.getsockname()[1]
        self.state = FORWARDING
        self.accepted = 0  # connections accepted, for the tests' own checks
        self._peers: dict[socket.socket, socket.socket] = {}
        self._selector = selectors.DefaultSelector()
        self._selector.register(self.listener, selectors.EVENT_READ)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"tcp-proxy-{self.port}", daemon=True)
        self._thread.start()

    # --- control -------------------------------------------------------------

    def freeze(self) -> None:
        """Stop forwarding and accepting; keep every socket open."""
        self.state = FROZEN

    def cut(self) -> None:
        """Close every connection now, and every new one at once."""
        self.state = CUT

    def restore(self) -> None:
        """Forward again."""
        self.state = FORWARDING

    @property
    def connections(self) -> int:
        """Connections open through the proxy now (0 once a cut has taken effect)."""
        return len(self._peers) // 2

    def close(self) -> None:
        """Stop the proxy and close everything."""
        self._stop.set()
        self._thread.join(timeout=5)

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- the loop --------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                if self.state == FROZEN:
                    time.sleep(0.05)  # nothing is read, written or accepted
                    continue
                if self.state == CUT and self._peers:
                    self._close_all()
                for key, _ in self._selector.select(timeout=0.05):
                    if key.fileobj is self.listener:
                        self._accept()
                    elif self.state == FORWARDING:
                        self._pump(key.fileobj)
        finally:
            self._close_all()
            self._selector.close()
            self.listener.close()

    def _accept(self) -> None:
        try:
            client, _ = self.listener.accept()
        except BlockingIOError:
            return
        self.accepted += 1
        if self.state == CUT:
            client.close()
            return
        try:
            upstream = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            client.close()
            return
        for sock in (client, upstream):
            sock.setblocking(False)
            self._selector.register(sock, selectors.EVENT_READ)
        self._peers[client], self._peers[upstream] = upstream, client

    def _pump(self, sock: socket.socket) -> None:
        other = self._peers.get(sock)
        if other is None:
            return
        try:
            data = sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._close_pair(sock)
            return
        try:
            other.setblocking(True)  # small amounts: a blocking send keeps the loop simple
            other.sendall(data)
            other.setblocking(False)
        except OSError:
            self._close_pair(sock)

    def _close_pair(self, sock: socket.socket) -> None:
        other = self._peers.pop(sock, None)
        for s in (sock, other):
            if s is None:
                continue
            self._peers.pop(s, None)
            try:
                self._selector.unregister(s)
            except (KeyError, ValueError):
                pass
            s.close()

    def _close_all(self) -> None:
        for sock in list(self._peers):
            self._close_pair(sock)
