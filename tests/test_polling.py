"""Polling: leases, due articles, bad pages that must not stop the others, politeness per site."""

from __future__ import annotations

import ipaddress
import itertools
import socket
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.factories import article_page, story
from tests.pageserver import PageServer, Reply, send
from tracker.adapters.fetch import Fetch, Fetcher, FetchLimits
from tracker.adapters.models import Article, Check
from tracker.adapters.netguard import AddressGuard
from tracker.engine.poller import Poller, PollerSettings, PollReport
from tracker.engine.runtime import Runtime
from tracker.services import articles
from tracker.services.queue import claim_due

T0 = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


def track(runtime: Runtime, url: str) -> int:
    with runtime.sessions.begin() as session:
        return articles.add_article(session, url, user_id=None, allow_private=True, now=T0)[0].id


def poll(runtime: Runtime, at: datetime = T0, *, fetch: Fetch | None = None, **settings) -> PollReport:
    """Run one pass with a fresh Poller (reading in its threads) and the clock stopped at `at`."""
    checking = replace(runtime.checking, fetch=fetch or runtime.checking.fetch, clock=lambda: at)
    poller = Poller(checking, PollerSettings(**{"worker": "w1", "host_delay": 0.0, **settings}))
    try:
        return poller.poll()
    finally:
        poller.close()


def outcomes(runtime: Runtime) -> dict[int, tuple[str, str | None]]:
    with runtime.sessions() as session:
        rows = list(session.scalars(select(Check)))
    assert all(row.error_message for row in rows if row.error_code)
    return {row.article_id: (row.outcome, row.error_code) for row in rows}


def no_dns_for_test_names(host: str, port: int):
    """A resolver stub: names under .test do not exist; everything else is the loopback server."""
    if host.endswith(".test"):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return [ipaddress.ip_address("127.0.0.1")]


def test_claim_leases_due_articles_once(runtime: Runtime):
    first, second = track(runtime, "http://127.0.0.1:9/a"), track(runtime, "http://127.0.0.1:9/b")
    with runtime.sessions.begin() as session:
        assert claim_due(session, worker="w1", now=T0, limit=10, lease_seconds=300) == [first, second]
    with runtime.sessions.begin() as session:
        assert claim_due(session, worker="w2", now=T0, limit=10, lease_seconds=300) == []
        article = session.get(Article, first)
        assert (article.claimed_by, article.lease_until) == ("w1", T0 + timedelta(seconds=300))


def test_an_expired_lease_makes_the_article_claimable_again(runtime: Runtime):
    article_id = track(runtime, "http://127.0.0.1:9/a")
    with runtime.sessions.begin() as session:
        claim_due(session, worker="dead", now=T0, limit=10, lease_seconds=300)
    with runtime.sessions.begin() as session:
        later = T0 + timedelta(seconds=301)
        assert claim_due(session, worker="w2", now=later, limit=10, lease_seconds=300) == [article_id]


def test_paused_articles_and_articles_not_yet_due_are_not_claimed(runtime: Runtime):
    paused, later = track(runtime, "http://127.0.0.1:9/a"), track(runtime, "http://127.0.0.1:9/b")
    with runtime.sessions.begin() as session:
        session.get(Article, paused).status = "paused"
        session.get(Article, later).next_check_at = T0 + timedelta(minutes=5)
    with runtime.sessions.begin() as session:
        assert claim_due(session, worker="w1", now=T0, limit=10, lease_seconds=300) == []


def slow(handler) -> None:
    import time

    time.sleep(3)


def test_bad_pages_each_get_their_code_and_the_others_are_still_checked(runtime: Runtime, site: PageServer):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        refused_port = closed.getsockname()[1]
    site.routes["/loop"] = Reply(status=302, headers={"Location": "/loop"})
    site.routes["/slow"] = slow
    bad = {
        track(runtime, site.serve("/404", "no", status=404)): "http_404",
        track(runtime, site.serve("/500", "no", status=500)): "http_500",
        track(runtime, site.url("/loop")): "too_many_redirects",
        track(runtime, site.serve("/pdf", b"%PDF-1.4", content_type="application/pdf")): "not_html",
        track(runtime, site.serve("/png", b"\x89PNG....", content_type="image/png")): "not_html",
        track(runtime, site.serve("/big", b"<p>" + b"x" * (11 * 1024 * 1024))): "too_large",
        track(runtime, site.serve("/empty", "<html><body><nav>Home</nav></body></html>")): "no_article",
        track(runtime, site.url("/slow")): "timeout",
        track(runtime, f"http://127.0.0.1:{refused_port}/"): "connection_refused",
        track(
            runtime, site.serve("/bytes", b"<html>" + bytes(range(128, 256)) * 30, content_type="text/html")
        ): "undecodable",
        track(runtime, "http://no-such-host.test/story"): "dns",
    }
    good = track(runtime, site.serve("/good", article_page("Fine", story())))
    guard = AddressGuard(allow_private=True, resolver=no_dns_for_test_names)
    fetch = Fetcher(guard, user_agent="Test", limits=FetchLimits(read_timeout=1, deadline=3))

    report = poll(runtime, fetch=fetch)

    seen = outcomes(runtime)
    assert {article_id: seen[article_id] for article_id in bad} == {
        article_id: ("error", code) for article_id, code in bad.items()
    }
    assert seen[good] == ("first", None)
    assert report.checked == len(bad) + 1


def test_the_next_pass_checks_again_only_what_is_due(runtime: Runtime, site: PageServer):
    article_id = track(runtime, site.serve("/a", article_page("Title", story())))
    poll(runtime)
    assert poll(runtime, T0 + timedelta(minutes=1)).checked == 0
    with runtime.sessions() as session:
        assert session.get(Article, article_id).claimed_by is None
    assert poll(runtime, T0 + timedelta(minutes=6)).checked == 1  # a new article: every 5 min, ±10 %


def slow_page(handler) -> None:
    time.sleep(0.3)
    send(handler, Reply(article_page("Slow", story()).encode()))


def spread_over_sites(runtime: Runtime, site: PageServer, sites: list[str], per_site: int) -> None:
    """Track per_site articles on each site name (all *.localhost names reach the local server)."""
    site.routes.update({f"/{n}": slow_page for n in range(per_site)})
    for host in sites:
        for n in range(per_site):
            track(runtime, site.url(f"/{n}", host=host))


def test_requests_to_one_site_are_spaced_by_the_host_delay(runtime: Runtime, site: PageServer):
    spread_over_sites(runtime, site, ["a.localhost"], 3)
    poll(runtime, host_delay=0.5)
    times = sorted(moment for moment, _host, path in site.arrivals if path != "/robots.txt")
    assert len(times) == 3 and site.hits("/robots.txt") == 1
    assert all(later - earlier >= 0.45 for earlier, later in itertools.pairwise(times))


def test_one_site_gets_at_most_host_concurrency_requests_at_once(runtime: Runtime, site: PageServer):
    spread_over_sites(runtime, site, ["a.localhost", "b.localhost", "c.localhost"], 6)
    started = time.monotonic()
    report = poll(runtime, host_concurrency=2, concurrency=64)
    assert report.checked == 18
    assert site.most_active == {"a.localhost": 2, "b.localhost": 2, "c.localhost": 2}
    assert time.monotonic() - started < 0.3 * 6 * 3 / 2  # the sites were fetched side by side


def test_concurrency_bounds_fetches_in_flight_overall(runtime: Runtime, site: PageServer):
    spread_over_sites(runtime, site, [f"s{n}.localhost" for n in range(8)], 1)
    poll(runtime, concurrency=3)
    assert site.most_active_overall == 3


def test_a_slow_site_does_not_hold_up_the_others(runtime: Runtime, site: PageServer):
    site.routes["/stall"] = lambda handler: time.sleep(1.5)
    track(runtime, site.url("/stall", host="slow.localhost"))
    for n in range(4):
        site.serve(f"/f{n}", article_page(f"F{n}", story()))
        track(runtime, site.url(f"/f{n}", host="fast.localhost"))
    poll(runtime, host_concurrency=4)
    arrived = {path: moment for moment, _host, path in site.arrivals}
    assert all(arrived[f"/f{n}"] - arrived["/stall"] < 1.0 for n in range(4))


def test_pages_are_read_in_a_pool_of_processes(runtime: Runtime, site: PageServer, muo):
    article_id = track(runtime, site.serve("/muo", muo["v1"]))
    poll(runtime, read_processes=1)
    site.serve("/muo", muo["v2"])
    report = poll(runtime, T0 + timedelta(hours=1), read_processes=1)
    assert report.outcomes == {"changed": 1}
    with runtime.sessions() as session:
        assert session.get(Article, article_id).version_count == 2


def test_a_page_over_its_cpu_budget_is_too_complex_and_the_others_are_read(
    runtime: Runtime, site: PageServer
):
    links = " ".join(f'<a href="/l{n}">link {n}</a>' for n in range(30_000))  # 1 MB: 9 s to extract here
    slow = track(runtime, site.serve("/slow", f"<html><body><article><p>{links}</p></article></body></html>"))
    fine = track(runtime, site.serve("/fine", article_page("Fine", story())))
    poll(runtime, read_processes=1, read_cpu_seconds=1.0)
    assert outcomes(runtime) == {slow: ("error", "too_complex"), fine: ("first", None)}


def test_a_long_pass_keeps_its_leases_so_no_article_is_checked_twice(runtime: Runtime, site: PageServer):
    spread_over_sites(runtime, site, ["a.localhost"], 8)  # 8 x 0.5 s apart: longer than the 2 s lease
    checking = replace(runtime.checking, clock=lambda: datetime.now(UTC))
    poller = Poller(checking, PollerSettings(worker="w1", host_delay=0.5, lease_seconds=2))
    passing = threading.Thread(target=poller.poll)
    passing.start()
    time.sleep(3)
    with runtime.sessions.begin() as session:
        taken = claim_due(session, worker="w2", now=datetime.now(UTC), limit=10, lease_seconds=60)
    passing.join(30)
    poller.close()
    assert taken == []
    assert [site.hits(f"/{n}") for n in range(8)] == [1] * 8


def test_a_retry_after_stops_asking_that_site_within_the_pass(runtime: Runtime, site: PageServer):
    for n in range(6):
        site.routes[f"/busy{n}"] = Reply(b"slow down", status=429, headers={"Retry-After": "3600"})
        track(runtime, site.url(f"/busy{n}", host="a.localhost"))
    report = poll(runtime, host_concurrency=1)
    assert sum(site.hits(f"/busy{n}") for n in range(6)) == 1  # one answer said "not for an hour"
    assert report.checked == 6
    assert (
        sorted(code for _outcome, code in outcomes(runtime).values()) == ["http_429"] + ["rate_limited"] * 5
    )
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).where(Article.claimed_by.is_not(None))) == 0
        assert min(session.scalars(select(Article.next_check_at))) >= T0 + timedelta(hours=1)


def test_a_batch_of_quiet_checks_is_stored_in_one_go(runtime: Runtime, site: PageServer, caplog):
    # The bulk update once held an IN list, which executemany refuses: every batch then fell back
    # to storing checks one by one, right in effect but at half the polling speed.
    for n in range(3):
        track(runtime, site.serve(f"/{n}", article_page("Title", story())))
    poll(runtime)
    with caplog.at_level("WARNING"):
        assert poll(runtime, T0 + timedelta(minutes=6)).checked == 3  # unchanged: quiet checks
    assert not [record for record in caplog.records if "one by one" in record.getMessage()]
