"""Benchmark: signed webhook deliveries per second from one worker to local consumers.

    .venv/bin/python bench/webhooks.py [--events 2000]

For 1 and 10 endpoints, with consumers answering at once and after 50 ms: queues one event per
article for every endpoint (the outbox), then times a Deliverer sending them all. Counts what the
consumers received (distinct webhook-ids) to show that none was lost. Target (issue 7): at least
200 signed deliveries per second with 50 ms latency, none lost.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

import config  # noqa: E402
from tracker.adapters import db  # noqa: E402
from tracker.adapters.models import Article, Delivery, Subscription, User  # noqa: E402
from tracker.engine.deliverer import make_deliverer  # noqa: E402
from tracker.engine.runtime import build_runtime  # noqa: E402
from tracker.services import alerts  # noqa: E402


def consume(ports: list[int], latency: float, received: Synchronized, ready: Event) -> None:
    """Answer every POST with 204 after `latency`; count distinct (endpoint, webhook-id) pairs: one
    event goes to every endpoint under the same webhook-id."""
    seen: set[tuple[int, str]] = set()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        port = writer.get_extra_info("sockname")[1]
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                headers = {
                    line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip()
                    for line in head.split("\r\n")[1:]
                    if ":" in line
                }
                await reader.readexactly(int(headers.get("content-length", 0)))
                await asyncio.sleep(latency)
                key = (port, headers.get("webhook-id", ""))
                if key not in seen:
                    seen.add(key)
                    with received.get_lock():
                        received.value += 1
                writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        servers = [await asyncio.start_server(serve, "127.0.0.1", port, backlog=512) for port in ports]
        ready.set()
        await asyncio.gather(*(server.serve_forever() for server in servers))

    asyncio.run(main())


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for probe in sockets:
        probe.bind(("127.0.0.1", 0))
    ports = [probe.getsockname()[1] for probe in sockets]
    for probe in sockets:
        probe.close()
    return ports


def run(endpoints: int, latency: float, events: int) -> tuple[float, int, int, int]:
    """Return (wall seconds, deliveries queued, succeeded, received by the consumers)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    db.upgrade(url)
    runtime = build_runtime(
        config.load(database_url=url, allow_private_networks=True, secret_key="bench", archives="")
    )
    context = multiprocessing.get_context("spawn")
    received, ready = context.Value("i", 0), context.Event()
    ports = free_ports(endpoints)
    consumer = context.Process(target=consume, args=(ports, latency, received, ready), daemon=True)
    consumer.start()
    ready.wait(30)
    now = datetime.now(UTC)
    with runtime.sessions.begin() as session:
        user = User(username="bench", password_hash=None, is_admin=True, created_at=now)
        session.add(user)
        session.flush()
        session.execute(
            insert(Article),
            [
                dict(
                    url=f"https://example.com/{n}",
                    host="example.com",
                    status="active",
                    created_at=now,
                    next_check_at=now,
                    version_count=2,
                    failure_count=0,
                )
                for n in range(events)
            ],
        )
        articles = list(session.scalars(select(Article)))
        session.execute(
            insert(Subscription), [dict(user_id=user.id, article_id=a.id, created_at=now) for a in articles]
        )
        for port in ports:
            alerts.create_endpoint(
                session,
                user.id,
                {"url": f"http://127.0.0.1:{port}/hook"},
                kind="webhook",
                allow_private=True,
                now=now,
            )
        for article in articles:
            alerts.enqueue(
                session,
                type="article.changed",
                article=article,
                now=now,
                summary="bench",
                payload={
                    "type": "article.changed",
                    "data": {"article": {"id": article.id}},
                    "padding": "x" * 4000,
                },
            )
    deliverer = make_deliverer(runtime)
    started = time.perf_counter()
    deliverer.deliver_due()
    wall = time.perf_counter() - started
    deliverer.close()
    with runtime.sessions() as session:
        queued = session.scalar(select(func.count()).select_from(Delivery)) or 0
        succeeded = session.scalar(select(func.count()).where(Delivery.status == "succeeded")) or 0
    time.sleep(0.5)
    consumer.terminate()
    runtime.engine.dispose()
    return wall, queued, succeeded, received.value


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=2000, help="events (one article each) per run")
    parser.add_argument("--repeat", type=int, default=3, help="runs per row; the median is printed")
    args = parser.parse_args()
    print(
        "| endpoints | consumer latency | deliveries | median wall s | deliveries/s | succeeded | received |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for endpoints in (1, 10):
        for latency in (0.0, 0.05):
            events = args.events if endpoints == 1 else args.events // 5
            runs = [run(endpoints, latency, events) for _ in range(args.repeat)]
            wall = statistics.median(r[0] for r in runs)
            queued = runs[0][1]
            succeeded, got = min(r[2] for r in runs), min(r[3] for r in runs)  # the worst run
            print(
                f"| {endpoints} | {latency * 1000:.0f} ms | {queued} | {wall:.2f} | {queued / wall:.0f} | "
                f"{succeeded} | {got} |"
            )


if __name__ == "__main__":
    main()
