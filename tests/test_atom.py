"""Atom feeds of changes, read back with feedparser: per article, public recent changes, private tags."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import article_page, make_token, story
from tests.pageserver import PageServer
from tests.test_pages import set_up_admin, token_in
from tracker.domain.atom import AtomEntry, AtomFeed, atom_document, diff_excerpt
from tracker.domain.diff import ArticleText, diff_articles
from tracker.engine.runtime import Runtime
from tracker.factory import create_app
from tracker.services import accounts, articles, watchlists
from tracker.services.checks import check_article

BASE = "https://tracker.example"
T0 = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
NOTE = "Update: the council replied on Wednesday."
HOSTILE = "<script>alert(1)</script> was in the comments, the council said on Thursday."


@pytest.fixture
def client(app: Flask, runtime: Runtime) -> FlaskClient:
    """A client of the app published at BASE (given with a trailing slash): every link must start with it."""
    app.extensions["tracker"] = replace(runtime, settings=replace(runtime.settings, base_url=f"{BASE}/"))
    return app.test_client()


def follow(runtime: Runtime, username: str, site: PageServer, path: str, tags: str = "") -> int:
    """Make `username` follow the page at `path` with these tags; return the article id."""
    with runtime.sessions.begin() as session:
        user = accounts.user_named(session, username)
        assert user is not None
        article, _ = articles.add_article(
            session, site.url(path), user_id=user.id, allow_private=True, now=T0
        )
        watchlists.describe(session, user.id, article.id, {"tags": tags})
        return article.id


def publish(runtime: Runtime, site: PageServer, article_id: int, path: str, pages: list[str]) -> None:
    """Serve each page in turn and check it, an hour apart from T0: one version per distinct page."""
    for hour, page in enumerate(pages):
        site.serve(path, page)
        at = T0 + timedelta(hours=hour)
        check_article(replace(runtime.checking, clock=lambda at=at: at), article_id)


def edited(path: str = "") -> list[str]:
    """An article, the same with an update note, then with its second paragraph rewritten."""
    rewritten = story(3)[1].replace("Supporters say", "Critics now say 40 jobs, not 400,")
    return [
        article_page(f"Budget{path}", story(3)),
        article_page(f"Budget{path}", [NOTE, *story(3)]),
        article_page(f"Budget{path}", [NOTE, story(3)[0], rewritten, story(3)[2]]),
    ]


def parsed(client: FlaskClient, url: str) -> feedparser.FeedParserDict:
    """Fetch a feed and return it parsed; it must be well-formed Atom served as such."""
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    return feed


def titles(feed: feedparser.FeedParserDict) -> list[str]:
    return [entry.title for entry in feed.entries]


def test_an_articles_feed_has_one_entry_per_change(client: FlaskClient, runtime: Runtime, site):
    set_up_admin(client, "alice")
    article_id = follow(runtime, "alice", site, "/a")
    publish(runtime, site, article_id, "/a", edited())
    feed = parsed(client, f"/articles/{article_id}/changes.atom")
    assert feed.feed.title == "Changes to Budget"
    assert feed.feed.link == f"{BASE}/articles/{article_id}"
    assert [link.href for link in feed.feed.links if link.rel == "self"] == [
        f"{BASE}/articles/{article_id}/changes.atom"
    ]
    rewrite, note = feed.entries  # newest first; the first version is no change
    assert titles(feed) == ["Budget (version 3)", "Budget (version 2)"]
    assert note.link == note.id == f"{BASE}/articles/{article_id}/diff?from=1&to=2"
    assert note.summary == "1 paragraph added: 6 words added; update note added"
    assert [(tag.term, tag.label) for tag in note.tags] == [("update_note_added", "update note added")]
    assert note.updated_parsed[:4] == (2026, 3, 5, 13)
    assert f"<ins>{NOTE}</ins>" in note.content[0].value
    assert rewrite.link == f"{BASE}/articles/{article_id}/diff?from=2&to=3"
    assert {tag.term for tag in rewrite.tags} == {"numbers_changed", "stealth_edit"}
    assert (
        '<p dir="auto">… evening to discuss the proposal, which has divided residents for months. '
        "<del>Supporters say</del><ins>Critics now say 40 jobs, not 400,</ins> the plan would bring"
    ) in rewrite.content[0].value
    assert client.get(f"/articles/{article_id}/diff?from=2&to=3&view=side").status_code == 200


def test_entry_ids_stay_put_as_new_changes_arrive(client: FlaskClient, runtime: Runtime, site):
    set_up_admin(client, "alice")
    article_id = follow(runtime, "alice", site, "/a")
    publish(runtime, site, article_id, "/a", edited()[:2])
    before = [entry.id for entry in parsed(client, f"/articles/{article_id}/changes.atom").entries]
    publish(runtime, site, article_id, "/a", edited()[2:])
    after = [entry.id for entry in parsed(client, f"/articles/{article_id}/changes.atom").entries]
    assert after == [f"{BASE}/articles/{article_id}/diff?from=2&to=3", *before]


def test_article_text_comes_out_escaped(client: FlaskClient, runtime: Runtime, site):
    set_up_admin(client, "alice")
    article_id = follow(runtime, "alice", site, "/a")
    # article_page escapes them, so the article's text really is "<b>Budget</b>" and "<script>...".
    pages = [article_page("<b>Budget</b>", story(3)), article_page("<b>Budget</b>", [*story(3), HOSTILE])]
    publish(runtime, site, article_id, "/a", pages)
    response = client.get(f"/articles/{article_id}/changes.atom")
    assert b"<script" not in response.data and b"<b>" not in response.data
    entry = parsed(client, f"/articles/{article_id}/changes.atom").entries[0]
    assert entry.title_detail.type == "text/plain"  # shown as text, never as markup
    assert entry.title == "<b>Budget</b> (version 2)"
    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt; was in the comments" in entry.content[0].value


def test_pages_link_to_their_feeds(client: FlaskClient, runtime: Runtime, site):
    set_up_admin(client, "alice")
    article_id = follow(runtime, "alice", site, "/a")
    article = client.get(f"/articles/{article_id}").get_data(as_text=True)
    feed_link = f'<link rel="alternate" type="application/atom+xml" title="Changes to this article" href="/articles/{article_id}/changes.atom">'
    assert feed_link in article and ">Atom feed</a>" in article
    changes = client.get("/changes?label=stealth_edit&site=127.0.0.1").get_data(as_text=True)
    assert 'href="/changes.atom?label=stealth_edit&amp;site=127.0.0.1"' in changes
    assert 'href="/account/feeds"' in changes


def test_the_recent_changes_feed_filters_like_the_page(client: FlaskClient, runtime: Runtime, site):
    set_up_admin(client, "alice")
    first, second = follow(runtime, "alice", site, "/a"), follow(runtime, "alice", site, "/b")
    publish(runtime, site, first, "/a", edited())
    publish(runtime, site, second, "/b", edited(" B")[:2])
    assert titles(parsed(client, "/changes.atom")) == [
        "Budget B (version 2)",
        "Budget (version 3)",
        "Budget (version 2)",
    ]
    stealthy = parsed(client, "/changes.atom?label=stealth_edit")
    assert titles(stealthy) == ["Budget (version 3)"]
    assert stealthy.feed.title == "Recent changes, stealth edit"
    assert stealthy.feed.link == f"{BASE}/changes?label=stealth_edit&scope=all"
    assert len(parsed(client, "/changes.atom?site=127.0.0.1").entries) == 3
    assert parsed(client, "/changes.atom?site=other.example").entries == []
    assert client.get("/changes.atom?label=nonsense").status_code == 400


def test_feeds_follow_public_read(database_url: str):
    closed = create_app(database_url=database_url, secret_key="s", public_read=False)
    try:
        set_up_admin(closed.test_client(), "alice")
        for path in ("/changes.atom", "/articles/1/changes.atom"):
            response = closed.test_client().get(path)  # anonymous
            assert response.status_code == 302 and "/login" in response.headers["Location"], path
    finally:
        closed.extensions["tracker"].engine.dispose()


def feed_addresses(client: FlaskClient) -> dict[str, str]:
    """Return the private feed addresses the account page shows, by what they follow."""
    page = client.get("/account/feeds").get_data(as_text=True)
    found = re.findall(
        r'href="(https://tracker\.example/(?:tags/([^"]+?)|me)/changes\.atom\?key=[^"]+)"', page
    )
    return {tag or "all": url.replace("&amp;", "&") for url, tag in found}


def test_private_tag_feeds_show_only_their_owners_articles(client: FlaskClient, runtime: Runtime, site):
    set_up_admin(client, "alice")  # signed in as alice from here on
    make_token(runtime, "bob")
    tagged = follow(runtime, "alice", site, "/a", "politics, city hall/budget")
    untagged = follow(runtime, "alice", site, "/b")
    bobs = follow(runtime, "bob", site, "/c", "politics")
    for article_id, path in ((tagged, "/a"), (untagged, "/b"), (bobs, "/c")):
        publish(runtime, site, article_id, path, edited(path)[:2])
    mine = feed_addresses(client)
    assert set(mine) == {"all", "politics", "city%20hall/budget"}
    assert titles(parsed(client, mine["city%20hall/budget"])) == ["Budget/a (version 2)"]
    politics = parsed(client, mine["politics"])
    assert titles(politics) == ["Budget/a (version 2)"]
    assert politics.feed.title == "Changes tagged politics (alice)"
    assert politics.feed.link == f"{BASE}/?tag=politics"
    assert set(titles(parsed(client, mine["all"]))) == {"Budget/a (version 2)", "Budget/b (version 2)"}
    with runtime.sessions.begin() as session:
        bob = accounts.user_named(session, "bob")
        assert bob is not None
        bob_key = accounts.feed_key(bob)
    assert titles(parsed(client, f"/tags/politics/changes.atom?key={bob_key}")) == ["Budget/c (version 2)"]
    assert parsed(client, f"/tags/no-such-tag/changes.atom?key={bob_key}").entries == []
    for wrong in ("", "?key=", "?key=guess"):
        assert client.get(f"/tags/politics/changes.atom{wrong}").status_code == 404
        assert client.get(f"/tags/no-such-tag/changes.atom{wrong}").status_code == 404
        assert client.get(f"/me/changes.atom{wrong}").status_code == 404


def test_a_new_key_kills_the_old_addresses(client: FlaskClient, runtime: Runtime, site):
    set_up_admin(client, "alice")
    follow(runtime, "alice", site, "/a", "politics")
    old = feed_addresses(client)
    assert feed_addresses(client) == old  # the key is made once, then kept
    assert client.post("/account/feeds/rotate").status_code == 400  # no CSRF token
    page = client.get("/account/feeds").get_data(as_text=True)
    response = client.post("/account/feeds/rotate", data={"csrf_token": token_in(page)})
    assert response.status_code == 302
    new = feed_addresses(client)
    for name in ("all", "politics"):
        assert new[name] != old[name]
        assert client.get(old[name]).status_code == 404
        parsed(client, new[name])


def test_the_feeds_page_needs_an_account(client: FlaskClient, app: Flask):
    set_up_admin(app.test_client(), "alice")
    response = client.get("/account/feeds")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_excerpt_shows_a_few_clipped_changes_and_links_to_the_rest():
    long_paragraph = " ".join(f"word{n}" for n in range(300))
    old = ArticleText(title="Budget", byline=None, paragraphs=(f"{long_paragraph} end.",))
    new = ArticleText(
        title="Budget passed",
        byline=None,
        paragraphs=(f"{long_paragraph} finish.", *(f"New paragraph {n} with <tags>." for n in range(9))),
    )
    html = diff_excerpt(diff_articles(old, new), summary="the summary", link="https://t.example/d?a=1&b=2")
    assert html.startswith("<p><strong>the summary</strong></p>")
    assert "<p>Headline: <bdi>Budget<ins> passed</ins></bdi></p>" in html  # marked as paragraphs are
    assert '<p dir="auto">… word291 word292 word293 word294 word295 word296 word297 word298 word299 ' in html
    assert "word10 " not in html  # the unchanged start of the long paragraph is cut
    assert "<del>end</del><ins>finish</ins>." in html
    assert html.count("<ins>New paragraph") == 5 and "&lt;tags&gt;" in html
    assert html.endswith(
        '<a href="https://t.example/d?a=1&amp;b=2">4 more changed paragraphs in the diff</a></p>'
    )


def test_characters_xml_cannot_carry_are_dropped():
    entry = AtomEntry(
        id="https://t.example/d",
        title="Bell\x07 and null\x00",
        link="https://t.example/d",
        updated=T0,
        summary="+1 word",
        labels=("stealth_edit",),
        content_html="<p>a\x0bb</p>",
    )
    document = atom_document(
        AtomFeed(
            id="https://t.example/f",
            title="T",
            link="https://t.example/",
            self_link="https://t.example/f",
            updated=T0,
            entries=(entry,),
        )
    )
    feed = feedparser.parse(document)
    assert not feed.bozo
    assert feed.entries[0].title == "Bell and null" and feed.entries[0].content[0].value == "<p>ab</p>"
