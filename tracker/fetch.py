"""Fetch one article page: guarded, capped, conditional, decoded to text.

The only module (with webhooks.py) that speaks HTTP out. Every failure becomes a FetchError with a
short code (timeout, dns, connection_refused, http_404, too_large, not_html, ...) that the check
records as its outcome.
"""

from __future__ import annotations

import codecs
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import charset_normalizer
import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from tracker.errors import FetchError
from tracker.netguard import AddressGuard

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# WHATWG Encoding: these labels mean windows-1252 in every browser.
WINDOWS_1252_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii"})
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Validators:
    """What we saw last time, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """Caps that keep one hostile page from costing more than its share."""

    max_bytes: int = 10 * 1024 * 1024
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    deadline: float = 60.0


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page: status 200 (with body and text) or 304 (not modified, empty)."""

    url: str
    final_url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    text: str
    encoding: str | None
    etag: str | None
    last_modified: str | None
    duration_ms: int

    @property
    def not_modified(self) -> bool:
        return self.status == 304


Fetch = Callable[[str, Validators], Page]


class GuardedAdapter(HTTPAdapter):
    """Connects to the address the guard pins, keeping the name for Host, SNI and certificates.

    Modelled on requests-hardened's IPFilterAdapter, with our guard (injectable resolver,
    RFC 6761 localhost names, the blocked_address code) in place of its fixed filter.
    """

    def __init__(self, guard: AddressGuard, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.guard = guard

    def build_connection_pool_key_attributes(  # type: ignore[override]
        self, request: requests.PreparedRequest, verify: bool | str, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params: dict[str, Any]
        pool_kwargs: dict[str, Any]
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)  # type: ignore[assignment]
        host, port, scheme = host_params["host"], host_params["port"], host_params["scheme"]
        address = self.guard.pin(host, port or (443 if scheme == "https" else 80))
        # Copy: the headers object may be shared with other requests.
        request.headers = CaseInsensitiveDict(request.headers or {})
        name = f"[{host}]" if ":" in host else host
        request.headers["Host"] = f"{name}:{port}" if port else name
        if scheme == "https":
            pool_kwargs["assert_hostname"] = host
            pool_kwargs["server_hostname"] = host
        host_params["host"] = str(address)
        return host_params, pool_kwargs


def make_http(user_agent: str, guard: AddressGuard, *, pool_size: int = 16) -> requests.Session:
    """Return a pooled HTTP session whose every connection, redirects included, passes the guard."""
    http = requests.Session()
    http.trust_env = False  # an environment proxy would connect on our behalf, past the guard
    http.max_redirects = 5
    http.headers["User-Agent"] = user_agent
    http.headers["Accept"] = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
    adapter = GuardedAdapter(guard, pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    return http


def fetch_page(http: requests.Session, url: str, validators: Validators, *, limits: FetchLimits) -> Page:
    """Return the page at url, or a 304 Page; raise FetchError with a code for every failure."""
    started = time.monotonic()
    try:
        with http.get(
            url,
            headers=conditional_headers(validators),
            stream=True,
            timeout=(limits.connect_timeout, limits.read_timeout),
        ) as response:
            return page_from_response(url, response, limits, started)
    except requests.RequestException as exc:
        raise fetch_error_from(exc, url) from exc


@dataclass(frozen=True, slots=True)
class Resource:
    """One response as the server sent it (body decompressed), for the browser that renders pages."""

    status: int
    headers: dict[str, str]
    body: bytes


def fetch_resource(
    http: requests.Session,
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes | None,
    *,
    limits: FetchLimits,
) -> Resource:
    """Return one response without following redirects (the browser follows them, each through here)."""
    started = time.monotonic()
    try:
        with http.request(
            method,
            url,
            headers=headers,
            data=body,
            stream=True,
            allow_redirects=False,
            timeout=(limits.connect_timeout, limits.read_timeout),
        ) as response:
            content = read_body(response, limits, started)
            kept = {
                name: value
                for name, value in response.headers.items()
                if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
            }
            return Resource(response.status_code, kept, content)
    except requests.RequestException as exc:
        raise fetch_error_from(exc, url) from exc


def conditional_headers(validators: Validators) -> dict[str, str]:
    """Return If-None-Match / If-Modified-Since headers for what we saw last time."""
    headers = {}
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def page_from_response(url: str, response: requests.Response, limits: FetchLimits, started: float) -> Page:
    """Return the Page for a response, reading its body within the caps."""
    status = response.status_code
    if status >= 300 and status != 304:  # redirects were followed; what is left is an error
        raise http_status_error(response)
    body = b"" if status == 304 else read_capped(response, limits, started)
    text, encoding = ("", None) if status == 304 else decode_html(body, response.headers.get("Content-Type"))
    return Page(
        url=url,
        final_url=response.url,
        status=status,
        headers=tuple(response.headers.items()),
        body=body,
        text=text,
        encoding=encoding,
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
        duration_ms=round((time.monotonic() - started) * 1000),
    )


def http_status_error(response: requests.Response) -> FetchError:
    """Return the FetchError for an HTTP error status, with Retry-After when the server gave one."""
    status = response.status_code
    reason = response.reason or ""
    hint = {
        404: "the page is not there; check the URL",
        410: "the page was removed for good",
        429: "the site asks us to slow down; the next check waits",
        403: "the site refuses our requests",
    }.get(status, "the site answered with an error; later checks will try again")
    return FetchError(
        f"the server answered {status} {reason}: {hint}".replace("  ", " "),
        code=f"http_{status}",
        http_status=status,
        retry_after=retry_after_seconds(response.headers.get("Retry-After")),
    )


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """Return the delay a Retry-After header asks for (seconds or HTTP date), or None."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def read_capped(response: requests.Response, limits: FetchLimits, started: float) -> bytes:
    """Return the decoded HTML body, stopping at max_bytes (after decompression) or the total deadline."""
    if not is_html_type(response.headers.get("Content-Type")):
        raise not_html(response.headers.get("Content-Type"))
    return read_body(response, limits, started)


def read_body(response: requests.Response, limits: FetchLimits, started: float) -> bytes:
    """Return the decoded body of any type, within the size cap and the total deadline."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise too_large(limits.max_bytes)
    chunks: list[bytes] = []
    size = 0
    for chunk in body_chunks(response):
        size += len(chunk)
        if size > limits.max_bytes:
            raise too_large(limits.max_bytes)
        if time.monotonic() - started > limits.deadline:
            raise FetchError(
                f"the page took longer than {limits.deadline:g} s to download; later checks will try again",
                code="timeout",
            )
        chunks.append(chunk)
    return b"".join(chunks)


def body_chunks(response: requests.Response) -> Iterator[bytes]:
    """Yield the body in decoded chunks."""
    yield from response.iter_content(CHUNK_BYTES)


def too_large(cap: int) -> FetchError:
    return FetchError(
        f"the page is larger than the {cap // (1024 * 1024)} MB cap (TRACKER_MAX_BODY_BYTES)",
        code="too_large",
    )


def not_html(content_type: str | None) -> FetchError:
    return FetchError(
        f"the URL serves {content_type or 'no content type'}, not an HTML page; track the article's web page",
        code="not_html",
    )


def is_html_type(content_type: str | None) -> bool:
    """Return True for HTML media types; a missing type is judged later by the body."""
    if not content_type:
        return True
    return content_type.split(";", 1)[0].strip().lower() in HTML_TYPES


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Return the body as text and the encoding used: BOM, header, meta tag, UTF-8, then detection."""
    if not content_type and not looks_like_html(body):
        raise not_html(None)
    for label in (bom_encoding(body), header_charset(content_type), meta_charset(body)):
        codec = codec_name(label)
        if codec:
            try:
                return body.decode(codec), codec
            except UnicodeDecodeError:
                continue  # a lying label: fall through to detection
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(body).best()
    if best is None or best.encoding is None:
        raise FetchError("the page's bytes are in no character encoding we can recognise", code="undecodable")
    return str(best), best.encoding


def looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--")) or b"<html" in head


def bom_encoding(body: bytes) -> str | None:
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            return name
    return None


def header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def meta_charset(body: bytes) -> str | None:
    match = META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii") if match else None


def codec_name(label: str | None) -> str | None:
    """Return the Python codec for a charset label, or None when the label is unknown."""
    if not label:
        return None
    label = label.strip().lower()
    if label in WINDOWS_1252_LABELS:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def fetch_error_from(exc: requests.RequestException, url: str) -> FetchError:
    """Return the FetchError (with its outcome code) for a requests exception."""
    if isinstance(exc, requests.Timeout):
        return FetchError("the server did not answer in time; later checks will try again", code="timeout")
    if isinstance(exc, requests.TooManyRedirects):
        return FetchError(
            "the page redirects more than 5 times (a redirect loop?)", code="too_many_redirects"
        )
    if isinstance(
        exc,
        (
            requests.exceptions.InvalidURL,
            requests.exceptions.InvalidSchema,
            requests.exceptions.MissingSchema,
        ),
    ):
        return FetchError(f"cannot fetch {url}: {exc}", code="bad_url")
    if isinstance(exc, requests.exceptions.SSLError):
        return FetchError("the site's TLS certificate or handshake failed", code="tls")
    if isinstance(exc, requests.ConnectionError):
        if "timed out" in str(exc).lower():  # a read timeout inside the body surfaces as ConnectionError
            return FetchError(
                "the server stopped sending the page; later checks will try again", code="timeout"
            )
        if "refused" in str(exc).lower():
            return FetchError(
                "the server refused the connection; is the site down?", code="connection_refused"
            )
        return FetchError(f"could not connect: {exc}", code="connection_failed")
    return FetchError(f"the response could not be read: {exc}", code="bad_response")
