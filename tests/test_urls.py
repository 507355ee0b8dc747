"""URL validation and normalisation, and which literal addresses are refused at submission."""

from __future__ import annotations

import ipaddress

import pytest

from tracker.addresses import literal_address, refusal_reason
from tracker.errors import InvalidInput
from tracker.urls import normalize_url, submitted_url


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
