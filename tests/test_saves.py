"""Save Page Now: a fake archive on 127.0.0.1 (tests/pageserver.py) answering save requests as the
Internet Archive does (200 naming the capture, 429 with Retry-After, 502, slow answers), the queue
(tracker.services.saves) and the engine (tracker.engine.saver), on SQLite and PostgreSQL. Only the
clock the queue reads is moved by hand; pauses are real and short."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler

import pytest
from flask import Flask
from sqlalchemy import select

from config import user_agent
from tests.factories import add_article, article_page, make_test_app, make_token, story
from tests.pageserver import PageServer, Reply
from tracker.adapters.fetch import FetchLimits
from tracker.adapters.models import ArchiveSave, Article
from tracker.engine.runtime import Runtime
from tracker.engine.saver import Saver, capture_uri, make_saver
from tracker.engine.worker import Ticker
from tracker.services.saves import queue_save

STAMP = "20261206000000"
URL = "https://news.example.com/2026/12/réforme-des-retraites"  # stored percent-encoded


class Clock:
    """The time the queue reads, moved by the tests."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def spn() -> Iterator[PageServer]:
    server = PageServer()
    yield server
    server.close()


@contextmanager
def saving_app(database_url: str, spn: PageServer, **overrides: object) -> Iterator[Flask]:
    settings = {"save_page_now": True, "save_page_now_url": spn.url("/save/"), **overrides}
    app = make_test_app(database_url, **settings)
    try:
        yield app
    finally:
        app.extensions["tracker"].engine.dispose()


@pytest.fixture
def app(database_url: str, spn: PageServer) -> Iterator[Flask]:
    with saving_app(database_url, spn) as app:
        yield app


def runtime_of(app: Flask) -> Runtime:
    return app.extensions["tracker"]


def queued(app: Flask, url: str, clock: Clock, version_number: int = 1) -> str:
    """Track url and queue its save as a new version would; return the article URL as stored."""
    runtime = runtime_of(app)
    article_id = add_article(app.test_client(), make_token(runtime), url)["id"]
    with runtime.sessions.begin() as session:
        article = session.get_one(Article, article_id)
        queue_save(session, article, version_number, now=clock())
        return article.url


def saver(app: Flask, clock: Clock, *, pause: float = 0.0, limits: FetchLimits | None = None) -> Saver:
    """The app's saver with its clock, pause and limits set by the test."""
    runtime = runtime_of(app)
    settings = make_saver(runtime).settings
    settings = replace(settings, pause=pause, limits=limits or settings.limits)
    return Saver(runtime.sessions, runtime.http, clock, settings)


def saves(app: Flask) -> list[ArchiveSave]:
    with runtime_of(app).sessions() as session:
        return list(session.scalars(select(ArchiveSave).order_by(ArchiveSave.id)))


def captured(spn: PageServer, url: str) -> Reply:
    """Save Page Now's answer once it made the capture: 200 naming it in Content-Location."""
    return Reply(b"<html>saved</html>", headers={"Content-Location": f"/web/{STAMP}/{url}"})


def test_the_saver_asks_the_configured_address_for_the_article_with_our_user_agent(
    app: Flask, spn: PageServer
):
    clock = Clock()
    url = queued(app, URL, clock)
    assert "%C3%A9" in url
    spn.routes[f"/save/{url}"] = captured(spn, url)

    report = make_saver(runtime_of(app)).run_due()

    assert report == {"succeeded": 1}
    [(path, headers)] = spn.requests
    assert path == f"/save/{url}"
    assert headers["User-Agent"] == user_agent(runtime_of(app).settings)
    [save] = saves(app)
    assert (save.state, save.attempts, save.last_status) == ("succeeded", 1, 200)
    assert save.memento == spn.url(f"/web/{STAMP}/{url}")
    assert (save.claimed_by, save.lease_until, save.last_error_code) == (None, None, None)
    assert make_saver(runtime_of(app)).run_due() == {}  # done: never asked twice
    assert len(spn.requests) == 1


def test_two_saves_go_the_pause_apart(app: Flask, spn: PageServer):
    clock = Clock()
    urls = [queued(app, f"https://news.example.com/story-{n}", clock) for n in (1, 2)]
    for url in urls:
        spn.routes[f"/save/{url}"] = captured(spn, url)

    report = saver(app, clock, pause=0.6).run_due()

    assert report == {"succeeded": 2}
    assert [path for _at, _host, path in spn.arrivals] == [f"/save/{url}" for url in urls]
    first, second = (at for at, _host, _path in spn.arrivals)
    assert second - first >= 0.6


def test_a_429_is_asked_again_after_its_retry_after_and_holds_the_other_saves(app: Flask, spn: PageServer):
    clock = Clock()
    start = clock.now
    busy, other = (
        queued(app, "https://news.example.com/busy", clock),
        queued(app, "https://news.example.com/other", clock),
    )
    spn.routes[f"/save/{busy}"] = Reply(b"slow down", status=429, headers={"Retry-After": "7200"})
    spn.routes[f"/save/{other}"] = captured(spn, other)

    assert saver(app, clock).run_due() == {"pending": 1}
    assert spn.hits(f"/save/{other}") == 0  # the archive asked this process to wait
    first = saves(app)[0]
    assert (first.state, first.attempts, first.last_status, first.last_error_code) == (
        "pending",
        1,
        429,
        "http_429",
    )
    assert first.due_at == start + timedelta(hours=2)  # the Retry-After, longer than the first delay

    clock.now = start + timedelta(hours=1)  # another process: the other save is due, the busy one not
    assert saver(app, clock).run_due() == {"succeeded": 1}
    assert (spn.hits(f"/save/{busy}"), spn.hits(f"/save/{other}")) == (1, 1)

    spn.routes[f"/save/{busy}"] = captured(spn, busy)
    clock.now = start + timedelta(hours=2)
    assert saver(app, clock).run_due() == {"succeeded": 1}
    assert [(save.state, save.attempts) for save in saves(app)] == [("succeeded", 2), ("succeeded", 1)]


def test_a_failing_archive_is_asked_again_with_growing_delays_then_given_up(app: Flask, spn: PageServer):
    clock = Clock()
    url = queued(app, URL, clock)
    spn.routes[f"/save/{url}"] = Reply(b"bad gateway", status=502)
    send = saver(app, clock)
    for attempt, delay in enumerate((60, 600, 3600, 6 * 3600), start=1):
        assert send.run_due() == {"pending": 1}
        [save] = saves(app)
        assert (save.state, save.attempts, save.last_error_code) == ("pending", attempt, "http_502")
        assert save.due_at == clock.now + timedelta(seconds=delay)
        clock.now = save.due_at - timedelta(seconds=1)
        assert send.run_due() == {}  # not due yet
        clock.now = save.due_at
    assert send.run_due() == {"failed": 1}
    [save] = saves(app)
    assert (save.state, save.attempts, save.last_status, save.last_error_code) == (
        "failed",
        5,
        502,
        "http_502",
    )
    assert save.memento is None
    assert spn.hits(f"/save/{url}") == 5
    clock.now += timedelta(days=30)
    assert send.run_due() == {}


def test_a_slow_archive_is_a_timeout_asked_again_later(app: Flask, spn: PageServer):
    clock = Clock()
    url = queued(app, URL, clock)

    def slow(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(1.0)

    spn.routes[f"/save/{url}"] = slow
    limits = FetchLimits(connect_timeout=1.0, read_timeout=0.3, deadline=0.5)

    assert saver(app, clock, limits=limits).run_due() == {"pending": 1}
    [save] = saves(app)
    assert (save.state, save.last_status, save.last_error_code) == ("pending", None, "timeout")
    assert save.due_at == clock.now + timedelta(minutes=1)


def test_a_page_the_archive_refuses_fails_at_once(app: Flask, spn: PageServer):
    clock = Clock()
    url = queued(app, URL, clock)
    spn.routes[f"/save/{url}"] = Reply(b"this site is excluded", status=403)

    assert saver(app, clock).run_due() == {"failed": 1}
    [save] = saves(app)
    assert (save.attempts, save.last_status, save.last_error_code) == (1, 403, "http_403")


def test_an_answer_naming_no_capture_is_asked_again(app: Flask, spn: PageServer):
    clock = Clock()
    url = queued(app, URL, clock)
    spn.routes[f"/save/{url}"] = Reply(b"<html>Job failed</html>")  # 200 with an error page, no capture

    assert saver(app, clock).run_due() == {"pending": 1}
    [save] = saves(app)
    assert (save.state, save.last_status, save.last_error_code, save.memento) == (
        "pending",
        200,
        "no_capture",
        None,
    )


def test_the_address_guard_refuses_a_private_save_address(database_url: str, spn: PageServer):
    clock = Clock()
    with saving_app(database_url, spn, allow_private_networks=False) as app:
        url = queued(app, URL, clock)
        spn.routes[f"/save/{url}"] = captured(spn, url)

        assert saver(app, clock).run_due() == {"failed": 1}

        [save] = saves(app)
        assert (save.state, save.last_status, save.last_error_code) == ("failed", None, "blocked_address")
        assert spn.requests == []


def test_stopping_gives_back_a_save_waiting_for_its_turn(app: Flask, spn: PageServer):
    clock = Clock()
    urls = [queued(app, f"https://news.example.com/story-{n}", clock) for n in (1, 2)]
    for url in urls:
        spn.routes[f"/save/{url}"] = captured(spn, url)
    send = saver(app, clock, pause=30.0)
    running = threading.Thread(target=send.run_due)
    running.start()
    deadline = time.monotonic() + 10
    while saves(app)[1].claimed_by is None and time.monotonic() < deadline:
        time.sleep(0.02)  # until the second save is claimed, waiting out the pause
    assert len(spn.requests) == 1

    send.stop()
    running.join(timeout=5)

    assert not running.is_alive()
    assert len(spn.requests) == 1
    first, second = saves(app)
    assert first.state == "succeeded"
    assert (second.state, second.attempts, second.claimed_by, second.lease_until) == (
        "pending",
        0,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            {"Content-Location": f"/web/{STAMP}/https://a.example/x"},
            f"https://archive.example/web/{STAMP}/https://a.example/x",
        ),
        (
            {"Location": f"https://archive.example/web/{STAMP}/https://a.example/x"},
            f"https://archive.example/web/{STAMP}/https://a.example/x",
        ),
        (
            {
                "Link": '<https://a.example/x>; rel="original", '
                f'<https://archive.example/web/{STAMP}/https://a.example/x>; rel="last memento"; '
                'datetime="Sun, 06 Dec 2026 00:00:00 GMT", '
                '<https://archive.example/web/20200101000000/https://a.example/x>; rel="first memento"; '
                'datetime="Wed, 01 Jan 2020 00:00:00 GMT"'
            },
            f"https://archive.example/web/{STAMP}/https://a.example/x",
        ),
        ({"Content-Type": "text/html"}, None),
    ],
)
def test_the_capture_is_read_from_content_location_location_or_link(
    headers: dict[str, str], expected: str | None
):
    assert capture_uri("https://archive.example/save/https://a.example/x", headers) == expected


@pytest.mark.parametrize("setting", [True, False])
def test_each_new_live_version_queues_one_save_when_the_setting_is_on(
    database_url: str, spn: PageServer, site: PageServer, setting: bool
):
    with saving_app(database_url, spn, save_page_now=setting) as app:
        client, runtime = app.test_client(), runtime_of(app)
        token = make_token(runtime)
        url = site.serve("/story", article_page("Harbour budget", story()))
        article_id = add_article(client, token, url)["id"]
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(2):  # the second check finds the same text: no version, no save
            assert client.post(f"/api/v1/articles/{article_id}/check", headers=headers).status_code == 200
        site.serve("/story", article_page("Harbour budget", [*story(), "Correction: the figure was wrong."]))
        assert client.post(f"/api/v1/articles/{article_id}/check", headers=headers).status_code == 200

        stored = [(save.version_number, save.url) for save in saves(app)]
        assert stored == ([(1, url), (2, url)] if setting else [])
        for save in saves(app):
            spn.routes[f"/save/{save.url}"] = captured(spn, save.url)
        later = Clock()
        later.now += timedelta(minutes=1)  # the checks queued them at their own, finer, times
        assert saver(app, later).run_due() == ({"succeeded": 2} if setting else {})


@pytest.mark.parametrize("setting", [True, False])
def test_the_worker_runs_saves_on_a_job_of_their_own_when_the_setting_is_on(
    database_url: str, spn: PageServer, setting: bool
):
    with saving_app(database_url, spn, save_page_now=setting) as app:
        ticker = Ticker(runtime_of(app), separate=False)
        url = queued(app, URL, Clock())
        spn.routes[f"/save/{url}"] = captured(spn, url)

        job = ticker.scheduler.get_job("saves")

        assert (job is not None) is setting
        if job is not None:
            job.func()  # a tick of the job, under the worker's backoff guard
            assert [save.state for save in saves(app)] == ["succeeded"]
