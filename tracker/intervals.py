"""When to check an article next: a pure function of what we know about it."""

from __future__ import annotations

from datetime import datetime, timedelta


def next_check_at(
    now: datetime, *, interval_seconds: int | None, default_interval: int, retry_after: float | None = None
) -> datetime:
    """Return when the next check is due: the article's own interval, else the default, never
    sooner than a Retry-After the site asked for."""
    delay = float(interval_seconds if interval_seconds is not None else default_interval)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return now + timedelta(seconds=delay)
