"""The database goes away while a worker and the web run: a proxy in front of the shared PostgreSQL
is cut for a few seconds, then restored."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from tests.factories import article_page, command_env, story
from tests.faults.tcpproxy import TcpProxy
from tests.pageserver import PageServer, Reply
from tests.test_workers import ROOT, count, start_worker, stop, wait_until
from tracker.adapters.models import Article, Delivery, Version
from tracker.services import accounts, alerts, articles

pytestmark = [pytest.mark.postgresql, pytest.mark.slow]
ARTICLES = 6


def through(proxy: TcpProxy, url: str) -> str:
    return make_url(url).set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)


def track(sessions: sessionmaker, site: PageServer) -> None:
    """Six articles followed by alice, whose webhook wants every change."""
    now = datetime.now(UTC)
    with sessions.begin() as session:
        user = accounts.create_user(session, "alice", password=None, is_admin=True, now=now)
        for n in range(ARTICLES):
            site.serve(f"/p/{n}", article_page(f"Story {n}", story(3)))
            articles.add_article(session, site.url(f"/p/{n}"), user_id=user.id, allow_private=True, now=now)
        alerts.create_endpoint(
            session, user.id, {"url": site.url("/hook")}, kind="webhook", allow_private=True, now=now
        )
    site.routes["/hook"] = Reply(b"ok")


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def start_web(url: str, tmp_path: Path) -> tuple[subprocess.Popen[str], str]:
    """Start `flask --app app run` on url; return the process and its address once it answers."""
    port = free_port()
    log = open(tmp_path / "web.log", "w")  # noqa: SIM115 (the process writes it after we return)
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "run", "--port", str(port)],
        cwd=ROOT,
        # public reading on: the test reads the API and a page anonymously while the database is away
        env={**command_env(tmp_path / "unused.sqlite", public_read="on"), "TRACKER_DATABASE_URL": url},
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    address = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"the web process exited:\n{(tmp_path / 'web.log').read_text()}")
        try:
            return requests.get(f"{address}/healthz", timeout=1).ok
        except (requests.ConnectionError, requests.Timeout):  # listening, but its first answer is slow
            return False

    try:
        wait_until(answers, timeout=60, what="the web process")  # a loaded 2-core machine starts it slowly
    except AssertionError:
        process.kill()
        raise
    return process, address


def status_of(address: str, path: str) -> int:
    return requests.get(address + path, timeout=5).status_code


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_worker_and_web_ride_out_a_database_outage(
    database_url: str, sessions: sessionmaker, site: PageServer, tmp_path: Path
):
    upstream = make_url(database_url)
    track(sessions, site)
    log = tmp_path / "worker.log"
    with ExitStack() as cleanup:  # stops the processes and closes the proxies, in reverse order
        worker_proxy, web_proxy = (
            TcpProxy(upstream.host or "127.0.0.1", upstream.port or 5432) for _ in "ab"
        )
        cleanup.callback(worker_proxy.close)
        cleanup.callback(web_proxy.close)
        worker = start_worker(through(worker_proxy, database_url), tmp_path, "worker", lease_seconds="3")
        cleanup.callback(stop, worker)
        web, address = start_web(through(web_proxy, database_url), tmp_path)
        cleanup.callback(stop, web)
        wait_until(
            lambda: count(sessions, select(func.count()).select_from(Version)) == ARTICLES,
            timeout=30,
            what="the first versions",
        )
        for n in range(ARTICLES):
            site.serve(f"/p/{n}", article_page(f"Story {n}", [*story(3), "Update: the vote was delayed."]))
        fetched = len(site.requests)
        with sessions.begin() as session:
            session.execute(update(Article).values(next_check_at=datetime.now(UTC)))
        wait_until(lambda: len(site.requests) > fetched, timeout=10, what="the worker fetching again")

        worker_proxy.cut()
        web_proxy.cut()
        wait_until(lambda: status_of(address, "/api/v1/articles") == 503, timeout=10, what="the API's 503")
        answer = requests.get(f"{address}/api/v1/articles/1", timeout=5)
        assert answer.status_code == 503
        assert answer.json()["error"]["code"] == "database_unavailable"
        page = requests.get(f"{address}/articles/1", timeout=5)
        assert page.status_code == 503 and page.headers["Content-Type"].startswith("text/html")
        assert "database is unavailable" in page.text
        # The worker says so, and waits longer each time instead of retrying at every tick.
        wait_until(
            lambda: "trying again in 2 s" in log.read_text(), timeout=20, what="the worker to back off"
        )
        assert "poll: database_unavailable" in log.read_text()
        assert worker.poll() is None

        worker_proxy.restore()
        web_proxy.restore()
        wait_until(lambda: status_of(address, "/api/v1/articles") == 200, timeout=10, what="the API again")
        assert status_of(address, "/articles/1") == 200
        wait_until(
            lambda: count(sessions, select(func.count()).where(Article.version_count == 2)) == ARTICLES,
            timeout=30,
            what="every change stored after the outage",
        )
        wait_until(
            lambda: count(sessions, select(func.count()).where(Delivery.status == "succeeded")) == ARTICLES,
            timeout=30,
            what="every alert delivered",
        )
        assert worker.poll() is None and web.poll() is None
    assert "the database works again" in log.read_text()
    assert_nothing_half_written(sessions)


def assert_nothing_half_written(sessions: sessionmaker) -> None:
    """Every version has the check that made it, numbers run 1..N once, every alert names a stored version."""
    with sessions() as session:
        orphans = session.execute(
            text(
                "SELECT v.article_id, v.number FROM versions v LEFT JOIN checks c"
                " ON c.article_id = v.article_id AND c.version_number = v.number WHERE c.id IS NULL"
            )
        ).all()
        assert orphans == []
        numbers = session.execute(
            text("SELECT article_id, array_agg(number ORDER BY number) FROM versions GROUP BY 1")
        )
        assert {tuple(row[1]) for row in numbers} == {(1, 2)}
        stored = {tuple(row) for row in session.execute(text("SELECT article_id, number FROM versions"))}
        events = session.execute(
            text("SELECT e.article_id, e.payload FROM events e JOIN deliveries d ON d.event_id = e.id")
        ).all()
        assert len(events) == ARTICLES
        assert all(
            (article_id, json.loads(payload)["data"]["to"]) in stored for article_id, payload in events
        )
