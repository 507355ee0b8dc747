"""Sending one alert: a signed POST to a webhook (requests, guarded, no redirects), or a short text
through Apprise to a chat or mail channel. Each send returns what happened; nothing retries here."""

from __future__ import annotations

import time
from dataclasses import dataclass

import apprise
import requests

from tracker.errors import FetchError
from tracker.netguard import AddressGuard
from tracker.signing import signature_header

RESPONSE_KEPT = 1024  # bytes of the answer kept for the delivery log
ANSWER_READ = 64 * 1024  # bytes of an answer read at most


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one delivery attempt got: an HTTP status (None: no answer) and why it failed, if it did."""

    status: int | None
    latency_ms: int
    response: str | None = None
    error: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post_webhook(
    http: requests.Session,
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
    started = time.monotonic()
    try:
        with http.post(
            url, data=body.encode(), headers=headers, timeout=timeout, allow_redirects=False, stream=True
        ) as response:
            excerpt = answer_excerpt(response)
    except FetchError as error:
        return Attempt(None, elapsed_ms(started), error=f"{error.code}: {error.message}")
    except requests.RequestException as exc:
        return Attempt(None, elapsed_ms(started), error=f"{type(exc).__name__}: {exc}"[:500])
    return Attempt(
        response.status_code,
        elapsed_ms(started),
        response=excerpt,
        error=None if 200 <= response.status_code < 300 else f"answered {response.status_code}",
    )


def answer_excerpt(response: requests.Response) -> str:
    """Return the first 1 KB of the answer; an answer read to its end (up to 64 KB) keeps the
    connection for the next delivery."""
    kept = b""
    for chunk in response.iter_content(RESPONSE_KEPT):
        kept = kept or chunk[:RESPONSE_KEPT]
        if response.raw.tell() > ANSWER_READ:
            break
    return kept.decode("utf-8", errors="replace")


def notify_channel(
    url: str, *, title: str, body: str, guard: AddressGuard, body_format: str | None = None
) -> Attempt:
    """Send a short text alert through Apprise, after the address guard has judged its host."""
    started = time.monotonic()
    try:
        check_channel(url, guard)
    except FetchError as error:
        return Attempt(None, elapsed_ms(started), error=f"{error.code}: {error.message}")
    sender = apprise.Apprise()
    if not sender.add(url):
        return Attempt(None, elapsed_ms(started), error="Apprise does not understand this URL")
    sent = sender.notify(title=title, body=body, body_format=body_format)
    return Attempt(
        200 if sent else None, elapsed_ms(started), error=None if sent else "Apprise could not send"
    )


def check_channel(url: str, guard: AddressGuard) -> None:
    """Raise FetchError unless Apprise knows the URL and, where the URL names the host to send to
    (json://, form://, mailto://, ntfy://host ...), that host is allowed. Services with fixed
    endpoints (Slack, Discord, Telegram ...) carry tokens where a host would be."""
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
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


def elapsed_ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
