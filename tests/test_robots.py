"""robots.txt: honoured before scheduled checks and check-now, cached, switchable per site."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.factories import article_page, story
from tests.pageserver import PageServer
from tracker.adapters.robots import Robots
from tracker.engine.runtime import Runtime
from tracker.services import articles, rules
from tracker.services.checks import check_article

ROBOTS = "User-agent: *\nDisallow: /private/\n"


def track(runtime: Runtime, url: str) -> int:
    with runtime.sessions.begin() as session:
        article, _ = articles.add_article(
            session, url, user_id=None, allow_private=True, now=datetime.now(UTC)
        )
        return article.id


def test_a_disallowed_page_is_not_fetched(runtime: Runtime, site: PageServer):
    site.serve("/robots.txt", ROBOTS, content_type="text/plain")
    article_id = track(runtime, site.serve("/private/story", article_page("T", story())))
    result = check_article(runtime.checking, article_id)
    assert (result.outcome, result.error_code) == ("error", "robots_disallowed")
    assert site.hits("/private/story") == 0


def test_allowed_pages_are_fetched_and_robots_txt_is_read_once(runtime: Runtime, site: PageServer):
    site.serve("/robots.txt", ROBOTS, content_type="text/plain")
    first = track(runtime, site.serve("/news/a", article_page("A", story())))
    second = track(runtime, site.serve("/news/b", article_page("B", story())))
    assert check_article(runtime.checking, first).outcome == "first"
    assert check_article(runtime.checking, second).outcome == "first"
    assert site.hits("/robots.txt") == 1


def test_a_site_rule_can_switch_robots_txt_off(runtime: Runtime, site: PageServer):
    site.serve("/robots.txt", ROBOTS, content_type="text/plain")
    article_id = track(runtime, site.serve("/private/story", article_page("T", story())))
    with runtime.sessions.begin() as session:
        rules.set_rules(session, {"robots": False}, by="admin", now=datetime.now(UTC), host="127.0.0.1")
    assert check_article(runtime.checking, article_id).outcome == "first"


def test_a_missing_or_broken_robots_txt_allows_everything(site: PageServer):
    from tracker.adapters.fetch import Fetcher, FetchLimits
    from tracker.adapters.netguard import AddressGuard

    fetcher = Fetcher(AddressGuard(allow_private=True), user_agent="Test/1", limits=FetchLimits())
    robots = Robots(fetcher.text, user_agent="Test/1")
    robots.check(site.url("/anything"))  # 404 robots.txt: no exception
    site.serve("/robots.txt", "oops", status=500, content_type="text/plain")
    Robots(fetcher.text, user_agent="Test/1").check(site.url("/anything"))


def test_the_cache_expires_after_a_day():
    calls = []
    clock = [0.0]

    def get_text(url: str) -> str:
        calls.append(url)
        return ROBOTS

    robots = Robots(get_text, user_agent="Test/1", clock=lambda: clock[0])
    robots.check("http://news.example/a")
    robots.check("http://news.example/b")
    clock[0] += 25 * 3600
    robots.check("http://news.example/c")
    assert calls == ["http://news.example/robots.txt"] * 2
