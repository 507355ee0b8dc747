"""A total deadline for reading a response's status line and headers.

http.client reads a response head with only the socket's per-read timeout, so a server sending one
header byte at a time within that timeout holds a fetch for as long as it likes. Connections made
through POOL_CLASSES hand their socket to one watchdog thread while they read the head; once the
fetch's deadline (set by `head_deadline` in the fetching thread) has passed, the watchdog shuts the
socket down and the read fails at once. The body has its own deadline (tracker.adapters.fetch.read_capped).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.response import HTTPResponse

PERIOD = 0.05  # seconds between the watchdog's looks: at most this late past the deadline


class Watchdog:
    """Shuts down the watched sockets whose deadline has passed; one thread for the process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.watched: dict[socket.socket, float] = {}
        self.thread: threading.Thread | None = None

    @contextlib.contextmanager
    def watching(self, sock: socket.socket, deadline: float) -> Iterator[None]:
        with self.lock:
            self.watched[sock] = deadline
            if self.thread is None:
                self.thread = threading.Thread(target=self.run, name="head-watchdog", daemon=True)
                self.thread.start()
        try:
            yield
        finally:
            with self.lock:
                self.watched.pop(sock, None)

    def run(self) -> None:
        while True:
            time.sleep(PERIOD)
            now = time.monotonic()
            with self.lock:
                late = [sock for sock, deadline in self.watched.items() if deadline <= now]
            for sock in late:
                with contextlib.suppress(OSError):  # already closed by its reader
                    sock.shutdown(socket.SHUT_RDWR)


WATCHDOG = Watchdog()
DEADLINE = threading.local()  # the monotonic deadline of the fetch this thread is making, if any


@contextlib.contextmanager
def head_deadline(deadline: float) -> Iterator[None]:
    """Within this block, response heads read by this thread end by `deadline` (time.monotonic)."""
    DEADLINE.value = deadline
    try:
        yield
    finally:
        DEADLINE.value = None


def read_head(connection: HTTPConnection, read: Callable[[], HTTPResponse]) -> HTTPResponse:
    deadline = getattr(DEADLINE, "value", None)
    sock = connection.sock
    if deadline is None or sock is None:
        return read()
    with WATCHDOG.watching(sock, deadline):
        return read()


class WatchedHTTPConnection(HTTPConnection):
    def getresponse(self) -> HTTPResponse:  # type: ignore[override]
        return read_head(self, super().getresponse)


class WatchedHTTPSConnection(HTTPSConnection):
    def getresponse(self) -> HTTPResponse:  # type: ignore[override]
        return read_head(self, super().getresponse)


class WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = WatchedHTTPConnection


class WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = WatchedHTTPSConnection


POOL_CLASSES: dict[str, type[HTTPConnectionPool]] = {"http": WatchedHTTPPool, "https": WatchedHTTPSPool}
