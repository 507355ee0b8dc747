"""Feed sources against a real local server: RSS and Atom feeds that add articles for their followers,
conditional polls, options, discovery, hostile documents, and privacy between users."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from tests.factories import article_page, auth, make_token, story
from tests.pageserver import PageServer, Reply
from tests.test_pages import token_in
from tracker.adapters.fetch import Fetcher, FetchLimits
from tracker.adapters.models import Article, Event, FeedEntry, FeedFollow, FeedSource, Subscription
from tracker.domain.errors import CheckError
from tracker.domain.feeds import EntryOptions, advertised_feeds, read_feed
from tracker.engine.feedpoller import FeedPoller, FeedPollerSettings, make_feed_poller
from tracker.engine.runtime import Runtime
from tracker.engine.worker import Ticker
from tracker.services import accounts, articles
from tracker.services.checks import check_article

T0 = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "docs" / "webhook-payload.schema.json").read_text()
)
RSS_TYPE = "application/rss+xml; charset=utf-8"


def rss(items: list[tuple], *, title: str = "Example News") -> bytes:
    """Return an RSS 2.0 feed of (title, link) or (title, link, published) items, newest first, each
    with its link as guid."""
    entries = "".join(
        f"<item><title>{escape(item[0])}</title><link>{escape(item[1])}</link><guid>{escape(item[1])}</guid>"
        + (f"<pubDate>{format_datetime(item[2])}</pubDate>" if len(item) > 2 else "")
        + "</item>"
        for item in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{escape(title)}</title>{entries}</channel></rss>'.encode()


def engine(runtime: Runtime, at: datetime = T0, **policy: object) -> FeedPoller:
    """Return the runtime's feed engine with the clock stopped at `at` (and policy overrides)."""
    reading = make_feed_poller(runtime).reading
    reading = replace(reading, clock=lambda: at, policy=replace(reading.policy, **policy))
    return FeedPoller(reading, FeedPollerSettings(worker="test"))


def user(runtime: Runtime, name: str) -> int:
    with runtime.sessions.begin() as session:
        return accounts.ensure_user(session, name, is_admin=False, now=T0).id


def followed(runtime: Runtime, user_id: int) -> dict[str, Subscription]:
    """Return the user's subscriptions by article URL."""
    with runtime.sessions() as session:
        rows = session.execute(
            select(Article.url, Subscription)
            .join(Subscription, Subscription.article_id == Article.id)
            .where(Subscription.user_id == user_id)
        )
        return {url: subscription for url, subscription in rows}


def entry_outcomes(runtime: Runtime) -> dict[str, str]:
    with runtime.sessions() as session:
        return {entry.link: entry.outcome for entry in session.scalars(select(FeedEntry))}


def count(runtime: Runtime, model: type) -> int:
    with runtime.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def make_due(runtime: Runtime) -> None:
    with runtime.sessions.begin() as session:
        session.execute(update(FeedSource).values(next_check_at=T0 - timedelta(days=1)))


def serve_feed(site: PageServer, items: list[tuple[str, str]], path: str = "/feed.xml", **kwargs) -> str:
    return site.serve(path, rss(items, **kwargs), content_type=RSS_TYPE, etag=True)


def stories(site: PageServer, *numbers: int, section: str = "news") -> list[tuple[str, str]]:
    return [(f"Story {n}", site.url(f"/{section}/{n}")) for n in numbers]


# --- reading feeds (pure) -------------------------------------------------------------------------


def test_an_atom_feed_reads_with_absolute_links_plain_titles_and_dates():
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom &amp; Co</title>
<entry><title type="html">&lt;b&gt;Budget&lt;/b&gt; approved</title><link href="/2026/budget"/>
<id>tag:example.com,2026:1</id><updated>2026-03-05T10:00:00Z</updated></entry>
<entry><title>No id</title><link href="https://example.com/2026/other"/></entry></feed>"""
    feed = read_feed(body, url="https://example.com/feeds/atom.xml", content_type="application/atom+xml")
    assert (feed.title, feed.kind) == ("Atom & Co", "atom")
    first, second = feed.items
    assert (first.link, first.title) == ("https://example.com/2026/budget", "Budget approved")
    assert first.published_at == datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
    assert second.link == "https://example.com/2026/other" and second.published_at is None
    assert first.key != second.key


@pytest.mark.parametrize(
    "body",
    [
        b"<!doctype html><html><body><p>Hello</p></body></html>",
        b"just text",
        b'{"items": []}',
        b"",
        b"/etc/passwd",
    ],
)
def test_what_is_not_a_feed_says_so(body: bytes):
    with pytest.raises(CheckError) as raised:
        read_feed(body, url="https://example.com/x", content_type="text/plain")
    assert raised.value.code == "not_a_feed"


def test_discovery_finds_advertised_feeds_made_absolute_and_drops_non_web_links():
    page = b"""<!doctype html><html><head><title>Home</title>
<link rel="alternate" type="application/rss+xml" title="All news" href="/feed.xml">
<link rel="alternate feed" type="application/atom+xml; charset=utf-8" href="https://cdn.example.com/atom">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="stylesheet" type="text/css" href="/style.css">
<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body></body></html>"""
    links = advertised_feeds(page, url="https://example.com/section/", content_type="text/html")
    assert [(link.url, link.title, link.kind) for link in links] == [
        ("https://example.com/feed.xml", "All news", "rss"),
        ("https://cdn.example.com/atom", None, "atom"),
    ]
    assert advertised_feeds(b"\x00\x01garbage", url="https://example.com/", content_type=None) == ()


def test_patterns_are_plain_text_with_wildcards_on_url_and_title():
    options = EntryOptions(include=("/politics/", "Budget*vote"), exclude=("live",))
    verdict = lambda link, title: options.verdict(link, title, None, now=T0)  # noqa: E731
    assert verdict("https://x.example/politics/1", "A story") == "added"
    assert verdict("https://x.example/sport/1", "The BUDGET passes its final vote") == "added"
    assert verdict("https://x.example/politics/live-1", "Live") == "filtered"
    assert verdict("https://x.example/sport/2", "Match report") == "filtered"
    # A pattern written like a catastrophic regular expression is plain text here: no backtracking.
    started = time.monotonic()
    assert EntryOptions(include=("(a+)+$",)).verdict("a" * 2000 + "!", None, None, now=T0) == "filtered"
    assert time.monotonic() - started < 0.1


# --- following through the API --------------------------------------------------------------------


def test_following_an_rss_feed_tracks_its_entries_tagged_and_announces_them(
    client: FlaskClient, runtime: Runtime, site: PageServer
):
    token = make_token(runtime, "alice")
    hook = client.post("/api/v1/webhooks", json={"url": site.url("/hook")}, headers=auth(token))
    assert hook.status_code == 201
    url = serve_feed(site, stories(site, 2, 1), title="Example News: Politics")

    response = client.post("/api/v1/feeds", json={"url": url}, headers=auth(token))

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/feeds/{body['id']}")
    assert body["url"] == url and body["title"] == "Example News: Politics"
    assert body["name"] == "example news: politics"  # the title, as a tag
    assert body["error"] is None and body["last_checked_at"] is not None
    alice = user(runtime, "alice")
    subscriptions = followed(runtime, alice)
    assert set(subscriptions) == {site.url("/news/1"), site.url("/news/2")}
    assert all(s.tags == ["example news: politics"] and s.feed_id for s in subscriptions.values())
    with runtime.sessions() as session:
        assert all(
            article.version_count == 0 for article in session.scalars(select(Article))
        )  # never fetched
        events = list(session.scalars(select(Event).where(Event.type == "article.added")))
    assert len(events) == 2
    for event in events:
        payload = json.loads(event.payload)
        jsonschema.validate(payload, SCHEMA)
        assert payload["data"]["source"]["url"] == url
    assert site.hits("/news/1") == 0 and site.hits("/hook") == 0  # adding never fetches; alerts go later

    entries = client.get(f"/api/v1/feeds/{body['id']}/entries", headers=auth(token)).get_json()["items"]
    assert [(e["title"], e["outcome"]) for e in entries] == [("Story 2", "added"), ("Story 1", "added")]
    assert all(e["article_id"] and e["links"]["article"] == f"/articles/{e['article_id']}" for e in entries)
    again = client.post("/api/v1/feeds", json={"url": url, "name": "politics"}, headers=auth(token))
    assert again.status_code == 200 and again.get_json()["id"] == body["id"]
    assert again.get_json()["name"] == "politics"


def test_the_feeds_api_reads_writes_and_checks(client: FlaskClient, runtime: Runtime, site: PageServer):
    token = make_token(runtime, "alice")
    url = serve_feed(site, stories(site, 1))
    created = client.post("/api/v1/feeds", json={"url": url, "name": "News"}, headers=auth(token)).get_json()
    assert created["name"] == "news"

    listed = client.get("/api/v1/feeds", headers=auth(token)).get_json()
    assert [item["id"] for item in listed["items"]] == [created["id"]] and listed["next"] is None
    changed = client.patch(
        f"/api/v1/feeds/{created['id']}",
        json={"include": ["/news/"], "exclude": "live\nsponsored", "max_age_days": 7, "stop_after_days": 30},
        headers=auth(token),
    ).get_json()
    assert (changed["include"], changed["exclude"]) == (["/news/"], ["live", "sponsored"])
    assert (changed["max_age_days"], changed["stop_after_days"]) == (7, 30)

    serve_feed(site, stories(site, 2, 1))
    check = client.post(f"/api/v1/feeds/{created['id']}/check", headers=auth(token))
    assert check.status_code == 200
    result = check.get_json()
    assert (result["outcome"], result["entries"], result["new_entries"], result["articles_added"]) == (
        "updated",
        2,
        1,
        1,
    )
    assert result["http_status"] == 200 and result["error"] is None and result["feed"]["id"] == created["id"]
    unchanged = client.post(f"/api/v1/feeds/{created['id']}/check", headers=auth(token)).get_json()
    assert (unchanged["outcome"], unchanged["http_status"], unchanged["new_entries"]) == (
        "not_modified",
        304,
        0,
    )

    assert client.delete(f"/api/v1/feeds/{created['id']}", headers=auth(token)).status_code == 204
    assert client.get(f"/api/v1/feeds/{created['id']}", headers=auth(token)).status_code == 404
    assert count(runtime, FeedSource) == 0  # nobody follows it: forgotten
    assert len(followed(runtime, user(runtime, "alice"))) == 2  # the articles it added stay


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"include": "*"}, "bad_include"),
        ({"exclude": [f"word{n}" for n in range(30)]}, "bad_exclude"),
        ({"include": 5}, "bad_include"),
        ({"max_age_days": 0}, "bad_max_age_days"),
        ({"stop_after_days": "ten"}, "bad_stop_after_days"),
        ({"name": "!!"}, "bad_name"),
        ({"colour": "red"}, "bad_field"),
    ],
)
def test_bad_options_are_refused_before_anything_is_fetched(
    client: FlaskClient, runtime: Runtime, site: PageServer, fields: dict, code: str
):
    token = make_token(runtime)
    url = serve_feed(site, stories(site, 1))
    response = client.post("/api/v1/feeds", json={"url": url, **fields}, headers=auth(token))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code and response.get_json()["error"]["message"]
    assert site.hits("/feed.xml") == 0 and count(runtime, FeedSource) == 0


@pytest.mark.parametrize(
    ("url", "code"), [("javascript:alert(1)", "bad_url"), ("", "bad_url"), ("ftp://example.com/f", "bad_url")]
)
def test_bad_feed_urls_are_refused(client: FlaskClient, runtime: Runtime, url: str, code: str):
    response = client.post("/api/v1/feeds", json={"url": url}, headers=auth(make_token(runtime)))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == code


def test_a_feed_that_cannot_be_fetched_is_not_stored(client: FlaskClient, runtime: Runtime, site: PageServer):
    response = client.post(
        "/api/v1/feeds", json={"url": site.url("/missing.xml")}, headers=auth(make_token(runtime))
    )
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "http_404"
    assert count(runtime, FeedSource) == 0


def test_a_home_page_instead_of_a_feed_names_the_feeds_it_advertises(
    client: FlaskClient, runtime: Runtime, site: PageServer
):
    token = make_token(runtime)
    feed_url = serve_feed(site, stories(site, 1), title="All news")
    home = site.serve(
        "/",
        '<!doctype html><html><head><link rel="alternate" type="application/rss+xml" title="All news" '
        'href="/feed.xml"></head><body><h1>Home</h1></body></html>',
    )

    refused = client.post("/api/v1/feeds", json={"url": home}, headers=auth(token))
    assert refused.status_code == 400
    error = refused.get_json()["error"]
    assert error["code"] == "not_a_feed" and feed_url in error["message"]
    assert error["feeds"] == [{"url": feed_url, "title": "All news", "type": "rss"}]
    assert count(runtime, FeedSource) == 0

    found = client.get("/api/v1/feeds/discover", query_string={"url": home}, headers=auth(token)).get_json()
    assert found == {"items": [{"url": feed_url, "title": "All news", "type": "rss"}], "next": None}
    itself = client.get("/api/v1/feeds/discover", query_string={"url": feed_url}, headers=auth(token))
    assert itself.get_json()["items"] == [{"url": feed_url, "title": "All news", "type": "rss"}]
    plain = site.serve("/plain", "just text", content_type="text/plain")
    nothing = client.post("/api/v1/feeds", json={"url": plain}, headers=auth(token)).get_json()["error"]
    assert nothing["code"] == "not_a_feed" and nothing["feeds"] == []


def test_feeds_are_private_to_their_follower(client: FlaskClient, runtime: Runtime, site: PageServer):
    alice, bob = make_token(runtime, "alice"), make_token(runtime, "bob")
    url = serve_feed(site, stories(site, 1))
    mine = client.post("/api/v1/feeds", json={"url": url}, headers=auth(alice)).get_json()["id"]

    assert client.get("/api/v1/feeds").status_code == 401  # reads need a token too
    assert client.get("/api/v1/feeds", headers=auth(bob)).get_json()["items"] == []
    for method, path in (
        ("get", f"/api/v1/feeds/{mine}"),
        ("patch", f"/api/v1/feeds/{mine}"),
        ("delete", f"/api/v1/feeds/{mine}"),
        ("get", f"/api/v1/feeds/{mine}/entries"),
        ("post", f"/api/v1/feeds/{mine}/check"),
        ("get", "/api/v1/feeds/99999"),
    ):
        response = getattr(client, method)(path, json={"name": "mine now"}, headers=auth(bob))
        assert response.status_code == 404, path
        assert response.get_json()["error"]["code"] == "feed_not_found"
    assert client.get(f"/api/v1/feeds/{mine}", headers=auth(alice)).get_json()["name"] == "example news"
    assert site.hits("/feed.xml") == 1  # bob's check-now never reached the feed


# --- polling ---------------------------------------------------------------------------------------


def test_a_second_poll_is_conditional_and_a_304_brings_nothing_new(runtime: Runtime, site: PageServer):
    alice = user(runtime, "alice")
    url = serve_feed(site, stories(site, 1))
    engine(runtime).follow(alice, url, {"name": "local"})
    make_due(runtime)

    assert engine(runtime, T0 + timedelta(hours=1)).poll() == {"not_modified": 1}
    _path, headers = site.requests[-1]
    assert headers.get("If-None-Match") and "rss+xml" in headers["Accept"]
    assert count(runtime, FeedEntry) == 1

    serve_feed(site, stories(site, 2, 1))  # a new entry on top
    make_due(runtime)
    assert engine(runtime, T0 + timedelta(hours=2)).poll() == {"updated": 1}
    assert set(followed(runtime, alice)) == {site.url("/news/1"), site.url("/news/2")}
    assert followed(runtime, alice)[site.url("/news/2")].tags == ["local"]
    with runtime.sessions() as session:
        feed = session.scalars(select(FeedSource)).one()
        assert feed.next_check_at == T0 + timedelta(hours=2, seconds=900) and feed.lease_until is None
    assert engine(runtime, T0 + timedelta(hours=2)).poll() == {}  # not due again yet


def test_every_follower_gets_a_new_entry_under_their_own_name(runtime: Runtime, site: PageServer):
    alice, bob = user(runtime, "alice"), user(runtime, "bob")
    url = serve_feed(site, stories(site, 1))
    engine(runtime).follow(alice, url, {"name": "alice news"})
    engine(runtime).follow(bob, url, {"name": "bob news"})
    assert count(runtime, FeedSource) == 1  # one feed, however many follow it
    assert followed(runtime, bob)[site.url("/news/1")].tags == ["bob news"]  # the feed's recent entries

    serve_feed(site, stories(site, 2, 1))
    make_due(runtime)
    engine(runtime, T0 + timedelta(hours=1)).poll()

    assert followed(runtime, alice)[site.url("/news/2")].tags == ["alice news"]
    assert followed(runtime, bob)[site.url("/news/2")].tags == ["bob news"]
    assert count(runtime, Article) == 2
    assert site.hits("/feed.xml") == 2  # polled once for both


def test_one_article_reached_from_two_feeds_is_one_article_with_both_tags(runtime: Runtime, site: PageServer):
    alice, bob = user(runtime, "alice"), user(runtime, "bob")
    shared = site.url("/news/shared")
    first = serve_feed(site, [("Shared", shared)], path="/a.xml")
    second = serve_feed(site, [("Shared", f"{shared}?utm_source=rss#top")], path="/b.xml")
    engine(runtime).follow(alice, first, {"name": "first"})
    engine(runtime).follow(alice, second, {"name": "second"})
    engine(runtime).follow(bob, second, {"name": "bobs"})

    assert count(runtime, Article) == 1
    assert followed(runtime, alice)[shared].tags == ["first", "second"]
    assert followed(runtime, bob)[shared].tags == ["bobs"]


def test_include_and_exclude_choose_what_is_tracked(runtime: Runtime, site: PageServer):
    alice = user(runtime, "alice")
    items = [
        ("Minister resigns", site.url("/politics/1")),
        ("LIVE: the vote", site.url("/politics/live-2")),
        ("Cup final", site.url("/sport/3")),
        ("Budget: what it means", site.url("/money/4")),
    ]
    url = serve_feed(site, items)
    engine(runtime).follow(alice, url, {"include": ["/politics/", "budget"], "exclude": ["live"]})

    assert set(followed(runtime, alice)) == {site.url("/politics/1"), site.url("/money/4")}
    assert entry_outcomes(runtime) == {
        site.url("/politics/1"): "added",
        site.url("/politics/live-2"): "filtered",
        site.url("/sport/3"): "filtered",
        site.url("/money/4"): "added",
    }
    assert count(runtime, Article) == 2


def test_entries_older_than_the_maximum_age_are_skipped(runtime: Runtime, site: PageServer):
    alice = user(runtime, "alice")
    recent, old = T0 - timedelta(days=2), T0 - timedelta(days=10)
    serve_feed(site, [("New", site.url("/news/1"), recent), ("Old", site.url("/news/2"), old)])
    engine(runtime).follow(alice, site.url("/feed.xml"), {"max_age_days": 7})
    assert set(followed(runtime, alice)) == {site.url("/news/1")}
    assert entry_outcomes(runtime)[site.url("/news/2")] == "too_old"


def test_stop_after_days_unfollows_what_the_feed_added_and_pauses_what_nobody_follows(
    runtime: Runtime, site: PageServer
):
    alice, bob = user(runtime, "alice"), user(runtime, "bob")
    url = serve_feed(site, stories(site, 1, 2, 3))
    with runtime.sessions.begin() as session:  # alice followed story 3 herself before the feed came
        articles.add_article(session, site.url("/news/3"), user_id=alice, allow_private=True, now=T0)
    engine(runtime).follow(alice, url, {"stop_after_days": 2})
    with runtime.sessions.begin() as session:  # bob follows story 2 himself
        story = articles.tracked_as(session, site.url("/news/2"))
        assert story is not None
        articles.follow(session, bob, story, now=T0)

    make_due(runtime)
    engine(runtime, T0 + timedelta(days=1)).poll()
    assert len(followed(runtime, alice)) == 3  # not yet
    make_due(runtime)
    engine(runtime, T0 + timedelta(days=3)).poll()

    assert set(followed(runtime, alice)) == {site.url("/news/3")}  # her own follow stays
    with runtime.sessions() as session:
        status = {a.url: a.status for a in session.scalars(select(Article))}
    assert status[site.url("/news/1")] == "paused"  # nobody follows it any more
    assert status[site.url("/news/2")] == "active"  # bob still does
    assert status[site.url("/news/3")] == "active"


def test_one_follower_leaving_does_not_affect_the_other(
    client: FlaskClient, runtime: Runtime, site: PageServer
):
    alice, bob = make_token(runtime, "alice"), make_token(runtime, "bob")
    url = serve_feed(site, stories(site, 1))
    mine = client.post("/api/v1/feeds", json={"url": url}, headers=auth(alice)).get_json()["id"]
    client.post("/api/v1/feeds", json={"url": url, "name": "bobs"}, headers=auth(bob))
    assert client.delete(f"/api/v1/feeds/{mine}", headers=auth(alice)).status_code == 204

    serve_feed(site, stories(site, 2, 1))
    make_due(runtime)
    assert engine(runtime, datetime.now(UTC)).poll() == {"updated": 1}
    assert site.url("/news/2") in followed(runtime, user(runtime, "bob"))
    assert site.url("/news/2") not in followed(runtime, user(runtime, "alice"))
    assert [item["name"] for item in client.get("/api/v1/feeds", headers=auth(bob)).get_json()["items"]] == [
        "bobs"
    ]


def test_one_bad_feed_never_stops_the_others_and_errors_back_off(runtime: Runtime, site: PageServer):
    alice = user(runtime, "alice")
    good = serve_feed(site, stories(site, 1), path="/good.xml")
    bad = serve_feed(site, stories(site, 2), path="/bad.xml")
    engine(runtime).follow(alice, good, {})
    engine(runtime).follow(alice, bad, {})
    site.routes["/bad.xml"] = Reply(b"<html><body>We moved!</body></html>")
    site.routes["/good.xml"] = Reply(rss(stories(site, 3, 1)), content_type=RSS_TYPE)

    make_due(runtime)
    assert engine(runtime, T0 + timedelta(hours=1)).poll() == {"updated": 1, "error": 1}
    assert site.url("/news/3") in followed(runtime, alice)
    with runtime.sessions() as session:
        feed = session.scalars(select(FeedSource).where(FeedSource.url == bad)).one()
        assert (feed.last_error_code, feed.failure_count) == ("not_a_feed", 1)
        assert feed.last_error_message
    site.routes["/bad.xml"] = Reply(b"oops", status=500)
    make_due(runtime)
    engine(runtime, T0 + timedelta(hours=2)).poll()
    with runtime.sessions() as session:
        feed = session.scalars(select(FeedSource).where(FeedSource.url == bad)).one()
        assert (feed.last_error_code, feed.failure_count) == ("http_500", 2)
        assert feed.next_check_at == T0 + timedelta(hours=2, seconds=1800)  # doubled


def test_the_workers_ticker_polls_feeds(runtime: Runtime, site: PageServer):
    alice = user(runtime, "alice")
    url = serve_feed(site, stories(site, 1))
    engine(runtime, datetime.now(UTC)).follow(alice, url, {})
    serve_feed(site, stories(site, 2, 1))
    make_due(runtime)

    ticker = Ticker(runtime, separate=False)
    ticker.start()
    try:
        deadline = time.monotonic() + 10
        while site.url("/news/2") not in followed(runtime, alice) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        ticker.stop()
    assert site.url("/news/2") in followed(runtime, alice)


# --- hostile feeds ---------------------------------------------------------------------------------


def test_entries_with_links_that_are_not_public_web_pages_are_rejected_and_never_fetched(
    runtime: Runtime, site: PageServer
):
    alice = user(runtime, "alice")
    links = {
        "javascript:alert(document.cookie)": "rejected:bad_url",
        "file:///etc/passwd": "rejected:bad_url",
        "data:text/html,<script>alert(1)</script>": "rejected:bad_url",
        "http://10.0.0.1/admin": "rejected:blocked_address",
        "http://localhost/admin": "rejected:blocked_address",
        site.url("/private"): "rejected:blocked_address",
        "https://news.example.com/" + "long/" * 500: "rejected:bad_url",
        "https://news.example.com/fine": "added",
    }
    engine(runtime).follow(alice, serve_feed(site, []), {})
    serve_feed(site, [(f"Entry {n}", link) for n, link in enumerate(links)])
    make_due(runtime)
    engine(
        runtime, T0 + timedelta(hours=1), allow_private=False
    ).poll()  # the feed is local, its links may not be

    with runtime.sessions() as session:
        outcomes = {entry.title: entry.outcome for entry in session.scalars(select(FeedEntry))}
    assert outcomes == {f"Entry {n}": outcome for n, outcome in enumerate(links.values())}
    with runtime.sessions() as session:
        assert list(session.scalars(select(Article.url))) == ["https://news.example.com/fine"]
    assert site.hits("/private") == 0


@pytest.fixture
def listener() -> PageServer:
    """A server nothing may reach: any request to it means a feed made us fetch."""
    server = PageServer()
    yield server
    server.close()


def test_reading_a_feed_never_fetches_what_it_points_to(
    runtime: Runtime, site: PageServer, listener: PageServer
):
    alice = user(runtime, "alice")
    out = listener.url("")
    documents = {
        "/doctype.xml": f"""<?xml version="1.0"?>
<?xml-stylesheet type="text/xsl" href="{out}/style.xsl"?>
<!DOCTYPE rss SYSTEM "{out}/rss.dtd">
<rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude"><channel><title>Doctype</title>
<item><title>One</title><link>https://news.example.com/1</link><xi:include href="{out}/include.xml"/>
<description><![CDATA[<img src="{out}/pixel.gif">]]></description></item></channel></rss>""",
        "/entity.xml": f"""<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY outside SYSTEM "{out}/entity.txt">
]>
<rss version="2.0"><channel><title>Entity &outside;</title>
<item><title>Two &outside;</title><link>https://news.example.com/2</link></item></channel></rss>""",
        "/inline.xml": f"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY outside SYSTEM "{out}/inline.txt"><!ENTITY % p SYSTEM "{out}/param.dtd"> %p;]><rss version="2.0"><channel><title>Inline</title><item><title>Three &outside;</title><link>https://news.example.com/3</link></item></channel></rss>""",
    }
    for path, body in documents.items():
        site.serve(path, body, content_type="application/xml")
        engine(runtime).follow(alice, site.url(path), {})

    assert listener.requests == []
    assert set(followed(runtime, alice)) == {f"https://news.example.com/{n}" for n in (1, 2, 3)}


@pytest.mark.parametrize("inline", [False, True])
def test_entity_expansion_bombs_cost_a_bounded_parse(runtime: Runtime, site: PageServer, inline: bool):
    alice = user(runtime, "alice")
    entities = ['<!ENTITY l0 "lollollollollollollollollollol">'] + [
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)
    ]
    subset = ("" if inline else "\n").join(entities)
    body = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [{subset}]>\n<rss version="2.0"><channel><title>&l9;</title>'
        "<item><title>&l9;</title><link>https://news.example.com/bomb</link></item></channel></rss>"
    )
    url = site.serve("/bomb.xml", body, content_type="application/rss+xml")
    started = time.monotonic()
    engine(runtime).follow(alice, url, {})
    assert time.monotonic() - started < 5
    with runtime.sessions() as session:
        entry = session.scalars(select(FeedEntry)).one()
        assert entry.outcome == "added" and len(entry.title or "") <= 500


def test_a_feed_larger_than_the_cap_is_an_error_outcome(runtime: Runtime, site: PageServer):
    alice = user(runtime, "alice")
    url = serve_feed(site, stories(site, 1))
    engine(runtime).follow(alice, url, {})
    serve_feed(site, stories(site, *range(2, 200)))
    capped = engine(runtime, T0 + timedelta(hours=1))
    capped.reading = replace(
        capped.reading,
        fetch=Fetcher(runtime.guard, user_agent="test", limits=FetchLimits(max_bytes=4096), html_only=False),
    )
    make_due(runtime)
    assert capped.poll() == {"error": 1}
    with runtime.sessions() as session:
        assert session.scalars(select(FeedSource)).one().last_error_code == "too_large"
    assert count(runtime, Article) == 1


# --- pages -----------------------------------------------------------------------------------------


def signed_in(app: Flask, runtime: Runtime, username: str) -> FlaskClient:
    """Return a client signed in as a new user with a password."""
    with runtime.sessions.begin() as session:
        accounts.create_user(session, username, password="correct horse", is_admin=False, now=T0)
    browser = app.test_client()
    form = token_in(browser.get("/login").get_data(as_text=True))
    response = browser.post(
        "/login", data={"username": username, "password": "correct horse", "csrf_token": form}
    )
    assert response.status_code == 302
    return browser


def test_the_feeds_pages_offer_discovered_feeds_show_entries_and_stay_private(
    app: Flask, runtime: Runtime, site: PageServer
):
    alice = signed_in(app, runtime, "alice")
    feed_url = serve_feed(site, [("Budget <approved>", site.url("/news/1")), ("Bad", "javascript:alert(1)")])
    home = site.serve(
        "/",
        '<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml">'
        "</head><body>Home</body></html>",
    )
    page = alice.get("/feeds/").get_data(as_text=True)
    assert 'href="/feeds/"' in page  # the menu links here

    offered = alice.post("/feeds/", data={"url": home, "name": "", "csrf_token": token_in(page)})
    text = offered.get_data(as_text=True)
    assert offered.status_code == 200 and "not a feed" in text and f'value="{feed_url}"' in text
    assert count(runtime, FeedSource) == 0

    chosen = alice.post("/feeds/", data={"url": feed_url, "name": "Budget", "csrf_token": token_in(text)})
    assert chosen.status_code == 302
    feed_page = alice.get(chosen.headers["Location"]).get_data(as_text=True)
    assert "Budget &lt;approved&gt;" in feed_page and "rejected:bad_url" in feed_page
    assert 'href="javascript:' not in feed_page  # a hostile link is shown, never linked
    with runtime.sessions() as session:
        article_id = session.scalars(select(Article.id)).one()
        follow_id = session.scalars(select(FeedFollow.id)).one()
    assert f'href="/articles/{article_id}"' in feed_page

    saved = alice.post(
        f"/feeds/{follow_id}",
        data={"name": "budget", "include": "*", "exclude": "", "csrf_token": token_in(feed_page)},
    )
    assert saved.status_code == 200 and "would match every entry" in saved.get_data(as_text=True)

    bob = signed_in(app, runtime, "bob")
    bobs_page = bob.get("/feeds/").get_data(as_text=True)
    assert feed_url not in bobs_page
    assert bob.get(f"/feeds/{follow_id}").status_code == 404
    for action in ("check", "delete"):
        assert (
            bob.post(f"/feeds/{follow_id}/{action}", data={"csrf_token": token_in(bobs_page)}).status_code
            == 404
        )
    assert count(runtime, FeedFollow) == 1
    assert alice.post(f"/feeds/{follow_id}/delete", data={}).status_code == 400  # no CSRF token

    checked = alice.post(f"/feeds/{follow_id}/check", data={"csrf_token": token_in(feed_page)})
    assert "not changed" in alice.get(checked.headers["Location"]).get_data(as_text=True)


def test_the_feed_page_lists_entries_by_the_tracked_articles_headline(
    app: Flask, runtime: Runtime, site: PageServer
):
    alice = signed_in(app, runtime, "alice")
    story_url = site.url("/news/1")
    feed_url = serve_feed(site, [("Budget vote (feed title)", story_url)])
    page = alice.get("/feeds/").get_data(as_text=True)
    followed_feed = alice.post(
        "/feeds/", data={"url": feed_url, "name": "News", "csrf_token": token_in(page)}
    )
    with runtime.sessions() as session:
        article_id = session.scalars(select(Article.id)).one()

    def entry_link() -> str:
        feed_page = alice.get(followed_feed.headers["Location"]).get_data(as_text=True)
        assert f"article {article_id}<" not in feed_page
        return feed_page.split(f'<a href="/articles/{article_id}">')[1].split("</a>")[0]

    assert entry_link() == "Budget vote (feed title)"  # no check has read the article yet
    site.serve("/news/1", article_page("Council approves the budget", story()))
    check_article(runtime.checking, article_id)
    assert entry_link() == "Council approves the budget"
