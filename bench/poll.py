"""Benchmark: full polling passes over N articles served locally with latency, on SQLite or PostgreSQL.

    .venv/bin/python bench/poll.py --articles 1000 --db sqlite --compare urlwatch
    .venv/bin/python bench/poll.py --articles 10000 --db sqlite
    .venv/bin/python bench/poll.py --articles 1000 --db postgresql --workers 2
    .venv/bin/python bench/poll.py --articles 1000 --as-user --compare urlwatch [--hosts 16] [--venv .venv-run]

The articles are spread over --hosts loopback addresses (127.0.0.2 ...; 100 by default) so per-site
limits apply as in real life; each answer waits --latency seconds. Passes: the first (every article new), the steady
state (--changed of the articles edited, the rest answering 304), then all-304, byte-identical 200s
(ETags off) and all-changed passes to measure CPU per kind of check. Prints a Markdown table.
Targets (issue 6): steady state at 1,000 articles at least 3x urlwatch; 10,000 in under 10x the
1,000 figure with peak worker RSS under 205 MB; two workers on PostgreSQL at least 1.7x one; a 304
under 2 ms of CPU and a byte-identical 200 under 3 ms.

--as-user measures what a user gets instead: each steady pass is the README's command
`flask --app app tracker check --all` run as a fresh process (start-up included), paired in each
round with an urlwatch run over the same URLs (--compare urlwatch); medians of --rounds rounds. It
also prints the CPU time the whole machine spent during each pass (the command, its reading
processes, the article server, the kernel; run it on an otherwise idle machine): divided by the
cores, the least a pass could take.
Targets (issue 19): at least 5x urlwatch on 100 hosts; at most 3.6 s on 16 hosts (the politeness
floor is articles / (2 per host x hosts) x latency = 3.1 s).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, insert, select, text, update  # noqa: E402

import config  # noqa: E402
from bench.articles_server import ArticleServer  # noqa: E402
from tracker.adapters import db  # noqa: E402
from tracker.adapters.models import Article, Subscription, User, Version  # noqa: E402
from tracker.engine.poller import Poller  # noqa: E402
from tracker.engine.readers import default_read_processes  # noqa: E402
from tracker.engine.runtime import Runtime, build_runtime, make_poller  # noqa: E402

POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database(kind: str, folder: Path) -> str:
    """Return the URL of an empty, migrated database of this kind."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'bench.sqlite'}"
    else:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with create_engine(POSTGRES).begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        url = f"{POSTGRES}?options=-csearch_path%3D{schema}"
    db.upgrade(url)
    return url


def runtime_for(url: str, **settings: object) -> Runtime:
    return build_runtime(
        config.load(
            database_url=url,
            allow_private_networks=True,
            host_delay=0.0,
            secret_key="bench",
            archives="",  # a benchmark never reaches a real web archive
            **settings,
        )
    )


def add_articles(runtime: Runtime, server: ArticleServer, count: int) -> None:
    now = datetime.now(UTC)
    with runtime.sessions.begin() as session:
        user = User(username="bench", password_hash=None, is_admin=True, created_at=now)
        session.add(user)
        session.flush()
        rows = [
            dict(
                url=server.url(n),
                host=f"127.0.0.{2 + n % server.hosts}",
                status="active",
                created_at=now - timedelta(days=30),
                next_check_at=now,
                version_count=0,
                failure_count=0,
            )
            for n in range(count)
        ]
        session.execute(insert(Article), rows)
        ids = session.scalars(select(Article.id)).all()
        session.execute(
            insert(Subscription), [dict(user_id=user.id, article_id=i, created_at=now) for i in ids]
        )


def make_all_due(runtime: Runtime) -> None:
    with runtime.sessions.begin() as session:
        session.execute(
            update(Article).values(
                next_check_at=datetime.now(UTC) - timedelta(seconds=1), claimed_by=None, lease_until=None
            )
        )


def cpu_seconds(poller: Poller) -> float:
    """Return the CPU time of this process and of the poller's reading processes so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    total = own.ru_utime + own.ru_stime
    for pid in getattr(poller.readers, "_processes", {}) or {}:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICK
        except (OSError, IndexError):
            pass
    return total


def children_rss_mb(poller: Poller) -> float:
    total = 0
    for pid in getattr(poller.readers, "_processes", {}) or {}:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def timed_pass(
    runtime: Runtime, poller: Poller, server: ArticleServer, *, share: float, etags: bool = True
) -> tuple[float, float, dict[str, int]]:
    """Run one pass after editing `share` of the articles; return (wall s, CPU s, outcomes)."""
    server.next_round(share)
    server.send_etags(etags)
    make_all_due(runtime)
    cpu = cpu_seconds(poller)
    started = time.perf_counter()
    report = poller.poll()
    return time.perf_counter() - started, cpu_seconds(poller) - cpu, dict(report.outcomes)


def version_bytes(runtime: Runtime, kind: str) -> float:
    """Return the storage bytes per 1,000 versions (rows, compressed raw HTML, text, indexes)."""
    with runtime.sessions() as session:
        count = session.scalar(select(func.count()).select_from(Version)) or 1
        if kind == "postgresql":
            size = session.scalar(text("SELECT pg_total_relation_size('versions')"))
        else:
            size = session.scalar(
                text(
                    "SELECT SUM(LENGTH(raw_html) + LENGTH(CAST(paragraphs AS BLOB)) + "
                    "LENGTH(CAST(response_headers AS BLOB)) + LENGTH(CAST(labels AS BLOB)) + "
                    "LENGTH(CAST(change AS BLOB)) + 300) FROM versions"
                )
            )
    return size * 1000 / count


def worker_pass(
    url: str, concurrency: int, go: multiprocessing.synchronize.Event, done: multiprocessing.Queue
) -> None:
    """One worker process of a multi-worker pass: build, wait for the start, poll once, report."""
    runtime = runtime_for(url, fetch_concurrency=concurrency)
    poller = make_poller(runtime, read_processes=default_read_processes(), host_delay=0.0)
    go.wait()
    report = poller.poll()
    done.put((time.perf_counter(), dict(report.outcomes)))
    poller.close()


def parallel_pass(
    url: str, runtime: Runtime, server: ArticleServer, workers: int, concurrency: int, share: float
) -> tuple[float, dict[str, int]]:
    """Run one steady-state pass with `workers` separate worker processes; return (wall s, outcomes)."""
    context = multiprocessing.get_context("spawn")
    go, done = context.Event(), context.Queue()
    processes = [
        context.Process(target=worker_pass, args=(url, concurrency, go, done)) for _ in range(workers)
    ]
    for process in processes:
        process.start()
    time.sleep(8)  # let every worker import and start its readers before the clock starts
    server.next_round(share)
    make_all_due(runtime)
    started = time.perf_counter()
    go.set()
    finished, outcomes = [], {}
    for _ in processes:
        moment, counts = done.get(timeout=600)  # a worker that died would otherwise leave us waiting
        finished.append(moment)
        for key, value in counts.items():
            outcomes[key] = outcomes.get(key, 0) + value
    for process in processes:
        process.join()
    return max(finished) - started, outcomes


def urlwatch_command(server: ArticleServer, count: int, folder: Path) -> list[str]:
    """Return the command that runs urlwatch 2.29 (its own virtualenv, installed on first use) over
    the same URLs as the tracker."""
    venv = ROOT / "bench" / ".urlwatch-venv"
    if not (venv / "bin" / "urlwatch").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "urlwatch==2.29"],
            check=True,
            stderr=subprocess.DEVNULL,
        )
    urls = folder / "urls.yaml"
    urls.write_text("---\n".join(f"name: a{n}\nurl: {server.url(n)}\n" for n in range(count)))
    return [
        str(venv / "bin" / "urlwatch"),
        "--urls",
        str(urls),
        "--config",
        str(folder / "urlwatch.yaml"),
        "--hooks",
        str(folder / "hooks.py"),
        "--cache",
        str(folder / "cache.db"),
    ]


def timed_run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Run a command from the repository; return its wall time (start-up included) and its output."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{command[0]} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds, done.stdout


def machine_cpu_seconds() -> float:
    """Return the CPU time every process of the machine has used since it booted (kernel included;
    not what the hypervisor gave other machines)."""
    with open("/proc/stat") as stat:
        user, nice, system, _idle, _iowait, irq, softirq = map(int, stat.readline().split()[1:8])
    return (user + nice + system + irq + softirq) / TICK


def budgeted_run(command: list[str], env: dict[str, str]) -> tuple[float, str, float]:
    """Run a command as timed_run does; also return the CPU time the whole machine spent meanwhile
    (the command, its reading processes, the article server and the kernel's network work, and
    whatever else runs: measure on an otherwise idle machine): on N cores no pass can take less
    than that / N."""
    before = machine_cpu_seconds()
    seconds, output = timed_run(command, env)
    return seconds, output, machine_cpu_seconds() - before


def urlwatch_pass(server: ArticleServer, count: int, folder: Path) -> tuple[float, int]:
    """Return how long urlwatch takes for a steady-state pass over the same URLs, and how many
    changes it reported (a check that it really fetched them)."""
    command = urlwatch_command(server, count, folder)
    subprocess.run(command, capture_output=True, check=False)  # the first run fills its cache
    server.next_round(0.1)
    seconds, output = timed_run(command)
    return seconds, output.count("CHANGED: ")


def as_user(args: argparse.Namespace, server: ArticleServer, url: str, folder: Path) -> None:
    """Time the README's `tracker check --all`, a fresh process each round (with urlwatch, if compared,
    over the same round) and print a Markdown table with the medians."""
    settings = dict(
        database_url=url, allow_private_networks="1", host_delay="0", secret_key="bench", archives=""
    )
    env = {**os.environ, **{config.env_name(name): value for name, value in settings.items()}}
    tracker = [str(Path(args.venv).resolve() / "bin" / "flask"), "--app", "app", "tracker", "check", "--all"]
    urlwatch = urlwatch_command(server, args.articles, folder) if args.compare else None
    timed_run(tracker, env)  # the first pass: every article new
    if urlwatch:
        timed_run(urlwatch)  # fills its cache
    rounds = []
    for _ in range(args.rounds):
        server.next_round(args.changed)
        ours, output, cpu = budgeted_run(tracker, env)
        theirs, reported = timed_run(urlwatch) if urlwatch else (float("nan"), "")
        summary = output.strip().splitlines()[-1] if output.strip() else ""
        rounds.append((ours, theirs, summary, reported.count("CHANGED: "), cpu))
    print(
        f"\n{args.articles} articles on {args.hosts} hosts, {args.db}, {args.latency * 1000:.0f} ms latency, "
        f"{args.changed:.0%} changed a round, {os.cpu_count()} cores; each pass a fresh process of {args.venv}\n"
    )
    cores = os.cpu_count() or 1
    print(
        "| round | tracker check --all s | urlwatch s | urlwatch / tracker | machine CPU during the pass, core-s"
        f" (/ {cores} cores) | tracker said | urlwatch CHANGED lines (2 a change) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for number, (ours, theirs, summary, changes, cpu) in enumerate(rounds, 1):
        print(
            f"| {number} | {ours:.2f} | {theirs:.2f} | {theirs / ours:.2f}x | {cpu:.2f} ({cpu / cores:.2f} s)"
            f" | {summary} | {changes} |"
        )
    ours = statistics.median(row[0] for row in rounds)
    theirs = statistics.median(row[1] for row in rounds)
    cpu = statistics.median(row[4] for row in rounds)
    print(
        f"| median | **{ours:.2f}** | **{theirs:.2f}** | **{theirs / ours:.2f}x** | {cpu:.2f} ({cpu / cores:.2f} s) | | |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--changed", type=float, default=0.1)
    parser.add_argument(
        "--workers", type=int, default=1, help="also run the steady pass with this many workers"
    )
    parser.add_argument(
        "--worker-concurrency",
        type=int,
        default=config.Settings.fetch_concurrency,
        help="fetches in flight per worker in the multi-worker passes",
    )
    parser.add_argument("--compare", choices=("urlwatch",), help="run urlwatch over the same URLs too")
    parser.add_argument("--hosts", type=int, default=100, help="loopback addresses the articles are on")
    parser.add_argument(
        "--as-user", action="store_true", help="time `tracker check --all` as fresh processes instead"
    )
    parser.add_argument("--rounds", type=int, default=5, help="paired rounds of --as-user")
    parser.add_argument(
        "--venv",
        default=str(ROOT / ".venv"),
        help="the virtual environment whose `flask` --as-user runs (see bench/startup.py --venv)",
    )
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-poll-"))
    server = ArticleServer(free_port(), hosts=args.hosts, latency=args.latency)
    url = database(args.db, folder)
    runtime = runtime_for(url)
    add_articles(runtime, server, args.articles)
    if args.as_user:
        try:
            as_user(args, server, url, folder)
        finally:
            server.close()
            runtime.engine.dispose()
            shutil.rmtree(folder, ignore_errors=True)
        return
    poller = make_poller(runtime, read_processes=default_read_processes(), host_delay=0.0)
    rows = []
    try:
        wall, cpu, outcomes = timed_pass(runtime, poller, server, share=0.0)
        rows.append(("first pass (every article new)", wall, cpu, outcomes))
        steady = timed_pass(runtime, poller, server, share=args.changed)
        rows.append((f"steady state ({args.changed:.0%} changed, rest 304)", *steady))
        rows.append(("all 304", *timed_pass(runtime, poller, server, share=0.0)))
        rows.append(
            ("all byte-identical 200 (no ETag)", *timed_pass(runtime, poller, server, share=0.0, etags=False))
        )
        rows.append(("all changed", *timed_pass(runtime, poller, server, share=1.0)))
        peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        readers_rss = children_rss_mb(poller)
    finally:
        poller.close()
    print(
        f"\n{args.articles} articles, {args.db}, {args.latency * 1000:.0f} ms latency, "
        f"{default_read_processes()} reading processes, {os.cpu_count()} cores\n"
    )
    print("| pass | wall s | articles/s | CPU ms per article | outcomes |\n| --- | --- | --- | --- | --- |")
    for name, wall, cpu, outcomes in rows:
        print(
            f"| {name} | {wall:.2f} | {args.articles / wall:.0f} | {cpu * 1000 / args.articles:.2f} | "
            f"{', '.join(f'{k} {v}' for k, v in sorted(outcomes.items()))} |"
        )
    print(f"\npeak RSS: worker {peak_rss:.0f} MB, its reading processes {readers_rss:.0f} MB together")
    print(f"storage: {version_bytes(runtime, args.db) / 1e6:.2f} MB per 1,000 versions")
    if args.workers > 1:
        one, _ = parallel_pass(url, runtime, server, 1, args.worker_concurrency, args.changed)
        many, outcomes = parallel_pass(
            url, runtime, server, args.workers, args.worker_concurrency, args.changed
        )
        print(
            f"steady pass, separate worker processes, {args.worker_concurrency} fetches in flight each: "
            f"1 worker {one:.2f} s, {args.workers} workers {many:.2f} s ({one / many:.2f}x); outcomes {outcomes}"
        )
    if args.compare == "urlwatch":
        seconds, changes = urlwatch_pass(server, args.articles, folder)
        print(
            f"urlwatch steady pass: {seconds:.2f} s ({changes} changes reported); "
            f"tracker {steady[0]:.2f} s: {seconds / steady[0]:.1f}x faster"
        )
    server.close()
    runtime.engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
