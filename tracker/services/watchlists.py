"""A user's watchlist: the articles they follow, with tags and a note each."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.adapters.models import Subscription
from tracker.domain.errors import InvalidInput, NotFound

TAG = re.compile(r"[\w][\w .:/+-]{0,39}")
MAX_TAGS = 20
MAX_NOTE = 2000


def checked_tags(value: object) -> list[str]:
    """Return the tags, trimmed, lower-cased and without repeats; raise InvalidInput if malformed."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise InvalidInput("tags is a list of words (or one comma-separated string)", code="bad_tags")
    tags = list(dict.fromkeys(" ".join(tag.split()).lower() for tag in value if tag.strip()))
    bad = [tag for tag in tags if not TAG.fullmatch(tag)]
    if bad or len(tags) > MAX_TAGS:
        raise InvalidInput(
            f"a tag is 1-40 letters, digits, spaces or . : / + - (at most {MAX_TAGS} tags); "
            f"not {', '.join(map(repr, bad[:3])) or 'so many'}",
            code="bad_tags",
        )
    return tags


def checked_note(value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_NOTE:
        raise InvalidInput(f"note is text of at most {MAX_NOTE} characters, or null", code="bad_note")
    return value


def subscription(session: Session, user_id: int, article_id: int) -> Subscription | None:
    return session.scalar(
        select(Subscription).where(Subscription.user_id == user_id, Subscription.article_id == article_id)
    )


def subscriptions(session: Session, user_id: int, article_ids: Iterable[int]) -> dict[int, Subscription]:
    """Return the user's subscriptions to these articles, by article id."""
    ids = list(article_ids)
    if not ids:
        return {}
    rows = session.scalars(
        select(Subscription).where(Subscription.user_id == user_id, Subscription.article_id.in_(ids))
    )
    return {row.article_id: row for row in rows}


def describe(session: Session, user_id: int, article_id: int, fields: dict[str, object]) -> Subscription:
    """Set the tags and/or note of an article the user follows (absent keys keep their value)."""
    unknown = set(fields) - {"tags", "note"}
    if unknown:
        raise InvalidInput(f"cannot set {', '.join(sorted(unknown))}; only tags and note", code="bad_field")
    row = subscription(session, user_id, article_id)
    if row is None:
        raise NotFound(f"you do not follow article {article_id}", code="article_not_found")
    if "tags" in fields:
        row.tags = checked_tags(fields["tags"])
    if "note" in fields:
        row.note = checked_note(fields["note"])
    session.flush()
    return row


def add_tags(row: Subscription, tags: Iterable[str]) -> None:
    """Add tags to a subscription, keeping the ones it has."""
    row.tags = list(dict.fromkeys([*row.tags, *tags]))


def tag_counts(session: Session, user_id: int) -> list[tuple[str, int]]:
    """Return the user's tags with how many articles carry each, most used first."""
    counts: Counter[str] = Counter()
    for tags in session.scalars(select(Subscription.tags).where(Subscription.user_id == user_id)):
        counts.update(tags or ())
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
