"""The one outbound client (tracker.adapters.fetch.Client) against a real server on 127.0.0.1: what
it sends, and its one redirect policy, for every kind of request that goes through it."""

from __future__ import annotations

import time

import pytest

from tests.pageserver import PageServer, Reply
from tracker.adapters.fetch import Client, Fetcher, FetchLimits, fetch_resource, finish, port_of
from tracker.adapters.netguard import AddressGuard
from tracker.adapters.robots import Robots
from tracker.domain.errors import CheckError, FetchError

LIMITS = FetchLimits(max_bytes=100_000, connect_timeout=2, read_timeout=1, deadline=3)


def client() -> Client:
    return Client(AddressGuard(allow_private=True), user_agent="TrackerTest/1")


def test_a_callers_header_replaces_ours_whatever_its_case(site: PageServer):
    """The browser names its headers in lower case: each must go out once, the browser's value."""
    site.serve("/app.js", b"ok", content_type="text/javascript")
    fetch_resource(
        client(), "GET", site.url("/app.js"), {"user-agent": "Browser/1", "host": "x"}, None, limits=LIMITS
    )
    [(_path, headers)] = site.requests
    agents = [value for name, value in headers.items() if name.lower() == "user-agent"]
    hosts = [value for name, value in headers.items() if name.lower() == "host"]
    assert agents == ["Browser/1"]
    assert hosts == [f"127.0.0.1:{site.port}"]  # Host is always the URL's: the pinned address serves it


def test_a_body_goes_out_with_its_length_as_the_log_shows_it(site: PageServer):
    site.routes["/hook"] = Reply(b"thanks", content_type="text/plain")
    http = client()
    resource = fetch_resource(
        http, "POST", site.url("/hook"), {"Content-Type": "application/json"}, b"{}", limits=LIMITS
    )
    assert (resource.status, resource.body) == (200, b"thanks")
    [(_path, received)] = site.requests
    assert site.bodies == [b"{}"]
    shown = http.request_headers(f"127.0.0.1:{site.port}", {"Content-Type": "application/json"}, b"{}")
    assert {name.lower(): value for name, value in shown.items()} == {
        name.lower(): value for name, value in received.items()
    }


def test_without_follow_a_redirect_is_the_answer(site: PageServer):
    site.routes["/hop"] = Reply(status=302, headers={"Location": "/there"})
    started = time.monotonic()
    answer = client().open("GET", site.url("/hop"), LIMITS, started=started)
    finish(answer.response, until=started + LIMITS.deadline)
    assert (answer.url, answer.response.status) == (site.url("/hop"), 302)
    assert site.hits("/there") == 0


def test_robots_txt_follows_redirects_like_pages_do(site: PageServer):
    """Pages and robots.txt share one redirect loop: a moved robots.txt is still read."""
    site.routes["/robots.txt"] = Reply(status=301, headers={"Location": "/real-robots.txt"})
    site.serve("/real-robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    fetcher = Fetcher(AddressGuard(allow_private=True), user_agent="Test/1", limits=LIMITS)
    assert fetcher.text(site.url("/robots.txt")) == "User-agent: *\nDisallow: /private/\n"
    with pytest.raises(CheckError) as caught:
        Robots(fetcher.text, user_agent="Test/1").check(site.url("/private/a"))
    assert caught.value.code == "robots_disallowed"


def test_a_redirect_loop_on_robots_txt_allows_everything(site: PageServer):
    site.routes["/robots.txt"] = Reply(status=302, headers={"Location": "/robots.txt"})
    fetcher = Fetcher(AddressGuard(allow_private=True), user_agent="Test/1", limits=LIMITS)
    with pytest.raises(FetchError) as caught:
        fetcher.text(site.url("/robots.txt"))
    assert caught.value.code == "too_many_redirects"
    Robots(fetcher.text, user_agent="Test/1").check(site.url("/a"))  # no exception


@pytest.mark.parametrize(
    ("scheme", "port", "expected"), [("http", None, 80), ("https", None, 443), ("https", 8443, 8443)]
)
def test_a_urls_port_is_its_own_else_its_schemes(scheme: str, port: int | None, expected: int):
    assert port_of(scheme, port) == expected
