"""Fetching against a real server on 127.0.0.1: decoding, conditional GET, caps and every failure code."""

from __future__ import annotations

import contextlib
import gzip
import ipaddress
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler

import pytest

from tests.pageserver import PageServer, Reply
from tracker.adapters.fetch import Fetcher, FetchLimits
from tracker.adapters.netguard import AddressGuard
from tracker.domain.charsets import decode_html
from tracker.domain.errors import FetchError
from tracker.domain.pages import Validators

PAGE = "<!doctype html><html><head><title>T</title></head><body><p>Grüße, café</p></body></html>"
NO_VALIDATORS = Validators()
LIMITS = FetchLimits(max_bytes=100_000, connect_timeout=2, read_timeout=1, deadline=3)


def fetch(
    url: str,
    validators: Validators = NO_VALIDATORS,
    *,
    allow_private: bool = True,
    guard: AddressGuard | None = None,
    limits: FetchLimits = LIMITS,
):
    fetcher = Fetcher(
        guard or AddressGuard(allow_private=allow_private), user_agent="TrackerTest/1", limits=limits
    )
    return fetcher(url, validators)


def failure(url: str, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url, **kwargs)
    assert caught.value.message  # every failure says something a person can act on
    return caught.value


def test_fetch_returns_text_status_final_url_and_validators(site: PageServer):
    url = site.serve("/a", PAGE, etag=True, headers={"Last-Modified": "Wed, 03 Mar 2021 17:00:00 GMT"})
    page = fetch(url)
    assert (page.status, page.final_url, page.body.decode()) == (200, url, PAGE)
    assert page.etag and page.last_modified == "Wed, 03 Mar 2021 17:00:00 GMT"
    assert site.requests[0][1]["User-Agent"] == "TrackerTest/1"


def test_fetch_sends_validators_and_a_304_is_not_modified(site: PageServer):
    url = site.serve("/a", PAGE, etag=True)
    first = fetch(url)
    again = fetch(url, Validators(etag=first.etag))
    assert again.not_modified and again.body == b""
    assert site.requests[1][1]["If-None-Match"] == first.etag


def test_fetch_follows_redirects_and_records_the_final_url(site: PageServer):
    target = site.serve("/new", PAGE)
    site.serve("/old", b"", status=301, headers={"Location": "/new"})
    assert fetch(site.url("/old")).final_url == target


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("text/html; charset=iso-8859-1", "Grüße".encode("latin-1"), "Grüße"),
        ("text/html", b'<meta charset="windows-1251">' + "Привет".encode("cp1251"), "Привет"),
        ("text/html", "Grüße, café".encode(), "Grüße, café"),
        ("text/html; charset=utf-8", "Grüße".encode("latin-1") * 40, "Grüße" * 40),  # a lying label
        ("text/html", "<p>Δοκιμή κειμένου στα ελληνικά για ανίχνευση</p>".encode("cp1253") * 10, "Δοκιμή"),
    ],
)
def test_fetch_decodes_by_header_meta_then_detection(site: PageServer, content_type, body, expected):
    page = fetch(site.serve("/a", body, content_type=content_type))
    assert expected in decode_html(page.body, page.content_type)[0]


def test_gzip_bodies_are_decoded(site: PageServer):
    url = site.serve("/a", gzip.compress(PAGE.encode()), headers={"Content-Encoding": "gzip"})
    assert fetch(url).body == PAGE.encode()


@pytest.mark.parametrize(("status", "code"), [(404, "http_404"), (500, "http_500"), (410, "http_410")])
def test_http_errors_have_their_status_as_code(site: PageServer, status, code):
    error = failure(site.serve("/a", PAGE, status=status))
    assert (error.code, error.http_status) == (code, status)


def test_429_carries_retry_after(site: PageServer):
    error = failure(site.serve("/a", "", status=429, headers={"Retry-After": "120"}))
    assert (error.code, error.retry_after) == ("http_429", 120.0)


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "application/json"])
def test_non_html_content_is_refused(site: PageServer, content_type):
    assert failure(site.serve("/a", b"%PDF-1.4 ...", content_type=content_type)).code == "not_html"


def decoding_failure(url: str) -> FetchError:
    page = fetch(url)
    with pytest.raises(FetchError) as caught:
        decode_html(page.body, page.content_type)
    return caught.value


def test_binary_without_a_content_type_is_not_html(site: PageServer):
    url = site.serve("/a", b"\x89PNG\r\n\x1a\n" + bytes(200), content_type=None)
    assert decoding_failure(url).code == "not_html"


def test_body_over_the_cap_is_refused_by_content_length(site: PageServer):
    url = site.serve("/a", b"<p>" + b"x" * 200_000)
    assert failure(url).code == "too_large"


def test_body_over_the_cap_is_refused_while_streaming(site: PageServer):
    def endless(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()  # no Content-Length: the size is only known by reading
        try:
            for _ in range(1000):
                handler.wfile.write(b"<p>" + b"y" * 10_000)
        except OSError:
            pass
        handler.close_connection = True

    site.routes["/a"] = endless
    assert failure(site.url("/a")).code == "too_large"


def test_undecodable_bytes_are_an_error(site: PageServer):
    noise = bytes((n * 7919 + 13) % 256 for n in range(4096)).replace(b"<", b"")
    url = site.serve("/a", b"<html>" + noise, content_type="text/html")
    assert decoding_failure(url).code == "undecodable"


def test_redirect_loop_stops_after_five_hops(site: PageServer):
    site.routes["/loop"] = Reply(status=302, headers={"Location": "/loop"})
    assert failure(site.url("/loop")).code == "too_many_redirects"
    assert site.hits("/loop") == 6


def test_slow_server_times_out(site: PageServer):
    def stall(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(3)

    site.routes["/slow"] = stall
    started = time.monotonic()
    assert failure(site.url("/slow")).code == "timeout"
    assert time.monotonic() - started < 2.5


def test_connection_refused_is_its_own_code():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound but not listening: connections are refused
        assert failure(f"http://127.0.0.1:{port}/").code == "connection_refused"


def test_dns_failure_is_its_own_code():
    def no_such_host(host: str, port: int):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    error = failure(
        "http://no-such-host.example/", guard=AddressGuard(allow_private=True, resolver=no_such_host)
    )
    assert error.code == "dns"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x"])
def test_other_schemes_are_bad_urls(url):
    assert failure(url).code == "bad_url"


def test_loopback_is_refused_without_connecting_unless_private_networks_are_allowed():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.3)
    port = listener.getsockname()[1]
    accepted: list[object] = []

    def watch() -> None:
        with contextlib.suppress(OSError):  # the accept timed out: nobody connected
            accepted.append(listener.accept())

    watcher = threading.Thread(target=watch)
    watcher.start()
    error = failure(f"http://localhost:{port}/", allow_private=False)
    watcher.join()
    listener.close()
    assert error.code == "blocked_address"
    assert accepted == []


class OriginOnLoopback(AddressGuard):
    """A guard that lets the test's own origin name reach the loopback server, and nothing else."""

    def pin(self, host: str, port: int):
        if host == "origin.test":
            return ipaddress.ip_address("127.0.0.1")
        return super().pin(host, port)


def test_every_redirect_hop_passes_the_guard(site: PageServer):
    site.routes["/hop"] = Reply(status=302, headers={"Location": site.url("/a")})
    site.serve("/a", PAGE)
    error = failure(f"http://origin.test:{site.port}/hop", guard=OriginOnLoopback(allow_private=False))
    assert error.code == "blocked_address"
    assert [path for path, _ in site.requests] == ["/hop"]
