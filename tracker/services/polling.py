"""The poll job: claim due articles with a lease, check each politely, one transaction per article."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from tracker.models import Article
from tracker.pacing import HostPacer
from tracker.services.checks import Checking, check_article, check_claimed
from tracker.services.observing import check_target

logger = logging.getLogger(__name__)
CHECKED_STATUSES = ("active", "failing")


@dataclass(frozen=True, slots=True)
class PollSettings:
    worker: str
    batch_size: int = 50
    lease_seconds: int = 300


@dataclass
class PollReport:
    """What one pass did: outcome counts of the checks it recorded."""

    outcomes: Counter[str] = field(default_factory=Counter)

    @property
    def checked(self) -> int:
        return sum(self.outcomes.values())


def claim_due(session: Session, *, worker: str, now: datetime, limit: int, lease_seconds: int) -> list[int]:
    """Lease up to `limit` due articles to worker and return their ids, oldest due first.

    One statement: on PostgreSQL the inner SELECT skips rows other workers are claiming
    (FOR UPDATE SKIP LOCKED); on SQLite the UPDATE holds the single write lock.
    """
    due = (
        select(Article.id)
        .where(
            Article.status.in_(CHECKED_STATUSES),
            Article.next_check_at <= now,
            or_(Article.lease_until.is_(None), Article.lease_until < now),
        )
        .order_by(Article.next_check_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = session.scalars(
        update(Article)
        .where(Article.id.in_(due.scalar_subquery()))
        .values(claimed_by=worker, lease_until=now + timedelta(seconds=lease_seconds))
        .returning(Article.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(claimed)


def poll_once(
    checking: Checking,
    *,
    settings: PollSettings,
    pacer: HostPacer,
    sleep: Callable[[float], None] = time.sleep,
) -> PollReport:
    """Claim due articles and check them, each host's requests spaced by the pacer."""
    report = PollReport()
    clock = checking.clock
    with checking.sessions.begin() as session:
        ids = claim_due(
            session,
            worker=settings.worker,
            now=clock(),
            limit=settings.batch_size,
            lease_seconds=settings.lease_seconds,
        )
        targets = [check_target(session, session.get_one(Article, article_id)) for article_id in ids]
    while targets:
        target = min(targets, key=lambda t: pacer.ready_at(t.host, clock()))
        targets.remove(target)
        wait = (pacer.reserve(target.host, clock()) - clock()).total_seconds()
        if wait > 0:
            sleep(wait)
        try:
            report.outcomes[check_claimed(checking, target).outcome] += 1
        except Exception:  # one broken article must never stop the others (the one allowed catch-all)
            logger.exception("check of article %s failed unexpectedly", target.article_id)
            report.outcomes["crashed"] += 1
    return report


def checkable_ids(session: Session) -> list[int]:
    """Return the ids of every article that is checked (not paused or gone)."""
    return list(
        session.scalars(select(Article.id).where(Article.status.in_(CHECKED_STATUSES)).order_by(Article.id))
    )


def check_all(checking: Checking, *, progress: Callable[[int], None] = lambda _done: None) -> PollReport:
    """Check every checkable article now, ignoring schedules and host delays (for `tracker check --all`)."""
    report = PollReport()
    with checking.sessions.begin() as session:
        ids = checkable_ids(session)
    for article_id in ids:
        report.outcomes[check_article(checking, article_id).outcome] += 1
        progress(1)
    return report
