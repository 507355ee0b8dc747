"""The backfill queue: which articles' past is filled in from web archives, and when. Adding an
article queues its backfill here; tracker.services.backfill claims and records the runs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from tracker.adapters.models import Article, Backfill


@dataclass(frozen=True, slots=True)
class Backfilling:
    """What adding an article needs to know of backfill from web archives; the entry points read it
    from the settings."""

    archives: bool = False  # TRACKER_ARCHIVES names at least one archive
    hold_seconds: float = 0.0  # a new article's first live check waits this long for its backfill


NO_BACKFILL = Backfilling()  # no archives: nothing is queued


def start_backfill(
    session: Session, new: Iterable[Article], backfilling: Backfilling, *, now: datetime
) -> None:
    """Queue the backfill of just-added articles that want one, when archives are configured (one
    flush for all: an import adds thousands)."""
    if not backfilling.archives:
        return
    for article in new:
        if article.backfill:
            session.add(queued_backfill(article.id, now=now))
            hold_first_check(article, now=now, hold_seconds=backfilling.hold_seconds)
    session.flush()


def queue_backfill(session: Session, article: Article, *, now: datetime, hold_seconds: float) -> Backfill:
    """Queue (or queue again) the article's backfill, due now, whatever state it was in; asking for
    one opts the article in (Article.backfill)."""
    article.backfill = True
    backfill = session.get(Backfill, article.id)
    if backfill is None:
        backfill = queued_backfill(article.id, now=now)
        session.add(backfill)
    backfill.state, backfill.due_at, backfill.requested_at, backfill.attempts = "pending", now, now, 0
    hold_first_check(article, now=now, hold_seconds=hold_seconds)
    session.flush()
    return backfill


def queued_backfill(article_id: int, *, now: datetime) -> Backfill:
    return Backfill(
        article_id=article_id,
        state="pending",
        due_at=now,
        requested_at=now,
        attempts=0,
        captures_found=0,
        versions_added=0,
        requests=0,
    )


def hold_first_check(article: Article, *, now: datetime, hold_seconds: float) -> None:
    """Let a never-checked article's first live check wait up to hold_seconds for its backfill, so
    that archive versions come first (a backfill run releases it sooner when it ends)."""
    if hold_seconds > 0 and article.last_checked_at is None:
        article.next_check_at = now + timedelta(seconds=hold_seconds)
