"""The HTTP API of docs/api.md, end to end through Flask with a real database and page server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from flask.testing import FlaskClient

from tests.factories import add_article, article_page, auth, check_now, make_token, story
from tests.pageserver import PageServer
from tracker.domain.timestamps import iso
from tracker.engine.runtime import Runtime
from tracker.factory import create_app

ARTICLE_KEYS = {
    "following",  # the caller's own view: following, tags and note
    "tags",
    "note",
    "failure_count",  # the list's trouble: the run of failed checks and the last error
    "failing_since",
    "last_error",
    "id",
    "url",
    "canonical_url",
    "title",
    "status",
    "interval_seconds",
    "created_at",
    "last_checked_at",
    "next_check_at",
    "last_changed_at",
    "version_count",
    "backfill",  # its past from web archives: wanted, and how its backfill went
    "archive",
    "links",
}


@pytest.fixture
def token(runtime: Runtime) -> str:
    return make_token(runtime)


def test_adding_returns_201_then_200_for_the_same_normalised_url(client: FlaskClient, token: str):
    first = client.post(
        "/api/v1/articles",
        json={"url": "https://News.example.com/story?utm_source=x#top"},
        headers=auth(token),
    )
    again = client.post(
        "/api/v1/articles", json={"url": "https://news.example.com:443/story"}, headers=auth(token)
    )
    assert (first.status_code, again.status_code) == (201, 200)
    body = first.get_json()
    assert set(body) == ARTICLE_KEYS
    assert (body["url"], body["version_count"], body["last_checked_at"]) == (
        "https://news.example.com/story",
        0,
        None,
    )
    assert body["next_check_at"] == body["created_at"]  # due at once
    assert first.headers["Location"] == f"/api/v1/articles/{body['id']}"
    assert again.get_json()["id"] == body["id"]


def test_adding_never_fetches(client: FlaskClient, token: str, site: PageServer):
    add_article(client, token, site.serve("/a", article_page("T", story())))
    assert site.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "ftp://example.com/x",
        "not a url",
        "http://",
        "https://user:pw@example.com/x",
        "",
    ],
)
def test_bad_urls_are_400_bad_url(client: FlaskClient, token: str, url: str):
    response = client.post("/api/v1/articles", json={"url": url}, headers=auth(token))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_url" and error["message"]


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/a",
        "http://127.0.0.1/a",
        "http://[::1]/a",
        "http://169.254.169.254/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://localhost/a",
    ],
)
def test_literal_refused_addresses_are_400_blocked_address(database_url: str, url: str):
    app = create_app(database_url=database_url, secret_key="s", allow_private_networks=False)
    token = make_token(app.extensions["tracker"])
    response = app.test_client().post("/api/v1/articles", json={"url": url}, headers=auth(token))
    app.extensions["tracker"].engine.dispose()
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "blocked_address"


def test_writes_need_a_valid_token(client: FlaskClient):
    missing = client.post("/api/v1/articles", json={"url": "https://example.com/a"})
    wrong = client.post("/api/v1/articles", json={"url": "https://example.com/a"}, headers=auth("trk_nope"))
    assert (missing.status_code, wrong.status_code) == (401, 401)
    assert wrong.get_json()["error"]["code"] == "bad_token"


def test_reads_are_anonymous_while_public_read_is_on_and_closed_when_off(database_url: str, token: str):
    closed = create_app(database_url=database_url, secret_key="s", public_read=False)
    try:
        assert closed.test_client().get("/api/v1/articles").status_code == 401
    finally:
        closed.extensions["tracker"].engine.dispose()


def test_list_shows_the_callers_articles_and_all_of_them_to_anonymous(client: FlaskClient, runtime: Runtime):
    alice, bob = make_token(runtime, "alice"), make_token(runtime, "bob")
    add_article(client, alice, "https://example.com/alice")
    add_article(client, bob, "https://example.com/bob")
    mine = client.get("/api/v1/articles", headers=auth(alice)).get_json()
    everyone = client.get("/api/v1/articles").get_json()
    assert [item["url"] for item in mine["items"]] == ["https://example.com/alice"]
    assert len(everyone["items"]) == 2 and everyone["next"] is None


def test_list_pages_with_a_cursor(client: FlaskClient, token: str):
    for n in range(5):
        add_article(client, token, f"https://example.com/{n}")
    first = client.get("/api/v1/articles?limit=2").get_json()
    second = client.get(f"/api/v1/articles?limit=2&cursor={first['next']}").get_json()
    third = client.get(f"/api/v1/articles?limit=2&cursor={second['next']}").get_json()
    urls = [item["url"] for page in (first, second, third) for item in page["items"]]
    assert len(set(urls)) == 5 and third["next"] is None


def test_list_filters_by_query_and_changed_since(client: FlaskClient, token: str):
    add_article(client, token, "https://example.com/budget-story")
    add_article(client, token, "https://example.com/weather")
    found = client.get("/api/v1/articles?q=budget").get_json()["items"]
    assert [item["url"] for item in found] == ["https://example.com/budget-story"]
    assert client.get("/api/v1/articles?changed_since=2000-01-01T00:00:00Z").get_json()["items"] == []
    assert client.get("/api/v1/articles?changed_since=yesterday").status_code == 400


def test_the_query_matches_wildcard_characters_as_themselves(client: FlaskClient, token: str):
    for path in ("story_one", "storyXone", "50%-off", "500-off"):
        add_article(client, token, f"https://example.com/{path}")

    def found(query: str) -> list[str]:
        answer = client.get("/api/v1/articles", query_string={"q": query}).get_json()
        return [item["url"].rsplit("/", 1)[1] for item in answer["items"]]

    assert found("story_one") == ["story_one"]
    assert found("50%") == ["50%-off"]


@pytest.mark.parametrize("limit", ["0", "501", "ten"])
def test_bad_limits_are_400(client: FlaskClient, limit: str):
    assert client.get(f"/api/v1/articles?limit={limit}").status_code == 400


def test_unknown_article_is_404_json(client: FlaskClient):
    response = client.get("/api/v1/articles/999")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "article_not_found"


def test_unknown_route_is_404_json(client: FlaskClient):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404 and "error" in response.get_json()


def test_check_now_answers_200_with_the_check_whatever_the_outcome(
    client: FlaskClient, token: str, site: PageServer
):
    article = add_article(client, token, site.serve("/a", "nope", status=404))
    check = check_now(client, token, article["id"])
    assert check["outcome"] == "error"
    assert check["error"]["code"] == "http_404" and check["http_status"] == 404
    assert set(check) == {
        "id",
        "article_id",
        "checked_at",
        "duration_ms",
        "outcome",
        "http_status",
        "version",
        "error",
    }
    checks = client.get(f"/api/v1/articles/{article['id']}/checks").get_json()["items"]
    assert [item["id"] for item in checks] == [check["id"]]


def test_only_followers_may_check_or_change_an_article(client: FlaskClient, runtime: Runtime):
    alice, bob = make_token(runtime, "alice"), make_token(runtime, "bob")
    article = add_article(client, alice, "https://example.com/a")
    assert client.post(f"/api/v1/articles/{article['id']}/check", headers=auth(bob)).status_code == 403
    assert (
        client.patch(
            f"/api/v1/articles/{article['id']}", json={"status": "paused"}, headers=auth(bob)
        ).status_code
        == 403
    )


def test_only_an_admin_or_the_sole_follower_may_pause_a_shared_article(client: FlaskClient, runtime: Runtime):
    admin, bob, carol = (make_token(runtime, name) for name in ("admin", "bob", "carol"))
    article = add_article(client, bob, "https://example.com/shared")
    add_article(client, carol, "https://example.com/shared")
    url = f"/api/v1/articles/{article['id']}"
    refused = client.patch(url, json={"status": "paused"}, headers=auth(bob))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "shared_article"
    assert client.get(url, headers=auth(bob)).get_json()["status"] == "active"
    assert client.patch(url, json={"status": "paused"}, headers=auth(admin)).get_json()["status"] == "paused"
    assert client.delete(url, headers=auth(carol)).status_code == 204
    resumed = client.patch(url, json={"status": "active"}, headers=auth(bob))  # bob alone follows it now
    assert resumed.status_code == 200 and resumed.get_json()["status"] == "active"


def test_versions_version_and_raw_evidence(client: FlaskClient, token: str, site: PageServer):
    html = article_page("Budget approved", story())
    article = add_article(client, token, site.serve("/a", html))
    check_now(client, token, article["id"])
    listing = client.get(f"/api/v1/articles/{article['id']}/versions").get_json()
    version = client.get(f"/api/v1/articles/{article['id']}/versions/1").get_json()
    raw = client.get(f"/api/v1/articles/{article['id']}/versions/1/raw")
    assert [item["number"] for item in listing["items"]] == [1] and "paragraphs" not in listing["items"][0]
    assert version["paragraphs"] == story() and version["title"] == "Budget approved"
    assert version["word_count"] == sum(len(p.split()) for p in story())
    assert raw.get_data(as_text=True) == html
    assert raw.headers["Content-Type"] == "application/octet-stream"  # never rendered on our origin
    assert raw.headers["X-Tracker-Content-Type"].startswith("text/html")


def test_diff_defaults_to_latest_against_previous_and_from_zero(
    client: FlaskClient, token: str, site: PageServer
):
    article = add_article(client, token, site.serve("/a", article_page("T", story(3))))
    check_now(client, token, article["id"])
    only = client.get(f"/api/v1/articles/{article['id']}/diff").get_json()
    assert (only["from"], only["to"]) == (0, 1)
    assert [block["op"] for block in only["blocks"]] == ["insert"] * 3
    site.serve("/a", article_page("T", story(4)))
    check_now(client, token, article["id"])
    latest = client.get(f"/api/v1/articles/{article['id']}/diff").get_json()
    assert (latest["from"], latest["to"], latest["summary"]["paragraphs_added"]) == (1, 2, 1)
    assert latest["links"]["html"] == f"/articles/{article['id']}/diff?from=1&to=2"


def test_diff_collapses_equal_runs_with_context(client: FlaskClient, token: str, site: PageServer):
    article = add_article(client, token, site.serve("/a", article_page("T", story(10))))
    check_now(client, token, article["id"])
    site.serve("/a", article_page("T", [*story(10), "A new closing paragraph about the vote."]))
    check_now(client, token, article["id"])
    blocks = client.get(f"/api/v1/articles/{article['id']}/diff?context=1").get_json()["blocks"]
    assert blocks[0] == {"op": "equal", "count": 9}
    assert [block["op"] for block in blocks[1:]] == ["equal", "insert"]


def test_patch_pauses_resumes_and_sets_the_interval(client: FlaskClient, token: str):
    article = add_article(client, token, "https://example.com/a")
    url = f"/api/v1/articles/{article['id']}"
    paused = client.patch(
        url, json={"status": "paused", "interval_seconds": 900}, headers=auth(token)
    ).get_json()
    assert (paused["status"], paused["interval_seconds"]) == ("paused", 900)
    assert client.patch(url, json={"interval_seconds": 5}, headers=auth(token)).status_code == 400
    assert client.patch(url, json={"status": "gone"}, headers=auth(token)).status_code == 400
    assert (
        client.patch(url, json={"interval_seconds": None}, headers=auth(token)).get_json()["interval_seconds"]
        is None
    )


def test_delete_unsubscribes_and_an_unfollowed_article_is_paused(client: FlaskClient, runtime: Runtime):
    alice, bob = make_token(runtime, "alice"), make_token(runtime, "bob")
    article = add_article(client, alice, "https://example.com/a")
    add_article(client, bob, "https://example.com/a")
    url = f"/api/v1/articles/{article['id']}"
    assert client.delete(url, headers=auth(alice)).status_code == 204
    assert client.get(url).get_json()["status"] == "active"  # bob still follows it
    assert client.delete(url, headers=auth(bob)).status_code == 204
    assert client.get(url).get_json()["status"] == "paused"
    assert client.delete(url, headers=auth(bob)).status_code == 404


def test_a_body_that_is_not_json_is_400(client: FlaskClient, token: str):
    response = client.post("/api/v1/articles", data="url=x", headers=auth(token))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_json"


def test_times_are_written_in_utc_to_the_second_with_four_digit_years():
    assert (
        iso(datetime(2026, 3, 5, 12, 30, 15, 999_999, tzinfo=timezone(timedelta(hours=2))))
        == "2026-03-05T10:30:15Z"
    )
    assert iso(datetime(5, 1, 1, tzinfo=UTC)) == "0005-01-01T00:00:00Z"
    assert iso(None) is None
