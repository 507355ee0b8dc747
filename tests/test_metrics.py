"""/metrics: counters moved by real checks and deliveries, gauges read from the database, every process
of a gunicorn added up, and a worker's own port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select, update

from tests.factories import article_page, auth, command_env, make_token, story
from tests.pageserver import PageServer, Reply
from tracker.adapters.metrics import process_registry
from tracker.adapters.models import Article, Check, WorkerHeartbeat
from tracker.engine.poller import Poller, PollerSettings, PollReport
from tracker.engine.runtime import Runtime
from tracker.factory import create_app
from tracker.services import articles

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client: FlaskClient) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return parse(response.get_data(as_text=True))


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def track(runtime: Runtime, url: str, at: datetime = T0) -> int:
    with runtime.sessions.begin() as session:
        return articles.add_article(session, url, user_id=None, allow_private=True, now=at)[0].id


def poll(runtime: Runtime, at: datetime) -> PollReport:
    poller = Poller(
        replace(runtime.checking, clock=lambda: at), PollerSettings(worker="test", host_delay=0.0)
    )
    try:
        return poller.poll()
    finally:
        poller.close()


def checks_since(runtime: Runtime, at: datetime) -> dict[tuple[str, str], int]:
    with runtime.sessions() as session:
        rows = session.execute(
            select(Check.outcome, Check.error_code, func.count())
            .where(Check.checked_at >= at)
            .group_by(Check.outcome, Check.error_code)
        )
        return {(outcome, code or ""): count for outcome, code, count in rows}


def test_polling_passes_move_the_counters_by_what_they_recorded(
    client: FlaskClient, runtime: Runtime, site: PageServer
):
    site.serve("/a", article_page("A council vote", story(4)))
    site.serve("/b", article_page("A bridge reopens", story(5)))
    for path in ("/a", "/b", "/missing"):
        track(runtime, site.url(path))
    before = scrape(client)
    assert poll(runtime, T0).checked == 3
    first = scrape(client)
    assert moved(before, first, "tracker_checks_total", outcome="first", error_code="") == 2
    assert moved(before, first, "tracker_checks_total", outcome="error", error_code="http_404") == 1
    assert moved(before, first, "tracker_versions_created_total") == 2
    assert moved(before, first, "tracker_fetch_duration_seconds_count") == 3
    assert moved(before, first, "tracker_extraction_duration_seconds_count") == 2  # a 404 is never read
    assert moved(before, first, "tracker_fetch_duration_seconds_sum") > 0

    site.serve("/a", article_page("A council vote", [*story(4), "Correction: the vote was on Friday."]))
    later = T0 + timedelta(days=30)
    poll(runtime, later)
    second = scrape(client)
    recorded = checks_since(runtime, later)
    assert recorded[("changed", "")] == recorded[("unchanged", "")] == 1
    for (outcome, code), count in recorded.items():
        assert moved(first, second, "tracker_checks_total", outcome=outcome, error_code=code) == count
    assert moved(first, second, "tracker_versions_created_total") == 1
    assert moved(first, second, "tracker_extraction_duration_seconds_count") == 1  # /b: the same bytes


def test_check_now_is_counted_too(client: FlaskClient, runtime: Runtime, site: PageServer):
    token = make_token(runtime)
    url = site.serve("/story", article_page("A story", story(3)))
    article = client.post("/api/v1/articles", json={"url": url}, headers=auth(token)).get_json()
    before = scrape(client)
    client.post(f"/api/v1/articles/{article['id']}/check", headers=auth(token))
    after = scrape(client)
    assert moved(before, after, "tracker_checks_total", outcome="first", error_code="") == 1
    assert moved(before, after, "tracker_extraction_duration_seconds_count") == 1


def test_queue_lag_and_articles_by_status_are_read_from_the_database(client: FlaskClient, runtime: Runtime):
    now = datetime.now(UTC)
    track(runtime, "http://127.0.0.1:9/ten-minutes", at=now - timedelta(minutes=10))
    track(runtime, "http://127.0.0.1:9/one-minute", at=now - timedelta(minutes=1))
    paused = track(runtime, "http://127.0.0.1:9/paused", at=now - timedelta(hours=5))
    with runtime.sessions.begin() as session:
        session.execute(update(Article).where(Article.id == paused).values(status="paused"))
    samples = scrape(client)
    assert 600 <= value(samples, "tracker_queue_lag_seconds") < 660  # a paused article is not due
    assert value(samples, "tracker_articles", status="active") == 2
    assert value(samples, "tracker_articles", status="paused") == 1
    assert value(samples, "tracker_articles", status="gone") == 0
    assert value(samples, "tracker_database_up") == 1


def test_no_due_article_is_no_lag(client: FlaskClient):
    assert value(scrape(client), "tracker_queue_lag_seconds") == 0


def test_deliveries_by_status_and_the_retry_queue(client: FlaskClient, runtime: Runtime, site: PageServer):
    token = make_token(runtime)
    site.routes["/hook"] = Reply(b"not now", status=500)
    hook = client.post("/api/v1/webhooks", json={"url": site.url("/hook")}, headers=auth(token)).get_json()
    before = scrape(client)
    failed = client.post(f"/api/v1/webhooks/{hook['id']}/ping", headers=auth(token)).get_json()
    waiting = scrape(client)
    assert moved(before, waiting, "tracker_delivery_attempts_total", event="ping", result="failed") == 1
    assert value(waiting, "tracker_deliveries", status="pending") == 1
    assert value(waiting, "tracker_delivery_retry_queue") == 1

    site.routes["/hook"] = Reply(b"fine")
    client.post(f"/api/v1/webhooks/{hook['id']}/deliveries/{failed['id']}/retry", headers=auth(token))
    done = scrape(client)
    assert moved(waiting, done, "tracker_delivery_attempts_total", event="ping", result="succeeded") == 1
    assert moved(waiting, done, "tracker_delivery_duration_seconds_count") == 1
    assert (
        value(done, "tracker_deliveries", status="succeeded"),
        value(done, "tracker_deliveries", status="pending"),
    ) == (1, 0)
    assert value(done, "tracker_delivery_retry_queue") == 0


def test_metrics_need_no_sign_in(app: Flask, client: FlaskClient):
    app.extensions["tracker_has_users"] = True  # past first run: pages ask anonymous users to sign in
    assert "tracker_checks" in {
        family.name
        for family in text_string_to_metric_families(client.get("/metrics").get_data(as_text=True))
    }


def test_metrics_can_be_switched_off(database_url: str):
    app = create_app(database_url=database_url, secret_key="test", scheduler=False, metrics=False)
    try:
        assert app.test_client().get("/metrics").status_code == 404
    finally:
        app.extensions["tracker"].engine.dispose()


def test_an_unreachable_database_is_a_gauge_not_an_error():
    app = create_app(
        database_url="postgresql+psycopg://x@127.0.0.1:1/none?connect_timeout=2",
        secret_key="test",
        scheduler=False,
    )
    response = app.test_client().get("/metrics")
    assert response.status_code == 200
    samples = parse(response.get_data(as_text=True))
    assert value(samples, "tracker_database_up") == 0
    assert ("tracker_queue_lag_seconds", frozenset()) not in samples


COUNT_ONE_CHECK = """
from tracker.adapters.metrics import CheckSeen, count_check
count_check(CheckSeen(article_id=1, host="example.com", outcome="unchanged", error_code=None,
                      http_status=200, duration_ms=120, fetch_ms=120, read_ms=None))
"""


def test_with_a_multiprocess_dir_a_scrape_adds_up_every_process(tmp_path: Path, monkeypatch):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    for _process in range(2):  # two gunicorn workers, say, each counting one check
        subprocess.run([sys.executable, "-c", COUNT_ONE_CHECK], cwd=ROOT, env=env, check=True)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    samples = parse(generate_latest(process_registry()).decode())
    assert value(samples, "tracker_checks_total", outcome="unchanged", error_code="") == 2
    assert value(samples, "tracker_fetch_duration_seconds_count") == 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_worker_serves_its_own_metrics_and_beats(site: PageServer, tmp_path: Path):
    database, port = tmp_path / "worker.sqlite", free_port()
    env = command_env(database, tick_seconds="1", host_delay="0", read_processes="0", metrics_port=str(port))
    add = subprocess.run(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "app",
            "tracker",
            "add",
            site.serve("/a", article_page("A", story(3))),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert add.stdout.strip().splitlines()[-1] == "1"
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "tracker", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    runtime = create_app(database_url=f"sqlite:///{database}", secret_key="test").extensions["tracker"]
    try:
        samples: Samples = {}
        deadline = time.monotonic() + 30
        while value(samples, "tracker_checks_total", outcome="first", error_code="") < 1:
            assert time.monotonic() < deadline, "the worker never counted its first check"
            time.sleep(0.3)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as answer:
                    samples = parse(answer.read().decode())
            except OSError:
                continue  # not listening yet
        with runtime.sessions() as session:
            (beat,) = session.scalars(select(WorkerHeartbeat))
        assert beat.pid == worker.pid
        assert datetime.now(UTC) - beat.last_tick_at < timedelta(seconds=5)
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    with runtime.sessions() as session:
        assert (
            session.scalar(select(func.count()).select_from(WorkerHeartbeat)) == 0
        )  # a clean stop forgets it
    runtime.engine.dispose()
