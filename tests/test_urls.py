"""URL validation and normalisation, and which literal addresses are refused at submission."""

from __future__ import annotations

import ipaddress

import pytest

from tracker.domain.addresses import literal_address, refusal_reason
from tracker.domain.errors import InvalidInput
from tracker.domain.urls import normalize_url, own_site_url, submitted_url


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("HTTPS://News.Example.COM/Story", "https://news.example.com/Story"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com/a?utm_source=tw&utm_medium=social&id=5", "https://example.com/a?id=5"),
        ("https://example.com/a?fbclid=abc&gclid=x&b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://bücher.example/a", "https://xn--bcher-kva.example/a"),
        ("https://example.com/café", "https://example.com/caf%C3%A9"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://example.com./a", "https://example.com/a"),
    ],
)
def test_normalize_url(raw: str, normal: str):
    assert normalize_url(raw) == normal


@pytest.mark.parametrize(
    "raw",
    [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,hi",
        "ftp://x.org/",
        "example.com/a",
        "http://",
        "https://u:p@example.com/",
        "http://exa mple.com/",
        "https://example.com:99999/",
        "x" * 3000,
        "",
    ],
)
def test_bad_urls_are_refused_with_bad_url(raw: str):
    with pytest.raises(InvalidInput) as caught:
        normalize_url(raw)
    assert caught.value.code == "bad_url"


LABEL_63 = "a" * 63
NAME_253 = ".".join([LABEL_63] * 3 + ["b" * 61])  # 3 * 64 + 61 characters


@pytest.mark.parametrize(
    "host",
    [
        f"{NAME_253}x",  # 254 characters
        f"x.{NAME_253}",
        "x." * 130 + "com",  # short labels, 263 characters
        f"{LABEL_63}a.example.com",  # a 64-character label
        f"{'ä' * 60}.example.com",  # 64 characters once IDNA-encoded
    ],
)
def test_host_names_over_the_dns_limits_are_refused_with_bad_url(host: str):
    with pytest.raises(InvalidInput) as caught:
        submitted_url(f"https://{host}/story", allow_private=False)
    assert caught.value.code == "bad_url"


@pytest.mark.parametrize("host", [NAME_253, f"{NAME_253}.", f"{LABEL_63}.example.com"])
def test_host_names_at_the_dns_limits_are_accepted(host: str):
    assert submitted_url(f"https://{host}/story", allow_private=False) == f"https://{host.rstrip('.')}/story"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://172.16.0.1/",
        "http://169.254.169.254/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://017700000001/",
        "http://127.1/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
        "http://224.0.0.1/",
        "http://localhost/",
        "http://app.localhost/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
    ],
)
def test_literal_refused_addresses_are_blocked_at_submission(url: str):
    with pytest.raises(InvalidInput) as caught:
        submitted_url(url, allow_private=False)
    assert caught.value.code == "blocked_address"
    assert submitted_url(url, allow_private=True)


def test_public_names_and_addresses_are_accepted():
    assert submitted_url("https://news.example.com/a", allow_private=False) == "https://news.example.com/a"
    assert submitted_url("http://93.184.216.34/a", allow_private=False) == "http://93.184.216.34/a"


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("[::1]", "::1"),
        ("example.com", None),
        ("cafe.be", None),
        ("1.2.3.4.5", None),
    ],
)
def test_literal_address_reads_every_spelling(host: str, address: str | None):
    found = literal_address(host)
    assert (str(found) if found else None) == address


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("8.8.8.8", None),
        ("127.0.0.1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("10.0.0.1", "private"),
        ("64:ff9b::7f00:1", "reserved"),
        ("2002:7f00:1::", "reserved"),
        ("::ffff:10.0.0.1", "private"),
        ("239.1.1.1", "multicast"),
    ],
)
def test_refusal_reason(address: str, reason: str | None):
    assert refusal_reason(ipaddress.ip_address(address)) == reason


PAGE = "https://www.news.example/2026/story-print?page=2"


@pytest.mark.parametrize(
    ("href", "canonical"),
    [
        ("https://www.news.example/2026/story", "https://www.news.example/2026/story"),
        ("/2026/story?utm_source=x#top", "https://www.news.example/2026/story"),
        ("story", "https://www.news.example/2026/story"),
        ("http://news.example/2026/story", "http://news.example/2026/story"),  # www. twin
        ("https://m.news.example/2026/story", "https://m.news.example/2026/story"),
        ("https://amp.news.example/2026/story", "https://amp.news.example/2026/story"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,<b>x</b>", None),
        ("//evil.example/story", None),
        ("https://evil.example/story", None),
        ("https://news.example.evil.example/story", None),
        ("https://user:pw@www.news.example/story", None),
        ("http://[::1/story", None),
        ("/" + "é" * 1000, None),  # short enough as written, too long once percent-encoded
        ("", None),
        (None, None),
    ],
)
def test_own_site_url_keeps_only_http_urls_of_the_pages_own_site(href: str | None, canonical: str | None):
    assert own_site_url(href, page_url=PAGE, site_url=PAGE) == canonical
