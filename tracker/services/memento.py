"""The tracker as a Memento archive (RFC 7089): an article's versions as mementos, the one a TimeGate
picks for a moment, and the article a URL-keyed TimeMap or TimeGate stands for."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from tracker.adapters.models import Article
from tracker.domain import urls
from tracker.domain.errors import InvalidInput, NotFound
from tracker.services import articles, history

# A proxy that merges slashes (nginx does by default) turns /timegate/https://x into /timegate/https:/x.
MERGED_SCHEME = re.compile(r"^(https?):/+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class MementoVersion:
    """One version as a memento: its number and its Memento-Datetime (observed_at to the second, all
    that an HTTP-date carries, so that a client asking for the datetime it was given gets this one)."""

    number: int
    at: datetime


@dataclass(frozen=True, slots=True)
class Selection:
    """What a TimeGate answers: the memento live at the moment asked for, and its neighbours."""

    chosen: MementoVersion
    first: MementoVersion
    last: MementoVersion
    prev: MementoVersion | None
    next: MementoVersion | None


def mementos_of(session: Session, article_id: int) -> list[MementoVersion]:
    """Return the article's versions as mementos, oldest first (numbers run in time order)."""
    return [
        MementoVersion(number=row.number, at=row.observed_at.replace(microsecond=0))
        for row in history.version_dates(session, article_id)
    ]


def live_at(mementos: Sequence[MementoVersion], moment: datetime | None) -> Selection:
    """Return the memento live at `moment` (the latest observed at or before it; before the first
    one, the first; None: the latest); raise NotFound when there are none."""
    if not mementos:
        raise NotFound("this article has no versions yet; it is checked soon", code="version_not_found")
    index = len(mementos) - 1 if moment is None else max(bisect_right(mementos, moment, key=_at) - 1, 0)
    return Selection(
        chosen=mementos[index],
        first=mementos[0],
        last=mementos[-1],
        prev=mementos[index - 1] if index > 0 else None,
        next=mementos[index + 1] if index + 1 < len(mementos) else None,
    )


def _at(memento: MementoVersion) -> datetime:
    return memento.at


def article_for_url(session: Session, url: str) -> Article:
    """Return the article a URL stands for (its AMP or mobile twin, canonical URL or a merged alias
    too); raise NotFound for a URL the tracker does not track."""
    try:
        normalised = urls.normalize_url(MERGED_SCHEME.sub(r"\1://", url))
    except InvalidInput as error:
        raise NotFound(
            f"the tracker holds no versions of {url}: {error.message}", code="not_tracked"
        ) from None
    article = articles.tracked_as(session, normalised)
    if article is None:
        raise NotFound(f"the tracker does not track {normalised}", code="not_tracked")
    return article
