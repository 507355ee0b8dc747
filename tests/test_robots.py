"""robots.txt: honoured before scheduled checks and check-now, cached, remembered in the database
for the next process, switchable per site."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.factories import article_page, story
from tests.pageserver import PageServer, Reply, send
from tracker.adapters.db import make_engine, make_sessions
from tracker.adapters.fetch import Fetcher, FetchLimits
from tracker.adapters.models import RobotsTxt
from tracker.adapters.netguard import AddressGuard
from tracker.adapters.robots import Robots, origin_of
from tracker.adapters.robotstore import load_robots_file, save_robots_file
from tracker.domain.errors import CheckError
from tracker.engine.runtime import Runtime, build_runtime
from tracker.services import articles, rules
from tracker.services.checks import check_article

ROBOTS = "User-agent: *\nDisallow: /private/\n"
FETCHER = Fetcher(AddressGuard(allow_private=True), user_agent="Test/1", limits=FetchLimits())


def track(runtime: Runtime, url: str) -> int:
    with runtime.sessions.begin() as session:
        article, _ = articles.add_article(
            session, url, user_id=None, allow_private=True, now=datetime.now(UTC)
        )
        return article.id


@pytest.fixture
def next_run(runtime: Runtime) -> Iterator[Runtime]:
    """The runtime of another process over the same database: `tracker check --all` run again by cron."""
    later = build_runtime(runtime.settings)
    yield later
    later.engine.dispose()


def remembering(runtime: Runtime, *, at: datetime | None = None) -> Robots:
    """A Robots as a new process builds it, remembering in the runtime's database; its clock stands at `at`."""
    sessions = runtime.sessions
    return Robots(
        FETCHER.text,
        user_agent="Test/1",
        load=functools.partial(load_robots_file, sessions),
        save=functools.partial(save_robots_file, sessions),
        clock=lambda: at or datetime.now(UTC),
    )


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


def test_the_next_process_reuses_the_file_fetched_today(
    runtime: Runtime, next_run: Runtime, site: PageServer
):
    site.serve("/robots.txt", ROBOTS, content_type="text/plain")
    first = track(runtime, site.serve("/news/a", article_page("A", story())))
    second = track(runtime, site.serve("/news/b", article_page("B", story())))
    assert check_article(runtime.checking, first).outcome == "first"
    assert check_article(next_run.checking, second).outcome == "first"
    assert site.hits("/robots.txt") == 1


def test_a_remembered_disallow_still_refuses(runtime: Runtime, next_run: Runtime, site: PageServer):
    site.serve("/robots.txt", ROBOTS, content_type="text/plain")
    article_id = track(runtime, site.serve("/private/story", article_page("T", story())))
    assert check_article(runtime.checking, article_id).error_code == "robots_disallowed"
    site.serve(
        "/robots.txt", "User-agent: *\nDisallow:\n", content_type="text/plain"
    )  # not asked again today
    assert check_article(next_run.checking, article_id).error_code == "robots_disallowed"
    assert (site.hits("/robots.txt"), site.hits("/private/story")) == (1, 0)


def test_a_file_a_day_old_is_fetched_again(runtime: Runtime, site: PageServer):
    site.serve("/robots.txt", ROBOTS, content_type="text/plain")
    url = site.url("/news/a")
    now = datetime.now(UTC)
    remembering(runtime, at=now).check(url)
    remembering(runtime, at=now + timedelta(hours=23)).check(url)
    assert site.hits("/robots.txt") == 1
    remembering(runtime, at=now + timedelta(hours=25)).check(url)
    remembering(runtime, at=now + timedelta(hours=26)).check(url)  # the refetched copy replaced the old
    assert site.hits("/robots.txt") == 2


def test_threads_asking_a_new_site_at_once_fetch_its_file_once(runtime: Runtime, site: PageServer):
    def slow_robots(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(0.3)  # long enough for every thread to ask while it is on its way
        send(handler, Reply(ROBOTS.encode(), content_type="text/plain"))

    site.routes["/robots.txt"] = slow_robots
    robots = remembering(runtime)
    start = threading.Barrier(8)
    refused = []

    def ask(n: int) -> None:
        start.wait()
        try:
            robots.check(site.url(f"/private/{n}"))
        except CheckError as error:
            refused.append(error.code)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert refused == ["robots_disallowed"] * 8
    assert site.hits("/robots.txt") == 1


@pytest.mark.parametrize("status", [404, 500])
def test_an_unreadable_file_is_remembered_as_allowing_everything(
    runtime: Runtime, site: PageServer, status: int
):
    site.serve("/robots.txt", "oops", status=status, content_type="text/plain")
    remembering(runtime).check(site.url("/private/a"))
    site.serve("/robots.txt", ROBOTS, content_type="text/plain")  # not asked again today
    remembering(runtime).check(site.url("/private/b"))
    assert site.hits("/robots.txt") == 1
    with runtime.sessions() as session:
        row = session.get(RobotsTxt, origin_of(site.url("/")))
    assert row is not None and row.text is None


def test_a_file_with_a_nul_byte_is_remembered(runtime: Runtime, site: PageServer):
    site.serve(
        "/robots.txt", "# \x00\n" + ROBOTS, content_type="text/plain"
    )  # PostgreSQL's text holds no NUL
    for _ in range(2):
        with pytest.raises(CheckError):
            remembering(runtime).check(site.url("/private/a"))
    assert site.hits("/robots.txt") == 1


def test_a_database_that_cannot_remember_does_not_stop_checks(tmp_path: Path, site: PageServer):
    engine = make_engine(f"sqlite:///{tmp_path / 'unmigrated.sqlite'}")  # no robots_files table
    sessions = make_sessions(engine)
    for _ in range(2):
        robots = Robots(
            FETCHER.text,
            user_agent="Test/1",
            load=functools.partial(load_robots_file, sessions),
            save=functools.partial(save_robots_file, sessions),
        )
        robots.check(site.url("/anything"))
    assert site.hits("/robots.txt") == 2  # fetched by each process, as before it was remembered
    engine.dispose()


def test_a_site_rule_can_switch_robots_txt_off(runtime: Runtime, site: PageServer):
    site.serve("/robots.txt", ROBOTS, content_type="text/plain")
    article_id = track(runtime, site.serve("/private/story", article_page("T", story())))
    with runtime.sessions.begin() as session:
        rules.set_rules(session, {"robots": False}, by="admin", now=datetime.now(UTC), host="127.0.0.1")
    assert check_article(runtime.checking, article_id).outcome == "first"


def test_a_missing_or_broken_robots_txt_allows_everything(site: PageServer):
    robots = Robots(FETCHER.text, user_agent="Test/1")
    robots.check(site.url("/anything"))  # 404 robots.txt: no exception
    site.serve("/robots.txt", "oops", status=500, content_type="text/plain")
    Robots(FETCHER.text, user_agent="Test/1").check(site.url("/anything"))


def test_the_cache_expires_after_a_day():
    calls = []
    clock = [datetime(2026, 3, 5, tzinfo=UTC)]

    def get_text(url: str) -> str:
        calls.append(url)
        return ROBOTS

    robots = Robots(get_text, user_agent="Test/1", clock=lambda: clock[0])
    robots.check("http://news.example/a")
    robots.check("http://news.example/b")
    clock[0] += timedelta(hours=25)
    robots.check("http://news.example/c")
    assert calls == ["http://news.example/robots.txt"] * 2


def test_an_origin_is_the_scheme_host_and_port_without_credentials():
    assert origin_of("HTTP://Ann:secret@News.Example:80/a?b") == "http://news.example"
    assert origin_of("https://news.example:8443/a") == "https://news.example:8443"
    assert origin_of("http://[2001:DB8::1]:8080/a") == "http://[2001:db8::1]:8080"
