"""A local article server for benchmarks: realistic pages on ~100 loopback addresses, with latency.

Article i lives at http://127.0.0.(2 + i % hosts):PORT/article/i. Each page is 60-120 KB (head
scripts, navigation, 10-40 paragraphs, a sidebar). A shared "round" number decides which articles
changed: in each round a share of them gets a new paragraph. ETags are sent unless switched off
(so a check sees either 304 or byte-identical 200s). Runs in its own process so that its CPU is
not counted against the tracker.
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import random
from multiprocessing.sharedctypes import Synchronized, SynchronizedArray
from multiprocessing.synchronize import Event

WORDS = [
    "council",
    "budget",
    "mayor",
    "residents",
    "plan",
    "vote",
    "housing",
    "traffic",
    "school",
    "district",
    "report",
    "police",
    "court",
    "minister",
    "election",
    "campaign",
    "company",
    "market",
    "shares",
    "energy",
    "climate",
    "water",
    "hospital",
    "health",
    "teachers",
    "union",
    "strike",
    "museum",
    "festival",
    "football",
    "league",
    "season",
    "transfer",
    "weather",
    "storm",
    "flood",
    "bridge",
    "road",
]


def paragraph(seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(45, 110))).capitalize() + "."


PARAGRAPHS = [paragraph(seed) for seed in range(2000)]
SCRIPT = "<script>" + "window.dataLayer=window.dataLayer||[];" * 300 + "</script>"
HEAD = "".join(f'<script src="/static/app{n}.js?v=123" defer></script>' for n in range(12)) + SCRIPT * 6
NAV = (
    "<header><nav>"
    + "".join(f'<a href="/section/{n}">Section {n}</a>' for n in range(120))
    + "</nav></header>"
)
SIDEBAR = (
    "<aside><h3>Most read</h3><ul>"
    + "".join(f'<li><a href="/article/{n}">{PARAGRAPHS[n][:60]}</a></li>' for n in range(150))
    + "</ul></aside>"
)
FOOTER = "<footer>" + "".join(f'<a href="/about/{n}">About {n}</a> ' for n in range(80)) + "</footer>"


def changed_in(article: int, round_number: int, share: float) -> bool:
    digest = hashlib.blake2s(f"{article}:{round_number}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") / 2**32 < share


def version_of(article: int, round_number: int, shares: list[float]) -> int:
    return sum(1 for past in range(1, round_number + 1) if changed_in(article, past, shares[past]))


def page(article: int, version: int) -> bytes:
    """Return the page of an article at a version: version n has n extra paragraphs at the end."""
    rng = random.Random(article)
    count = rng.randint(10, 40)
    body = [PARAGRAPHS[rng.randrange(2000)] for _ in range(count)]
    body += [f"Update {n}: {PARAGRAPHS[(article + n) % 2000]}" for n in range(1, version + 1)]
    html = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Story {article}</title>"
        f"<meta property='og:title' content='Story {article}'>{HEAD}</head><body>{NAV}<main><article>"
        f"<h1>Story {article}</h1><p class='byline'>By Bench Reporter</p>"
        + "".join(f"<p>{text}</p>" for text in body)
        + f"</article>{SIDEBAR}</main>{FOOTER}</body></html>"
    )
    return html.encode()


class Handler:
    def __init__(
        self, round_number: Synchronized, shares: SynchronizedArray, latency: float, etags: Synchronized
    ) -> None:
        self.round = round_number
        self.shares = shares
        self.latency = latency
        self.etags = etags

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                await asyncio.sleep(self.latency)
                writer.write(self.answer(head))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def answer(self, head: bytes) -> bytes:
        lines = head.decode("latin-1").split("\r\n")
        path = lines[0].split(" ")[1]
        headers = {
            line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip() for line in lines[1:] if ":" in line
        }
        if not path.startswith("/article/"):
            return b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
        article = int(path.rsplit("/", 1)[1])
        version = version_of(article, self.round.value, list(self.shares))
        tag = f'"{article}-{version}"'
        if self.etags.value and headers.get("if-none-match") == tag:
            return f"HTTP/1.1 304 Not Modified\r\nETag: {tag}\r\nContent-Length: 0\r\n\r\n".encode()
        body = page(article, version)
        etag = f"ETag: {tag}\r\n" if self.etags.value else ""
        return (
            f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n{etag}"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body


def run(
    port: int,
    hosts: int,
    round_number: Synchronized,
    shares: SynchronizedArray,
    latency: float,
    etags: Synchronized,
    ready: Event,
) -> None:
    async def main() -> None:
        handler = Handler(round_number, shares, latency, etags)
        servers = [
            await asyncio.start_server(handler.serve, f"127.0.0.{2 + n}", port, backlog=512)
            for n in range(hosts)
        ]
        ready.set()
        await asyncio.gather(*(server.serve_forever() for server in servers))

    asyncio.run(main())


class ArticleServer:
    """The server in a child process; next_round(share) edits that share of the articles."""

    def __init__(self, port: int, *, hosts: int = 100, latency: float = 0.1) -> None:
        context = multiprocessing.get_context("spawn")
        self.round = context.Value("i", 0)
        self.shares = context.Array("d", 200)
        self.etags = context.Value("b", 1)
        ready = context.Event()
        self.process = context.Process(
            target=run, args=(port, hosts, self.round, self.shares, latency, self.etags, ready), daemon=True
        )
        self.process.start()
        ready.wait(30)
        self.port, self.hosts = port, hosts

    def url(self, article: int) -> str:
        return f"http://127.0.0.{2 + article % self.hosts}:{self.port}/article/{article}"

    def next_round(self, share: float) -> None:
        """Move every article one round on; `share` of them get a new paragraph."""
        with self.round.get_lock():
            self.shares[self.round.value + 1] = share
            self.round.value += 1

    def send_etags(self, on: bool) -> None:
        self.etags.value = 1 if on else 0

    def close(self) -> None:
        self.process.terminate()
        self.process.join(5)
