"""Heartbeats of the processes that run the scheduler: each writes its last tick, so an operator sees
which workers are alive (the admin status page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from tracker.adapters.models import WorkerHeartbeat

FORGET_AFTER = timedelta(days=1)  # a worker silent this long is gone, not late


@dataclass(frozen=True, slots=True)
class Beat:
    """Who beats: the lease name (host:pid), its host and pid, and when it started."""

    name: str
    host: str
    pid: int
    started_at: datetime


def record_heartbeat(session: Session, beat: Beat, *, now: datetime) -> None:
    """Record that beat's process ticked now; forget workers silent for a day."""
    updated = session.execute(
        update(WorkerHeartbeat)
        .where(WorkerHeartbeat.name == beat.name)
        .values(last_tick_at=now)
        .execution_options(synchronize_session=False)
    )
    if not updated.rowcount:  # type: ignore[attr-defined]  # an UPDATE's CursorResult
        session.add(
            WorkerHeartbeat(
                name=beat.name, host=beat.host, pid=beat.pid, started_at=beat.started_at, last_tick_at=now
            )
        )
    session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.last_tick_at < now - FORGET_AFTER))


def forget_worker(session: Session, name: str) -> None:
    """Remove a worker that stopped cleanly."""
    session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.name == name))


def heartbeats(session: Session) -> list[WorkerHeartbeat]:
    """Return every known worker, the most recently heard first."""
    return list(session.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.last_tick_at.desc())))
