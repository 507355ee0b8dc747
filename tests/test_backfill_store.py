"""Backfill from web archives, the storing side (tracker/services/backfill.py): captures read as the
engine reads them (read_step on real pages, no network), stored through the real store on SQLite and
PostgreSQL; numbering, captures, the event, retries, the held first check, and the API around it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import article_page, auth, make_test_app, make_token, story
from tracker.adapters.models import Article, Backfill, Capture, Check, Event, Version, VersionSearch
from tracker.domain.errors import CheckError, Conflict
from tracker.domain.pages import Page
from tracker.domain.reading import CheckTarget, Fetched, read_step
from tracker.engine.runtime import Runtime
from tracker.services import backfill as backfills
from tracker.services.checking import CheckPolicy
from tracker.services.checks import record_check
from tracker.services.observing import check_target

ARCHIVE = "http://127.0.0.1:9/timemap/link/"  # named, never asked: these tests run no backfill engine
URL = "https://news.example.com/2026/01/harbour-budget"
DAY = timedelta(days=1)
WEBHOOK_SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "docs" / "webhook-payload.schema.json").read_text()
)


@pytest.fixture
def archives(database_url: str) -> Iterator[Flask]:
    """The app with web archives on (TRACKER_ARCHIVES names one)."""
    app = make_test_app(database_url, archives=ARCHIVE)
    yield app
    app.extensions["tracker"].engine.dispose()


@pytest.fixture
def tracker(archives: Flask) -> Runtime:
    return archives.extensions["tracker"]


def page_of(paragraphs: list[str], title: str = "Harbour budget approved") -> str:
    return article_page(title, paragraphs)


def fetched(url: str, html: str, at: datetime) -> Fetched:
    page = Page(
        url=url,
        final_url=url,
        status=200,
        headers=(("Content-Type", "text/html; charset=utf-8"),),
        body=html.encode(),
        content_type="text/html; charset=utf-8",
        etag=None,
        last_modified=None,
        duration_ms=5,
    )
    return Fetched(started_at=at, duration_ms=5, page=page, body_hash=hashlib.sha256(page.body).hexdigest())


def capture(check: CheckTarget, at: datetime, html: str) -> backfills.CaptureRead:
    """Return a Wayback capture of the page at `at`, read as the backfill engine reads one."""
    memento = f"https://web.archive.org/web/{at:%Y%m%d%H%M%S}/{check.url}"
    observation = read_step(check, fetched(memento, html, at))
    return backfills.CaptureRead(memento=memento, at=at, observation=observation, error=None)


def run(
    runtime: Runtime,
    article_id: int,
    pages: list[tuple[datetime, str]],
    *,
    now: datetime,
    error: CheckError | None = None,
    complete: bool = True,
) -> backfills.BackfillTarget:
    """Claim the article's backfill, read these captures and record the run; return the target."""
    with runtime.sessions.begin() as session:
        target = backfills.claim_backfill(session, article_id, worker="test", now=now, lease_seconds=60)
    reads = [capture(target.check, at, html) for at, html in pages]
    reads = [read for read in reads if read.memento not in target.known]  # as the engine skips them
    result = backfills.RunResult(
        captures_found=len(pages),
        requests=len(reads) + 1,
        reads=reads,
        complete=complete and error is None,
        error=error,
    )
    with runtime.sessions.begin() as session:
        backfills.record_backfill(session, target, result, now=now, base_url="https://tracker.example")
    return target


def live_check(runtime: Runtime, article_id: int, html: str, at: datetime) -> str:
    """Record a live check that saw this page (read as the poller reads it); return its outcome."""
    with runtime.sessions.begin() as session:
        target = check_target(session, session.get_one(Article, article_id))
    observation = read_step(target, fetched(target.url, html, at))
    with runtime.sessions.begin() as session:
        return record_check(session, target, observation, policy=CheckPolicy()).outcome


def add(client: FlaskClient, token: str, **fields: Any) -> dict[str, Any]:
    response = client.post("/api/v1/articles", json={"url": URL, **fields}, headers=auth(token))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def listen(client: FlaskClient, token: str) -> None:
    """Give the user a webhook endpoint, so that events about their articles are written."""
    response = client.post("/api/v1/webhooks", json={"url": "http://127.0.0.1:9/hook"}, headers=auth(token))
    assert response.status_code == 201, response.get_json()


def events(runtime: Runtime, kind: str) -> list[dict[str, Any]]:
    with runtime.sessions.begin() as session:
        rows = session.scalars(select(Event.payload).where(Event.type == kind).order_by(Event.id))
        return [json.loads(payload) for payload in rows]


def versions(runtime: Runtime, article_id: int) -> list[tuple[int, str, str | None]]:
    with runtime.sessions.begin() as session:
        rows = session.execute(
            select(Version.number, Version.source, Version.memento)
            .where(Version.article_id == article_id)
            .order_by(Version.number)
        )
        return [tuple(row) for row in rows]


def captures(runtime: Runtime, article_id: int) -> list[tuple[str, int | None]]:
    with runtime.sessions.begin() as session:
        rows = session.execute(
            select(Capture.outcome, Capture.version_number)
            .where(Capture.article_id == article_id)
            .order_by(Capture.captured_at)
        )
        return [tuple(row) for row in rows]


def test_a_new_article_gets_archive_versions_first_and_its_first_live_version_is_a_first_look(
    archives: Flask, tracker: Runtime
):
    client = archives.test_client()
    token = make_token(tracker)
    listen(client, token)
    before = datetime.now(UTC)
    article = add(client, token)
    assert article["backfill"] is True and article["archive"]["state"] == "pending"
    with tracker.sessions.begin() as session:
        held = session.get_one(Article, article["id"]).next_check_at
    assert held >= before + timedelta(seconds=59)  # the first live check waits for the backfill

    first, second = story(3), [*story(3), "A fourth paragraph was added the next morning by the desk."]
    t1 = datetime(2026, 1, 1, 8, tzinfo=UTC)
    now = datetime.now(UTC)
    run(
        tracker,
        article["id"],
        [(t1 + DAY, page_of(first)), (t1, page_of(first)), (t1 + 2 * DAY, page_of(second))],
        now=now,
    )

    assert versions(tracker, article["id"]) == [
        (1, "archive", f"https://web.archive.org/web/20260101080000/{URL}"),
        (2, "archive", f"https://web.archive.org/web/20260103080000/{URL}"),
    ]
    assert captures(tracker, article["id"]) == [("stored", 1), ("same", 1), ("stored", 2)]
    [backfilled] = events(tracker, "article.backfilled")
    jsonschema.validate(backfilled, WEBHOOK_SCHEMA)  # the documented shape (docs/webhooks.md)
    assert backfilled["data"]["versions"] == 2
    assert backfilled["data"]["from"] == "2026-01-01T08:00:00Z"
    assert backfilled["data"]["until"] == "2026-01-03T08:00:00Z"
    assert backfilled["data"]["archives"] == ["web.archive.org"]
    with tracker.sessions.begin() as session:
        row = session.get_one(Article, article["id"])
        assert row.next_check_at <= now  # released: the live check goes ahead now
        assert row.version_count == 2 and row.first_number == 1

    third = [*second, "A correction was appended at the foot of the story on Friday afternoon."]
    assert live_check(tracker, article["id"], page_of(third), now + timedelta(seconds=1)) == "first"
    assert events(tracker, "article.changed") == []  # archive versions and the first look alert nobody
    with tracker.sessions.begin() as session:
        row = session.get_one(Article, article["id"])
        assert row.last_changed_at is None
        live = session.scalars(select(Version).where(Version.number == 3)).one()
        assert live.source == "live" and live.change["paragraphs_added"] == 1  # against the last capture

    version = client.get(f"/api/v1/articles/{article['id']}/versions/1").get_json()
    assert version["source"] == "archive" and version["memento"].startswith("https://web.archive.org/web/")
    assert version["observed_at"] == "2026-01-01T08:00:00Z"
    latest = client.get(f"/api/v1/articles/{article['id']}/versions/3").get_json()
    assert latest["source"] == "live" and latest["memento"] is None
    shown = client.get(f"/api/v1/articles/{article['id']}", headers=auth(token)).get_json()
    assert shown["archive"]["state"] == "done" and shown["archive"]["versions_added"] == 2
    assert shown["archive"]["captures_found"] == 3 and shown["archive"]["error"] is None

    # The next change we see ourselves is a change again.
    assert live_check(tracker, article["id"], page_of(story(2)), now + timedelta(hours=1)) == "changed"
    assert len(events(tracker, "article.changed")) == 1


def test_captures_older_than_the_versions_held_are_numbered_below_them(archives: Flask, tracker: Runtime):
    client = archives.test_client()
    token = make_token(tracker)
    listen(client, token)
    article = add(client, token)
    now = datetime.now(UTC)
    assert live_check(tracker, article["id"], page_of(story(4)), now - DAY) == "first"
    with tracker.sessions.begin() as session:
        assert session.get_one(Version, 1).change["words_added"] > 0  # against the empty article
        assert session.get_one(VersionSearch, 1).added_terms == ""  # a first version changed nothing

    t1 = now - 5 * DAY
    target = run(
        tracker,
        article["id"],
        [
            (t1, page_of(story(2))),
            (t1 + DAY, page_of(story(3))),
            (now - DAY / 2, page_of(story(5))),  # newer than version 1: not taken
        ],
        now=now,
    )
    assert target.oldest_at is not None and target.known == frozenset()
    assert [(number, source) for number, source, _memento in versions(tracker, article["id"])] == [
        (-1, "archive"),
        (0, "archive"),
        (1, "live"),
    ]
    with tracker.sessions.begin() as session:
        row = session.get_one(Article, article["id"])
        assert (row.first_number, row.version_count) == (-1, 1)
        old_first = session.scalars(select(Version).where(Version.number == 1)).one()
        assert old_first.change["paragraphs_added"] == 1 and old_first.change["paragraphs_removed"] == 0
        assert session.get_one(VersionSearch, old_first.id).added_terms != ""  # its change is searchable
    assert captures(tracker, article["id"]) == [("stored", -1), ("stored", 0)]
    assert [event["data"]["versions"] for event in events(tracker, "article.backfilled")] == [2]

    listed = client.get(f"/api/v1/articles/{article['id']}/versions?limit=2").get_json()
    assert [item["number"] for item in listed["items"]] == [-1, 0] and listed["next"] == "0"
    rest = client.get(f"/api/v1/articles/{article['id']}/versions?cursor=0").get_json()
    assert [item["number"] for item in rest["items"]] == [1]
    assert client.get(f"/api/v1/articles/{article['id']}/versions/-1").get_json()["number"] == -1
    diff = client.get(f"/api/v1/articles/{article['id']}/diff?to=-1").get_json()
    assert diff["from"] == -2 and diff["to"] == -1  # below the oldest: the empty article
    assert client.get(f"/api/v1/articles/{article['id']}/diff?from=-1&to=1").get_json()["from"] == -1

    # A later run skips what it read; an older capture with the oldest version's text stores nothing.
    again = run(tracker, article["id"], [(t1 - DAY, page_of(story(2)))], now=now + timedelta(minutes=1))
    assert len(again.known) == 2 and again.oldest_at == t1
    assert captures(tracker, article["id"])[0] == ("same", -1)
    assert len(versions(tracker, article["id"])) == 3
    assert len(events(tracker, "article.backfilled")) == 1  # nothing stored, nothing told


def test_failed_runs_back_off_then_give_up_until_asked_again(archives: Flask, tracker: Runtime):
    client = archives.test_client()
    token = make_token(tracker)
    article = add(client, token)
    now = datetime.now(UTC)
    down = CheckError("the archive did not answer in time", code="timeout")
    waits = []
    for _attempt in range(5):
        run(tracker, article["id"], [], now=now, error=down)
        with tracker.sessions.begin() as session:
            row = session.get_one(Backfill, article["id"])
            waits.append((row.state, row.attempts, row.due_at - now, row.last_error_code, row.claimed_by))
    assert [wait[:3] for wait in waits] == [
        ("pending", 1, timedelta(minutes=10)),
        ("pending", 2, timedelta(hours=1)),
        ("pending", 3, timedelta(hours=6)),
        ("pending", 4, timedelta(days=1)),
        ("failed", 5, timedelta(days=1)),
    ]
    assert {wait[3:] for wait in waits} == {("timeout", None)}
    with tracker.sessions.begin() as session:
        assert session.get_one(Article, article["id"]).next_check_at <= now  # the live check goes ahead
        assert (
            backfills.claim_backfills(session, worker="w", now=now + 2 * DAY, lease_seconds=60, limit=5) == []
        )

    answer = client.post(f"/api/v1/articles/{article['id']}/backfill", headers=auth(token))
    assert answer.status_code == 202
    assert answer.get_json()["state"] == "pending" and answer.get_json()["error"]["code"] == "timeout"
    with tracker.sessions.begin() as session:
        assert session.get_one(Backfill, article["id"]).attempts == 0
        [claimed] = backfills.claim_backfills(
            session, worker="w", now=datetime.now(UTC), lease_seconds=60, limit=5
        )
        assert claimed.article_id == article["id"] and claimed.url == URL and claimed.oldest_at is None
        # Leased: another worker does not get it until the lease ends.
        assert (
            backfills.claim_backfills(session, worker="v", now=datetime.now(UTC), lease_seconds=60, limit=5)
            == []
        )
        # Nor by hand (`tracker backfill ID`): two runs would ask the archives twice.
        with pytest.raises(Conflict, match="w is backfilling article"):
            backfills.claim_backfill(
                session, article["id"], worker="v", now=datetime.now(UTC), lease_seconds=60
            )
        assert (
            backfills.claim_backfill(
                session, article["id"], worker="w", now=datetime.now(UTC), lease_seconds=60
            ).article_id
            == article["id"]
        )


def test_a_run_cut_short_keeps_what_it_read_and_comes_back_soon(archives: Flask, tracker: Runtime):
    client = archives.test_client()
    token = make_token(tracker)
    article = add(client, token)
    now = datetime.now(UTC)
    run(tracker, article["id"], [(now - DAY, page_of(story(2)))], now=now, complete=False)
    with tracker.sessions.begin() as session:
        row = session.get_one(Backfill, article["id"])
        assert (row.state, row.due_at, row.attempts, row.finished_at) == (
            "pending",
            now + timedelta(minutes=10),
            0,
            None,
        )
        assert row.versions_added == 1
        due = backfills.claim_backfills(
            session, worker="w", now=now + timedelta(minutes=11), lease_seconds=60, limit=5
        )
        assert [target.article_id for target in due] == [article["id"]]


def test_capture_errors_are_kept_and_read_again(archives: Flask, tracker: Runtime):
    client = archives.test_client()
    token = make_token(tracker)
    article = add(client, token)
    now = datetime.now(UTC)
    with tracker.sessions.begin() as session:
        target = backfills.claim_backfill(session, article["id"], worker="t", now=now, lease_seconds=60)
    broken = backfills.CaptureRead(
        memento="https://web.archive.org/web/20260101000000/x",
        at=now - DAY,
        observation=None,
        error=CheckError("the archive answered 502", code="http_502"),
    )
    with tracker.sessions.begin() as session:
        backfills.record_backfill(
            session,
            target,
            backfills.RunResult(captures_found=1, requests=2, reads=[broken], complete=True, error=None),
            now=now,
            base_url="",
        )
    assert captures(tracker, article["id"]) == [("error", None)]
    with tracker.sessions.begin() as session:
        assert session.get_one(Backfill, article["id"]).state == "done"
        assert (
            backfills.claim_backfill(session, article["id"], worker="t", now=now, lease_seconds=60).known
            == frozenset()
        )


def test_backfill_is_off_without_archives_and_follows_the_callers_choice(
    database_url: str, archives: Flask, tracker: Runtime
):
    client = archives.test_client()
    token = make_token(tracker)
    article = add(client, token, backfill=False)
    assert article["backfill"] is False and article["archive"] is None
    with tracker.sessions.begin() as session:
        assert session.get(Backfill, article["id"]) is None

    account = client.patch("/api/v1/account", json={"backfill_default": False}, headers=auth(token))
    assert account.status_code == 200 and account.get_json()["backfill_default"] is False
    assert client.get("/api/v1/account", headers=auth(token)).get_json()["backfill_default"] is False
    other = client.post("/api/v1/articles", json={"url": f"{URL}-2"}, headers=auth(token)).get_json()
    assert other["backfill"] is False and other["archive"] is None
    asked = client.post("/api/v1/articles", json={"url": f"{URL}-3", "backfill": True}, headers=auth(token))
    assert asked.get_json()["backfill"] is True and asked.get_json()["archive"]["state"] == "pending"
    changed = client.patch(f"/api/v1/articles/{other['id']}", json={"backfill": True}, headers=auth(token))
    assert changed.get_json()["backfill"] is True
    # Asking for a backfill of an article that opted out opts it in: else the queued run would never go.
    assert client.post(f"/api/v1/articles/{article['id']}/backfill", headers=auth(token)).status_code == 202
    assert client.get(f"/api/v1/articles/{article['id']}", headers=auth(token)).get_json()["backfill"] is True
    refused = client.patch("/api/v1/account", json={"backfill_default": "no"}, headers=auth(token))
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "bad_backfill_default"

    off = make_test_app(database_url)  # TRACKER_ARCHIVES empty
    try:
        off_client = off.test_client()
        answer = off_client.post(f"/api/v1/articles/{article['id']}/backfill", headers=auth(token))
        assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "backfill_off"
        plain = off_client.post("/api/v1/articles", json={"url": f"{URL}-4"}, headers=auth(token)).get_json()
        assert plain["backfill"] is False or plain["archive"] is None
    finally:
        off.extensions["tracker"].engine.dispose()
    with tracker.sessions.begin() as session:
        assert session.scalar(select(Check.id)) is None  # nothing was fetched


def test_an_import_queues_a_backfill_for_each_new_article_as_the_users_default_says(
    archives: Flask, tracker: Runtime
):
    client = archives.test_client()
    token = make_token(tracker)
    urls = [f"{URL}-{n}" for n in range(3)]
    imported = client.post("/api/v1/import", json={"urls": urls[:2]}, headers=auth(token)).get_json()
    ids = [item["article_id"] for item in imported["added"]]
    client.patch("/api/v1/account", json={"backfill_default": False}, headers=auth(token))
    later = client.post("/api/v1/import", json={"urls": urls}, headers=auth(token)).get_json()
    [plain] = [item["article_id"] for item in later["added"]]
    with tracker.sessions.begin() as session:
        queued = session.scalars(select(Backfill.article_id).order_by(Backfill.article_id))
        assert list(queued) == ids
        assert session.get_one(Article, plain).backfill is False
        held = session.scalars(select(Article.next_check_at).where(Article.id.in_(ids)))
        assert all(at > datetime.now(UTC) + timedelta(seconds=30) for at in held)


def test_a_duplicate_with_archive_versions_merges_into_its_canonical_article_at_its_first_look(
    archives: Flask, tracker: Runtime
):
    client = archives.test_client()
    token = make_token(tracker)
    now = datetime.now(UTC)
    original = add(client, token)
    assert live_check(tracker, original["id"], page_of(story(3)), now) == "first"
    duplicate = add(client, token, url=f"{URL}?print=1")
    run(tracker, duplicate["id"], [(now - DAY, page_of(story(2)))], now=now)
    assert versions(tracker, duplicate["id"]) == [
        (1, "archive", f"https://web.archive.org/web/{(now - DAY):%Y%m%d%H%M%S}/{URL}?print=1")
    ]

    naming = article_page(
        "Harbour budget approved", story(3), extra_head=f'<link rel="canonical" href="{URL}">'
    )
    assert live_check(tracker, duplicate["id"], naming, now + timedelta(minutes=1)) == "unchanged"

    gone = client.get(f"/api/v1/articles/{duplicate['id']}")
    assert gone.status_code == 404 and gone.get_json()["error"]["code"] == "article_merged"
    assert [
        item["id"] for item in client.get("/api/v1/articles", headers=auth(token)).get_json()["items"]
    ] == [original["id"]]


def test_a_live_check_between_a_runs_claim_and_its_record_keeps_numbers_in_time_order(
    archives: Flask, tracker: Runtime
):
    client = archives.test_client()
    token = make_token(tracker)
    article = add(client, token)
    now = datetime.now(UTC)
    with tracker.sessions.begin() as session:  # the engine claims, then reads the archive ...
        target = backfills.claim_backfill(session, article["id"], worker="w", now=now, lease_seconds=60)
    reads = [capture(target.check, now - n * DAY, page_of(story(n + 1))) for n in (3, 2, 1)]
    # ... while a check-now stores the first live version
    assert live_check(tracker, article["id"], page_of(story(5)), now) == "first"
    result = backfills.RunResult(captures_found=3, requests=4, reads=reads, complete=True, error=None)
    with tracker.sessions.begin() as session:
        backfills.record_backfill(session, target, result, now=now, base_url="https://tracker.example")
    assert [(number, source) for number, source, _memento in versions(tracker, article["id"])] == [
        (-2, "archive"),
        (-1, "archive"),
        (0, "archive"),
        (1, "live"),
    ]
    with tracker.sessions.begin() as session:
        first_live = session.scalars(select(Version).where(Version.number == 1)).one()
        assert first_live.change["words_added"] > 0  # recomputed against the capture before it
