"""The articles list shows trouble (badges, the last error in words), filters by status, sorts by last
change or last error, and acts on many articles at once (API and page), on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select, text, update

from tests.factories import add_article, article_page, auth, make_token, post_form, sign_in, story
from tests.pageserver import PageServer, Reply
from tests.test_migrations import empty_database  # noqa: F401  (a fixture)
from tracker.adapters import db
from tracker.adapters.models import Article, Subscription, User
from tracker.engine.poller import Poller, PollerSettings
from tracker.engine.runtime import Runtime
from tracker.services import accounts, articles
from tracker.services.checks import check_article
from tracker.services.queue import CHECKED_STATUSES

T0 = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


def article_row(runtime: Runtime, article_id: int) -> Article:
    with runtime.sessions() as session:
        return session.get_one(Article, article_id)


def set_article(runtime: Runtime, article_id: int, **values: Any) -> None:
    with runtime.sessions.begin() as session:
        session.execute(update(Article).where(Article.id == article_id).values(**values))


def poll_at(runtime: Runtime, at: datetime) -> None:
    """Run one scheduler pass (the bulk write path) with the clock stopped at `at`."""
    poller = Poller(replace(runtime.checking, clock=lambda: at), PollerSettings(worker="w1", host_delay=0.0))
    try:
        poller.poll()
    finally:
        poller.close()


def bulk(client: FlaskClient, token: str, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    response = client.post("/api/v1/articles/bulk", json=body, headers=auth(token))
    assert response.status_code == status, response.get_json()
    return response.get_json()


def listed(client: FlaskClient, token: str, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/articles?{query}", headers=auth(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


# --- the last error, kept where checks are recorded -----------------------------------------------


def test_check_now_and_the_scheduler_keep_the_last_error_alike(runtime: Runtime, site: PageServer):
    with runtime.sessions.begin() as session:
        by_hand = articles.add_article(
            session, site.url("/by-hand"), user_id=None, allow_private=True, now=T0
        )
        polled = articles.add_article(session, site.url("/polled"), user_id=None, allow_private=True, now=T0)
        by_hand_id, polled_id = by_hand[0].id, polled[0].id
    set_article(runtime, by_hand_id, status="paused")  # checked by hand only: the scheduler skips it
    # Nothing is served: both answer 404, twice (a third would make them gone).
    times = [T0, T0 + timedelta(days=2)]
    for at in times:
        check_article(replace(runtime.checking, clock=lambda at=at: at), by_hand_id)
        poll_at(runtime, at)
    for article_id in (by_hand_id, polled_id):
        row = article_row(runtime, article_id)
        assert (row.last_error_code, row.last_error_count, row.failure_count) == ("http_404", 2, 2)
        assert row.last_error_at == times[1]
    # Another error starts a new count; a check that works keeps the last error but ends the run.
    site.routes["/by-hand"] = site.routes["/polled"] = Reply(b"down", status=503, content_type="text/plain")
    later = T0 + timedelta(days=4)
    check_article(replace(runtime.checking, clock=lambda: later), by_hand_id)
    poll_at(runtime, later)
    for article_id in (by_hand_id, polled_id):
        row = article_row(runtime, article_id)
        assert (row.last_error_code, row.last_error_count, row.failure_count) == ("http_503", 1, 3)
    site.serve("/by-hand", article_page("Back", story()))
    site.serve("/polled", article_page("Back", story()))
    last = T0 + timedelta(days=8)
    check_article(replace(runtime.checking, clock=lambda: last), by_hand_id)
    poll_at(runtime, last)
    for article_id in (by_hand_id, polled_id):
        row = article_row(runtime, article_id)
        assert (row.last_error_code, row.last_error_at, row.failure_count) == ("http_503", later, 0)


# --- the list: status filters, last error, order ----------------------------------------------------


@pytest.fixture
def four(client: FlaskClient, runtime: Runtime) -> dict[str, Any]:
    """Alice (no admin) follows an active, a failing, a gone and a paused article (states set as
    checks leave them)."""
    root = make_token(runtime, "root", admin=True)  # the first user is an admin whatever is asked
    token = make_token(runtime, "alice")
    ids = {
        name: add_article(client, token, f"https://news.example.com/{name}")["id"]
        for name in ("active", "failing", "gone", "paused")
    }
    set_article(
        runtime,
        ids["failing"],
        status="failing",
        failure_count=9,
        failing_since=T0 - timedelta(days=8),
        last_error_at=T0,
        last_error_code="timeout",
        last_error_count=9,
    )
    set_article(
        runtime,
        ids["gone"],
        status="gone",
        failure_count=3,
        failing_since=T0 - timedelta(days=2),
        last_error_at=T0 - timedelta(hours=1),
        last_error_code="http_404",
        last_error_count=3,
    )
    set_article(runtime, ids["paused"], status="paused")
    return {"token": token, "ids": ids, "root": root}


def test_the_list_filters_by_several_statuses_and_says_the_last_error_in_words(
    client: FlaskClient, four: dict[str, Any]
):
    token, ids = four["token"], four["ids"]
    for query in ("status=failing,gone", "status=failing&status=gone"):
        assert {item["id"] for item in listed(client, token, query)} == {ids["failing"], ids["gone"]}
    assert [item["id"] for item in listed(client, token, "status=gone")] == [ids["gone"]]
    gone = listed(client, token, "status=gone")[0]
    assert gone["failure_count"] == 3 and gone["failing_since"] == "2026-03-03T12:00:00Z"
    assert gone["last_error"] == {
        "code": "http_404",
        "at": "2026-03-05T11:00:00Z",
        "count": 3,
        "message": "The site answered 404 (page not found) three times in a row; "
        "the article may have been taken down.",
    }
    assert listed(client, token, "status=active")[0]["last_error"] is None
    one = client.get(f"/api/v1/articles/{ids['failing']}", headers=auth(token)).get_json()
    assert one["last_error"]["code"] == "timeout" and one["failure_count"] == 9
    bad = client.get("/api/v1/articles?status=broken", headers=auth(token))
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_status"


def test_the_list_sorts_by_last_error_then_by_last_change(client: FlaskClient, four: dict[str, Any]):
    token, ids = four["token"], four["ids"]
    by_error = [item["id"] for item in listed(client, token, "sort=last_error")]
    # The latest failure first; articles that never failed after, most recently added first.
    assert by_error == [ids["failing"], ids["gone"], ids["paused"], ids["active"]]
    assert [item["id"] for item in listed(client, token, "sort=last_error&limit=1&cursor=1")] == [ids["gone"]]
    assert [item["id"] for item in listed(client, token)] == [
        ids["paused"],
        ids["gone"],
        ids["failing"],
        ids["active"],
    ]
    bad = client.get("/api/v1/articles?sort=oldest", headers=auth(token))
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_sort"


# --- bulk actions through the API --------------------------------------------------------------------


def test_bulk_pause_resume_and_check_now_by_ids_and_by_filter(
    client: FlaskClient, runtime: Runtime, four: dict[str, Any]
):
    token, ids = four["token"], four["ids"]
    result = bulk(client, token, {"ids": [ids["active"], ids["failing"], ids["paused"]], "action": "pause"})
    assert result == {"action": "pause", "matched": 3, "changed": 2, "skipped": []}  # one was paused already
    assert article_row(runtime, ids["failing"]).status == "paused"
    result = bulk(client, token, {"filter": {"status": ["paused"]}, "action": "resume"})
    assert (result["matched"], result["changed"]) == (3, 3)
    assert {article_row(runtime, i).status for i in (ids["active"], ids["failing"], ids["paused"])} == {
        "active"
    }
    assert article_row(runtime, ids["gone"]).status == "gone"  # resume is for paused articles

    far = datetime.now(UTC) + timedelta(days=3)
    for article_id in ids.values():
        set_article(runtime, article_id, next_check_at=far)
    set_article(runtime, ids["failing"], last_checked_at=datetime.now(UTC) - timedelta(seconds=10))
    result = bulk(client, token, {"filter": {}, "action": "check_now"})
    # Queued for the scheduler, never fetched here; the one checked seconds ago waits its turn.
    queued = {ids["active"], ids["paused"]} | ({ids["gone"]} if "gone" in CHECKED_STATUSES else set())
    assert (result["matched"], result["changed"]) == (4, len(queued))
    assert {i for i in ids.values() if article_row(runtime, i).next_check_at < far} == queued
    with runtime.sessions() as session:
        assert session.scalar(text("SELECT count(*) FROM checks")) == 0


def test_bulk_tags_and_unfollow_touch_only_the_callers_follows(
    client: FlaskClient, runtime: Runtime, four: dict[str, Any]
):
    token, ids = four["token"], four["ids"]
    bob = make_token(runtime, "bob")
    add_article(client, bob, "https://news.example.com/failing")
    tagged = bulk(
        client, token, {"filter": {"status": "failing,gone"}, "action": "add_tags", "tags": "broken, Check"}
    )
    assert (tagged["matched"], tagged["changed"]) == (2, 2)
    assert {item["id"] for item in listed(client, token, "tag=broken")} == {ids["failing"], ids["gone"]}
    assert listed(client, bob, "tag=broken") == []
    untagged = bulk(client, token, {"ids": [ids["gone"]], "action": "remove_tags", "tags": ["check"]})
    assert untagged["changed"] == 1
    assert [item["tags"] for item in listed(client, token, "status=gone")] == [["broken"]]

    # Bob cannot reach Alice's articles by id: nothing is matched.
    assert bulk(client, bob, {"ids": [ids["active"]], "action": "pause"})["matched"] == 0
    assert article_row(runtime, ids["active"]).status == "active"
    gone = bulk(client, token, {"filter": {"tag": "broken"}, "action": "unfollow"})
    assert (gone["matched"], gone["changed"]) == (2, 2)
    assert article_row(runtime, ids["failing"]).status == "failing"  # bob still follows it
    assert article_row(runtime, ids["gone"]).status == "paused"  # nobody does: no longer checked
    with runtime.sessions() as session:
        alice = session.scalars(select(User.id).where(User.username == "alice")).one()
        follows = session.scalars(select(Subscription.article_id).where(Subscription.user_id == alice)).all()
    assert sorted(follows) == sorted([ids["active"], ids["paused"]])


def test_bulk_pause_of_a_shared_article_is_for_admins_and_is_reported_as_skipped(
    client: FlaskClient, runtime: Runtime, four: dict[str, Any]
):
    token, ids = four["token"], four["ids"]
    bob = make_token(runtime, "bob")
    add_article(client, bob, "https://news.example.com/active")
    result = bulk(client, token, {"ids": [ids["active"], ids["failing"]], "action": "pause"})
    assert (result["matched"], result["changed"]) == (2, 1)
    assert result["skipped"] == [
        {
            "id": ids["active"],
            "error": {
                "code": "shared_article",
                "message": "other users follow this article too; only an admin may pause or resume it",
            },
        }
    ]
    assert article_row(runtime, ids["active"]).status == "active"
    root = four["root"]
    add_article(client, root, "https://news.example.com/active")
    assert bulk(client, root, {"ids": [ids["active"]], "action": "pause"})["changed"] == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"action": "pause"}, "bad_selection"),
        ({"ids": [1], "filter": {}, "action": "pause"}, "bad_selection"),
        ({"ids": list(range(1, 1002)), "action": "pause"}, "bad_ids"),
        ({"ids": ["1"], "action": "pause"}, "bad_ids"),
        ({"ids": [1], "action": "delete"}, "bad_action"),
        ({"ids": [1], "action": "add_tags"}, "bad_tags"),
        ({"filter": {"status": "lost"}, "action": "pause"}, "bad_status"),
        ({"filter": {"owner": "bob"}, "action": "pause"}, "bad_filter"),
        ({"filter": {"changed_since": "yesterday"}, "action": "pause"}, "bad_filter"),
    ],
)
def test_a_malformed_bulk_request_is_refused_with_a_code(
    client: FlaskClient, runtime: Runtime, body: dict[str, Any], code: str
):
    token = make_token(runtime)
    assert bulk(client, token, body, status=400)["error"]["code"] == code


# --- the page ---------------------------------------------------------------------------------------------


def test_the_page_shows_badges_and_the_last_error_and_acts_on_all_matching(
    client: FlaskClient, runtime: Runtime, four: dict[str, Any]
):
    ids = four["ids"]
    with runtime.sessions.begin() as session:  # wendy, signed in on the pages, follows the four too
        wendy = accounts.create_user(session, "wendy", password="correct horse", is_admin=False, now=T0).id
        for article_id in ids.values():
            articles.follow(session, wendy, articles.get_article(session, article_id), now=T0)
    sign_in(client, "wendy")
    page = client.get("/?status=failing&status=gone&sort=last_error").get_data(as_text=True)
    assert "Select all 2 matching" in page
    assert "The site answered 404 (page not found) three times in a row" in page
    assert "The site did not answer in time 9 times in a row" in page
    assert '<span aria-hidden="true">✕</span> gone' in page
    response = post_form(
        client,
        "/articles/bulk",
        {
            "everything": "y",
            "status": ["failing", "gone"],
            "sort": "last_error",
            "action": "add_tags",
            "tags": "dead",
        },
        page="/?status=failing&status=gone",
    )
    assert response.status_code == 302
    assert response.location.endswith("/?sort=last_error&status=failing&status=gone")
    assert "Tagged: 2 of 2 articles." in client.get(response.location).get_data(as_text=True)
    with runtime.sessions() as session:
        follows = session.scalars(select(Subscription).where(Subscription.user_id == wendy)).all()
    assert sorted(row.article_id for row in follows if row.tags == ["dead"]) == sorted(
        [ids["failing"], ids["gone"]]
    )
    ticked = post_form(client, "/articles/bulk", {"ids": [str(ids["active"])], "action": "pause"}, page="/")
    assert ticked.status_code == 302
    assert (  # alice follows it too
        "Paused: 0 of 1 article. 1 left as they were: other users follow this article too; "
        "only an admin may pause or resume it." in client.get("/").get_data(as_text=True)
    )


# --- the migration fills the columns from the checks -----------------------------------------------------


def test_the_migration_takes_the_last_error_from_the_checks(empty_database: str):  # noqa: F811
    config = db.alembic_config(empty_database)
    command.upgrade(config, "head")
    engine = create_engine(empty_database)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO articles (id, url, host, status, created_at, next_check_at, version_count, "
                    "failure_count, last_error_count) VALUES "
                    "(1, 'https://a.example/1', 'a.example', 'active', :t, :t, 0, 2, 0), "
                    "(2, 'https://a.example/2', 'a.example', 'active', :t, :t, 0, 0, 0)"
                ),
                {"t": T0},
            )
            connection.execute(
                text(
                    "INSERT INTO checks (article_id, checked_at, duration_ms, outcome, error_code, error_message) "
                    "VALUES (1, :a, 5, 'error', 'dns', 'x'), (1, :b, 5, 'error', 'timeout', 'x'), "
                    "(1, :c, 5, 'unchanged', NULL, NULL), (2, :c, 5, 'unchanged', NULL, NULL)"
                ),
                {"a": T0, "b": T0 + timedelta(hours=1), "c": T0 - timedelta(hours=1)},
            )
        command.downgrade(config, "0012")
        command.upgrade(config, "head")
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, last_error_code, last_error_count FROM articles ORDER BY id")
            ).all()
        assert [tuple(row) for row in rows] == [(1, "timeout", 2), (2, None, 0)]
    finally:
        engine.dispose()
