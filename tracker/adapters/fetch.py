"""The one outbound HTTP path: article pages, feeds, robots.txt, webhooks and rendered pages' resources.

`Client` sends every request over pooled urllib3 connections (about a third of the CPU of a
requests Session per request; article fetches are the hot path of polling), each to the address
the guard pinned, so every redirect hop is guarded again; a head's deadline is kept by
tracker.adapters.headwatch, the body is read within the size cap (after decompression) and the
deadline. Every failure becomes a FetchError with a short code (timeout, dns, connection_refused,
http_404, too_large, not_html, ...) that the check or the delivery records as its outcome.
`Fetcher` is the article and feed fetch on top: conditional GETs, redirects followed, the page's
type checked. Decoding the body to text happens later, and only for pages whose bytes changed
(tracker.domain.charsets). Apprise's own requests reach the Client through tracker.adapters.apprisehttp.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urljoin

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    HTTPError,
    LocationParseError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from tracker.adapters.headwatch import POOL_CLASSES, head_deadline
from tracker.adapters.netguard import AddressGuard
from tracker.domain.charsets import is_html_type, not_html
from tracker.domain.errors import FetchError
from tracker.domain.pages import Page, Validators, at_most
from tracker.domain.urls import MAX_URL_LENGTH

CHUNK_BYTES = 64 * 1024
LONGEST_RETRY_AFTER = 24 * 3600.0  # seconds: the longest wait a Retry-After gets
MAX_REDIRECTS = 5
# Validators longer than these are not sent back (nor stored: tracker.adapters.models); an HTTP date is 29.
MAX_ETAG_CHARS = 512
MAX_LAST_MODIFIED_CHARS = 128
# In a Location, printable ASCII stays as the server wrote it (its %-escapes too); other bytes are escaped.
LOCATION_SAFE = bytes(range(0x21, 0x7F)).decode()
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})  # the page says it lives elsewhere now, not just for this request
ANY_ACCEPT = "*/*"
HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
FEED_ACCEPT = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"
NO_VALIDATORS = Validators()  # an unconditional GET


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """Caps that keep one hostile page from costing more than its share."""

    max_bytes: int = 10 * 1024 * 1024
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    deadline: float = 60.0


Fetch = Callable[[str, Validators], Page]


@dataclass(frozen=True, slots=True)
class Answer:
    """The final response to a request, its body unread, and the address it came from."""

    url: str
    response: urllib3.BaseHTTPResponse
    # Where the first answer permanently (301/308) sent us; None when it was not such a redirect.
    moved_to: str | None = None
    moved_status: int | None = None


class Client:
    """Sends requests over pooled connections, each to the address the guard pinned.

    Thread-safe: one Client serves all of a process's threads for one kind of request.
    """

    def __init__(
        self,
        guard: AddressGuard,
        *,
        user_agent: str,
        accept: str = ANY_ACCEPT,
        pools: int = 1000,
        per_host: int = 4,
    ) -> None:
        self.guard = guard
        self.pools = urllib3.PoolManager(num_pools=pools, maxsize=per_host, retries=False)
        self.pools.pool_classes_by_scheme = POOL_CLASSES  # response heads keep the deadline too
        self.headers = {"User-Agent": user_agent, "Accept": accept, "Accept-Encoding": "gzip, deflate, br"}

    def open(
        self,
        method: str,
        url: str,
        limits: FetchLimits,
        *,
        started: float,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        follow: bool = False,
        verify: bool = True,
    ) -> Answer:
        """Send the request and return the final response, its status line and headers read by the
        deadline of the request started at `started`; the caller reads its body and `finish`es it.

        With `follow`, up to MAX_REDIRECTS redirects are followed (each hop guarded again) with the
        same method: GETs only (pages, feeds, robots.txt). Without it, a redirect is the answer.
        `verify` off skips the TLS certificate check (a channel URL's `verify=no`).
        """
        current = url
        moved_to, moved_status = None, None
        for hop in range(MAX_REDIRECTS + 1):
            within_deadline(started, limits)
            response = self.send(
                method, current, limits, started=started, headers=headers, body=body, verify=verify
            )
            location = response.headers.get("Location")
            if not (follow and response.status in REDIRECTS and location):
                return Answer(current, response, moved_to, moved_status)
            try:
                current = next_hop(current, location)
            finally:
                finish(response, until=started + limits.deadline)
            if hop == 0 and response.status in PERMANENT:
                moved_to, moved_status = current, response.status
        raise FetchError(
            f"the page redirects more than {MAX_REDIRECTS} times (a redirect loop?)",
            code="too_many_redirects",
        )

    def send(
        self,
        method: str,
        url: str,
        limits: FetchLimits,
        *,
        started: float,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        verify: bool = True,
    ) -> urllib3.BaseHTTPResponse:
        """Send one request to the pinned address and return the unread response, its status line
        and headers read by the deadline of the request started at `started`."""
        try:
            parts = urllib3.util.parse_url(url)
        except LocationParseError as exc:
            raise FetchError(f"cannot fetch {url}: {exc}", code="bad_url") from None
        if parts.scheme not in ("http", "https") or not parts.host:
            raise FetchError(f"cannot fetch {url}: only http and https addresses are fetched", code="bad_url")
        host = parts.host.strip("[]")
        port = port_of(parts.scheme, parts.port)
        address = self.guard.pin(host, port)
        tls = tls_settings(host, verify) if parts.scheme == "https" else {}
        pool = self.pools.connection_from_host(str(address), port, parts.scheme, pool_kwargs=tls)
        try:
            with head_deadline(started + limits.deadline):
                response = pool.urlopen(
                    method,
                    parts.request_uri,
                    body=body,
                    headers=self.request_headers(parts.netloc or host, headers, body),
                    redirect=False,
                    retries=False,
                    preload_content=False,
                    decode_content=True,
                    assert_same_host=False,
                    timeout=urllib3.Timeout(connect=limits.connect_timeout, read=limits.read_timeout),
                )
        except HTTPError as exc:
            within_deadline(started, limits)  # the watchdog cut a head that came too slowly
            raise fetch_error_from(exc, url) from exc
        try:
            within_deadline(started, limits)  # a head cut short can also parse, incomplete
        except FetchError:
            response.close()
            raise
        return response

    def request_headers(
        self, netloc: str, headers: Mapping[str, str] | None, body: bytes | None
    ) -> dict[str, str]:
        """Return the headers a request to `netloc` sends: ours, the caller's in place of ours of the
        same name, then Host and Content-Length (what a delivery log shows is what went out)."""
        own = {"Host": netloc} if body is None else {"Host": netloc, "Content-Length": str(len(body))}
        return with_headers(with_headers(self.headers, headers or {}), own)


class Fetcher:
    """Fetches article pages (or feeds) and robots.txt: conditional GETs, redirects followed.

    Thread-safe: one Fetcher serves all of a worker's fetching threads.
    """

    def __init__(
        self,
        guard: AddressGuard,
        *,
        user_agent: str,
        limits: FetchLimits,
        pools: int = 1000,
        accept: str = HTML_ACCEPT,
        html_only: bool = True,
    ) -> None:
        self.client = Client(guard, user_agent=user_agent, accept=accept, pools=pools)
        self.limits = limits
        # Feeds are XML, and a page given as a feed is read for the feeds it advertises: their
        # fetcher takes any type and leaves the judging to whoever reads the body.
        self.html_only = html_only

    def __call__(
        self, url: str, validators: Validators = NO_VALIDATORS, *, limits: FetchLimits | None = None
    ) -> Page:
        """Return the page at url, or a 304 Page; raise FetchError with a code for every failure.
        `limits` replaces the fetcher's own for this request (a backfill's remaining time)."""
        limits = limits or self.limits
        started = time.monotonic()
        answer = self.client.open(
            "GET", url, limits, started=started, headers=conditional_headers(validators), follow=True
        )
        try:
            return self.page(url, answer, started, limits)
        finally:
            finish(answer.response, until=started + limits.deadline)

    def text(self, url: str, *, max_bytes: int = 512 * 1024) -> str | None:
        """Return a small text resource (robots.txt), or None when there is none (any 4xx)."""
        started = time.monotonic()
        answer = self.client.open("GET", url, self.limits, started=started, follow=True)
        response = answer.response
        try:
            if 400 <= response.status < 500:
                return None
            if response.status >= 300:
                raise http_status_error(response.status, response.reason, response.headers.get("Retry-After"))
            limits = FetchLimits(max_bytes=max_bytes, deadline=self.limits.deadline)
            return read_capped(response, limits, started).decode("utf-8", errors="replace")
        finally:
            finish(response, until=started + self.limits.deadline)

    def page(self, url: str, answer: Answer, started: float, limits: FetchLimits) -> Page:
        """Return the Page for a final answer, reading its body within the caps."""
        response = answer.response
        status = response.status
        if status >= 300 and status != 304:
            error = http_status_error(status, response.reason, response.headers.get("Retry-After"))
            error.final_url = answer.url  # evidence of a removal: where the 404 or 410 was served
            raise error
        content_type = response.headers.get("Content-Type")
        body = b""
        if status != 304:
            if self.html_only and not is_html_type(content_type):
                raise not_html(content_type)
            body = read_capped(response, limits, started)
        return Page(
            url=url,
            final_url=answer.url,
            status=status,
            headers=tuple(response.headers.items()),
            body=body,
            content_type=content_type,
            etag=at_most(response.headers.get("ETag"), MAX_ETAG_CHARS),
            last_modified=at_most(response.headers.get("Last-Modified"), MAX_LAST_MODIFIED_CHARS),
            duration_ms=round((time.monotonic() - started) * 1000),
            moved_to=answer.moved_to,
            moved_status=answer.moved_status,
        )


@dataclass(frozen=True, slots=True)
class Resource:
    """One response as the server sent it (body decompressed), for the browser that renders pages."""

    status: int
    headers: dict[str, str]
    body: bytes


# Headers that describe the bytes on the wire; the browser gets the body decompressed.
WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def fetch_resource(
    client: Client,
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes | None,
    *,
    limits: FetchLimits,
) -> Resource:
    """Return one response without following redirects (the browser follows them, each through here)."""
    started = time.monotonic()
    response = client.open(method, url, limits, started=started, headers=headers, body=body).response
    try:
        content = read_capped(response, limits, started)
        kept = {
            name: value for name, value in response.headers.itermerged() if name.lower() not in WIRE_HEADERS
        }
        return Resource(response.status, kept, content)
    finally:
        finish(response, until=started + limits.deadline)


def read_capped(
    response: urllib3.BaseHTTPResponse, limits: FetchLimits, started: float, *, truncate: bool = False
) -> bytes:
    """Return the decoded body, stopping at max_bytes (counted after decompression) or the deadline;
    a longer body is a FetchError(too_large), or with `truncate` cut to its first max_bytes.

    read1 returns after one read of the socket (and decompresses at most CHUNK_BYTES), so a
    server that trickles bytes cannot hold a check past its deadline, nor a bomb inflate past the
    cap.
    """
    declared = response.headers.get("Content-Length", "")
    if not truncate and declared.isdigit() and int(declared) > limits.max_bytes:
        raise too_large(limits.max_bytes)
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := response.read1(CHUNK_BYTES, decode_content=True):
            size += len(chunk)
            if size > limits.max_bytes:
                if truncate:
                    chunks.append(chunk[: len(chunk) - (size - limits.max_bytes)])
                    break
                raise too_large(limits.max_bytes)
            within_deadline(started, limits)
            chunks.append(chunk)
    except HTTPError as exc:
        raise fetch_error_from(exc, response.geturl() or "") from exc
    return b"".join(chunks)


def within_deadline(started: float, limits: FetchLimits) -> None:
    """Raise FetchError(timeout) once a fetch started at `started` has outlived its deadline."""
    if time.monotonic() - started > limits.deadline:
        raise FetchError(
            f"the answer took longer than {limits.deadline:g} s to download; it is tried again later",
            code="timeout",
        )


def finish(response: urllib3.BaseHTTPResponse, *, until: float) -> None:
    """Hand the connection back for reuse when its body was read, or the small unread body of a
    redirect or error page arrived by `until` (the fetch's deadline); else close it."""
    if not response.closed and not drained(response, until):
        response.close()
    response.release_conn()


def drained(response: urllib3.BaseHTTPResponse, until: float) -> bool:
    """Read and drop a small unread body; False when it is large, was given up on part-read (too
    large, too slow), is broken, or is still arriving at `until` (a server trickling a redirect's
    body must not hold the fetch past its deadline)."""
    remaining = response.length_remaining
    if remaining is None or remaining > CHUNK_BYTES or response.tell():
        return False
    try:
        while response.read1(CHUNK_BYTES, decode_content=False):
            if time.monotonic() > until:
                return False
    except HTTPError:
        return False
    return True


def next_hop(url: str, location: str) -> str:
    """Return where a redirect leads; only http(s) targets of at most MAX_URL_LENGTH are followed."""
    # http.client hands header bytes over as Latin-1: escape them as the bytes they were, as browsers
    # do, so a raw UTF-8 path (/café) leads where the server meant and not to a double-encoded one.
    escaped = quote(location.strip().encode("latin-1", "replace"), safe=LOCATION_SAFE)
    try:
        target = urljoin(url, escaped)
    except ValueError:  # "http://[::1": an unclosed IPv6 host
        raise FetchError(
            f"the page redirects to {escaped[:200]}, which is not a web address", code="bad_url"
        ) from None
    if not target.startswith(("http://", "https://")):
        raise FetchError(f"the page redirects to {target[:200]}, which is not a web address", code="bad_url")
    if len(target) > MAX_URL_LENGTH:
        raise FetchError(
            f"the page redirects to an address of {len(target)} characters, longer than the "
            f"{MAX_URL_LENGTH} we store; the site is broken or hostile",
            code="bad_url",
        )
    return target


def conditional_headers(validators: Validators) -> dict[str, str]:
    """Return If-None-Match / If-Modified-Since headers for what we saw last time."""
    headers = {}
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def http_status_error(status: int, reason: str | None, retry_after: str | None) -> FetchError:
    """Return the FetchError for an HTTP error status, with Retry-After when the server gave one."""
    hint = {
        404: "the page is not there; check the URL",
        410: "the page was removed for good",
        429: "the site asks us to slow down; the next check waits",
        403: "the site refuses our requests",
    }.get(status, "the site answered with an error; later checks will try again")
    return FetchError(
        f"the server answered {status} {reason or ''}: {hint}".replace("  ", " "),
        code=f"http_{status}",
        http_status=status,
        retry_after=retry_after_seconds(retry_after),
    )


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """Return the delay a Retry-After header asks for (seconds or HTTP date), or None; at most a day,
    so that a server cannot hold a site or an archive for ever (or overflow a date with 10**12)."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return min(float(text), LONGEST_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return min(max(0.0, when - (time.time() if now is None else now)), LONGEST_RETRY_AFTER)


def too_large(cap: int) -> FetchError:
    return FetchError(
        f"the page is larger than the {cap / (1024 * 1024):.3g} MB cap (TRACKER_MAX_BODY_BYTES)",
        code="too_large",
    )


def fetch_error_from(exc: HTTPError, url: str) -> FetchError:
    """Return the FetchError for a urllib3 error: its outcome code, and a sentence naming the host
    and port that failed (article fetches, webhooks and channels say it alike)."""
    text = str(exc).lower()
    where = host_and_port(url)
    if "refused" in text:  # first: urllib3's NewConnectionError is a kind of ConnectTimeoutError
        return FetchError(
            f"nothing answered at {where} (connection refused); is the server down?",
            code="connection_refused",
        )
    if isinstance(exc, NameResolutionError):
        return FetchError(f"no address was found for {where} (DNS); check the address", code="dns")
    if isinstance(exc, NewConnectionError) and "timed out" not in text:
        reason = getattr(exc.__cause__, "strerror", None) or "the connection failed"
        return FetchError(f"could not connect to {where}: {reason.lower()}", code="connection_failed")
    if isinstance(exc, ConnectTimeoutError):
        return FetchError(f"{where} did not take the connection in time (connect timeout)", code="timeout")
    if isinstance(exc, ReadTimeoutError) or "timed out" in text:
        return FetchError(
            f"{where} did not answer in time (read timeout); it may be slow or down", code="timeout"
        )
    if isinstance(exc, SSLError):
        return FetchError(f"the secure connection (TLS) to {where} failed: {tls_reason(exc)}", code="tls")
    if isinstance(exc, DecodeError):
        return FetchError(f"the compressed answer of {where} is corrupt", code="bad_response")
    if isinstance(exc, ProtocolError) and "got more than" in text:  # http.client's header limits
        return FetchError(
            f"the server sent more or longer headers than HTTP clients accept ({exc.args[-1]}); "
            "the site is broken or hostile",
            code="bad_response",
        )
    if isinstance(exc, ProtocolError):
        return FetchError(
            f"{where} broke off the connection before its answer was complete", code="bad_response"
        )
    return FetchError(f"the answer of {where} could not be read ({type(exc).__name__})", code="bad_response")


def host_and_port(url: str) -> str:
    """Return "host:port" of a URL, for sentences about a connection ("the server" if it has none)."""
    try:
        parts = urllib3.util.parse_url(url)
    except LocationParseError:
        parts = None
    if parts is None or not parts.host:
        return "the server"
    return f"{parts.host}:{port_of(parts.scheme, parts.port)}"


def tls_settings(host: str, verify: bool) -> dict[str, str]:
    """Return the pool's TLS settings for a pinned connection: the name for SNI and the certificate."""
    names = {"server_hostname": host, "assert_hostname": host}
    return names if verify else {**names, "cert_reqs": "CERT_NONE"}


def port_of(scheme: str | None, port: int | None) -> int:
    """Return the port a URL connects to: its own, else its scheme's."""
    return port or (443 if scheme == "https" else 80)


def with_headers(base: Mapping[str, str], extra: Mapping[str, str]) -> dict[str, str]:
    """Return base's headers with extra's in place of those of the same name (names ignore case)."""
    names = {name.lower() for name in extra}
    return {**{name: value for name, value in base.items() if name.lower() not in names}, **extra}


def tls_reason(exc: SSLError) -> str:
    """Return why a TLS handshake failed, as OpenSSL words it ("certificate verify failed: ...")."""
    cause = next((arg for arg in exc.args if isinstance(arg, ssl.SSLError)), None)
    if isinstance(cause, ssl.SSLCertVerificationError) and cause.verify_message:
        return f"certificate verify failed: {cause.verify_message}"
    if cause is not None and cause.reason:
        return cause.reason.lower().replace("_", " ")
    return "the handshake failed"
