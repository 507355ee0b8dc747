"""Benchmark: the web under gunicorn on PostgreSQL, read by locust, while a worker polls at full speed.

    .venv/bin/python bench/load.py                  # 60 s of load
    .venv/bin/python bench/load.py --duration 15    # a quick try

Sets up, in a fresh schema of the `test` database (dropped at the end, whatever happens):
10,000 tracked articles with one version each, served by bench/articles_server.py (a share of them
edited every few seconds), followed by one user with an API token, and one live article with 1,000
versions. Starts the web (gunicorn, scheduler off), `flask --app app tracker worker` (every article
due again a second after its check, no host delay), then locust headless (its own virtualenv from
requirements-bench.txt, at lower CPU priority since it shares the cores) for --duration seconds:
8 of 10 requests read the API list, 1 the long article's page, 1 one of its latest diffs. Prints
requests/s, p50/p95/p99 per endpoint and overall, the errors, and the checks the worker made during
the load. Target (issue 9, 2 cores): 300 requests/s on API reads with p99 under 200 ms while polling
continues, zero errors.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zlib
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, insert, select, text, update  # noqa: E402

from bench.articles_server import PARAGRAPHS, ArticleServer, page  # noqa: E402
from bench.poll import POSTGRES, add_articles, database, free_port, runtime_for  # noqa: E402
from tracker.diff import ArticleText, diff_articles  # noqa: E402
from tracker.extract import DEFAULT_RULES, extractor_name  # noqa: E402
from tracker.labels import VersionFacts, change_labels  # noqa: E402
from tracker.models import Article, Check, Version  # noqa: E402
from tracker.runtime import Runtime  # noqa: E402
from tracker.services.accounts import create_token, user_named  # noqa: E402

LOCUST_VENV = ROOT / "bench" / ".locust-venv"
EXTRACTOR = extractor_name(DEFAULT_RULES)  # so the worker does not re-read seeded versions first
ROUND_SECONDS = 5  # how often the article server edits a share of the articles
CHUNK = 1000  # rows per bulk insert, to keep memory flat


def locust_binary() -> Path:
    """Return locust from its own virtualenv, making it on the first run."""
    binary = LOCUST_VENV / "bin" / "locust"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(LOCUST_VENV)], check=True)
        subprocess.run(
            [str(LOCUST_VENV / "bin" / "pip"), "install", "-q", "-r", str(ROOT / "requirements-bench.txt")],
            check=True,
        )
    return binary


def version_row(
    article_id: int,
    number: int,
    paragraphs: list[str],
    at: datetime,
    raw_html: bytes,
    labels: list[str] | None = None,
    change: dict[str, int] | None = None,
) -> dict:
    return dict(
        article_id=article_id,
        number=number,
        observed_at=at,
        content_hash=f"{article_id:032x}{number:032x}",
        title=f"Story {article_id}",
        byline="By Bench Reporter",
        paragraphs=paragraphs,
        word_count=sum(len(p.split()) for p in paragraphs),
        final_url="http://127.0.0.1/bench",
        extractor=EXTRACTOR,
        baseline=False,
        labels=labels or [],
        change=change or {},
        raw_html=raw_html,
        response_headers={"content-type": "text/html; charset=utf-8"},
        encoding="utf-8",
    )


def seed_first_versions(runtime: Runtime, count: int, now: datetime) -> None:
    """Give every article one version and the validators of its page, so that polling answers 304
    until the server edits it; last changes spread over a month, so the list has an order to keep."""
    rng = random.Random(1)
    with runtime.sessions.begin() as session:
        ids = session.scalars(select(Article.id).order_by(Article.id).limit(count)).all()
    for start in range(0, len(ids), CHUNK):
        articles, versions = [], []
        for index, article_id in enumerate(ids[start : start + CHUNK], start):
            changed = now - timedelta(minutes=rng.randrange(30 * 24 * 60))
            body = [PARAGRAPHS[rng.randrange(len(PARAGRAPHS))] for _ in range(rng.randint(10, 40))]
            versions.append(version_row(article_id, 1, body, changed, zlib.compress(page(index, 0), 1)))
            articles.append(
                dict(
                    id=article_id,
                    title=f"Story {article_id}",
                    version_count=1,
                    last_changed_at=changed,
                    last_checked_at=changed,
                    **polled_as_unchanged(index),
                )
            )
        with runtime.sessions.begin() as session:
            session.execute(insert(Version), versions)
            session.execute(update(Article), articles)


def polled_as_unchanged(index: int) -> dict[str, object]:
    """Return the article's columns that make the worker check it every second, and get 304 from
    the article server (its ETag, no re-reading with a new extractor) until the server edits it."""
    return dict(etag=f'"{index}-0"', baseline_extractor=EXTRACTOR, interval_seconds=1)


def live_story(number: int) -> list[str]:
    """Version `number` of the long article: a fixed story and its ten latest updates."""
    updates = [
        f"Update {n}: {PARAGRAPHS[n % len(PARAGRAPHS)]}" for n in range(max(1, number - 9), number + 1)
    ]
    return PARAGRAPHS[:20] + updates


def seed_long_article(runtime: Runtime, article_id: int, index: int, versions: int, now: datetime) -> None:
    """Give the article `versions` versions of a live story, each with its real diff labels; it is
    page `index` of the article server."""
    raw = zlib.compress(page(index, 0), 1)
    previous = ArticleText(title=f"Story {article_id}", byline=None, paragraphs=())
    with runtime.sessions.begin() as session:
        rows = []
        for number in range(1, versions + 1):
            paragraphs = live_story(number)
            current = ArticleText(title=f"Story {article_id}", byline=None, paragraphs=tuple(paragraphs))
            diff = diff_articles(previous, current)
            labels = change_labels(diff, VersionFacts(old_exists=number > 1))
            at = now - timedelta(minutes=10 * (versions - number))
            rows.append(
                version_row(
                    article_id, number, paragraphs, at, raw, labels=labels, change=asdict(diff.summary)
                )
            )
            previous = current
        for start in range(0, len(rows), CHUNK):
            session.execute(insert(Version), rows[start : start + CHUNK])
        session.execute(
            update(Article)
            .where(Article.id == article_id)
            .values(
                version_count=versions,
                last_changed_at=now,
                last_checked_at=now,
                title=f"Story {article_id}",
                **polled_as_unchanged(index),
            )
        )


def make_token(runtime: Runtime, now: datetime) -> str:
    with runtime.sessions.begin() as session:
        user = user_named(session, "bench")
        assert user is not None
        return create_token(session, user, name="load", now=now)[1]


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process: subprocess.Popen) -> None:
    """SIGTERM (gunicorn stops its workers, the tracker worker finishes in-flight checks), then kill."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_ready(base: str, web: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if web.poll() is not None:
            sys.exit(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/readyz", timeout=2) as answer:
            if answer.status == 200:
                return
        time.sleep(0.5)
    sys.exit(f"gunicorn did not become ready:\n{log.read_text()[-3000:]}")


def edit_articles(server: ArticleServer, share: float, stopped: threading.Event) -> None:
    while not stopped.wait(ROUND_SECONDS):
        server.next_round(share)


def checks_between(runtime: Runtime, since: datetime, until: datetime) -> dict[str, int]:
    with runtime.sessions() as session:
        rows = session.execute(
            select(Check.outcome, func.count())
            .where(Check.checked_at >= since, Check.checked_at < until)
            .group_by(Check.outcome)
        )
        return {outcome: count for outcome, count in rows}


def report(folder: Path) -> None:
    """Print locust's figures per endpoint and overall, and what went wrong if anything did."""
    print("| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    with (folder / "locust_stats.csv").open() as file:
        for row in csv.DictReader(file):
            name = "overall" if row["Name"] == "Aggregated" else row["Name"]
            print(
                f"| {name} | {row['Request Count']} | {float(row['Requests/s']):.0f} | "
                f"{row['50%']} | {row['95%']} | {row['99%']} | {row['Failure Count']} |"
            )
    with (folder / "locust_failures.csv").open() as file:
        for row in csv.DictReader(file):
            print(f"errors: {row['Occurrences']} x {row['Name']}: {row['Error']}")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--users", type=int, default=8, help="locust users, each with no think time")
    parser.add_argument(
        "--nice", type=int, default=10, help="niceness of locust, which shares the cores with the service"
    )
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--versions", type=int, default=1000, help="versions of the long article")
    parser.add_argument("--changed", type=float, default=0.005, help=f"share edited every {ROUND_SECONDS} s")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # run the clean-up as on Ctrl-C

    locust = locust_binary()
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, folder, True)
        server = ArticleServer(free_port())
        cleanup.callback(server.close)
        url = database("postgresql", folder)
        schema = url.rsplit("%3D", 1)[1]  # database() names the schema in the search_path option

        def drop_schema() -> None:
            engine = create_engine(POSTGRES)
            with engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            engine.dispose()

        cleanup.callback(drop_schema)
        runtime = runtime_for(url)
        cleanup.callback(runtime.engine.dispose)

        now = datetime.now(UTC)
        started = time.perf_counter()
        add_articles(runtime, server, args.articles + 1)  # the last one becomes the long article
        seed_first_versions(runtime, args.articles, now)
        with runtime.sessions() as session:
            long_id = session.scalar(select(func.max(Article.id)))
        assert long_id is not None
        seed_long_article(runtime, long_id, args.articles, args.versions, now)
        token = make_token(runtime, now)
        with runtime.engine.begin() as connection:  # the statistics a live database has: no naive plans
            connection.execute(text("ANALYZE articles, subscriptions, versions"))
        print(
            f"seeded {args.articles:,} articles and one with {args.versions:,} versions "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )

        env = {
            **os.environ,
            "TRACKER_DATABASE_URL": url,
            "TRACKER_SECRET_KEY": "bench",
            "TRACKER_SCHEDULER": "off",
            "TRACKER_ALLOW_PRIVATE_NETWORKS": "1",
            "TRACKER_HOST_DELAY": "0",
            "TRACKER_TICK_SECONDS": "1",
        }
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        web_log, worker_log = folder / "gunicorn.log", folder / "worker.log"
        web = start(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "--workers",
                str(args.web_workers),
                "--bind",
                f"127.0.0.1:{port}",
                "app:app",
            ],
            env,
            web_log,
        )
        cleanup.callback(stop, web)
        worker = start([str(ROOT / ".venv/bin/flask"), "--app", "app", "tracker", "worker"], env, worker_log)
        cleanup.callback(stop, worker)
        wait_ready(base, web, web_log)
        stopped = threading.Event()
        editor = threading.Thread(target=edit_articles, args=(server, args.changed, stopped), daemon=True)
        editor.start()
        cleanup.callback(stopped.set)
        time.sleep(10)  # let the worker start its readers and reach its steady pace before measuring

        print(f"load average before: {load_average()}", flush=True)
        load_started = datetime.now(UTC)
        subprocess.run(
            [
                "nice",
                "-n",
                str(args.nice),
                str(locust),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--only-summary",
                "--host",
                base,
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.users),
                "--run-time",
                f"{args.duration}s",
                "--csv",
                str(folder / "locust"),
                "--loglevel",
                "WARNING",
            ],
            env={
                **os.environ,
                "BENCH_ARTICLE": str(long_id),
                "BENCH_LATEST": str(args.versions),
                "BENCH_TOKEN": token,
            },
            stdout=(folder / "locust.log").open("wb"),
            stderr=subprocess.STDOUT,
            check=False,
        )
        load_ended = datetime.now(UTC)
        seconds = (load_ended - load_started).total_seconds()
        print(f"load average after:  {load_average()}\n")
        print(
            f"{args.duration} s, {args.users} locust users (FastHttpUser, nice {args.nice}), "
            f"gunicorn {args.web_workers} workers, PostgreSQL, {os.cpu_count()} cores\n"
        )
        if not (folder / "locust_stats.csv").exists():
            sys.exit(f"locust failed:\n{(folder / 'locust.log').read_text()[-3000:]}")
        report(folder)
        outcomes = checks_between(runtime, load_started, load_ended)
        total = sum(outcomes.values())
        print(
            f"\nchecks the worker made during the load: {total:,} ({total / seconds:.0f}/s): "
            + ", ".join(f"{outcome} {count:,}" for outcome, count in sorted(outcomes.items()))
        )
        if worker.poll() is not None or total == 0:
            print(f"the worker stopped polling:\n{worker_log.read_text()[-3000:]}")


if __name__ == "__main__":
    main()
