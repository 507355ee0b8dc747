"""The figures an operator watches, read from the database: queue lag, articles and deliveries by
status, the retry queue, checks of the last hour, and which sites fail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Mapped, Session

from tracker.adapters.metrics import QueueFigures
from tracker.adapters.models import Article, Check, Delivery
from tracker.domain.vocabulary import ARTICLE_STATUSES, DELIVERY_STATUSES
from tracker.services.queue import CHECKED_STATUSES


@dataclass(frozen=True, slots=True)
class SiteErrors:
    """A site whose checks failed: how often, and its latest error."""

    host: str
    errors: int
    last_code: str
    last_at: datetime


def queue_figures(session: Session, *, now: datetime) -> QueueFigures:
    """Return queue lag, articles and deliveries by status, and the retry queue, as of now."""
    oldest_due = session.scalar(
        select(func.min(Article.next_check_at)).where(
            Article.status.in_(CHECKED_STATUSES), Article.next_check_at <= now
        )
    )
    retry_queue = session.scalar(
        select(func.count()).where(Delivery.status == "pending", Delivery.attempts > 0)
    )
    return QueueFigures(
        queue_lag_seconds=(now - oldest_due).total_seconds() if oldest_due else 0.0,
        articles=counts_by(session, Article.status, ARTICLE_STATUSES),
        deliveries=counts_by(session, Delivery.status, DELIVERY_STATUSES),
        retry_queue=retry_queue or 0,
    )


def counts_by(session: Session, column: Mapped[str], known: tuple[str, ...]) -> dict[str, int]:
    """Return {value: rows} of a status column, with every known status present (0 when none)."""
    counts: dict[str, int] = dict(session.execute(select(column, func.count()).group_by(column)).all())
    return {status: counts.get(status, 0) for status in known} | counts


def checks_by_outcome(session: Session, *, since: datetime) -> dict[str, int]:
    """Return {outcome: checks} recorded since `since`."""
    rows = session.execute(
        select(Check.outcome, func.count()).where(Check.checked_at >= since).group_by(Check.outcome)
    )
    return dict(rows.all())


def errors_by_site(session: Session, *, since: datetime, limit: int = 20) -> list[SiteErrors]:
    """Return the sites with failed checks since `since`, most errors first, with each one's latest error."""
    failed = (
        select(Article.host, Check.error_code, Check.checked_at)
        .join(Article, Article.id == Check.article_id)
        .where(Check.outcome == "error", Check.checked_at >= since)
        .subquery()
    )
    totals = session.execute(
        select(failed.c.host, func.count(), func.max(failed.c.checked_at))
        .group_by(failed.c.host)
        .order_by(func.count().desc(), failed.c.host)
        .limit(limit)
    ).all()
    sites = []
    for host, errors, last_at in totals:
        last_code = session.scalar(
            select(failed.c.error_code)
            .where(failed.c.host == host)
            .order_by(failed.c.checked_at.desc())
            .limit(1)
        )
        sites.append(SiteErrors(host=host, errors=errors, last_code=last_code or "", last_at=last_at))
    return sites
