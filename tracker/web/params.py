"""Request parameters shared by pages and API (the query string, numbers in the path): checked, with a
4xx that says what to send."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import request
from werkzeug.exceptions import NotFound

from tracker.adapters.models import MAX_ID
from tracker.domain.errors import InvalidInput
from tracker.services.articles import ArticleFilter, checked_sort, checked_statuses

DEFAULT_LIMIT, MAX_LIMIT = 50, 500


def ids_in_range(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A number in the path that no id column can hold names nothing: 404 before any view (the
    database would fail on it). Version numbers may be negative (captures put before version 1)."""
    if values and any(isinstance(value, int) and abs(value) > MAX_ID for value in values.values()):
        raise NotFound(f"there is nothing numbered beyond ±{MAX_ID}")


def refuse_nul() -> None:
    """No URL, name, pattern or note holds a NUL character, and PostgreSQL text cannot store one:
    refuse it in the path, query, form or JSON body up front (400) rather than in the database (500)."""
    fields = [*request.args.items(multi=True), *request.form.items(multi=True)]
    texts = [request.path, *(value for _name, value in fields)]
    if any("\x00" in text for text in texts) or holds_nul(request.get_json(silent=True)):
        raise InvalidInput("text cannot contain NUL characters (\\u0000)", code="bad_text")


def holds_nul(value: object) -> bool:
    """Return whether a JSON value has a NUL character in any of its strings."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    return isinstance(value, list) and any(holds_nul(item) for item in value)


def int_arg(name: str) -> int | None:
    """Return ?name= as a whole number, None when absent."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_ID:
        raise InvalidInput(f"?{name}= takes a whole number up to {MAX_ID}", code=f"bad_{name}")
    return int(raw)


def signed_arg(name: str) -> int | None:
    """Return ?name= as a whole number that may be negative (version numbers: 0 and below are
    archive versions older than version 1), None when absent."""
    raw = request.args.get(name) or ""
    digits = raw.removeprefix("-")
    if not raw:
        return None
    if not (digits.isascii() and digits.isdigit()) or int(digits) > MAX_ID:
        raise InvalidInput(f"?{name}= takes a whole number from -{MAX_ID} to {MAX_ID}", code=f"bad_{name}")
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
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):  # overflow: a zone that moves it outside years 1-9999
        raise InvalidInput(
            f"?{name}= takes an ISO 8601 date or time such as 2026-03-05T12:00:00Z", code=f"bad_{name}"
        ) from None


def article_filter() -> ArticleFilter:
    """Return the article-list filters in ?q=, ?changed_since=, ?tag=, ?site= and ?status= (repeated,
    or separated by commas)."""
    return ArticleFilter(
        query=request.args.get("q") or None,
        changed_since=time_arg("changed_since"),
        tag=request.args.get("tag") or None,
        site=request.args.get("site") or None,
        status=checked_statuses(request.args.getlist("status")),
    )


def sort_arg() -> str:
    """Return the article list's order in ?sort=: last_change (the default) or last_error."""
    return checked_sort(request.args.get("sort"))
