"""Rule changes and extractor upgrades re-read the latest page first: never a false change.
Also: duplicates found through rel=canonical or AMP URLs, and pages that are not the article."""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import add_article, article_page, auth, check_now, make_token, story
from tests.pageserver import PageServer
from tracker.adapters.models import Article, Check, Version
from tracker.domain.extract import extractor_name
from tracker.domain.rules import DEFAULT_RULES
from tracker.engine.runtime import Runtime
from tracker.services import articles, rules
from tracker.services.checks import check_article

T0 = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
PROMO = "Listen to our podcast every morning on the way to work, wherever you get your podcasts."


def promo_page(paragraphs: list[str]) -> str:
    return article_page("Budget approved", paragraphs).replace(
        "</article>", f"<p class='promo'>{PROMO}</p></article>"
    )


def track(runtime: Runtime, url: str) -> int:
    with runtime.sessions.begin() as session:
        return articles.add_article(session, url, user_id=None, allow_private=True, now=T0)[0].id


def check(runtime: Runtime, article_id: int, hours: float = 0) -> Check:
    return check_article(replace(runtime.checking, clock=lambda: T0 + timedelta(hours=hours)), article_id)


def versions(runtime: Runtime, article_id: int) -> list[Version]:
    with runtime.sessions() as session:
        return list(
            session.scalars(select(Version).where(Version.article_id == article_id).order_by(Version.number))
        )


def set_site_rules(runtime: Runtime, host: str, **fields) -> None:
    with runtime.sessions.begin() as session:
        rules.set_rules(session, fields, by="admin", now=T0, host=host)


def test_a_rule_change_makes_a_baseline_not_a_change(runtime: Runtime, site: PageServer):
    article_id = track(runtime, site.serve("/a", promo_page(story(4))))
    check(runtime, article_id)
    set_site_rules(runtime, "127.0.0.1", exclude=[".promo"])

    result = check(runtime, article_id, hours=1)

    assert result.outcome == "unchanged"
    first, baseline = versions(runtime, article_id)
    assert PROMO in first.paragraphs and PROMO not in baseline.paragraphs
    assert (baseline.baseline, baseline.labels) == (True, ["baseline"])
    assert baseline.extractor != first.extractor  # the rules' fingerprint is part of it
    assert check(runtime, article_id, hours=2).outcome == "unchanged"
    assert len(versions(runtime, article_id)) == 2


def test_a_real_edit_after_a_rule_change_is_diffed_against_the_baseline(runtime: Runtime, site: PageServer):
    article_id = track(runtime, site.serve("/a", promo_page(story(4))))
    check(runtime, article_id)
    set_site_rules(runtime, "127.0.0.1", exclude=[".promo"])
    site.serve("/a", promo_page([*story(4), "Update: the vote was moved to Friday."]))

    result = check(runtime, article_id, hours=1)

    assert (result.outcome, result.version_number) == ("changed", 3)
    edit = versions(runtime, article_id)[-1]
    assert edit.change["paragraphs_added"] == 1 and edit.change["paragraphs_removed"] == 0
    assert "update_note_added" in edit.labels


def test_an_extractor_upgrade_that_reads_the_same_text_adds_nothing(runtime: Runtime, site: PageServer):
    article_id = track(runtime, site.serve("/a", article_page("T", story(4))))
    check(runtime, article_id)
    with runtime.sessions.begin() as session:
        session.get(Article, article_id).baseline_extractor = "trafilatura-1.0/1+rules:default"

    assert check(runtime, article_id, hours=1).outcome == "unchanged"
    with runtime.sessions() as session:
        assert session.get(Article, article_id).baseline_extractor == extractor_name(DEFAULT_RULES)
    assert len(versions(runtime, article_id)) == 1


def test_an_extractor_upgrade_that_reads_differently_is_a_silent_baseline(runtime: Runtime, site: PageServer):
    article_id = track(runtime, site.serve("/a", article_page("T", story(4))))
    check(runtime, article_id)
    with runtime.sessions.begin() as session:  # what an older extractor had made of the same page
        old = session.scalar(select(Version).where(Version.article_id == article_id))
        old.paragraphs = [*old.paragraphs, "Share this article"]
        old.content_hash = "0" * 64
        session.get(Article, article_id).baseline_extractor = "trafilatura-1.0/1+rules:default"

    assert check(runtime, article_id, hours=1).outcome == "unchanged"
    assert [(v.number, v.baseline) for v in versions(runtime, article_id)] == [(1, False), (2, True)]


def test_baselines_are_not_recent_changes(client: FlaskClient, runtime: Runtime, site: PageServer):
    article_id = track(runtime, site.serve("/a", promo_page(story(4))))
    check(runtime, article_id)
    set_site_rules(runtime, "127.0.0.1", exclude=[".promo"])
    check(runtime, article_id, hours=1)
    assert client.get("/api/v1/changes").get_json()["items"] == []
    assert client.get(f"/api/v1/articles/{article_id}/versions/2").get_json()["baseline"] is True


def test_the_history_notes_the_rule_change(client: FlaskClient, runtime: Runtime, site: PageServer):
    make_token(runtime, "admin", admin=True)
    article_id = track(runtime, site.serve("/a", promo_page(story(4))))
    check(runtime, article_id)
    set_site_rules(runtime, "127.0.0.1", exclude=[".promo"])
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "extraction rules set: without .promo (by admin)" in page


def test_a_duplicate_url_is_merged_into_its_canonical_article(
    client: FlaskClient, runtime: Runtime, site: PageServer
):
    alice, bob = make_token(runtime, "alice"), make_token(runtime, "bob")
    canonical = site.serve("/story", article_page("T", story(4)))
    original = add_article(client, alice, canonical)
    check_now(client, alice, original["id"])
    page = article_page("T", story(4), extra_head=f'<link rel="canonical" href="{canonical}">')
    duplicate = add_article(client, bob, site.serve("/story-print", page))

    result = check_now(client, bob, duplicate["id"])

    assert result["article_id"] == original["id"] and result["outcome"] == "unchanged"
    gone = client.get(f"/api/v1/articles/{duplicate['id']}")
    assert gone.status_code == 404 and gone.get_json()["error"]["code"] == "article_merged"
    bobs = client.get("/api/v1/articles", headers=auth(bob)).get_json()["items"]
    assert [item["id"] for item in bobs] == [original["id"]]
    again = client.post("/api/v1/articles", json={"url": site.url("/story-print")}, headers=auth(bob))
    assert (again.status_code, again.get_json()["id"]) == (200, original["id"])


def test_a_page_cannot_claim_another_sites_article_as_canonical(client, runtime, site):
    token = make_token(runtime)
    page = article_page("T", story(4), extra_head='<link rel="canonical" href="https://other.example/story">')
    article = add_article(client, token, site.serve("/a", page))
    assert check_now(client, token, article["id"])["article_id"] == article["id"]


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example/story",
        "http://evil.example/story",
        "https://127.0.0.1.evil.example/story",
    ],
)
def test_a_canonical_that_is_no_http_url_of_the_pages_own_site_is_ignored(
    client: FlaskClient, runtime: Runtime, site: PageServer, href: str
):
    """It was stored and returned by the API and webhooks as the article's canonical_url, and a
    page on one site could make another site's URL lead to its own article."""
    token = make_token(runtime)
    page = article_page("T", story(4), extra_head=f'<link rel="canonical" href="{html.escape(href)}">')
    article = add_article(client, token, site.serve("/a", page))
    assert check_now(client, token, article["id"])["outcome"] == "first"

    stored = client.get(f"/api/v1/articles/{article['id']}", headers=auth(token)).get_json()
    assert stored["canonical_url"] is None
    elsewhere = client.post(
        "/api/v1/articles", json={"url": "http://evil.example/story"}, headers=auth(token)
    )
    assert (elsewhere.status_code, elsewhere.get_json()["id"] != article["id"]) == (201, True)


@pytest.mark.parametrize("href", ["/story?utm_source=feed", "{origin}/story"])
def test_a_canonical_on_the_pages_own_site_is_kept_resolved_and_normalised(
    client: FlaskClient, runtime: Runtime, site: PageServer, href: str
):
    token = make_token(runtime)
    origin = site.url("").rstrip("/")
    page = article_page(
        "T", story(4), extra_head=f'<link rel="canonical" href="{href.format(origin=origin)}">'
    )
    article = add_article(client, token, site.serve("/story-print", page))
    check_now(client, token, article["id"])

    stored = client.get(f"/api/v1/articles/{article['id']}", headers=auth(token)).get_json()
    assert stored["canonical_url"] == f"{origin}/story"


def test_amp_and_mobile_urls_are_the_same_article(client: FlaskClient, runtime: Runtime):
    token = make_token(runtime)
    original = add_article(client, token, "https://www.news.example/2026/story")
    for variant in (
        "https://www.news.example/2026/story/amp",
        "https://m.news.example/2026/story",
        "https://news.example/2026/story?amp=1",
        "https://www.news.example/2026/story?utm_source=x",
    ):
        again = client.post("/api/v1/articles", json={"url": variant}, headers=auth(token))
        assert (again.status_code, again.get_json()["id"]) == (200, original["id"]), variant


def test_a_soft_404_is_an_error_and_the_last_good_version_stays(runtime: Runtime, site: PageServer):
    article_id = track(runtime, site.serve("/a", article_page("Budget approved", story(6))))
    check(runtime, article_id)
    site.serve(
        "/a",
        "<html><head><title>Page not found</title></head><body><h1>Page not found</h1>"
        "<p>Sorry, the page you were looking for does not exist.</p></body></html>",
    )

    result = check(runtime, article_id, hours=1)

    assert (result.outcome, result.error_code) == ("error", "soft_404")
    assert len(versions(runtime, article_id)) == 1


def test_a_redirect_to_the_home_page_is_redirected_away(runtime: Runtime, site: PageServer):
    site.serve("/", article_page("Home", story(6)))
    article_id = track(runtime, site.serve("/a", article_page("Budget approved", story(6))))
    check(runtime, article_id)
    site.serve("/a", "", status=301, headers={"Location": "/"})
    assert check(runtime, article_id, hours=1).error_code == "redirected_away"


def test_rules_api_reads_for_all_and_writes_for_admins(client: FlaskClient, runtime: Runtime):
    admin, reader = make_token(runtime, "root", admin=True), make_token(runtime, "reader")
    body = {"exclude": [".promo"], "ignore": ["Sign up.*"], "whole_page": False, "render": False}
    assert client.put("/api/v1/sites/news.example/rules", json=body, headers=auth(reader)).status_code == 403
    saved = client.put("/api/v1/sites/news.example/rules", json=body, headers=auth(admin)).get_json()
    assert (saved["source"], saved["exclude"]) == ("site", [".promo"])
    assert client.get("/api/v1/sites/news.example/rules").get_json()["exclude"] == [".promo"]
    assert client.get("/api/v1/sites").get_json()["items"][0]["site"] == "news.example"
    bad = client.put("/api/v1/sites/news.example/rules", json={"include": ["div[["]}, headers=auth(admin))
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_selector"
    assert client.delete("/api/v1/sites/news.example/rules", headers=auth(admin)).status_code == 204
    assert client.get("/api/v1/sites/news.example/rules").get_json()["source"] == "default"


def test_an_articles_rules_override_its_sites(client: FlaskClient, runtime: Runtime):
    admin = make_token(runtime, "root", admin=True)
    article = add_article(client, admin, "https://news.example/story")
    client.put("/api/v1/sites/news.example/rules", json={"exclude": [".a"]}, headers=auth(admin))
    assert client.get(f"/api/v1/articles/{article['id']}/rules").get_json()["source"] == "site"
    client.put(f"/api/v1/articles/{article['id']}/rules", json={"exclude": [".b"]}, headers=auth(admin))
    own = client.get(f"/api/v1/articles/{article['id']}/rules").get_json()
    assert (own["source"], own["exclude"]) == ("article", [".b"])
