"""The changes Atom feeds show: new versions of some articles, newest first, each with its diff,
and the articles' removals, restorations and moves."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tracker.adapters.models import Version
from tracker.services import changefeed, history
from tracker.services.articles import ArticleFilter, article_ids, get_article
from tracker.services.changefeed import LifecycleEntry
from tracker.services.history import VersionDiff

FeedItem = VersionDiff | LifecycleEntry


def recent_changes(
    session: Session, *, user_id: int | None, label: str | None, host: str | None, limit: int
) -> list[FeedItem]:
    """Return what /changes lists (the user's articles, all when None), each change with its diff."""
    entries, _next = changefeed.recent_entries(session, user_id=user_id, label=label, host=host, limit=limit)
    return [
        entry if isinstance(entry, LifecycleEntry) else change(session, entry.article_id, entry.number)
        for entry in entries
    ]


def article_changes(session: Session, article_id: int, *, limit: int) -> list[FeedItem]:
    return newest(
        changes_among(session, [article_id], limit=limit),
        changefeed.lifecycle_among(session, [article_id], limit=limit),
        limit,
    )


def tag_changes(session: Session, user_id: int, tag: str, *, limit: int) -> list[FeedItem]:
    """Return the changes of the articles the user follows with this tag (none for a tag they lack)."""
    tagged = article_ids(user_id, ArticleFilter(tag=tag))
    return newest(
        changes_among(session, tagged, limit=limit),
        changefeed.lifecycle_among(session, tagged, limit=limit),
        limit,
    )


def newest(changes: list[VersionDiff], events: list[LifecycleEntry], limit: int) -> list[FeedItem]:
    """Return the `limit` newest of both, newest first."""
    # Each list keeps its own order (newest stored first); merging interleaves them by time.
    newer: list[FeedItem] = [*changes]
    return list(heapq.merge(newer, [*events], key=moment, reverse=True))[:limit]


def moment(item: FeedItem) -> datetime:
    return item.observed_at if isinstance(item, LifecycleEntry) else item.new.observed_at


def changes_among(session: Session, article_ids: Sequence[int] | Select, *, limit: int) -> list[VersionDiff]:
    """Return the newest changes of these articles as /changes counts them (history.A_CHANGE)."""
    rows = session.execute(
        select(Version.article_id, Version.number)
        .where(Version.article_id.in_(article_ids), *history.A_CHANGE)
        .order_by(Version.id.desc())
        .limit(limit)
    )
    return [change(session, article_id, number) for article_id, number in rows]


def change(session: Session, article_id: int, number: int) -> VersionDiff:
    """Return version `number` against the one before it, as its diff page shows them."""
    return history.diff_versions(
        session, get_article(session, article_id), from_number=None, to_number=number
    )
