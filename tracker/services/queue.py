"""The queue of checks is the articles table: which articles are due, leasing them to a worker, and
forgetting old checks that recorded nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from tracker.adapters.models import Article, Check

# Gone articles are checked too, at the slow pace of the interval policy, to see them come back.
CHECKED_STATUSES = ("active", "failing", "gone")


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
    return sorted(
        lease_rows(
            session,
            Article,
            Article.id.in_(due.scalar_subquery()),
            worker=worker,
            now=now,
            lease_seconds=lease_seconds,
        )
    )


def lease_rows(
    session: Session, model: Any, which: Any, *, worker: str, now: datetime, lease_seconds: int
) -> list[int]:
    """Lease the rows of a leased table (articles, feed sources, deliveries, backfills, saves) matching
    `which` to worker; return their keys (ids; a backfill's article id)."""
    (key,) = model.__table__.primary_key.columns
    return list(
        session.scalars(
            update(model)
            .where(which)
            .values(claimed_by=worker, lease_until=now + timedelta(seconds=lease_seconds))
            .returning(key)
            .execution_options(synchronize_session=False)
        )
    )


def release_rows(session: Session, model: Any, keys: list[int], *, worker: str) -> None:
    """Give back the rows of a leased table that worker claimed but will not work on now."""
    (key,) = model.__table__.primary_key.columns
    session.execute(
        update(model)
        .where(key.in_(keys), model.claimed_by == worker)
        .values(claimed_by=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )


def checkable_ids(session: Session) -> list[int]:
    """Return the ids of every article that is checked (not paused)."""
    return list(
        session.scalars(select(Article.id).where(Article.status.in_(CHECKED_STATUSES)).order_by(Article.id))
    )


def prune_checks(session: Session, *, now: datetime, keep_days: int) -> int:
    """Delete checks older than keep_days that neither made a version nor failed; return how many."""
    old = now - timedelta(days=keep_days)
    result = session.execute(
        delete(Check)
        .where(Check.checked_at < old, Check.version_number.is_(None), Check.outcome != "error")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]  # a DELETE's CursorResult


def renew_leases(
    session: Session, model: Any, ids: list[int], *, worker: str, now: datetime, lease_seconds: int
) -> None:
    """Extend the worker's leases on these rows (those another worker took over stay its)."""
    for start in range(0, len(ids), 500):
        session.execute(
            update(model)
            .where(model.id.in_(ids[start : start + 500]), model.claimed_by == worker)
            .values(lease_until=now + timedelta(seconds=lease_seconds))
            .execution_options(synchronize_session=False)
        )
