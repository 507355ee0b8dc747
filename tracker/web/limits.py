"""Rate limits: writes and check-now per token (or signed-in user, or address), sign-in attempts
per address. Counters live in memory, or in Redis (TRACKER_REDIS_URL) so all processes share them."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Flask, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.wrappers import Response

from config import Settings
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


def wrap(app: Flask, endpoint: str, decorator: Any) -> None:
    """Put a limit on a registered view (the blueprints know nothing of this app's limiter)."""
    app.view_functions[endpoint] = decorator(app.view_functions[endpoint])


def caller_key() -> str:
    """Count per API token, else per signed-in user, else per address."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()[:32]
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return "address:" + get_remote_address()


def too_many(error: RateLimitExceeded) -> tuple[Response | str, int]:
    return answer(
        429,
        "rate_limited",
        f"too many requests ({error.description}); wait as long as the Retry-After header says",
    )
