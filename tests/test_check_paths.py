"""The two ways of recording checks leave the same rows: record_check (one article at a time through
the ORM, as check-now and new versions take) and record_quiet_checks (the poller's bulk statements
for 304s, unchanged pages and failures), given the same articles and the same observations.

Each run starts from an empty database and goes through the same steps; the observations of the
first run (real fetches from a real page server, at fixed times) are replayed in the second, and
the random jitter of the intervals is seeded alike, so every row must come out the same."""

from __future__ import annotations

import random
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.orm import Session

from tests.factories import article_page, make_test_app, story
from tests.pageserver import PageServer, Reply
from tracker.adapters.db import Base
from tracker.adapters.models import Article
from tracker.domain.listfiles import ListLine
from tracker.domain.reading import CheckTarget, Observation
from tracker.engine.runtime import Runtime
from tracker.services import accounts, alerts, articles, importing
from tracker.services.checks import is_quiet, record_check, record_checks
from tracker.services.observing import check_target, observe

T0 = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
# The rows a check writes: the article's schedule, status, failures and last error, the check, the
# versions, the alerts (events and their deliveries), lifecycle records, and sites' holds.
COMPARED = ("articles", "checks", "versions", "events", "deliveries", "lifecycle_events", "sites")
RANDOM_COLUMNS = {"events": {"key"}}  # the webhook-id, random by design

Results = list[tuple[CheckTarget, Observation]]
Record = Callable[[Runtime, Results], None]


def one_by_one(runtime: Runtime, results: Results) -> None:
    """The ORM path: each check in its own transaction, as check-now records it."""
    for target, observation in results:
        with runtime.sessions.begin() as session:
            record_check(session, target, observation, policy=runtime.checking.policy)


def in_bulk(runtime: Runtime, results: Results) -> None:
    """The poller's path: the batch in one transaction; checks that add no version in bulk."""
    with runtime.sessions.begin() as session:
        record_checks(session, results, policy=runtime.checking.policy)


def timeout(handler: BaseHTTPRequestHandler) -> None:
    time.sleep(2.5)  # past the tests' read timeout of 2 s


def pause(session: Session, article_id: int, user_id: int) -> None:
    articles.update_article(session, session.get_one(Article, article_id), {"status": "paused"}, now=T0)


def unfollow(session: Session, article_id: int, user_id: int) -> None:
    articles.unfollow(session, user_id, article_id)  # its only follower: paused


PAGE = Reply(article_page("Story", story()).encode())
SIDEBAR_CHANGED = Reply(article_page("Story", story(), sidebar="Most read: something else").encode())


@dataclass(frozen=True)
class Step:
    """A polling pass: what the site answers, when, and what users do while the checks are in flight."""

    at: datetime
    replies: dict[str, Reply | Callable[[BaseHTTPRequestHandler], None]]
    meanwhile: dict[str, Callable[[Session, int, int], None]] = field(default_factory=dict)


PATHS = (
    "/etag",
    "/same",
    "/noisy",
    "/e404",
    "/e410",
    "/e500",
    "/timeout",
    "/paused",
    "/pausedfail",
    "/pausedgone",
    "/r429",
)
STEPS = (
    Step(T0, {path: PAGE for path in PATHS} | {"/etag": Reply(PAGE.body, etag=True)}),
    Step(
        T0 + HOUR,
        {
            "/etag": Reply(PAGE.body, etag=True),  # 304
            "/same": PAGE,  # the same bytes
            "/noisy": SIDEBAR_CHANGED,  # other bytes, the same article
            "/e404": Reply(b"not here", status=404),
            "/e410": Reply(b"removed", status=410),
            "/e500": Reply(b"down", status=500),
            "/timeout": timeout,
            "/paused": Reply(b"down", status=500),
            "/pausedfail": Reply(b"down", status=500),
            "/pausedgone": Reply(b"removed", status=410),  # would be gone, but paused meanwhile
        },
        meanwhile={"/paused": unfollow, "/pausedgone": pause},
    ),
    Step(
        T0 + 2 * HOUR,
        {
            "/e404": Reply(b"not here", status=404),
            "/e410": Reply(b"not here", status=404),  # gone stays gone
            "/timeout": timeout,  # the same error again: last_error_count 2
            "/noisy": PAGE,
        },
    ),
    Step(T0 + 3 * HOUR, {"/e404": Reply(b"not here", status=404), "/same": Reply(b"down", status=503)}),
    Step(
        T0 + 8 * DAY,  # a week of failures: failing, alerted
        {
            "/e500": Reply(b"down", status=500),
            "/pausedfail": Reply(b"down", status=500),  # would be failing, but paused meanwhile
            "/paused": Reply(b"removed", status=410),  # would be gone, but paused
            "/e410": PAGE,  # back: restored
            "/e404": Reply(PAGE.body, etag=True),  # back too, now with an ETag
            "/same": PAGE,
        },
        meanwhile={"/pausedfail": pause},
    ),
    Step(
        T0 + 8 * DAY + HOUR,
        {
            "/r429": Reply(b"slow down", status=429, headers={"Retry-After": "7200"}),  # holds the host
            "/e500": Reply(b"down", status=500),  # failing stays failing: no second alert
            "/etag": Reply(PAGE.body, etag=True),
            "/e404": Reply(PAGE.body, etag=True),
        },
    ),
)


@dataclass
class Replay:
    """What the first run saw, for the second: each step's targets and observations."""

    seen: dict[int, Results] = field(default_factory=dict)


def run(runtime: Runtime, site: PageServer, record: Record, replay: Replay) -> dict[str, list[Any]]:
    """Go through STEPS recording with `record`; return the compared tables' rows."""
    with runtime.sessions.begin() as session:
        user = accounts.create_user(session, "alice", password=None, is_admin=True, now=T0)
        alerts.create_endpoint(
            session, user.id, {"url": "http://127.0.0.1:9/hook"}, kind="webhook", allow_private=True, now=T0
        )
        user_id = user.id
        added = [
            articles.add_article(session, site.url(path), user_id=user_id, allow_private=True, now=T0)
            for path in PATHS
        ]
        ids = {path: article.id for path, (article, _created) in zip(PATHS, added, strict=True)}
    for number, step in enumerate(STEPS):
        site.routes.update(step.replies)
        with runtime.sessions() as session:
            targets = [check_target(session, session.get_one(Article, ids[path])) for path in step.replies]
        if number not in replay.seen:
            replay.seen[number] = [
                (target, observe(target, fetch=runtime.checking.fetch, now=step.at)) for target in targets
            ]
        results = replay.seen[number]
        assert [target for target, _observation in results] == targets  # both runs are at the same point
        if number:
            assert all(is_quiet(*result) for result in results)  # what the bulk path is for
        with runtime.sessions.begin() as session:
            for path, change in step.meanwhile.items():
                change(session, ids[path], user_id)
        random.seed(number)  # the intervals' jitter, alike in both runs
        record(runtime, results)
    with runtime.sessions() as session:
        return rows(session)


def rows(session: Session) -> dict[str, list[Any]]:
    tables = Base.metadata.tables
    return {
        name: [
            {key: value for key, value in row.items() if key not in RANDOM_COLUMNS.get(name, ())}
            for row in session.execute(select(tables[name]).order_by(*tables[name].primary_key)).mappings()
        ]
        for name in COMPARED
    }


@pytest.fixture
def fresh_runtime(database_url: str, request: pytest.FixtureRequest) -> Iterator[Callable[[], Runtime]]:
    """Return a function that empties the database and gives a runtime on it."""
    made: list[Engine] = []

    def fresh() -> Runtime:
        for engine in made:
            engine.dispose()
        if database_url.startswith("sqlite"):
            shutil.copy(
                request.getfixturevalue("sqlite_template"), Path(database_url.removeprefix("sqlite:///"))
            )
        else:
            empty_postgresql(database_url)
        runtime = make_test_app(database_url).extensions["tracker"]
        made.append(runtime.engine)
        return runtime

    yield fresh
    for engine in made:
        engine.dispose()


def empty_postgresql(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


def test_the_orm_path_and_the_bulk_path_leave_the_same_rows(
    fresh_runtime: Callable[[], Runtime], site: PageServer
):
    replay = Replay()
    orm = run(fresh_runtime(), site, one_by_one, replay)
    bulk = run(fresh_runtime(), site, in_bulk, replay)

    for name in COMPARED:
        assert bulk[name] == orm[name], name
    articles_by_url = {row["url"].rsplit("/", 1)[1]: row for row in orm["articles"]}
    statuses = {path: row["status"] for path, row in articles_by_url.items()}
    assert statuses == {
        "etag": "active",
        "same": "active",
        "noisy": "active",
        "e404": "active",  # gone after three 404s, then back
        "e410": "active",
        "e500": "failing",
        "timeout": "active",
        "paused": "paused",
        "pausedfail": "paused",
        "pausedgone": "paused",
        "r429": "active",
    }
    assert articles_by_url["timeout"]["last_error_count"] == 2
    kinds = [(row["type"], row["article_id"]) for row in orm["events"]]
    assert [kind for kind, _article in kinds].count("article.failing") == 1
    assert {kind for kind, _article in kinds} >= {"article.removed", "article.restored", "article.failing"}
    held_until = T0 + 8 * DAY + 3 * HOUR
    assert [row["retry_after_until"] for row in orm["sites"]] == [held_until]
    assert all(row["next_check_at"] >= held_until for row in orm["articles"] if row["status"] != "paused")


def follow_by_adding(session: Session, user_id: int, url: str, now: datetime) -> None:
    articles.add_article(session, url, user_id=user_id, allow_private=True, now=now)


def follow_by_importing(session: Session, user_id: int, url: str, now: datetime) -> None:
    importing.import_list(session, user_id, [ListLine(1, url)], allow_private=True, now=now)


@pytest.mark.parametrize("follow", [follow_by_adding, follow_by_importing])
def test_following_resumes_an_article_only_its_last_follower_left(runtime: Runtime, follow):
    later = T0 + DAY
    with runtime.sessions.begin() as session:
        alice, bob, carol = (
            accounts.create_user(session, name, password=None, is_admin=False, now=T0).id
            for name in ("alice", "bob", "carol")
        )
        left = articles.add_article(
            session, "https://example.com/left", user_id=alice, allow_private=True, now=T0
        )
        held = articles.add_article(
            session, "https://example.com/held", user_id=alice, allow_private=True, now=T0
        )
        articles.unfollow(session, alice, left[0].id)  # nobody follows it: paused
        articles.update_article(session, held[0], {"status": "paused"}, now=T0)  # paused by its follower
        for article, _created in (left, held):
            article.next_check_at = T0 + 30 * DAY
    with runtime.sessions.begin() as session:
        for url in ("https://example.com/left", "https://example.com/held"):
            follow(session, bob, url, later)
            follow(session, carol, url, later)  # a second follower changes nothing
    with runtime.sessions() as session:
        found = {
            article.url.rsplit("/", 1)[1]: (article.status, article.next_check_at)
            for article in session.scalars(select(Article))
        }
    assert found == {"left": ("active", later), "held": ("paused", T0 + 30 * DAY)}
