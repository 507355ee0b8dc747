"""Hostile replies for tests.pageserver.PageServer: handlers that write whatever bytes a test asks
for (malformed headers included), bodies that never end, and bodies that arrive a byte at a time."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from tests.pageserver import Handler


def head(*headers: tuple[str, bytes | str], status: bytes = b"200 OK") -> bytes:
    """Return a status line and header block; values are written as given (bytes) or as UTF-8."""
    lines = [b"HTTP/1.1 " + status]
    for name, value in headers:
        lines.append(name.encode() + b": " + (value if isinstance(value, bytes) else value.encode()))
    return b"\r\n".join(lines) + b"\r\n\r\n"


def raw(*parts: bytes | Iterable[bytes]) -> Handler:
    """A handler that writes parts (bytes, or iterables of bytes written piece by piece) and hangs up."""

    def reply(handler: BaseHTTPRequestHandler) -> None:
        handler.close_connection = True
        try:
            for part in parts:
                for piece in [part] if isinstance(part, bytes) else part:
                    handler.wfile.write(piece)
        except OSError:
            pass  # the client hung up: what the caps are for

    return reply


@dataclass(frozen=True)
class Forever:
    """piece, again and again until the client hangs up (iterable any number of times)."""

    piece: bytes

    def __iter__(self) -> Iterator[bytes]:
        while True:
            yield self.piece


@dataclass(frozen=True)
class Dripping:
    """body one byte at a time, every `every` seconds (iterable any number of times)."""

    body: bytes
    every: float

    def __iter__(self) -> Iterator[bytes]:
        for byte in self.body:
            time.sleep(self.every)
            yield bytes([byte])
