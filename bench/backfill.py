"""Benchmark: what filling in one article's past from a web archive costs, in requests and time.

    .venv/bin/python bench/backfill.py [--captures 10 50 200] [--latency 0.1] [--rounds 3] [--as-user]

Against the fake archive of the tests (tests/archiveserver.py: a TimeMap, then each capture through
its `id_` address) answering every request after `--latency` seconds, with the default politeness
(TRACKER_ARCHIVE_DELAY 1 s, TRACKER_ARCHIVE_CONCURRENCY 1), TRACKER_BACKFILL_MAX and
TRACKER_BACKFILL_DEADLINE: for an article with N captures (realistic 60-120 KB pages, each a new
text), runs one backfill (`tracker backfill ID`'s path) and prints the requests the archive saw, the
versions stored and the wall time, medians of --rounds articles. Nothing reaches a real archive.
With --as-user each backfill is the README's command, `flask --app app tracker backfill ID`, in a
fresh process (start-up included), beside the same run in this process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.articles_server import page  # noqa: E402
from config import Settings  # noqa: E402
from tests.archiveserver import ArchiveServer  # noqa: E402
from tracker.adapters import db  # noqa: E402
from tracker.engine.backfiller import make_backfiller  # noqa: E402
from tracker.engine.runtime import Runtime  # noqa: E402
from tracker.factory import create_app  # noqa: E402
from tracker.services import articles  # noqa: E402

FIRST = datetime(2025, 11, 3, 6, 0, tzinfo=UTC)


def add_article(runtime: Runtime, archive: ArchiveServer, number: int, captures: int) -> int:
    """Track an article (never checked live here) whose archive holds `captures` captures, each with
    a new paragraph, an hour apart at first and then further apart (as a story's captures thin out)."""
    url = f"http://127.0.0.1:9/story/{number}"  # never fetched: only its archive is asked
    for index in range(captures):
        hours = index if index < 12 else 12 + (index - 12) * 6
        archive.capture(url, FIRST + timedelta(hours=hours), page(number, index))
    with runtime.sessions.begin() as session:
        article, _created = articles.add_article(
            session, url, user_id=None, allow_private=True, now=datetime.now(UTC)
        )
        return article.id


def measure(runtime: Runtime, archive: ArchiveServer, number: int, captures: int) -> tuple[int, int, float]:
    """Return (requests, versions stored, wall seconds) of one article's backfill."""
    article_id = add_article(runtime, archive, number, captures)
    before = len(archive.visits)
    started = time.perf_counter()
    run = make_backfiller(runtime).backfill(article_id)
    wall = time.perf_counter() - started
    assert run.state == "done", run
    requests = len(archive.visits) - before
    assert requests == run.requests, (requests, run.requests)
    return requests, run.versions_added, wall


def measure_as_user(
    runtime: Runtime, archive: ArchiveServer, number: int, captures: int
) -> tuple[int, int, float]:
    """The same as measure, through `flask --app app tracker backfill ID` in a fresh process."""
    article_id = add_article(runtime, archive, number, captures)
    settings = runtime.settings
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": settings.database_url,
        "TRACKER_SECRET_KEY": "bench",
        "TRACKER_ALLOW_PRIVATE_NETWORKS": "1",
        "TRACKER_ARCHIVES": settings.archives,
        "TRACKER_ARCHIVE_DELAY": str(settings.archive_delay),
    }
    flask = str(Path(sys.executable).with_name("flask"))
    before = len(archive.visits)
    started = time.perf_counter()
    done = subprocess.run(
        [flask, "--app", "app", "tracker", "backfill", str(article_id)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    stored = int(done.stdout.split(": ", 1)[1].split(" version", 1)[0])  # "article N: K versions stored ..."
    return len(archive.visits) - before, stored, wall


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--captures", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--latency", type=float, default=0.1, help="seconds the archive takes per answer")
    parser.add_argument("--rounds", type=int, default=3, help="articles per row (the median is shown)")
    parser.add_argument("--delay", type=float, default=Settings.archive_delay, help="TRACKER_ARCHIVE_DELAY")
    parser.add_argument(
        "--as-user", action="store_true", help="also run the README's command, a fresh process"
    )
    args = parser.parse_args()

    archive = ArchiveServer()
    archive.latency = args.latency
    folder = Path(tempfile.mkdtemp(prefix="bench-backfill-"))
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    db.upgrade(url)
    app = create_app(
        database_url=url,
        secret_key="bench",
        scheduler=False,
        allow_private_networks=True,  # the fake archive is on 127.0.0.1
        archives=archive.prefix,
        archive_delay=args.delay,
    )
    runtime: Runtime = app.extensions["tracker"]
    settings = runtime.settings
    print(
        f"\nbackfill of one article: archive latency {args.latency * 1000:.0f} ms, "
        f"{settings.archive_delay:g} s between requests, {settings.archive_concurrency} in flight, "
        f"at most {settings.backfill_max} captures read, median of {args.rounds}\n"
    )
    as_user = " | `tracker backfill ID` seconds (fresh process) | its requests" if args.as_user else ""
    print(f"| captures in the archive | requests | versions stored | seconds (in process){as_user} |")
    print("| --- " * (6 if args.as_user else 4) + "|")
    number = 0
    try:
        for captures in args.captures:
            rows, commands = [], []
            for _ in range(args.rounds):  # alternating, so that both see the same machine
                number += 1
                rows.append(measure(runtime, archive, number, captures))
                if args.as_user:
                    number += 1
                    commands.append(measure_as_user(runtime, archive, number, captures))
            requests, versions, walls = zip(*rows, strict=True)
            line = (
                f"| {captures} | {statistics.median(requests):.0f} | {statistics.median(versions):.0f} "
                f"| {statistics.median(walls):.1f} |"
            )
            if commands:
                command_requests, _stored, command_walls = zip(*commands, strict=True)
                line += (
                    f" {statistics.median(command_walls):.1f} | {statistics.median(command_requests):.0f} |"
                )
            print(line)
    finally:
        archive.close()
        runtime.engine.dispose()


if __name__ == "__main__":
    main()
