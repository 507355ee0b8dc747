"""Checking one article against a real page server and a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import zlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.factories import article_page, story
from tests.pageserver import PageServer
from tracker.adapters.models import Article, Check, Site, Version
from tracker.engine.runtime import Runtime
from tracker.services import articles
from tracker.services.checks import check_article, record_check
from tracker.services.observing import check_target, observe

T0 = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


def track(runtime: Runtime, url: str, **kwargs) -> int:
    with runtime.sessions.begin() as session:
        article, _ = articles.add_article(session, url, user_id=None, allow_private=True, now=T0, **kwargs)
        return article.id


def check(runtime: Runtime, article_id: int, at: datetime = T0) -> Check:
    return check_article(replace(runtime.checking, clock=lambda: at), article_id)


def count(runtime: Runtime, model, **where) -> int:
    with runtime.sessions() as session:
        statement = select(func.count()).select_from(model)
        for name, value in where.items():
            statement = statement.where(getattr(model, name) == value)
        return session.scalar(statement)


def test_first_check_stores_version_one_with_raw_html(runtime: Runtime, site: PageServer):
    html = article_page("Budget approved", story())
    article_id = track(runtime, site.serve("/a", html))

    result = check(runtime, article_id)

    assert (result.outcome, result.version_number, result.http_status) == ("first", 1, 200)
    with runtime.sessions() as session:
        version = session.scalar(select(Version))
        assert version.title == "Budget approved"
        assert version.paragraphs == story()
        assert zlib.decompress(version.raw_html).decode() == html
        assert version.response_headers["Content-Type"].startswith("text/html")
        article = session.get(Article, article_id)
        assert (article.version_count, article.title, article.last_changed_at) == (1, "Budget approved", None)


def test_noise_outside_the_article_is_unchanged(runtime: Runtime, site: PageServer, muo):
    article_id = track(runtime, site.serve("/a", muo["v1"]))
    check(runtime, article_id)
    site.serve("/a", muo["v1-noise"])
    assert check(runtime, article_id).outcome == "unchanged"
    assert count(runtime, Version) == 1


def test_invisible_characters_and_whitespace_make_no_version(runtime: Runtime, site: PageServer):
    paragraphs = story()
    article_id = track(runtime, site.serve("/a", article_page("Title", paragraphs)))
    check(runtime, article_id)
    churned = [text.replace(" ", "  \u200b", 3) for text in paragraphs]
    site.serve("/a", article_page("Title", churned))
    assert check(runtime, article_id).outcome == "unchanged"


def test_a_real_edit_is_a_new_version_and_sets_last_changed(runtime: Runtime, site: PageServer):
    article_id = track(runtime, site.serve("/a", article_page("Title", story())))
    check(runtime, article_id)
    site.serve("/a", article_page("Title", [*story(), "Update: the council voted again on Friday evening."]))
    later = T0 + timedelta(hours=1)

    result = check(runtime, article_id, at=later)

    assert (result.outcome, result.version_number) == ("changed", 2)
    with runtime.sessions() as session:
        article = session.get(Article, article_id)
        assert (article.version_count, article.last_changed_at) == (2, later)


def test_byte_identical_body_is_unchanged_without_extracting(runtime: Runtime, site: PageServer):
    article_id = track(runtime, site.serve("/a", article_page("Title", story())))
    check(runtime, article_id)
    with runtime.sessions() as session:
        target = check_target(session, session.get(Article, article_id))

    def must_not_extract(html: str, url: str | None, rules):
        raise AssertionError("extraction ran on a byte-identical body")

    observation = observe(target, fetch=runtime.checking.fetch, now=T0, extract=must_not_extract)
    assert observation.error is None and observation.article is None
    with runtime.sessions.begin() as session:
        assert (
            record_check(session, target, observation, policy=runtime.checking.policy).outcome == "unchanged"
        )


def test_conditional_get_gives_not_modified(runtime: Runtime, site: PageServer):
    article_id = track(runtime, site.serve("/a", article_page("Title", story()), etag=True))
    check(runtime, article_id)
    result = check(runtime, article_id)
    assert (result.outcome, result.http_status) == ("not_modified", 304)
    assert "If-None-Match" in site.requests[-1][1]


def test_a_revert_is_a_new_version_that_names_the_earlier_one(runtime: Runtime, site: PageServer):
    first, second = article_page("Title", story()), article_page("Title", story(5))
    article_id = track(runtime, site.serve("/a", first))
    for html in (first, second, first):
        site.serve("/a", html)
        check(runtime, article_id)
    with runtime.sessions() as session:
        numbers = session.execute(
            select(Version.number, Version.matches_number).order_by(Version.number)
        ).all()
    assert numbers == [(1, None), (2, None), (3, 1)]


def test_an_error_is_recorded_with_code_and_message_and_keeps_the_version(runtime: Runtime, site: PageServer):
    article_id = track(runtime, site.serve("/a", article_page("Title", story())))
    check(runtime, article_id)
    site.serve("/a", "gone", status=404)

    result = check(runtime, article_id)

    assert (result.outcome, result.http_status, result.error_code) == ("error", 404, "http_404")
    assert "404" in result.error_message
    with runtime.sessions() as session:
        article = session.get(Article, article_id)
        assert (article.version_count, article.failure_count) == (1, 1)


def test_a_page_without_article_text_is_no_article(runtime: Runtime, site: PageServer):
    article_id = track(runtime, site.serve("/a", "<html><body><nav><a href='/'>Home</a></nav></body></html>"))
    result = check(runtime, article_id)
    assert (result.outcome, result.error_code) == ("error", "no_article")
    assert count(runtime, Version) == 0


def test_each_check_reschedules_by_the_interval(runtime: Runtime, site: PageServer):
    article_id = track(runtime, site.serve("/a", article_page("Title", story())), interval_seconds=600)
    check(runtime, article_id)
    with runtime.sessions() as session:
        assert session.get(Article, article_id).next_check_at == T0 + timedelta(seconds=600)


def test_retry_after_holds_every_article_of_the_host(runtime: Runtime, site: PageServer):
    first = track(runtime, site.serve("/a", "", status=429, headers={"Retry-After": "7200"}))
    other = track(runtime, site.serve("/b", article_page("Title", story())))

    check(runtime, first)
    held = check(runtime, other, at=T0 + timedelta(minutes=5))

    assert held.error_code == "rate_limited"
    assert site.hits("/b") == 0
    with runtime.sessions() as session:
        assert session.scalar(select(Site.retry_after_until)) == T0 + timedelta(hours=2)
        assert session.get(Article, first).next_check_at == T0 + timedelta(hours=2)


def test_only_three_404s_in_a_row_make_an_article_gone(runtime: Runtime, site: PageServer):
    article_id = track(runtime, site.serve("/a", article_page("Title", story())))
    hours = iter(range(1, 10))

    def later_check() -> None:
        check(runtime, article_id, at=T0 + timedelta(hours=next(hours)))

    def status() -> str:
        with runtime.sessions() as session:
            return session.get_one(Article, article_id).status

    site.serve("/a", "down", status=500)
    later_check()
    later_check()
    site.serve("/a", "not here", status=404)
    later_check()
    assert status() == "active"  # two 500s and a 404: the page may be back soon
    later_check()
    assert status() == "active"
    later_check()
    assert status() == "gone"
