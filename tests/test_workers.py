"""Several `tracker worker` processes on one PostgreSQL database: each due article is checked once,
and a worker killed mid-batch loses nothing (its leases expire and another worker takes over)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.factories import article_page, command_env, story
from tests.pageserver import PageServer, Reply, send
from tracker.adapters.db import make_engine, make_sessions
from tracker.adapters.models import Article, Check, Version
from tracker.services import articles

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.postgresql, pytest.mark.slow]


@pytest.fixture
def database(postgres_url: str, database_url: str):
    """The session's PostgreSQL schema (emptied after the test by the database_url fixture)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("several workers need PostgreSQL")
    engine = make_engine(database_url)
    yield database_url, make_sessions(engine)
    engine.dispose()


def start_worker(url: str, tmp_path: Path, name: str, **settings: str) -> subprocess.Popen[str]:
    env = {
        **command_env(
            tmp_path / "unused.sqlite",
            tick_seconds="1",
            host_delay="0",
            robots="off",
            read_processes="0",
            **settings,
        ),
        "TRACKER_DATABASE_URL": url,
    }
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 (the process writes it after we return)
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "tracker", "worker"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )


def add(sessions, urls: list[str]) -> None:
    from datetime import UTC, datetime

    with sessions.begin() as session:
        for url in urls:
            articles.add_article(session, url, user_id=None, allow_private=True, now=datetime.now(UTC))


def wait_until(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def count(sessions, statement) -> int:
    with sessions() as session:
        return session.scalar(statement) or 0


def stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def test_three_workers_check_each_of_500_articles_exactly_once(database, site: PageServer, tmp_path: Path):
    url, sessions = database
    for n in range(500):
        site.serve(f"/p/{n}", article_page(f"Story {n}", story(3)))
    add(sessions, [site.url(f"/p/{n}", host=f"s{n % 20}.localhost") for n in range(500)])
    workers = [start_worker(url, tmp_path, f"w{n}", batch_size="40") for n in range(3)]
    try:
        wait_until(
            lambda: count(sessions, select(func.count()).select_from(Check)) >= 500,
            timeout=120,
            what="500 checks",
        )
    finally:
        for worker in workers:
            stop(worker)
    hits = Counter(path for path, _headers in site.requests)
    assert len(hits) == 500 and set(hits.values()) == {1}
    assert count(sessions, select(func.count()).select_from(Check)) == 500
    with sessions() as session:
        assert set(session.scalars(select(Article.version_count))) == {1}


def test_the_worker_yields_the_cpu_to_the_web(database, tmp_path: Path):
    url, _sessions = database
    worker = start_worker(url, tmp_path, "nice", worker_nice="7")
    expected = min(19, os.getpriority(os.PRIO_PROCESS, 0) + 7)
    try:
        wait_until(
            lambda: os.getpriority(os.PRIO_PROCESS, worker.pid) == expected,
            timeout=30,
            what="the worker to lower its priority",
        )
    finally:
        stop(worker)


def test_a_killed_worker_loses_nothing(database, site: PageServer, tmp_path: Path):
    url, sessions = database

    def slow(handler) -> None:
        time.sleep(1.0)
        send(handler, Reply(article_page("Slow story", story(3)).encode()))

    for n in range(40):
        site.routes[f"/p/{n}"] = slow
    add(sessions, [site.url(f"/p/{n}", host=f"s{n % 10}.localhost") for n in range(40)])
    doomed = start_worker(url, tmp_path, "doomed", lease_seconds="4")
    wait_until(
        lambda: count(sessions, select(func.count()).where(Article.claimed_by.is_not(None))) == 40,
        timeout=60,
        what="the first worker to claim every article",
    )
    wait_until(lambda: len(site.requests) >= 5, timeout=30, what="fetches in flight")
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait()
    assert count(sessions, select(func.count()).select_from(Check)) < 40  # it died mid-batch
    rescuer = start_worker(url, tmp_path, "rescuer", lease_seconds="4")
    try:
        wait_until(
            lambda: count(sessions, select(func.count()).where(Article.version_count == 1)) == 40,
            timeout=90,
            what="every article checked after the leases expired",
        )
    finally:
        stop(rescuer)
    with sessions() as session:
        versions = Counter(session.scalars(select(Version.article_id)))
        checks = Counter(session.scalars(select(Check.article_id)))
    assert len(versions) == 40 and set(versions.values()) == {1}  # none lost, none twice
    assert set(checks.values()) == {1}


def test_sigterm_gives_back_what_the_worker_has_not_started(database, site: PageServer, tmp_path: Path):
    url, sessions = database

    def slow(handler) -> None:
        time.sleep(1.0)
        send(handler, Reply(article_page("Slow story", story(3)).encode()))

    for n in range(30):
        site.routes[f"/p/{n}"] = slow
    add(sessions, [site.url(f"/p/{n}", host="one.localhost") for n in range(30)])  # one site: 2 at a time
    worker = start_worker(url, tmp_path, "polite", lease_seconds="600")
    wait_until(lambda: len(site.requests) >= 2, timeout=30, what="the first fetches")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0
    checked = count(sessions, select(func.count()).select_from(Check))
    still_claimed = count(sessions, select(func.count()).where(Article.claimed_by.is_not(None)))
    assert 2 <= checked < 30  # the fetches in flight were finished and stored
    assert still_claimed == 0  # the rest were given back, not left to a 10-minute lease


def test_an_alert_survives_a_worker_killed_before_it_is_delivered(database, site: PageServer, tmp_path: Path):
    from datetime import UTC, datetime

    from tracker.services import accounts, alerts

    url, sessions = database
    consumer = PageServer()
    consumer.routes["/hook"] = lambda handler: time.sleep(30)  # the first attempt never gets an answer
    site.serve("/story", article_page("Story", story(3)))
    with sessions.begin() as session:
        user = accounts.create_user(session, "alice", password=None, is_admin=True, now=datetime.now(UTC))
        article, _ = articles.add_article(
            session, site.url("/story"), user_id=user.id, allow_private=True, now=datetime.now(UTC)
        )
        alerts.create_endpoint(
            session,
            user.id,
            {"url": consumer.url("/hook")},
            kind="webhook",
            allow_private=True,
            now=datetime.now(UTC),
        )
    doomed = start_worker(url, tmp_path, "doomed", delivery_lease_seconds="3")
    wait_until(
        lambda: count(sessions, select(func.count()).select_from(Version)) == 1,
        timeout=30,
        what="the first version",
    )
    site.serve("/story", article_page("Story", [*story(3), "Update: the council voted again."]))
    with sessions.begin() as session:
        session.get(Article, article.id).next_check_at = datetime.now(UTC)
    wait_until(lambda: consumer.hits("/hook") == 1, timeout=30, what="the first delivery attempt")
    os.kill(doomed.pid, signal.SIGKILL)  # the version is stored, the alert not yet delivered
    doomed.wait()
    consumer.routes["/hook"] = Reply(b"ok")
    rescuer = start_worker(url, tmp_path, "rescuer", delivery_lease_seconds="3")
    try:
        wait_until(lambda: consumer.hits("/hook") >= 2, timeout=60, what="the alert after the restart")
    finally:
        stop(rescuer)
        consumer.close()
    ids = {headers.get("webhook-id") for path, headers in consumer.requests if path == "/hook"}
    assert len(ids) == 1  # the same event, sent again
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Version)) == 2
