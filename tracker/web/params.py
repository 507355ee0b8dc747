"""Query-string parameters shared by pages and API: checked, with a 400 that says what to send."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import request

from tracker.errors import InvalidInput

DEFAULT_LIMIT, MAX_LIMIT = 50, 500


def int_arg(name: str) -> int | None:
    """Return ?name= as a whole number, None when absent."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise InvalidInput(f"?{name}= takes a whole number", code=f"bad_{name}")
    return int(raw)


def limit_arg() -> int:
    """Return ?limit= (default 50, at most 500)."""
    limit = int_arg("limit")
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"?limit= is from 1 to {MAX_LIMIT}", code="bad_limit")
    return limit


def time_arg(name: str) -> datetime | None:
    """Return the ISO date or time in ?name= as UTC (a time without zone is UTC), None when absent."""
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            f"?{name}= takes an ISO 8601 date or time such as 2026-03-05T12:00:00Z", code=f"bad_{name}"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
