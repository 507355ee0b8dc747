"""Search across every version: words in the text, or added or removed by a change, of the
articles the caller follows; on SQLite (FTS5, trigram) and PostgreSQL (GIN full-text index)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from flask.testing import FlaskClient

from tests.factories import article_page, auth, make_token, sign_in, story
from tests.pageserver import PageServer
from tracker.adapters import db
from tracker.engine.runtime import Runtime
from tracker.factory import create_app
from tracker.services import accounts, articles, watchlists
from tracker.services.checks import check_article

T0 = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
AMAZON = "A spokesperson for Amazon said the union vote would be respected by the company."
ZH = [
    "美国总统周二在白宫宣布了新的贸易政策，这项政策将影响数以千计的企业和工人。",
    "分析人士认为，这一决定可能导致股市在短期内出现较大波动，投资者应保持谨慎。",
]


def user_id(runtime: Runtime, name: str) -> int:
    with runtime.sessions.begin() as session:
        return accounts.ensure_user(session, name, is_admin=False, now=T0).id


def track(
    runtime: Runtime,
    site: PageServer,
    pages: list[str],
    *,
    path: str = "/a",
    follower: int | None = None,
    host: str = "127.0.0.1",
    start: datetime = T0,
) -> int:
    """Track one URL (followed by `follower`), serve each page in turn and check it an hour apart."""
    with runtime.sessions.begin() as session:
        article = articles.add_article(
            session, site.url(path, host=host), user_id=follower, allow_private=True, now=start
        )[0]
        article_id = article.id
    for n, html in enumerate(pages):
        site.serve(path, html)
        at = start + timedelta(hours=n)
        check_article(replace(runtime.checking, clock=lambda at=at: at), article_id)
    return article_id


def search(client: FlaskClient, query: str, token: str | None = None, **params: Any) -> dict[str, Any]:
    response = client.get(
        "/api/v1/search", query_string={"q": query, **params}, headers=auth(token) if token else {}
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def found(client: FlaskClient, query: str, token: str | None = None, **params: Any) -> list[tuple[int, int]]:
    """Return (article id, version) of every match, in the order given."""
    return [(item["article_id"], item["version"]) for item in search(client, query, token, **params)["items"]]


def test_a_word_finds_the_versions_whose_text_holds_it_in_any_case(client, runtime, site):
    article_id = track(
        runtime, site, [article_page("Vote", story(3)), article_page("Vote", [*story(3), AMAZON])]
    )
    result = search(client, "AMAZON")
    assert [(item["article_id"], item["version"], item["in"]) for item in result["items"]] == [
        (article_id, 2, "text")
    ]
    hit = result["items"][0]
    assert "Amazon said the union" in hit["snippet"]
    assert hit["links"]["html"] == f"/articles/{article_id}/versions/2"
    assert hit["observed_at"] == "2026-03-05T13:00:00Z" and result["next"] is None


def test_a_word_matches_whole_words_only(client, runtime, site):
    track(runtime, site, [article_page("River", [*story(2), "The Amazonas river rose by a metre."])])
    assert found(client, "amazon") == []
    assert len(found(client, "amazonas")) == 1


def test_every_word_must_match(client, runtime, site):
    article_id = track(runtime, site, [article_page("Vote", [*story(3), AMAZON])])
    assert found(client, "union amazon") == [(article_id, 1)]
    assert found(client, "amazon penguin") == []


def test_chinese_matches_inside_the_text_even_one_character(client, runtime, site):
    article_id = track(runtime, site, [article_page("美国贸易政策", ZH, lang="zh")])
    assert found(client, "贸易政策") == [(article_id, 1)]
    assert found(client, "股") == [(article_id, 1)]  # one character: shorter than a trigram
    assert found(client, "政策 股市") == [(article_id, 1)]
    assert found(client, "贸易股市") == []  # both are there, but not side by side
    snippet = search(client, "股市")["items"][0]["snippet"]
    assert "股市在短期内" in snippet


def test_in_added_and_removed_find_the_change_that_added_or_removed_the_word(client, runtime, site):
    v1, v2 = story(3), [*story(3), AMAZON]
    v3 = [*story(3)]
    v3[1] = v3[1].replace("Supporters say", "Supporters of Amazon say")
    article_id = track(runtime, site, [article_page("Vote", page) for page in (v1, v2, v1, v3)])
    assert found(client, "amazon", **{"in": "added"}) == [(article_id, 4), (article_id, 2)]
    assert found(client, "amazon", **{"in": "removed"}) == [(article_id, 3)]
    assert found(client, "amazon") == [(article_id, 4), (article_id, 2)]
    removed = search(client, "amazon", **{"in": "removed"})["items"][0]
    assert removed["in"] == "removed" and "Amazon said" in removed["snippet"]
    assert removed["links"]["html"] == f"/articles/{article_id}/diff?from=2&to=3"
    # Only the words an edit marked count as added: "say" stayed.
    assert found(client, "supporters", **{"in": "added"}) == []


def test_a_first_version_adds_nothing(client, runtime, site):
    track(runtime, site, [article_page("Vote", [*story(3), AMAZON])])
    assert found(client, "amazon", **{"in": "added"}) == []


def test_the_caller_finds_only_the_articles_they_follow(client, runtime, site):
    alice, bob = make_token(runtime, "alice"), make_token(runtime, "bob")
    mine = track(runtime, site, [article_page("A", [*story(2), AMAZON])], follower=user_id(runtime, "alice"))
    theirs = track(
        runtime, site, [article_page("B", [*story(2), AMAZON])], path="/b", follower=user_id(runtime, "bob")
    )
    assert found(client, "amazon", alice) == [(mine, 1)]
    assert found(client, "amazon", bob) == [(theirs, 1)]
    assert found(client, "amazon") == [(theirs, 1), (mine, 1)]  # anonymous, public reading on
    with runtime.sessions.begin() as session:
        user = accounts.user_named(session, "alice")
        assert user is not None
        accounts.set_password(user, "correct horse")
    sign_in(client, "alice")
    page = client.get("/search?q=amazon").get_data(as_text=True)
    assert f"/articles/{mine}/versions/1" in page and f"/articles/{theirs}/" not in page


def test_search_needs_an_account_when_public_read_is_off(database_url):
    app = create_app(database_url=database_url, secret_key="s", public_read=False)
    try:
        assert app.test_client().get("/api/v1/search?q=amazon").status_code == 401
    finally:
        app.extensions["tracker"].engine.dispose()


def test_tag_site_and_since_narrow_the_search(client, runtime, site):
    alice = make_token(runtime, "alice")
    alice_id = user_id(runtime, "alice")
    tagged = track(runtime, site, [article_page("A", [*story(2), AMAZON])], follower=alice_id)
    other = track(
        runtime,
        site,
        [article_page("B", [*story(2), AMAZON])],
        path="/b",
        follower=alice_id,
        host="localhost",
        start=T0 + timedelta(days=2),
    )
    with runtime.sessions.begin() as session:
        watchlists.describe(session, alice_id, tagged, {"tags": ["Labour"]})
    assert found(client, "amazon", alice, tag="labour") == [(tagged, 1)]
    assert found(client, "amazon", alice, site="localhost") == [(other, 1)]
    assert found(client, "amazon", alice, site="www.127.0.0.1") == [(tagged, 1)]
    assert found(client, "amazon", alice, since="2026-03-06") == [(other, 1)]


def test_results_come_newest_first_in_pages(client, runtime, site):
    article_id = track(runtime, site, [article_page("T", [*story(n), AMAZON]) for n in range(1, 6)])
    first = search(client, "amazon", limit=2)
    second = search(client, "amazon", limit=2, cursor=first["next"])
    third = search(client, "amazon", limit=2, cursor=second["next"])
    assert [[item["version"] for item in page["items"]] for page in (first, second, third)] == [
        [5, 4],
        [3, 2],
        [1],
    ]
    assert third["next"] is None and {item["article_id"] for item in first["items"]} == {article_id}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"q": ""}, "bad_query"),
        ({"q": "?!"}, "bad_query"),
        ({"q": "a", "in": "title"}, "bad_in"),
        ({"q": "a", "cursor": "x"}, "bad_cursor"),
        ({"q": "a", "since": "soon"}, "bad_since"),
    ],
)
def test_a_query_that_cannot_be_run_is_a_400_that_says_why(client, params, code):
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == code


def test_the_results_page_marks_the_words_and_escapes_the_text(client, runtime, site):
    make_token(runtime, "reader")  # pages send everyone to the first-run set-up until an account exists
    hostile = "Amazon said <script>alert(1)</script> nothing & more about the union."
    article_id = track(runtime, site, [article_page("Vote", [*story(2), hostile])])
    page = client.get("/search?q=amazon+union").get_data(as_text=True)
    assert '<form class="search-box" role="search"' in page
    assert "<mark>Amazon</mark> said &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<mark>union</mark>" in page and f'href="/articles/{article_id}/versions/1"' in page
    assert "No version matches" in client.get("/search?q=penguin").get_data(as_text=True)
    assert "type a word" in client.get("/search?q=%3F%3F").get_data(as_text=True)


def test_the_migration_indexes_versions_stored_before_it(client, runtime, site, database_url):
    article_id = track(
        runtime, site, [article_page("Vote", page) for page in (story(3), [*story(3), AMAZON])]
    )
    runtime.engine.dispose()
    config = db.alembic_config(database_url)
    command.downgrade(config, "0010")
    command.upgrade(config, "head")
    assert found(client, "amazon") == [(article_id, 2)]
    assert found(client, "amazon", **{"in": "added"}) == [(article_id, 2)]
    assert found(client, "Vote") == [(article_id, 2), (article_id, 1)]
