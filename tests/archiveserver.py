"""A fake web archive on 127.0.0.1, built like the Wayback Machine: TimeMaps and mementos, with the
faults real archives have (429 with Retry-After, no TimeMap, slow, down).

- GET /web/timemap/link/<original URL>: an RFC 7089 TimeMap (application/link-format) of the
  captures of that URL, its entries in random order and spread over lines, the first one with
  `rel="first memento"`; 404 when the URL was never captured.
- GET /web/<14 digits>/<original URL>: the capture as the archive replays it, a banner injected
  at the top of its body (REPLAY_BANNER); GET /web/<14 digits>id_/<original URL>: the bytes as captured.

Every request is counted, with when it arrived and when its answer was sent, by path.
"""

from __future__ import annotations

import random
import re
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler

from tests.pageserver import QuietServer
from tracker.domain.linkformat import format_link, http_date

TIMEMAP_PREFIX = "/web/timemap/link/"
MEMENTO_PATH = re.compile(r"^/web/(\d{14})(id_)?/(.+)$")
BANNER_MARK = "wayback-replay-banner"
REPLAY_BANNER = (
    f'<div id="{BANNER_MARK}"><p>The Fake Wayback Machine has 1,234 captures of this page. This is a '
    "replay of an archived copy; the original may have changed since it was captured.</p></div>"
)


@dataclass(frozen=True, slots=True)
class Visit:
    path: str
    arrived: float  # monotonic
    answered: float  # monotonic, as the answer began to be sent
    status: int


class ArchiveServer:
    """The archive: `capture()` what it holds; the attributes switch its faults on and off."""

    def __init__(self, *, seed: int = 20) -> None:
        self.captures: dict[str, dict[str, tuple[bytes, str]]] = {}  # original -> timestamp -> (body, type)
        self.latency = 0.0  # seconds every answer takes
        self.slow = 0.0  # seconds more, for a slow archive (a test of deadlines)
        self.slow_kind: str | None = None  # only for these requests (path_kind); None: all
        self.too_many: int = 0  # the next this many requests are answered 429
        self.retry_after: str | None = None  # with this Retry-After
        self.visits: list[Visit] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                arrived = time.monotonic()
                with server.lock:
                    server.in_flight += 1
                    server.most_in_flight = max(server.most_in_flight, server.in_flight)
                    limited = server.too_many > 0
                    server.too_many -= limited
                slow = server.slow if server.slow_kind in (None, path_kind(self.path)) else 0.0
                time.sleep(server.latency + slow)
                status, headers, body = server.too_many_reply() if limited else server.answer(self.path)
                with server.lock:  # answered: before a byte goes, so the client cannot be done with it yet
                    server.in_flight -= 1
                    server.visits.append(Visit(self.path, arrived, time.monotonic(), status))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                pass

        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def prefix(self) -> str:
        """The TimeMap prefix to name in TRACKER_ARCHIVES."""
        return f"{self.base}{TIMEMAP_PREFIX}"

    def capture(self, url: str, at: datetime, html: str | bytes, content_type: str = "text/html") -> str:
        """Hold a capture of url taken at `at`; return its URI-M."""
        stamp = f"{at:%Y%m%d%H%M%S}"
        body = html.encode() if isinstance(html, str) else html
        self.captures.setdefault(url, {})[stamp] = (body, content_type)
        return self.memento_uri(url, stamp)

    def memento_uri(self, url: str, stamp: str) -> str:
        return f"{self.base}/web/{stamp}/{url}"

    def paths(self) -> list[str]:
        with self.lock:
            return [visit.path for visit in self.visits]

    def hits(self, kind: str) -> int:
        """Requests for TimeMaps ("timemap"), raw mementos ("raw") or replayed ones ("replay")."""
        return sum(1 for path in self.paths() if path_kind(path) == kind)

    def close(self) -> None:
        """Stop answering; the port then refuses connections (an archive that is down)."""
        self.httpd.shutdown()
        self.httpd.server_close()
        self.httpd.cut_connections()

    def too_many_reply(self) -> tuple[int, dict[str, str], bytes]:
        headers = {"Content-Type": "text/plain"}
        if self.retry_after is not None:
            headers["Retry-After"] = self.retry_after
        return 429, headers, b"Too many requests: slow down"

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if path.startswith(TIMEMAP_PREFIX):
            return self.timemap(path.removeprefix(TIMEMAP_PREFIX))
        match = MEMENTO_PATH.match(path)
        held = self.captures.get(match.group(3), {}).get(match.group(1)) if match else None
        if match is None or held is None:
            return 404, {"Content-Type": "text/html"}, b"<html><body>Not in the archive</body></html>"
        stamp, raw, url = match.groups()
        body, content_type = held
        moment = stamp_time(stamp)
        headers = {
            "Content-Type": content_type,
            "Memento-Datetime": http_date(moment),
            "Link": format_link(url, "original"),
        }
        if not raw:
            body = body.replace(b"<body>", b"<body>" + REPLAY_BANNER.encode(), 1)
        return 200, headers, body

    def timemap(self, url: str) -> tuple[int, dict[str, str], bytes]:
        stamps = sorted(self.captures.get(url, {}))
        if not stamps:
            return 404, {"Content-Type": "text/plain"}, b"No captures"
        entries = []
        for stamp in stamps:
            rel = (
                "first memento"
                if stamp == stamps[0]
                else "last memento"
                if stamp == stamps[-1]
                else "memento"
            )
            moment = stamp_time(stamp)
            entries.append(format_link(self.memento_uri(url, stamp), rel, datetime=http_date(moment)))
        with self.lock:
            self.random.shuffle(entries)
        head = [
            format_link(url, "original"),
            format_link(f"{self.prefix}{url}", "self", type="application/link-format"),
            format_link(f"{self.base}/web/{url}", "timegate"),
        ]
        # Entries span lines: a line break inside some of them, as archives' TimeMaps have.
        text = ",\n".join(head + [entry.replace("; ", ";\n  ", 1) for entry in entries]) + "\n"
        return 200, {"Content-Type": "application/link-format"}, text.encode()


def stamp_time(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def path_kind(path: str) -> str:
    if path.startswith(TIMEMAP_PREFIX):
        return "timemap"
    match = MEMENTO_PATH.match(path)
    if match is None:
        return "other"
    return "raw" if match.group(2) else "replay"
