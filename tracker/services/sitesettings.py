"""Settings an admin changes at run time, kept in the database so that every web process (gunicorn's
workers, other machines) follows the same switch; the TRACKER_* variable is only the default."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.adapters.models import SiteSetting

PUBLIC_READ = "public_read"  # anonymous visitors may read articles, versions, diffs and feeds
ON, OFF = "on", "off"


def public_read(session: Session, *, default: bool) -> bool:
    """Return whether anonymous visitors may read: the admin's switch, else the default (the setting)."""
    stored = session.scalar(select(SiteSetting.value).where(SiteSetting.key == PUBLIC_READ))
    return default if stored is None else stored == ON


def set_public_read(session: Session, on: bool, *, user_id: int | None, now: datetime) -> None:
    """Store the admin's switch of public reading; it overrides TRACKER_PUBLIC_READ from now on."""
    row = session.get(SiteSetting, PUBLIC_READ)
    if row is None:
        row = SiteSetting(key=PUBLIC_READ)
        session.add(row)
    row.value, row.changed_at, row.changed_by = ON if on else OFF, now, user_id
