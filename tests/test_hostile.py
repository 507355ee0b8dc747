"""Hostile responses from a real server on 127.0.0.1: each ends in an error with a clear code, or in a
clean page within the caps; never a crash, a hang, or memory past the cap (measured in a subprocess)."""

from __future__ import annotations

import functools
import gzip
import json
import os
import subprocess
import sys
import time
import zlib
from dataclasses import replace
from pathlib import Path

import brotli
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import article_page, auth, make_token, story
from tests.hostileserver import Dripping, Forever, head, raw
from tests.pageserver import Handler, PageServer, Reply
from tests.test_checks import check, track
from tracker.adapters.fetch import Client, Fetcher, FetchLimits, fetch_resource
from tracker.adapters.models import Article, Version
from tracker.adapters.netguard import AddressGuard
from tracker.domain.charsets import decode_html
from tracker.domain.errors import CheckError, FetchError
from tracker.domain.extract import extract_article
from tracker.engine.runtime import Runtime

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
LIMITS = FetchLimits(max_bytes=MB, connect_timeout=2, read_timeout=1, deadline=3)
HTML = ("Content-Type", "text/html")


def fetcher(limits: FetchLimits = LIMITS) -> Fetcher:
    return Fetcher(AddressGuard(allow_private=True), user_agent="TrackerTest/1", limits=limits)


def failure(url: str, limits: FetchLimits = LIMITS) -> tuple[FetchError, float]:
    """Return the FetchError fetching url ends in, and the seconds it took."""
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetcher(limits)(url)
    assert caught.value.message  # every failure says something a person can act on
    return caught.value, time.monotonic() - started


@functools.cache
def bomb(encoding: str, inflated: int) -> bytes:
    """Return `inflated` bytes of zeros compressed with encoding (gzip, deflate or br), cheaply built."""
    zeros = bytes(MB)
    if encoding == "gzip":
        return gzip.compress(zeros, 9) * (inflated // MB)  # one gzip member per MB, all decoded in turn
    if encoding == "br":
        compressor = brotli.Compressor(quality=1)
        return b"".join(compressor.process(zeros) for _ in range(inflated // MB)) + compressor.finish()
    zipper = zlib.compressobj(1)
    return b"".join(zipper.compress(zeros) for _ in range(inflated // MB)) + zipper.flush()


def bomb_reply(encoding: str, inflated: int, *, declared: bool = True) -> Handler:
    """A handler serving a bomb as text/html, with its (small, true) Content-Length when declared."""
    body = bomb(encoding, inflated)
    length = [("Content-Length", str(len(body)))] if declared else []
    return raw(head(HTML, ("Content-Encoding", encoding), *length), body)


# Bombs


@pytest.mark.parametrize(
    ("encoding", "declared"),
    [("gzip", True), ("gzip", False), ("deflate", True), ("br", True), ("br", False)],
)
def test_a_compression_bomb_is_stopped_while_decoding(site: PageServer, encoding: str, declared: bool):
    site.routes["/bomb"] = bomb_reply(encoding, 64 * MB, declared=declared)
    assert len(bomb(encoding, 64 * MB)) < LIMITS.max_bytes  # small on the wire: only decoding finds it
    error, seconds = failure(site.url("/bomb"))
    assert error.code == "too_large"
    assert "1 MB cap" in error.message
    assert seconds < 1.5


def test_a_bomb_compressed_twice_is_stopped_too(site: PageServer):
    twice = zlib.compressobj(9, zlib.DEFLATED, 31)
    body = twice.compress(bomb("gzip", 64 * MB)) + twice.flush()
    site.routes["/bomb"] = raw(head(HTML, ("Content-Encoding", "gzip, gzip")), body)
    assert failure(site.url("/bomb"))[0].code == "too_large"


def test_brotli_is_advertised_only_because_it_is_decoded(site: PageServer):
    page = article_page("Brotli", story())
    body = brotli.compress(page.encode())
    site.routes["/br"] = raw(head(HTML, ("Content-Encoding", "br"), ("Content-Length", str(len(body)))), body)
    assert fetcher()(site.url("/br")).body == page.encode()
    assert "br" in site.requests[0][1]["Accept-Encoding"]


# Bodies that never end, or take forever


def test_an_endless_body_is_too_large(site: PageServer):
    site.routes["/endless"] = raw(head(HTML), Forever(b"<p>" + b"x" * 65_533))
    error, seconds = failure(site.url("/endless"))
    assert error.code == "too_large"
    assert seconds < 1.5


@pytest.mark.parametrize("declared", [True, False])
def test_a_dripping_body_is_stopped_by_the_total_deadline(site: PageServer, declared: bool):
    body = b"<p>" + b"x" * 100
    length = [("Content-Length", str(len(body)))] if declared else []
    site.routes["/drip"] = raw(head(HTML, *length), Dripping(body, 0.2))  # each byte well within read_timeout
    error, seconds = failure(site.url("/drip"), replace(LIMITS, deadline=1))
    assert error.code == "timeout"
    assert 1 <= seconds < 1.6


def test_a_redirect_whose_body_drips_cannot_hold_the_fetch_past_its_deadline(site: PageServer):
    site.serve("/target", article_page("Target", story()))
    body = b"moved" * 20
    site.routes["/moved"] = raw(
        head(("Location", "/target"), ("Content-Length", str(len(body))), status=b"302 Found"),
        Dripping(body, 0.2),
    )
    error, seconds = failure(site.url("/moved"), replace(LIMITS, deadline=1))
    assert error.code == "timeout"
    assert seconds < 1.6


def test_a_dripping_resource_of_a_rendered_page_is_stopped_by_the_total_deadline(site: PageServer):
    """The browser's resources are read like pages: one socket read at a time, within the deadline."""
    site.routes["/drip.js"] = raw(head(("Content-Type", "text/javascript")), Dripping(b"x" * 100, 0.2))
    http = Client(AddressGuard(allow_private=True), user_agent="TrackerTest/1")
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch_resource(http, "GET", site.url("/drip.js"), {}, None, limits=replace(LIMITS, deadline=1))
    assert caught.value.code == "timeout"
    assert time.monotonic() - started < 1.6


def test_dripping_headers_are_stopped_by_the_total_deadline(site: PageServer):
    site.routes["/drip"] = raw(Dripping(head(HTML), 0.05))  # 45 bytes, one every 0.05 s
    error, seconds = failure(site.url("/drip"), replace(LIMITS, deadline=1))
    assert error.code == "timeout"
    assert seconds < 1.6


# Redirects (the endless loop is in test_fetch.py)


def test_a_relative_redirect_loop_stops_after_five_hops(site: PageServer):
    site.routes["/loop"] = Reply(status=302, headers={"Location": "./loop?again"})
    site.routes["/loop?again"] = Reply(status=302, headers={"Location": "../loop"})
    error, _ = failure(site.url("/loop"))
    assert error.code == "too_many_redirects"
    assert len(site.requests) == 6


def test_a_redirect_to_an_enormous_address_is_refused_without_following_it(site: PageServer):
    site.routes["/huge"] = raw(head(("Location", "/" + "a" * 60_000), status=b"302 Found"))
    error, _ = failure(site.url("/huge"))
    assert error.code == "bad_url"
    assert "longer than the 2048" in error.message
    assert [path for path, _ in site.requests] == ["/huge"]


def test_a_location_in_raw_utf8_leads_where_the_server_meant(site: PageServer):
    target = site.serve("/caf%C3%A9", article_page("Café", story()))
    site.routes["/old"] = raw(
        head(("Location", "/café".encode()), ("Connection", "close"), status=b"302 Found")
    )
    page = fetcher()(site.url("/old"))
    assert (page.status, page.final_url) == (200, target)


@pytest.mark.parametrize(
    "location", [b"/a\x00b", b"/\xff\xfe", b"/caf\xc3", b"http://exa mple.com:99999/", b"http://[::1"]
)
def test_a_broken_location_is_refused_or_followed_escaped_never_a_crash(site: PageServer, location: bytes):
    site.routes["/old"] = raw(head(("Location", location), ("Connection", "close"), status=b"302 Found"))
    error, _ = failure(site.url("/old"))
    assert error.code in ("bad_url", "http_404")
    assert all(path.isascii() and "\x00" not in path for path, _ in site.requests)


# Headers


@pytest.mark.parametrize(
    "headers",
    [
        [HTML, ("X-Big", "a" * MB)],  # one header line of 1 MB
        [HTML, *((f"X-{n}", "v") for n in range(10_000))],  # 10,000 headers
        [HTML, *((f"X-{n}", "v" * 60_000) for n in range(90))],  # 90 long lines: each under the line cap
    ],
    ids=["1MB-line", "10000-headers", "90-long-lines"],
)
def test_enormous_headers_are_refused_quickly(site: PageServer, headers: list[tuple[str, str]]):
    site.routes["/headers"] = raw(head(*headers, ("Content-Length", "9")), b"<p>hi</p>")
    started = time.monotonic()
    try:
        page = fetcher()(site.url("/headers"))
    except FetchError as error:
        assert error.code == "bad_response"
        assert "headers" in error.message
    else:  # http.client's own caps (100 lines of 64 KB) bound what a page may carry
        assert len(page.headers) <= 100 and page.body == b"<p>hi</p>"
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        (b"garbage\r\n\r\n", "bad_response"),
        (b"HTTP/1.1 abc OK\r\n\r\n", "bad_response"),
        (b"HTTP/9.9 200 OK\r\n\r\n", "bad_response"),
        (b"HTTP/1.1 999 Weird\r\n\r\n", "http_999"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n<p>", "too_large"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzzzz\r\n<p>", "bad_response"),
    ],
)
def test_a_garbled_status_line_or_framing_is_an_error(site: PageServer, reply: bytes, code: str):
    site.routes["/garbled"] = raw(reply)
    assert failure(site.url("/garbled"))[0].code == code


def test_nul_bytes_in_headers_and_body_are_a_clean_page(site: PageServer):
    body = article_page("NUL", [text.replace(" ", " \x00", 2) for text in story()]).encode()
    site.routes["/nul"] = raw(
        head(HTML, ("X-Odd", b"a\x00b"), ("ETag", b'"a\x00"'), ("Content-Length", str(len(body)))), body
    )
    page = fetcher()(site.url("/nul"))
    text, _ = decode_html(page.body, page.content_type)
    article = extract_article(text, page.final_url)
    assert len(article.paragraphs) == 4 and not any("\x00" in text for text in article.paragraphs)


def test_validators_too_long_to_store_are_not_kept(site: PageServer):
    site.routes["/long"] = raw(
        head(HTML, ("ETag", '"' + "e" * 1000 + '"'), ("Last-Modified", "x" * 200), ("Content-Length", "9")),
        b"<p>hi</p>",
    )
    page = fetcher()(site.url("/long"))
    assert (page.etag, page.last_modified) == (None, None)


# Charsets


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("text/html; charset=utf-8", "<p>Grüße aus Köln, schöne Straße</p>".encode("latin-1") * 20, "Grüße"),
        ("text/html", b'<meta charset="x-foo"><p>' + "Grüße".encode() + b"</p>", "Grüße"),
        ("text/html; charset=utf-16", b"<html><p>plain ascii text</p></html>!", "plain ascii text"),
        ("text/html; charset=utf-32", b"<html><p>plain ascii</p></html>", "plain ascii"),
        ("text/html; charset=rot13", b"<p>not a text encoding</p>", "not a text encoding"),
        ("text/html; charset=base64", b"<p>not a text encoding</p>", "not a text encoding"),
        ("text/html; charset=punycode", b"<p>fails with a UnicodeError</p>", "fails with"),
        ("text/html; charset=", b"<p>empty label</p>", "empty label"),
        ('text/html; charset="utf-8', b"<p>unclosed quote</p>", "unclosed quote"),
    ],
)
def test_a_lying_or_unknown_charset_is_a_clean_decode(site: PageServer, content_type: str, body, expected):
    page = fetcher()(site.serve("/a", body, content_type=content_type))
    assert expected in decode_html(page.body, page.content_type)[0]


def test_bytes_in_no_encoding_are_undecodable_not_a_crash(site: PageServer):
    noise = bytes((n * 7919 + 13) % 256 for n in range(4096)).replace(b"<", b"")
    page = fetcher()(site.serve("/a", b"<html>" + noise, content_type="text/html; charset=utf-16"))
    with pytest.raises(CheckError) as caught:
        decode_html(page.body, page.content_type)
    assert caught.value.code == "undecodable"


# Whole checks: a hostile page never costs the stored versions


def paragraphs_of_version_one(runtime: Runtime, article_id: int) -> list[str]:
    with runtime.sessions() as session:
        versions = session.scalars(select(Version).where(Version.article_id == article_id)).all()
        assert [version.number for version in versions] == [1]
        return list(versions[0].paragraphs)


NESTED = "<html><body>" + "<div>" * 100_000 + "<p>deep</p>" + "</div>" * 100_000 + "</body></html>"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the engine plays no part
@pytest.mark.parametrize(
    ("handler", "code"),
    [
        (bomb_reply("gzip", 64 * MB), "too_large"),
        (raw(head(HTML), Forever(b"x" * 65_536)), "too_large"),
        (raw(head(HTML, ("Content-Length", str(50 * MB))), b"<p>", Forever(b"x" * MB)), "too_large"),
        (raw(head(HTML), b"<p>", Forever(b"x" * MB)), "too_large"),  # one text node, undeclared and endless
        (Reply(NESTED.encode()), "no_article"),
        (Reply(b"<html>" + bytes(range(256)) * 64, content_type="text/html; charset=x-foo"), "undecodable"),
        (raw(head(HTML, ("X-Big", "a" * MB))), "bad_response"),
    ],
    ids=[
        "gzip-bomb",
        "endless",
        "50MB-text-node",
        "endless-text-node",
        "nested-100k",
        "undecodable",
        "1MB-header",
    ],
)
def test_a_hostile_page_ends_the_check_with_its_code_and_keeps_the_versions(
    runtime: Runtime, site: PageServer, handler: Reply | Handler, code: str
):
    article_id = track(runtime, site.serve("/a", article_page("Budget approved", story())))
    assert check(runtime, article_id).outcome == "first"
    site.routes["/a"] = handler

    result = check(runtime, article_id)

    assert (result.outcome, result.error_code) == ("error", code)
    assert result.error_message
    assert paragraphs_of_version_one(runtime, article_id) == story()


def test_a_page_with_overlong_metadata_is_stored(runtime: Runtime, site: PageServer):
    """Dates, canonical and image addresses and validators longer than their columns: PostgreSQL
    refused the whole version before."""
    extra = (
        f'<meta name="date" content="{"2026-03-05 " * 20}">'
        f'<meta property="article:modified_time" content="{"x" * 100}">'
        f'<link rel="canonical" href="/{"c" * 3000}">'
        f'<meta property="og:image" content="/{"i" * 3000}">'
    )
    page = article_page("Budget approved", story(), extra_head=extra)
    url = site.serve("/a", page, headers={"ETag": '"' + "e" * 600 + '"', "Last-Modified": "m" * 200})
    article_id = track(runtime, url)

    assert check(runtime, article_id).outcome == "first"
    with runtime.sessions() as session:
        version = session.scalar(select(Version))
        assert (version.published_at, version.modified_at, version.lead_image) == (None, None, None)
        assert session.get(Article, article_id).etag is None


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_one_paragraph_just_under_the_cap_is_read_in_bounded_time(runtime: Runtime, site: PageServer):
    """9 MB of one paragraph, through the whole check (one 9 MB text node: the memory cases below)."""
    words = b"word " * (9 * MB // 5)
    page = (
        b"<html><head><title>Big</title></head><body><article><p>" + words + b"</p></article></body></html>"
    )
    article_id = track(runtime, site.serve("/a", page))
    started = time.monotonic()

    result = check(runtime, article_id)

    seconds = time.monotonic() - started
    print(f"9 MB paragraph: {result.outcome} in {seconds:.1f} s")
    assert (result.outcome, result.version_number) == ("first", 1)
    assert seconds < 40


# Submitted URLs


@pytest.mark.parametrize("url", ["http://example.com/caf\udcff", "http://ex\udcffample.com/"])
def test_a_submitted_url_with_invalid_utf8_is_a_bad_url(client: FlaskClient, runtime: Runtime, url: str):
    token = make_token(runtime)
    body = json.dumps({"url": url})  # "\udcff": a lone surrogate, what invalid UTF-8 becomes in JSON
    response = client.post(
        "/api/v1/articles", data=body, headers=auth(token), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_url"


def test_a_submitted_body_of_invalid_utf8_is_refused(client: FlaskClient, runtime: Runtime):
    token = make_token(runtime)
    body = b'{"url": "http://example.com/caf\xff\xfe"}'
    response = client.post(
        "/api/v1/articles", data=body, headers=auth(token), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"]


# Memory: the cases fetched in turn (and what they got read) in one process of our own, with the
# default 10 MB cap; the kernel's peak-RSS mark is reset before each (/proc/self/clear_refs).

MEASURE = """
import gc, re, sys, time
from tracker.domain.charsets import decode_html
from tracker.domain.errors import CheckError
from tracker.domain.extract import extract_article
from tracker.adapters.fetch import Fetcher, FetchLimits
from tracker.adapters.netguard import AddressGuard

def kib(field):
    return int(re.search(field + r":\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))

limits = FetchLimits(max_bytes=int(sys.argv[1]), connect_timeout=2, read_timeout=2, deadline=20)
fetcher = Fetcher(AddressGuard(allow_private=True), user_agent="TrackerTest/1", limits=limits)
for url in sys.argv[2:]:
    gc.collect()
    with open("/proc/self/clear_refs", "w") as marks:
        marks.write("5")
    before = kib("VmRSS")
    started = time.monotonic()
    try:
        page = fetcher(url)
        extract_article(decode_html(page.body, page.content_type)[0], page.final_url)
        outcome = "article"
    except CheckError as error:
        outcome = error.code
    print(outcome, (kib("VmHWM") - before) * 1024, time.monotonic() - started, flush=True)
"""
# Buffers over 64 KB get pages of their own, given back when freed: otherwise memory freed by one
# case is reused by the next without showing in its peak.
ALLOCATOR = {"MALLOC_MMAP_THRESHOLD_": "65536"}
CAP = 10 * MB
FETCH_BOUND = 4 * CAP + 32 * MB
MEMORY_CASES = {
    "gzip-bomb-128MB": (bomb_reply("gzip", 128 * MB), "too_large", FETCH_BOUND),
    "br-bomb-128MB": (bomb_reply("br", 128 * MB), "too_large", FETCH_BOUND),
    "endless": (raw(head(HTML), Forever(b"x" * 65_536)), "too_large", FETCH_BOUND),
    "endless-text-node": (raw(head(HTML), b"<p>", Forever(b"x" * 65_536)), "too_large", FETCH_BOUND),
    # fetched and read: parsed, extracted (trafilatura copies the tree twice) and normalised
    "9MB-text-node": (
        Reply(b"<html><body><p>" + b"x" * (9 * MB) + b"</p></body></html>"),
        "no_article",
        16 * CAP,
    ),
}


@pytest.fixture(scope="module")
def measurements() -> dict[str, tuple[str, int, float]]:
    """Return {case: (outcome, peak memory growth in bytes, seconds)} for MEMORY_CASES."""
    server = PageServer()
    try:
        for name, (handler, _, _) in MEMORY_CASES.items():
            server.routes[f"/{name}"] = handler
        done = subprocess.run(
            [sys.executable, "-c", MEASURE, str(CAP), *(server.url(f"/{name}") for name in MEMORY_CASES)],
            cwd=ROOT,
            env={**os.environ, **ALLOCATOR},
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.close()
    assert done.returncode == 0, done.stderr
    rows = [line.split() for line in done.stdout.splitlines()]
    return {name: (row[0], int(row[1]), float(row[2])) for name, row in zip(MEMORY_CASES, rows, strict=True)}


@pytest.mark.parametrize("case", MEMORY_CASES)
def test_memory_stays_within_a_bound_tied_to_the_cap(measurements, case: str):
    outcome, grown, seconds = measurements[case]
    print(f"{case}: {outcome}, peak memory +{grown / MB:.1f} MB, {seconds:.2f} s")
    assert outcome == MEMORY_CASES[case][1]
    assert grown < MEMORY_CASES[case][2]
