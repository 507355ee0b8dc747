"""Apprise's HTTP through the one client: its plugins send with requests, on Sessions they make
themselves, with no way to pass a transport in. While a channel sends, every Session's transport
is a ChannelAdapter, which sends through tracker.adapters.fetch.Client (each connection to the
address the guard pinned, the answer capped and within a deadline) and never follows a redirect.

The library code touched is requests' public transport interface: a BaseAdapter's `send`, and
`Session.get_adapter`, which picks it; tests/test_library_seams.py fails if either changes.
"""

from __future__ import annotations

import contextlib
import io
import threading
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from tracker.adapters.fetch import Client, FetchLimits, finish, read_capped
from tracker.adapters.netguard import AddressGuard
from tracker.domain.errors import FetchError

MAX_ANSWER_BYTES = 1024 * 1024
DEADLINE = 30.0  # seconds for a channel's answer, head and body, whatever timeouts Apprise asks for


class RedirectRefused(requests.RequestException):
    """A channel was answered with a redirect; it is never followed."""


class ChannelAdapter(BaseAdapter):
    """requests' transport while a channel sends: every request through the guarded Client. A 3xx
    answer raises RedirectRefused here, below the caller, so neither the caller's `allow_redirects`
    nor requests' redirect loop can follow it. Remembers each failure, for the delivery log."""

    def __init__(self, client: Client) -> None:
        super().__init__()
        self.client = client
        self.failures: list[FetchError] = []

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        """Send through the Client; proxies are ignored (a proxy would connect for us, past the guard)."""
        limits = channel_limits(timeout)
        started = time.monotonic()
        try:
            response = self.client.open(
                request.method or "GET",
                request.url or "",
                limits,
                started=started,
                headers=sent_headers(request),
                body=body_bytes(request.body),
                verify=verify is not False,
            ).response
            try:
                content = read_capped(response, limits, started, truncate=True)  # the message went out
            finally:
                finish(response, until=started + limits.deadline)
        except FetchError as error:  # callers (Apprise) catch requests' errors only
            self.failures.append(error)
            raise requests.ConnectionError(error.message, request=request) from error
        answer = requests.Response()
        answer.status_code, answer.reason = response.status, response.reason or ""
        answer.url = request.url or ""
        answer.headers = CaseInsensitiveDict(dict(response.headers.itermerged()))
        answer.encoding = get_encoding_from_headers(answer.headers)
        answer.raw = io.BytesIO(content)  # requests reads a plain file object as the body
        answer.request = request
        if 300 <= answer.status_code < 400:
            refusal = FetchError(
                f"the channel answered {answer.status_code} (a redirect); redirects are never followed",
                code="redirect_refused",
            )
            self.failures.append(refusal)
            raise RedirectRefused(refusal.message, request=request, response=answer)
        return answer

    def close(self) -> None:
        self.client.pools.clear()


def channel_limits(timeout: Any) -> FetchLimits:
    """Return the caps of one channel request, with the (connect, read) timeouts Apprise asked for."""
    connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
    defaults = FetchLimits()
    return FetchLimits(
        max_bytes=MAX_ANSWER_BYTES,
        connect_timeout=connect or defaults.connect_timeout,
        read_timeout=read or defaults.read_timeout,
        deadline=DEADLINE,
    )


def sent_headers(request: requests.PreparedRequest) -> dict[str, str]:
    """Return the request's headers as sent: its body goes whole (body_bytes), so not chunked."""
    return {name: value for name, value in request.headers.items() if name.lower() != "transfer-encoding"}


def body_bytes(body: bytes | str | Iterable[bytes] | None) -> bytes | None:
    """Return a prepared request's body as bytes (requests leaves text, and streamed parts, as given)."""
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return b"".join(body)


# The adapter every requests Session uses while a channel sends in this context. A ContextVar, not a
# global: deliveries run on several threads, and Apprise copies the context into its own workers.
CHANNEL_ADAPTER: ContextVar[ChannelAdapter | None] = ContextVar("channel_adapter", default=None)
HOOK_LOCK = threading.Lock()


@contextlib.contextmanager
def channel_transport(guard: AddressGuard) -> Iterator[ChannelAdapter]:
    """Route every requests call made in this context through one guarded, redirect-refusing adapter."""
    install_channel_hook()
    # Apprise's plugins send their own User-Agent, in place of this one.
    adapter = ChannelAdapter(Client(guard, user_agent="Apprise", pools=8))
    token = CHANNEL_ADAPTER.set(adapter)
    try:
        yield adapter
    finally:
        CHANNEL_ADAPTER.reset(token)
        adapter.close()


def install_channel_hook() -> None:
    """Make `requests.Session.get_adapter` answer the channel adapter while one is set (once per process).

    Apprise's HTTP plugins call `requests.post` (a new Session each time) or keep Sessions of their
    own; every Session picks its transport through get_adapter, so this one public method is the
    only library code replaced. Outside a channel send it defers to the original, so no other
    request changes.
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
        setattr(get_adapter, "__wrapped__", original)  # noqa: B010  (inspect.unwrap finds requests' own)
        setattr(requests.Session, "get_adapter", get_adapter)  # noqa: B010
