"""A real HTTP server on 127.0.0.1 serving pages that tests change between checks."""

from __future__ import annotations

import contextlib
import hashlib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Reply:
    """A canned response; the server answers If-None-Match with 304 when `etag` is on."""

    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: bool = False


class PageServer:
    """Serves `routes` (path -> Reply or handler function); records every request path and headers."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.routes: dict[str, Reply | Handler] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.bodies: list[bytes] = []  # of requests that sent one (webhook deliveries)
        self.arrivals: list[tuple[float, str, str]] = []  # (monotonic time, Host header, path)
        self.active: dict[str, int] = {}  # requests being answered now, by Host header
        self.most_active: dict[str, int] = {}  # the most at once, by Host header
        self.most_active_overall = 0
        self.lock = threading.Lock()
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                host = (self.headers.get("Host") or "").split(":")[0]
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with server.lock:
                    server.requests.append((self.path, dict(self.headers)))
                    if body:
                        server.bodies.append(body)
                    server.arrivals.append((time.monotonic(), host, self.path))
                    server.active[host] = server.active.get(host, 0) + 1
                    server.most_active[host] = max(server.most_active.get(host, 0), server.active[host])
                    server.most_active_overall = max(server.most_active_overall, sum(server.active.values()))
                try:
                    route = server.routes.get(self.path)
                    if route is None:
                        send(self, Reply(b"<html><body>nothing here</body></html>", status=404))
                    elif isinstance(route, Reply):
                        send(self, route)
                    else:
                        route(self)
                finally:
                    with server.lock:
                        server.active[host] -= 1

            do_POST = do_GET

            def log_message(self, *_args: object) -> None:
                pass

        self.httpd = QuietServer((host, port), RequestHandler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def serve(self, path: str, body: str | bytes, **kwargs: object) -> str:
        """Serve body at path and return its URL."""
        self.routes[path] = Reply(body.encode() if isinstance(body, str) else body, **kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def hits(self, path: str) -> int:
        return sum(1 for seen, _ in self.requests if seen == path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.httpd.cut_connections()


class QuietServer(ThreadingHTTPServer):
    """Clients that hang up early (caps, timeouts) are what some tests are about: not worth a traceback.
    Closing it also cuts the kept-alive connections, as a stopped server would."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.connections: set[socket.socket] = set()

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: socket.socket) -> None:  # type: ignore[override]
        self.connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: object, client_address: object) -> None:
        pass

    def cut_connections(self) -> None:
        for connection in list(self.connections):
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


def send(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
    """Write a Reply, answering a matching If-None-Match with 304."""
    tag = f'"{hashlib.sha1(reply.body).hexdigest()}"' if reply.etag else None
    if tag and handler.headers.get("If-None-Match") == tag:
        handler.send_response(304)
        handler.send_header("ETag", tag)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return
    handler.send_response(reply.status)
    if reply.content_type:
        handler.send_header("Content-Type", reply.content_type)
    if tag:
        handler.send_header("ETag", tag)
    for name, value in reply.headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(reply.body)))
    handler.end_headers()
    handler.wfile.write(reply.body)
