"""A TCP proxy on 127.0.0.1 in front of a real server, which a test cuts and restores: the database
going away (connections dropped, new ones hung up on) without touching the shared server."""

from __future__ import annotations

import contextlib
import socket
import threading


class TcpProxy:
    """Forwards every connection to (host, port) until cut(), and after restore()."""

    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.up = True
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:  # closed by close()
                return
            if not self.up:
                # Hanging up at once is what a client sees of a server that is gone: it fails fast.
                client.close()
                continue
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            with self.lock:
                if not self.up:  # cut while this one was connecting
                    client.close()
                    server.close()
                    continue
                self.sockets.update((client, server))
            threading.Thread(target=self.pump, args=(client, server), daemon=True).start()
            threading.Thread(target=self.pump, args=(server, client), daemon=True).start()

    def pump(self, source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        self.drop(source, target)

    def drop(self, *ends: socket.socket) -> None:
        for end in ends:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()
            with self.lock:
                self.sockets.discard(end)

    def cut(self) -> None:
        """Drop every open connection and hang up on new ones until restore()."""
        with self.lock:
            self.up = False
            open_sockets = list(self.sockets)
        self.drop(*open_sockets)

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        with contextlib.suppress(OSError):
            self.listener.shutdown(
                socket.SHUT_RDWR
            )  # wakes the accepting thread, which close() alone does not
        self.listener.close()
