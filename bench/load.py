"""Benchmark: the web under gunicorn on PostgreSQL, read by wrk, while a worker polls at full speed.

    .venv/bin/python bench/load.py                  # 60 s of load
    .venv/bin/python bench/load.py --duration 15    # a quick try

Needs wrk (Debian: apt-get install wrk). Sets up, in a fresh schema of the `test` database (dropped
at the end, whatever happens): 10,000 tracked articles with one version each, served by
bench/articles_server.py (a share of them edited every few seconds), followed by one user with an API
token, and one live article with 1,000 versions. Starts the web (gunicorn, scheduler off) and
`flask --app app tracker worker` (every article due again a second after its check, no host delay)
as one service's processes share a machine: in one session, as under one systemd unit or one
container, where the worker's TRACKER_WORKER_NICE applies. Then, for --duration seconds, three wrk
runs at once (bench/wrk.lua): scripts reading `GET /api/v1/articles` with a token and no pause
(--api-connections), and people reading the long article's page and its latest diffs, a page every
0.5-1.5 s each (--readers of each). Prints requests/s and p50/p95/p99 per endpoint, the errors, the
checks the worker made meanwhile and the cores each part used. Target (issue 9, 2 cores): 300
requests/s on API reads with p99 under 200 ms while polling continues, zero errors.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
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
from bench.poll import POSTGRES, TICK, add_articles, database, free_port, runtime_for  # noqa: E402
from tracker.adapters.models import Article, Check, Version  # noqa: E402
from tracker.domain.diff import ArticleText, diff_articles  # noqa: E402
from tracker.domain.extract import DEFAULT_RULES, extractor_name  # noqa: E402
from tracker.domain.labels import VersionFacts, change_labels  # noqa: E402
from tracker.engine.runtime import Runtime  # noqa: E402
from tracker.services.accounts import create_token, user_named  # noqa: E402

EXTRACTOR = extractor_name(DEFAULT_RULES)  # so the worker does not re-read seeded versions first
ROUND_SECONDS = 5  # how often the article server edits a share of the articles
CHUNK = 1000  # rows per bulk insert, to keep memory flat


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
    """Start a process of the service in a process group of its own but in this session: the kernel
    shares the CPU between sessions first, and the service's processes share one, as in one unit."""
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, process_group=0
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


def start_wrk(base: str, role: list[str], connections: int, duration: int, output: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            "wrk",
            "--threads",
            "1",
            "--connections",
            str(connections),
            "--duration",
            f"{duration}s",
            "--timeout",
            "10s",
            "--script",
            str(ROOT / "bench" / "wrk.lua"),
            base,
            "--",
            *role,
        ],
        stdout=output.open("wb"),
        stderr=subprocess.STDOUT,
    )


def wrk_figures(output: Path) -> dict[str, float]:
    """Return the JSON line bench/wrk.lua printed last; exit with wrk's words if there is none."""
    lines = output.read_text().splitlines()
    if not lines or not lines[-1].startswith("{"):
        sys.exit(f"wrk failed:\n{output.read_text()[-3000:]}")
    return json.loads(lines[-1])


def report(runs: dict[str, dict[str, float]]) -> None:
    print("| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, run in runs.items():
        errors = int(run["non_2xx_3xx"] + run["socket_errors"])
        print(
            f"| {name} | {run['requests']:,} | {run['requests'] / run['seconds']:.0f} | {run['p50']:.0f} | "
            f"{run['p95']:.0f} | {run['p99']:.0f} | {run['max']:.0f} | {errors} |"
        )


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_seconds_by_group(groups: dict[int, str]) -> dict[str, float]:
    """Return the CPU seconds used so far by the live processes of each group: the process groups
    given (id -> name), PostgreSQL's processes, and all others ("other": this script and the article
    server), plus what the children this script has waited for used ("wrk": only those end meanwhile)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    used: dict[str, float] = {"wrk": children.ru_utime + children.ru_stime}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            line = stat.read_text()
            command, fields = (
                line[line.index("(") + 1 : line.rindex(")")],
                line[line.rindex(")") + 2 :].split(),
            )
            group = groups.get(int(fields[2])) or ("postgresql" if command == "postgres" else "other")
            used[group] = used.get(group, 0.0) + (int(fields[11]) + int(fields[12])) / TICK
    return used


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--api-connections", type=int, default=8, help="API readers, each with no pause")
    parser.add_argument("--readers", type=int, default=2, help="people reading pages, of each kind")
    parser.add_argument(
        "--worker-nice", type=int, help="TRACKER_WORKER_NICE of the worker (default: its own)"
    )
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--web-threads", type=int, default=4, help="threads of each gunicorn worker")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--versions", type=int, default=1000, help="versions of the long article")
    parser.add_argument("--changed", type=float, default=0.005, help=f"share edited every {ROUND_SECONDS} s")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # run the clean-up as on Ctrl-C

    if shutil.which("wrk") is None:
        sys.exit("bench/load.py drives the web with wrk: apt-get install wrk")
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
            "TRACKER_PUBLIC_READ": "on",  # the people read pages without signing in
            "TRACKER_ARCHIVES": "",  # a benchmark never reaches a real web archive
        }
        if args.worker_nice is not None:
            env["TRACKER_WORKER_NICE"] = str(args.worker_nice)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        web_log, worker_log = folder / "gunicorn.log", folder / "worker.log"
        web = start(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "--workers",
                str(args.web_workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(args.web_threads),
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
        roles = {
            "GET /api/v1/articles": (["api", token], args.api_connections),
            "GET /articles/ID (1,000 versions)": (["article", str(long_id)], args.readers),
            "GET /articles/ID/diff": (["diff", str(long_id), str(args.versions)], args.readers),
        }
        groups = {web.pid: "web (gunicorn)", worker.pid: "worker"}
        cpu_before = cpu_seconds_by_group(groups)
        load_started = datetime.now(UTC)
        runs = {
            name: start_wrk(base, role, connections, args.duration, folder / f"wrk-{index}.log")
            for index, (name, (role, connections)) in enumerate(roles.items())
        }
        for run in runs.values():
            run.wait()
        load_ended = datetime.now(UTC)
        cpu_after = cpu_seconds_by_group(groups)
        seconds = (load_ended - load_started).total_seconds()
        print(f"load average after:  {load_average()}\n")
        print(
            f"{args.duration} s: {args.api_connections} API readers with no pause, {args.readers} page readers "
            f"of each kind; gunicorn {args.web_workers} workers x {args.web_threads} threads, worker nice "
            f"{env.get('TRACKER_WORKER_NICE', 'default')}, PostgreSQL, {os.cpu_count()} cores\n"
        )
        report({name: wrk_figures(folder / f"wrk-{index}.log") for index, name in enumerate(runs)})
        outcomes = checks_between(runtime, load_started, load_ended)
        total = sum(outcomes.values())
        print(
            f"\nchecks the worker made during the load: {total:,} ({total / seconds:.0f}/s): "
            + ", ".join(f"{outcome} {count:,}" for outcome, count in sorted(outcomes.items()))
        )
        print(
            "cores used during the load: "
            + ", ".join(
                f"{group} {(cpu_after[group] - cpu_before.get(group, 0.0)) / seconds:.2f}"
                for group in sorted(cpu_after)
            )
        )
        if worker.poll() is not None or total == 0:
            print(f"the worker stopped polling:\n{worker_log.read_text()[-3000:]}")


if __name__ == "__main__":
    main()
