"""Bounds on the outbound work a request starts: check-now, following and discovering feeds, pings.

Such a request holds a web thread until its fetch ends, so a slow site (or one that sends a byte a
second) could take every thread the server has. Each caller (user, or address) may have only a few
of these requests in flight, and the process only a few in all, fewer than its threads: the rest
are answered at once `429 busy` with Retry-After, and every other request still finds a thread.
Their fetches also end sooner (TRACKER_REQUEST_FETCH_DEADLINE, in tracker.engine.runtime). Check-now
keeps a pause per site too, whoever asks, so that nobody hammers a third-party site through us.
"""

from __future__ import annotations

import functools
import itertools
import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, request
from limits import RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from werkzeug.wrappers import Response

from config import Settings
from tracker.domain.urls import host_of
from tracker.web.errors import answer
from tracker.web.limits import caller_key, keep_own_retry_after

# The views that fetch before they answer, and the methods with which they do.
OUTBOUND_ENDPOINTS = {
    "api.check_article": "POST",
    "pages.check_now": "POST",
    "feeds_api.check_feed": "POST",
    "feeds_pages.check": "POST",
    "feeds_api.create_feed": "POST",
    "feeds_pages.index": "POST",
    "feeds_api.discover_feeds": "GET",
    "alerts_api.ping": "POST",
    "alerts_api.retry_delivery": "POST",
    "alerts_pages.act": "POST",
    "alerts_pages.retry": "POST",
}


class Busy(Exception):
    """Refused before any fetch: answered 429 with Retry-After."""

    def __init__(self, code: str, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.code, self.message = code, message
        self.retry_after = max(1, math.ceil(retry_after))


class Slots:
    """Counts the outbound requests in flight in this process, per caller and in all; thread-safe."""

    def __init__(self, *, total: int, per_caller: int, deadline: float) -> None:
        self.total, self.per_caller, self.deadline = total, per_caller, deadline
        self.lock = threading.Lock()
        self.by_caller: Counter[str] = Counter()
        self.started: dict[int, float] = {}  # slot number -> monotonic start, for Retry-After
        self.numbers = itertools.count()

    @contextmanager
    def held(self, caller: str) -> Iterator[None]:
        """Hold one slot for caller while the block runs; raise Busy when none is free."""
        with self.lock:
            self.refuse_if_full(caller)
            self.by_caller[caller] += 1
            slot = next(self.numbers)
            self.started[slot] = time.monotonic()
        try:
            yield
        finally:
            with self.lock:
                self.by_caller[caller] -= 1
                if not self.by_caller[caller]:
                    del self.by_caller[caller]
                del self.started[slot]

    def refuse_if_full(self, caller: str) -> None:
        # Called under the lock. The fetches in flight end by their deadline: the oldest frees first.
        retry = min(self.started.values(), default=time.monotonic()) + self.deadline - time.monotonic()
        if self.by_caller[caller] >= self.per_caller:
            raise Busy(
                "busy",
                f"you already have {self.per_caller} checks or fetches in progress; "
                "wait for them, then try again",
                retry,
            )
        if len(self.started) >= self.total:
            raise Busy("busy", "the server is busy with other checks and fetches; try again shortly", retry)


class SitePause:
    """At most one check-now per site every `seconds`, whoever asks; shared through Redis when
    TRACKER_REDIS_URL is set, like the rate limits."""

    def __init__(self, seconds: int, storage_uri: str) -> None:
        self.seconds = seconds
        self.item = RateLimitItemPerSecond(1, seconds) if seconds > 0 else None
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))

    def take(self, host: str) -> None:
        """Record a check-now of host; raise Busy if the site had one within the pause."""
        if self.item is None or self.limiter.hit(self.item, "check-now-site", host):
            return
        reset_at, _remaining = self.limiter.get_window_stats(self.item, "check-now-site", host)
        raise Busy(
            "site_paused",
            f"{host} was checked moments ago; check-now waits {self.seconds} s between checks of one site",
            reset_at - time.time(),
        )


def init_app(app: Flask, settings: Settings) -> None:
    """Hold a slot around each outbound view; keep the site pause for the check views."""
    slots = Slots(
        total=settings.request_fetches,
        per_caller=settings.request_fetches_per_user,
        deadline=settings.request_fetch_deadline,
    )
    for endpoint, method in OUTBOUND_ENDPOINTS.items():
        app.view_functions[endpoint] = holding_slot(slots, method, app.view_functions[endpoint])
    app.extensions["tracker_site_pause"] = SitePause(
        settings.check_now_pause, settings.redis_url or "memory://"
    )
    app.register_error_handler(Busy, busy)


def holding_slot(slots: Slots, method: str, view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if request.method != method:  # the same view's other method fetches nothing (a form page)
            return view(*args, **kwargs)
        with slots.held(caller_key()):
            return view(*args, **kwargs)

    return wrapped


def pause_site(url: str) -> None:
    """Raise Busy when the site of url had a check-now within the pause; else record this one."""
    current_app.extensions["tracker_site_pause"].take(host_of(url).lower())


def busy(error: Busy) -> tuple[Response | str, int, dict[str, str]]:
    keep_own_retry_after()
    body, status = answer(429, error.code, error.message)
    return body, status, {"Retry-After": str(error.retry_after)}
