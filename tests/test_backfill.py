"""Backfill from web archives, end to end: a fake archive on 127.0.0.1 (tests/archiveserver.py), real
article pages (tests/pageserver.py), the engine (tracker.engine.backfiller), the store
(tracker.services.backfill) and the live checks that follow, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.archiveserver import BANNER_MARK, ArchiveServer, path_kind
from tests.factories import add_article, article_page, auth, make_test_app, make_token, story
from tests.pageserver import PageServer
from tracker.adapters.models import Article, Backfill, Capture, Check, Version
from tracker.engine.backfiller import Backfiller, make_backfiller
from tracker.engine.readers import reading_pool
from tracker.engine.runtime import Runtime, make_poller
from tracker.engine.worker import Ticker
from tracker.services import articles
from tracker.services.backfillqueue import Backfilling

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def archive() -> Iterator[ArchiveServer]:
    server = ArchiveServer()
    yield server
    server.close()


@contextmanager
def archived_app(database_url: str, archive: ArchiveServer, **overrides: object) -> Iterator[Flask]:
    """The app with the fake archive as its only one: short deadline, small politeness delay."""
    settings: dict[str, object] = {
        "archives": archive.prefix,
        "archive_delay": 0.05,
        "backfill_deadline": 2.0,
        **overrides,
    }
    app = make_test_app(database_url, **settings)
    try:
        yield app
    finally:
        app.extensions["tracker"].engine.dispose()


def runtime_of(app: Flask) -> Runtime:
    return app.extensions["tracker"]


def page(version: str) -> str:
    """An article page whose text says which version it is (in its second paragraph)."""
    paragraphs = story(4)
    paragraphs[1] = f"The mayor's statement, as it read in version {version}, was brief and to the point."
    return article_page("Council approves the harbour plan", paragraphs)


def add(app: Flask, site: PageServer, path: str = "/story", **fields: Any) -> dict[str, Any]:
    """Track a live page through the API; return the article JSON."""
    url = site.serve(path, page("live"))
    token = make_token(runtime_of(app))
    return add_article(app.test_client(), token, url, **fields)


def versions(runtime: Runtime, article_id: int) -> list[Version]:
    with runtime.sessions() as session:
        found = list(
            session.scalars(select(Version).where(Version.article_id == article_id).order_by(Version.number))
        )
        for version in found:
            _ = version.raw_html  # deferred: load it while the session is open
        return found


def backfill_row(runtime: Runtime, article_id: int) -> Backfill:
    with runtime.sessions() as session:
        row = session.get(Backfill, article_id)
        assert row is not None
        return row


def article_row(runtime: Runtime, article_id: int) -> Article:
    with runtime.sessions() as session:
        row = session.get(Article, article_id)
        assert row is not None
        return row


def version_text(version: Version) -> str:
    return "\n".join(version.paragraphs)


def poll(runtime: Runtime) -> int:
    """Run one polling pass as the worker does; return how many articles it checked."""
    poller = make_poller(runtime, read_processes=0)
    try:
        return poller.poll().checked
    finally:
        poller.close()


# --- a new article ---------------------------------------------------------------------------------


def test_a_new_articles_first_live_check_waits_for_its_past_from_the_archive(
    database_url: str, archive: ArchiveServer, site: PageServer
):
    with archived_app(database_url, archive) as app:
        runtime = runtime_of(app)
        article = add(app, site)
        url = article["url"]
        uris = [
            archive.capture(url, T0, page("A")),
            archive.capture(url, T0 + timedelta(hours=2), page("B")),
            archive.capture(url, T0 + timedelta(hours=5), page("B")),  # the same text: no version
            archive.capture(url, T0 + timedelta(days=1), page("C")),
        ]
        assert poll(runtime) == 0  # held for the backfill

        report = make_backfiller(runtime).run_due()
        assert report == {"done": 1}
        assert poll(runtime) == 1  # released as soon as the backfill ended

        stored = versions(runtime, article["id"])
        assert [(v.number, v.source) for v in stored] == [
            (1, "archive"),
            (2, "archive"),
            (3, "archive"),
            (4, "live"),
        ]
        assert [v.memento for v in stored] == [uris[0], uris[1], uris[3], None]  # as the TimeMap names them
        assert [v.observed_at for v in stored[:3]] == [T0, T0 + timedelta(hours=2), T0 + timedelta(days=1)]
        assert ["version A" in version_text(stored[0]), "version C" in version_text(stored[2])] == [
            True,
            True,
        ]
        assert "version live" in version_text(stored[3])
        assert all(v.final_url == url for v in stored)
        # Read through id_: the replay banner is in no text and no stored body.
        assert archive.hits("replay") == 0 and archive.hits("raw") == 4 and archive.hits("timemap") == 1
        for version in stored:
            assert BANNER_MARK not in zlib.decompress(version.raw_html).decode()
            assert "Wayback" not in version_text(version)

        row = backfill_row(runtime, article["id"])
        assert (row.state, row.captures_found, row.versions_added) == ("done", 4, 3)
        assert row.requests == len(archive.visits) == 5
        with runtime.sessions() as session:
            captures = session.scalars(select(Capture).where(Capture.article_id == article["id"]))
            assert sorted((c.outcome, c.version_number) for c in captures) == [
                ("same", 2),
                ("stored", 1),
                ("stored", 2),
                ("stored", 3),
            ]
            first_live = session.scalars(select(Check).where(Check.article_id == article["id"])).one()
            assert first_live.version_number == 4


def test_an_article_the_archive_never_captured_is_done_at_once(
    database_url: str, archive: ArchiveServer, site: PageServer
):
    with archived_app(database_url, archive) as app:
        runtime = runtime_of(app)
        article = add(app, site)

        assert make_backfiller(runtime).run_due() == {"done": 1}

        assert [(path_kind(v.path), v.status) for v in archive.visits] == [("timemap", 404)]
        row = backfill_row(runtime, article["id"])
        assert (row.captures_found, row.versions_added, row.last_error_code) == (0, 0, None)
        assert poll(runtime) == 1


def test_captures_beyond_backfill_max_are_spread_over_time(
    database_url: str, archive: ArchiveServer, site: PageServer
):
    with archived_app(database_url, archive, backfill_max=3) as app:
        runtime = runtime_of(app)
        article = add(app, site)
        # Seven captures a day apart but for a crowd in the first hours.
        moments = [T0, T0 + timedelta(hours=1), T0 + timedelta(hours=2)]
        moments += [T0 + timedelta(days=day) for day in (2, 3, 4, 6)]
        uris = [archive.capture(article["url"], at, page(str(n))) for n, at in enumerate(moments)]

        make_backfiller(runtime).run_due()

        stored = versions(runtime, article["id"])
        assert [v.memento for v in stored] == [uris[0], uris[4], uris[6]]  # first, nearest day 3, last
        assert backfill_row(runtime, article["id"]).captures_found == 7
        assert archive.hits("raw") == 3


# --- politeness ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latency", "delay"),
    [
        (0.0, 0.2),  # answers at once: the delay keeps requests apart
        (0.2, 0.05),  # answers slowly: only the limit of one in flight keeps them apart
    ],
)
def test_requests_to_an_archive_are_paced_and_never_two_at_once(
    database_url: str, archive: ArchiveServer, site: PageServer, latency: float, delay: float
):
    archive.latency = latency
    with archived_app(database_url, archive, archive_delay=delay, backfill_deadline=5.0) as app:
        runtime = runtime_of(app)
        first = add(app, site, "/one")
        second = add(app, site, "/two")
        for article in (first, second):
            for hours in range(3):
                archive.capture(article["url"], T0 + timedelta(hours=hours), page(f"{hours}"))

        backfiller = make_backfiller(runtime)
        backfiller.settings = replace(backfiller.settings, runs=2)  # two runs at once: one gate still
        assert backfiller.run_due() == {"done": 2}

    assert len(archive.visits) == 8
    assert archive.most_in_flight == 1
    ordered = sorted(archive.visits, key=lambda visit: visit.arrived)
    for before, after in pairwise(ordered):
        assert after.arrived >= before.answered, "two requests were in flight at once"
        # Counted from the answer: the pause the archive sees, however late a request reached it.
        assert after.arrived - before.answered >= delay, (before, after)


def test_retry_after_is_waited_out_when_it_fits_the_deadline(
    database_url: str, archive: ArchiveServer, site: PageServer
):
    with archived_app(database_url, archive, backfill_deadline=5.0) as app:
        runtime = runtime_of(app)
        article = add(app, site)
        archive.capture(article["url"], T0, page("A"))
        archive.too_many, archive.retry_after = 1, "1"

        assert make_backfiller(runtime).run_due() == {"done": 1}

        statuses = [(path_kind(v.path), v.status) for v in archive.visits]
        assert statuses == [("timemap", 429), ("timemap", 200), ("raw", 200)]
        assert archive.visits[1].arrived - archive.visits[0].arrived >= 1.0
        assert backfill_row(runtime, article["id"]).requests == 3
        assert len(versions(runtime, article["id"])) == 1


def test_a_retry_after_beyond_the_deadline_stops_the_run_until_then(
    database_url: str, archive: ArchiveServer, site: PageServer
):
    with archived_app(database_url, archive) as app:
        runtime = runtime_of(app)
        article = add(app, site)
        for hours in range(3):
            archive.capture(article["url"], T0 + timedelta(hours=hours), page(f"{hours}"))
        archive.too_many, archive.retry_after = 10, "3600"
        before = datetime.now(UTC)

        started = time.monotonic()
        make_backfiller(runtime).run_due()
        assert time.monotonic() - started < 1.0  # not waited for

        assert len(archive.visits) == 1  # asked once, then left alone
        row = backfill_row(runtime, article["id"])
        assert (row.state, row.last_error_code) == ("pending", "http_429")
        assert before + timedelta(seconds=3600) <= row.due_at <= datetime.now(UTC) + timedelta(seconds=3600)
        assert row.attempts == 0  # asked to wait is no failure: five of them never give the backfill up
        assert poll(runtime) == 1  # the live check goes ahead


# --- an archive that is slow or away ---------------------------------------------------------------


def test_an_archive_that_is_down_fails_the_backfill_not_the_live_check(
    database_url: str, archive: ArchiveServer, site: PageServer
):
    archive.close()  # nothing answers at its port: connection refused
    with archived_app(database_url, archive) as app:
        runtime = runtime_of(app)
        article = add(app, site)
        before = datetime.now(UTC)

        assert make_backfiller(runtime).run_due() == {"pending": 1}

        row = backfill_row(runtime, article["id"])
        assert (row.state, row.attempts, row.last_error_code) == ("pending", 1, "connection_refused")
        assert row.due_at >= before + timedelta(minutes=9)  # tried again later
        assert make_backfiller(runtime).run_due() == {}  # not before
        assert poll(runtime) == 1
        assert [(v.number, v.source) for v in versions(runtime, article["id"])] == [(1, "live")]


def test_a_slow_archive_is_cut_at_the_deadline_and_the_live_check_goes_ahead(
    database_url: str, archive: ArchiveServer, site: PageServer
):
    with archived_app(database_url, archive, backfill_deadline=1.0) as app:
        runtime = runtime_of(app)
        article = add(app, site)
        archive.capture(article["url"], T0, page("A"))
        archive.slow = 3.0  # longer than the whole deadline: cut while waiting for the answer

        started = time.monotonic()
        make_backfiller(runtime).run_due()
        assert time.monotonic() - started < 1.8

        row = backfill_row(runtime, article["id"])
        assert (row.state, row.last_error_code) == ("pending", "timeout")
        assert article_row(runtime, article["id"]).next_check_at <= datetime.now(UTC)


def test_a_capture_that_answers_slowly_is_cut_at_the_runs_deadline(
    database_url: str, archive: ArchiveServer, site: PageServer
):
    with archived_app(database_url, archive, backfill_deadline=1.0, archive_delay=0.5) as app:
        runtime = runtime_of(app)
        article = add(app, site)
        archive.capture(article["url"], T0, page("A"))
        archive.slow, archive.slow_kind = 3.0, "raw"  # the TimeMap comes at once, the capture does not

        started = time.monotonic()
        make_backfiller(runtime).run_due()
        assert time.monotonic() - started < 1.4  # its request began 0.5 s in: it had 0.5 s, not 1 s

        row = backfill_row(runtime, article["id"])
        assert (row.state, row.last_error_code, row.versions_added) == ("pending", None, 0)  # cut, not failed
        assert poll(runtime) == 1


def test_a_run_cut_short_keeps_the_newest_captures_and_the_next_adds_older_ones_below(
    database_url: str, archive: ArchiveServer, site: PageServer
):
    with archived_app(database_url, archive, backfill_deadline=1.0, archive_delay=0.3) as app:
        runtime = runtime_of(app)
        article = add(app, site)
        uris = [archive.capture(article["url"], T0 + timedelta(days=n), page(str(n))) for n in range(6)]

        cut = make_backfiller(runtime).backfill(article["id"])  # time for the TimeMap and ~3 captures
        assert (cut.state, cut.error_code) == ("pending", None)
        first = versions(runtime, article["id"])
        count = len(first)
        assert 1 <= count < 6
        assert [v.memento for v in first] == uris[6 - count :]  # the newest
        assert [v.number for v in first] == list(range(1, count + 1))

        backfiller = make_backfiller(runtime)
        backfiller.settings = replace(backfiller.settings, deadline=10.0)
        rest = backfiller.backfill(article["id"])
        assert (rest.state, rest.versions_added) == ("done", 6 - count)
        stored = versions(runtime, article["id"])
        assert [v.memento for v in stored] == uris
        # Numbers given never change: the older captures came below, 0 and down.
        assert [v.number for v in stored] == list(range(count - 5, count + 1))
        assert [(v.number, v.memento) for v in stored[6 - count :]] == [(v.number, v.memento) for v in first]
        assert article_row(runtime, article["id"]).first_number == count - 5


# --- runs on demand and again ----------------------------------------------------------------------


def test_a_second_run_skips_the_captures_it_has(database_url: str, archive: ArchiveServer, site: PageServer):
    with archived_app(database_url, archive) as app:
        runtime = runtime_of(app)
        article = add(app, site)
        for n in range(3):
            archive.capture(article["url"], T0 + timedelta(hours=n), page(str(n % 2)))
        make_backfiller(runtime).run_due()
        held = [(v.number, v.memento) for v in versions(runtime, article["id"])]
        visits = len(archive.visits)

        again = make_backfiller(runtime).backfill(article["id"])

        assert (again.state, again.versions_added, again.requests) == ("done", 0, 1)  # the TimeMap only
        assert [path_kind(v.path) for v in archive.visits[visits:]] == ["timemap"]
        assert [(v.number, v.memento) for v in versions(runtime, article["id"])] == held


def test_a_capture_with_the_text_of_the_oldest_version_is_read_once(
    database_url: str, archive: ArchiveServer, site: PageServer
):
    with archived_app(database_url, archive) as app:
        runtime = runtime_of(app)
        article = add(app, site, backfill=False)
        assert poll(runtime) == 1
        archive.capture(article["url"], T0, page("live"))  # older than version 1, with its text

        first = make_backfiller(runtime).backfill(article["id"])
        again = make_backfiller(runtime).backfill(article["id"])

        assert (first.versions_added, first.requests, first.state) == (0, 2, "done")
        assert (again.versions_added, again.requests, again.state) == (0, 1, "done")
        assert archive.hits("raw") == 1
        assert [v.number for v in versions(runtime, article["id"])] == [1]


def test_older_captures_of_an_article_with_live_versions_are_numbered_below_them(
    database_url: str, archive: ArchiveServer, site: PageServer
):
    with archived_app(database_url, archive) as app:
        runtime = runtime_of(app)
        article = add(app, site, backfill=False)  # tracked before backfill was turned on
        assert poll(runtime) == 1
        live = versions(runtime, article["id"])
        url = article["url"]
        older = [
            archive.capture(url, T0, page("A")),
            archive.capture(url, T0 + timedelta(hours=1), page("B")),
        ]
        archive.capture(url, T0 + timedelta(hours=2), page("live"))  # the text version 1 holds
        newer = archive.capture(url, datetime.now(UTC) + timedelta(minutes=5), page("later"))

        done = make_backfiller(runtime).backfill(article["id"])

        assert (done.state, done.versions_added, done.captures_found) == ("done", 2, 4)
        stored = versions(runtime, article["id"])
        assert [(v.number, v.source, v.memento) for v in stored] == [
            (-1, "archive", older[0]),
            (0, "archive", older[1]),
            (1, "live", None),
        ]
        assert stored[2].observed_at == live[0].observed_at
        assert article_row(runtime, article["id"]).first_number == -1
        # Captures after the oldest version held are covered by it: never fetched.
        assert not any(
            newer.removeprefix(archive.base).replace("/web/", "") in v.path for v in archive.visits
        )
        assert archive.hits("raw") == 3
        with runtime.sessions() as session:
            captures = session.scalars(select(Capture).where(Capture.article_id == article["id"]))
            assert sorted((c.version_number, c.outcome) for c in captures) == [
                (-1, "stored"),
                (0, "stored"),
                (1, "same"),
            ]
        again = make_backfiller(runtime).backfill(article["id"])  # every older capture is known now
        assert (again.versions_added, again.requests) == (0, 1)
        # The permalinks of the new versions answer, with their source.
        token = make_token(runtime)
        answer = app.test_client().get(f"/api/v1/articles/{article['id']}/versions/-1", headers=auth(token))
        assert answer.status_code == 200
        assert (answer.get_json()["source"], answer.get_json()["memento"]) == ("archive", older[0])


def test_the_address_guard_refuses_an_archive_on_a_private_network(database_url: str, archive: ArchiveServer):
    with archived_app(database_url, archive, allow_private_networks=False) as app:
        runtime = runtime_of(app)
        with runtime.sessions.begin() as session:
            article, _created = articles.add_article(
                session,
                "https://news.example/story",
                user_id=None,
                allow_private=False,
                now=datetime.now(UTC),
                backfilling=Backfilling(archives=True, hold_seconds=2.0),
            )
            article_id = article.id

        assert make_backfiller(runtime).run_due() == {"pending": 1}

        assert backfill_row(runtime, article_id).last_error_code == "blocked_address"
        assert archive.visits == []


# --- the command and the worker --------------------------------------------------------------------


def test_the_backfill_command_runs_one_article_or_all(
    database_url: str, archive: ArchiveServer, site: PageServer
):
    with archived_app(database_url, archive) as app:
        runtime = runtime_of(app)
        first = add(app, site, "/one")
        second = add(app, site, "/two")
        off = add(app, site, "/off", backfill=False)
        for article in (first, second, off):
            archive.capture(article["url"], T0, page("A"))
            archive.capture(article["url"], T0 + timedelta(hours=1), page("B"))
        cli = app.test_cli_runner()

        one = cli.invoke(args=["tracker", "backfill", str(first["id"])])
        assert one.exit_code == 0, one.output
        assert (
            f"article {first['id']}: 2 versions stored (2 of 2 captures read, 3 requests); done" in one.output
        )

        every = cli.invoke(args=["tracker", "backfill", "--all"])
        assert every.exit_code == 0, every.output
        assert f"article {first['id']}: 0 versions stored" in every.output  # had them all
        assert f"article {second['id']}: 2 versions stored" in every.output
        assert f"article {off['id']}:" not in every.output  # backfill off
        assert "Backfilled 2 articles: 2 versions stored" in every.output
        assert versions(runtime, off["id"]) == []

        assert cli.invoke(args=["tracker", "backfill"]).exit_code == 2
        missing = cli.invoke(args=["tracker", "backfill", "999"])
        assert missing.exit_code == 2 and "999" in missing.output


def test_the_backfill_command_needs_an_archive(database_url: str, archive: ArchiveServer):
    with archived_app(database_url, archive, archives="") as app:
        result = app.test_cli_runner().invoke(args=["tracker", "backfill", "--all"])
        assert result.exit_code == 2 and "TRACKER_ARCHIVES is empty" in result.output


def test_the_check_command_runs_no_backfill(database_url: str, archive: ArchiveServer, site: PageServer):
    with archived_app(database_url, archive) as app:
        article = add(app, site)
        archive.capture(article["url"], T0, page("A"))
        result = app.test_cli_runner().invoke(args=["tracker", "check", "--all"])
        assert result.exit_code == 0, result.output
        assert archive.visits == []
        assert backfill_row(runtime_of(app), article["id"]).state == "pending"


def test_a_slow_archive_never_holds_up_the_workers_live_checks(
    database_url: str, archive: ArchiveServer, site: PageServer
):
    settings = {"tick_seconds": 1, "backfill_deadline": 30.0, "read_timeout": 10.0}
    with archived_app(database_url, archive, **settings) as app:
        runtime = runtime_of(app)
        checked = add(app, site, "/checked", backfill=False)
        waiting = add(app, site, "/waiting")
        archive.capture(waiting["url"], T0, page("A"))
        archive.slow = 4.0
        ticker = Ticker(runtime, separate=False)
        assert ticker.scheduler.get_job("backfill") is not None
        ticker.start()
        try:
            deadline = time.monotonic() + 4
            while not versions(runtime, checked["id"]) and time.monotonic() < deadline:
                time.sleep(0.05)
            seen = time.monotonic()
        finally:
            ticker.stop()
        assert [v.source for v in versions(runtime, checked["id"])] == ["live"]
        # Checked while the backfill's first request was still waiting on the archive.
        timemap = archive.visits[0]
        assert path_kind(timemap.path) == "timemap"
        assert timemap.arrived < seen < timemap.answered


def test_the_worker_has_no_backfill_job_without_archives(database_url: str, archive: ArchiveServer):
    with archived_app(database_url, archive, archives="") as app:
        ticker = Ticker(runtime_of(app), separate=False)
        assert ticker.scheduler.get_job("backfill") is None
        assert ticker.scheduler.get_job("poll") is not None


def test_backfiller_is_built_from_the_settings(database_url: str, archive: ArchiveServer):
    with archived_app(database_url, archive, backfill_max=7, archive_concurrency=2, archive_delay=0.5) as app:
        backfiller: Backfiller = make_backfiller(runtime_of(app))
        settings = backfiller.settings
        assert (settings.prefixes, settings.limit, settings.deadline) == ((archive.prefix,), 7, 2.0)
        assert (backfiller.gate.concurrency, backfiller.gate.pacer.delay) == (2, 0.5)


def test_a_worker_reads_captures_in_its_reading_processes_and_skips_future_ones(
    database_url: str, archive: ArchiveServer, site: PageServer
):
    with archived_app(database_url, archive) as app:
        runtime = runtime_of(app)
        article = add(app, site)
        past = archive.capture(article["url"], T0, page("past"))
        archive.capture(article["url"], datetime(2999, 1, 1, tzinfo=UTC), page("future"))  # a bad date
        readers = reading_pool(1, cpu_seconds=30.0)  # as the worker's: forked, under the CPU budget
        try:
            assert make_backfiller(runtime, readers=readers).run_due() == {"done": 1}
        finally:
            readers.shutdown()

        assert [(v.number, v.memento) for v in versions(runtime, article["id"])] == [(1, past)]
        assert archive.hits("raw") == 1  # the future capture was never asked for
