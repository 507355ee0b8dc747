"""Rate limits: writes and check-now per user (whichever token or session they use, else per
address), sign-in attempts per address. Counters live in memory, or in Redis (TRACKER_REDIS_URL) so all processes share them."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Flask, current_app, g, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.wrappers import Response

from config import Settings
from tracker.web.context import request_token_owner
from tracker.web.errors import answer

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Each starts a fetch at once.
CHECK_ENDPOINTS = ("api.check_article", "pages.check_now", "feeds_api.check_feed", "feeds_pages.check")
LOGIN_LIMIT = "10 per minute"  # per address: slows password guessing, never locks an account


def init_app(app: Flask, settings: Settings) -> None:
    """Give the app its own limiter (tests build many apps in one process)."""
    limiter = Limiter(
        key_func=caller_key,
        app=app,
        enabled=settings.ratelimit,
        storage_uri=settings.redis_url or "memory://",
        key_prefix=counter_prefix(settings),
        application_limits=[settings.write_limit],
        headers_enabled=True,
        strategy="moving-window",
    )
    # Every limit is on writes: reads skip the limiter before it resolves any (it cost 0.3 ms a read).
    limiter.request_filter(lambda: request.method in SAFE_METHODS)
    # Wrapped views hold the limiter only weakly, and a disabled one registers nowhere: keep it alive.
    app.extensions["tracker_limiter"] = limiter
    for endpoint in CHECK_ENDPOINTS:
        wrap(app, endpoint, limiter.limit(settings.check_limit))
    wrap(app, "auth.login", limiter.limit(LOGIN_LIMIT, key_func=get_remote_address, methods=["POST"]))
    app.register_error_handler(RateLimitExceeded, too_many)


def counter_prefix(settings: Settings) -> str:
    """Return what sets this installation's counters apart in a shared Redis: they are counted by
    user id, and another installation (another database) has the same ids."""
    return "tracker-" + hashlib.sha256(settings.database_url.encode()).hexdigest()[:12]


def wrap(app: Flask, endpoint: str, decorator: Any) -> None:
    """Put a limit on a registered view (the blueprints know nothing of this app's limiter)."""
    app.view_functions[endpoint] = decorator(app.view_functions[endpoint])


def caller_key() -> str:
    """Return who a request counts against: its user (by token or session), else its address.

    Per user, not per token: tokens are free to make, so a budget per token would be no limit.
    """
    if "caller_key" not in g:  # the write limit and the check limit both ask
        user_id = token_user_id()
        if user_id is None and current_user.is_authenticated:
            user_id = current_user.id
        g.caller_key = f"user:{user_id}" if user_id is not None else "address:" + get_remote_address()
    return g.caller_key


def token_user_id() -> int | None:
    """Return the user of the request's bearer token; None without one, or for an unknown one
    (which counts against its address: inventing tokens must not buy a fresh budget)."""
    owner = request_token_owner()
    return owner.user_id if owner is not None else None


def keep_own_retry_after() -> None:
    """Leave this answer's Retry-After as set: Flask-Limiter would raise it to the end of the
    check limit's window (up to a minute), though a refusal for another reason may end sooner."""
    limiter = current_app.extensions.get("tracker_limiter")
    if limiter is not None:
        limiter.context.view_rate_limit = None


def too_many(error: RateLimitExceeded) -> tuple[Response | str, int]:
    return answer(
        429,
        "rate_limited",
        f"too many requests ({error.description}); wait as long as the Retry-After header says",
    )
