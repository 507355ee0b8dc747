"""Sending one alert: a signed POST to a webhook (through tracker.adapters.fetch's Client, guarded, no
redirects), or a short text through Apprise to a chat or mail channel (its requests through the same
Client: tracker.adapters.apprisehttp). Each send returns what happened; nothing retries here.

Apprise (with requests, some 200 ms to import) is imported by the functions that reach a channel,
so a process that never notifies one (`tracker check` with no channel due) does not load it."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tracker.adapters.fetch import Answer, Client, FetchLimits, finish, read_capped
from tracker.adapters.netguard import AddressGuard
from tracker.domain.errors import FetchError
from tracker.domain.signing import signature_header

if TYPE_CHECKING:
    import apprise

HTTP_PHRASES = {status.value: status.phrase for status in HTTPStatus}
RESPONSE_KEPT = 1024  # bytes of the answer kept for the delivery log
ANSWER_READ = 64 * 1024  # bytes of an answer read at most


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one delivery attempt got: an HTTP status (None: no answer) and why it failed, if it did."""

    status: int | None
    latency_ms: int
    response: str | None = None
    error: str | None = None  # a sentence a person can act on: "nothing answered at 127.0.0.1:9 ..."
    error_code: str | None = None  # its stable code: connection_refused, timeout, http_500 ...
    request_headers: tuple[tuple[str, str], ...] = ()  # a webhook's, as sent (signature included)

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post_webhook(
    client: Client,
    url: str,
    *,
    message_id: str,
    body: str,
    secrets_in_use: list[str],
    now: float | None = None,
    timeout: float = 10.0,
) -> Attempt:
    """POST body to url with the Standard Webhooks headers, signed afresh for this attempt."""
    timestamp = int(time.time() if now is None else now)
    headers = {
        "Content-Type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secrets_in_use, message_id, timestamp, body),
    }
    data = body.encode()
    # Kept for the delivery log: the headers as they go out (User-Agent, Content-Length, Host ...).
    sent = tuple(client.request_headers(netloc(url), headers, data).items())
    # Each step (connect, every read) within the timeout, the whole exchange within three.
    limits = FetchLimits(
        max_bytes=ANSWER_READ, connect_timeout=timeout, read_timeout=timeout, deadline=3 * timeout
    )
    started = time.monotonic()
    try:
        answer = client.open("POST", url, limits, started=started, headers=headers, body=data)
        try:
            excerpt = answer_excerpt(answer, limits, started)
        finally:
            finish(answer.response, until=started + limits.deadline)
    except FetchError as error:  # no answer: refused by the guard, unresolved, timed out, cut off ...
        return failed(error, started, sent)
    status = answer.response.status
    if 200 <= status < 300:
        return Attempt(status, elapsed_ms(started), response=excerpt, request_headers=sent)
    refused = answer_error(status, answer.response.headers.get("Location"))
    return Attempt(status, elapsed_ms(started), excerpt, refused.message, refused.code, sent)


def netloc(url: str) -> str:
    """Return the host and port a URL names, as its Host header says them ("" if it has none)."""
    with contextlib.suppress(ValueError):  # "http://[::1": sending fails as bad_url
        return urlsplit(url).netloc.rpartition("@")[2]
    return ""


def failed(error: FetchError, started: float, sent: tuple[tuple[str, str], ...] = ()) -> Attempt:
    """Return the Attempt of a send that got no answer."""
    return Attempt(
        None, elapsed_ms(started), error=error.message, error_code=error.code, request_headers=sent
    )


def answer_error(status: int, location: str | None) -> FetchError:
    """Return why an answer other than 2xx failed: a redirect (never followed) or an HTTP error."""
    phrase = HTTP_PHRASES.get(status, "")
    answered = f"the endpoint answered {status} {phrase}".rstrip()
    if 300 <= status < 400:
        return FetchError(
            f"{answered}, a redirect to {(location or '')[:200] or 'nowhere'}; redirects are never followed, so "
            "register the address it leads to",
            code="redirect_refused",
        )
    return FetchError(answered, code=f"http_{status}")


def answer_excerpt(answer: Answer, limits: FetchLimits, started: float) -> str:
    """Return the first 1 KB of the answer; an answer read to its end (up to 64 KB) keeps the
    connection for the next delivery."""
    read = read_capped(answer.response, limits, started, truncate=True)
    return read[:RESPONSE_KEPT].decode("utf-8", errors="replace")


def notify_channel(
    url: str, *, title: str, body: str, guard: AddressGuard, body_format: str | None = None
) -> Attempt:
    """Send a short text alert through Apprise: its host judged by the address guard, every
    connection pinned to the address the guard approves, no redirect followed."""
    import apprise

    from tracker.adapters.apprisehttp import channel_transport

    started = time.monotonic()
    try:
        plugin = check_channel(url, guard)
    except FetchError as error:
        return failed(error, started)
    plugin.redirects = False  # a `?redirect=yes` in the URL overrides the asset; the adapter refuses anyway
    sender = apprise.Apprise()
    sender.add(plugin)  # a plugin instantiated already (with channel_asset) is always taken
    with channel_transport(guard) as adapter:
        sent = bool(sender.notify(title=title, body=body, body_format=body_format))
    if adapter.failures:  # a redirect or a refused address is a failure, whatever Apprise made of it
        return failed(adapter.failures[0], started)
    if not sent:
        return failed(
            FetchError(
                "the channel did not take the message (Apprise gives no reason); check its URL and "
                "credentials",
                code="channel_failed",
            ),
            started,
        )
    return Attempt(200, elapsed_ms(started))


def channel_asset() -> apprise.AppriseAsset:
    """Return Apprise settings for our channels: never follow an HTTP redirect."""
    import apprise

    return apprise.AppriseAsset(http_redirects=False)


def check_channel(url: str, guard: AddressGuard) -> Any:
    """Return Apprise's plugin for the URL; raise FetchError unless Apprise knows the URL and, where
    the URL names the host to send to (json://, form://, mailto://, ntfy://host ...), that host is
    allowed. Services with fixed endpoints (Slack, Discord, Telegram ...) carry tokens where a host
    would be."""
    import apprise

    plugin = apprise.Apprise.instantiate(url, asset=channel_asset(), suppress_exceptions=True)
    if plugin is None:
        raise FetchError("Apprise does not understand this URL; see its list of services", code="bad_url")
    hosts = {plugin.host} if "host" in getattr(plugin, "template_tokens", {}) and plugin.host else set()
    # Some services take a second host in the query (mailto://...?smtp=HOST): check those too.
    hosts |= {
        value
        for name, value in vars(plugin).items()
        if name.endswith("_host") and isinstance(value, str) and value
    }
    for host in sorted(hosts):
        guard.pin(host, plugin.port or 443)
    return plugin


def elapsed_ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
