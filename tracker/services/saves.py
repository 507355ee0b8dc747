"""Asking an archive (the Internet Archive's Save Page Now) to capture an article each time a new live
version of it is stored, so that a third party holds the evidence too.

A save is queued in the transaction that stores the version (an outbox: a crash can delay it, never
lose it), claimed with a lease like articles and deliveries (tracker.services.queue), sent by the
engine (tracker.engine.saver) with no transaction open, and its answer recorded here: the capture's
URI-M, or a retry after a growing delay (longer when the archive's Retry-After asks for it), or, when
retrying cannot help or the last attempt failed, a failure with its error code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tracker.adapters.models import ArchiveSave, Article
from tracker.domain.errors import CheckError
from tracker.services import queue

RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1), timedelta(hours=6))
ATTEMPTS = len(RETRY_DELAYS) + 1  # then the save has failed for good
# Answers no retry changes: the save URL is refused by the address guard or is no web address, or the
# archive refuses the page (4xx other than a timeout or "too many requests").
FINAL_CODES = frozenset({"blocked_address", "bad_url"})
RETRIED_4XX = frozenset({408, 429})


@dataclass(frozen=True, slots=True)
class SaveJob:
    """What sending one save needs, read when it is claimed."""

    save_id: int
    article_id: int
    version_number: int
    url: str  # the article URL to capture


@dataclass(frozen=True, slots=True)
class SaveAnswer:
    """What one save request got: the capture's URI-M, or the error (an HTTP status, a timeout ...);
    neither: the archive answered without naming a capture (as it does with a page saying the job failed)."""

    memento: str | None
    status: int | None  # the HTTP status answered; None: no answer
    error: CheckError | None = None


def queue_save(session: Session, article: Article, version_number: int, *, now: datetime) -> ArchiveSave:
    """Queue a capture of the article, due now, in the caller's transaction (the one storing the version)."""
    save = ArchiveSave(
        article_id=article.id,
        version_number=version_number,
        url=article.url,
        state="pending",
        due_at=now,
        attempts=0,
        queued_at=now,
    )
    session.add(save)
    return save


def claim_saves(
    session: Session, *, worker: str, now: datetime, limit: int, lease_seconds: int
) -> list[SaveJob]:
    """Lease up to `limit` due saves to worker, oldest due first (skip locked on PostgreSQL)."""
    due = (
        select(ArchiveSave.id)
        .where(
            ArchiveSave.state == "pending",
            ArchiveSave.due_at <= now,
            or_(ArchiveSave.lease_until.is_(None), ArchiveSave.lease_until < now),
        )
        .order_by(ArchiveSave.due_at, ArchiveSave.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = queue.lease_rows(
        session,
        ArchiveSave,
        ArchiveSave.id.in_(due.scalar_subquery()),
        worker=worker,
        now=now,
        lease_seconds=lease_seconds,
    )
    rows = session.scalars(select(ArchiveSave).where(ArchiveSave.id.in_(ids)).order_by(ArchiveSave.id))
    return [
        SaveJob(save_id=row.id, article_id=row.article_id, version_number=row.version_number, url=row.url)
        for row in rows
    ]


def record_save(
    session: Session, job: SaveJob, answer: SaveAnswer, *, worker: str, now: datetime
) -> ArchiveSave | None:
    """Store what a save got and release it: succeeded with the capture's URI-M, pending again after
    a delay, or failed; None when the article is gone or another worker took the save over."""
    save = session.get(ArchiveSave, job.save_id, populate_existing=True)
    if save is None or save.claimed_by != worker:
        return None
    save.attempts += 1
    save.last_attempt_at, save.last_status = now, answer.status
    save.claimed_by, save.lease_until = None, None
    if answer.memento is not None:
        save.state, save.memento = "succeeded", answer.memento
        save.last_error_code, save.last_error_message = None, None
        return save
    error = answer.error or no_capture(answer.status)
    save.last_error_code, save.last_error_message = error.code, error.message
    if is_final(error) or save.attempts >= ATTEMPTS:
        save.state = "failed"
        return save
    delay = max(RETRY_DELAYS[save.attempts - 1], timedelta(seconds=error.retry_after or 0))
    save.due_at = now + delay
    return save


def no_capture(status: int | None) -> CheckError:
    return CheckError(
        f"the archive answered {status} but named no capture (no Content-Location, Location or Link "
        "header); it is asked again later",
        code="no_capture",
        http_status=status,
    )


def is_final(error: CheckError) -> bool:
    """Return True for an error no retry can change."""
    status = error.http_status
    return error.code in FINAL_CODES or (
        status is not None and 400 <= status < 500 and status not in RETRIED_4XX
    )
