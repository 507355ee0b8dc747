"""Sending one alert: a signed POST to a webhook (requests, guarded, no redirects), or a short text
through Apprise to a chat or mail channel. Each send returns what happened; nothing retries here."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import apprise
import requests

from tracker.adapters.netguard import AddressGuard
from tracker.adapters.outbound import SingleHopAdapter, request_error
from tracker.domain.errors import FetchError
from tracker.domain.signing import signature_header

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
    request: requests.PreparedRequest | None = None
    try:
        # Prepared apart so that its headers, as the session completes them (User-Agent,
        # Content-Length, Host), can be kept for the delivery log; preparing refuses a bad URL.
        request = http.prepare_request(requests.Request("POST", url, data=body.encode(), headers=headers))
        with http.send(request, timeout=timeout, allow_redirects=False, stream=True) as response:
            excerpt = answer_excerpt(response)
    except FetchError as error:  # the address guard refused the host, or could not resolve it
        return failed(error, started, request)
    except requests.RequestException as exc:
        return failed(request_error(exc, url), started, request)
    sent = tuple(response.request.headers.items())
    if 200 <= response.status_code < 300:
        return Attempt(response.status_code, elapsed_ms(started), response=excerpt, request_headers=sent)
    refused = answer_error(response)
    return Attempt(response.status_code, elapsed_ms(started), excerpt, refused.message, refused.code, sent)


def failed(error: FetchError, started: float, request: requests.PreparedRequest | None = None) -> Attempt:
    """Return the Attempt of a send that got no answer."""
    sent = tuple(request.headers.items()) if request is not None else ()
    return Attempt(
        None, elapsed_ms(started), error=error.message, error_code=error.code, request_headers=sent
    )


def answer_error(response: requests.Response) -> FetchError:
    """Return why an answer other than 2xx failed: a redirect (never followed) or an HTTP error."""
    status = response.status_code
    phrase = HTTP_PHRASES.get(status, "")
    answered = f"the endpoint answered {status} {phrase}".rstrip()
    if 300 <= status < 400:
        location = (response.headers.get("Location") or "")[:200]
        return FetchError(
            f"{answered}, a redirect to {location or 'nowhere'}; redirects are never followed, so "
            "register the address it leads to",
            code="redirect_refused",
        )
    return FetchError(answered, code=f"http_{status}")


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
    """Send a short text alert through Apprise: its host judged by the address guard, every
    connection pinned to the address the guard approves, no redirect followed."""
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
    if adapter.refusals:  # a redirect or a refused address is a failure, whatever Apprise made of it
        return failed(adapter.refusals[0], started)
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
    return apprise.AppriseAsset(http_redirects=False)


def check_channel(url: str, guard: AddressGuard) -> Any:
    """Return Apprise's plugin for the URL; raise FetchError unless Apprise knows the URL and, where
    the URL names the host to send to (json://, form://, mailto://, ntfy://host ...), that host is
    allowed. Services with fixed endpoints (Slack, Discord, Telegram ...) carry tokens where a host
    would be."""
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


# The adapter every requests Session uses while a channel sends in this context. A ContextVar, not a
# global: deliveries run on several threads, and Apprise copies the context into its own workers.
CHANNEL_ADAPTER: ContextVar[SingleHopAdapter | None] = ContextVar("channel_adapter", default=None)
HOOK_LOCK = threading.Lock()


@contextlib.contextmanager
def channel_transport(guard: AddressGuard) -> Iterator[SingleHopAdapter]:
    """Route every requests call made in this context through one guarded, redirect-refusing adapter."""
    install_channel_hook()
    adapter = SingleHopAdapter(guard, max_retries=0)
    token = CHANNEL_ADAPTER.set(adapter)
    try:
        yield adapter
    finally:
        CHANNEL_ADAPTER.reset(token)
        adapter.close()


def install_channel_hook() -> None:
    """Make `requests.Session.get_adapter` answer the channel adapter while one is set (once per process).

    Apprise's HTTP plugins call `requests.post` (a new Session each time) or keep Sessions of their
    own, with no way to pass a transport in; every Session picks its transport through get_adapter,
    so this one public method is the only library code touched. Outside a channel send it defers
    to the original, so no other request changes.
    """
    with HOOK_LOCK:
        original = requests.Session.get_adapter
        if getattr(original, "channel_hook", False):
            return

        def get_adapter(session: requests.Session, url: str) -> Any:
            adapter = CHANNEL_ADAPTER.get()
            if adapter is None:
                return original(session, url)
            if not url.lower().startswith(("http://", "https://")):
                raise requests.exceptions.InvalidSchema(f"channels only send over http(s), not {url!r}")
            return adapter

        setattr(get_adapter, "channel_hook", True)  # noqa: B010
        setattr(requests.Session, "get_adapter", get_adapter)  # noqa: B010


def elapsed_ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
