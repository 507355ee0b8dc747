"""What /changes, the Atom feeds and an article's history list besides versions: removals,
restorations and moves (tracker.services.lifecycle records them), merged with new versions."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from tracker.adapters.models import Article, LifecycleEvent, Subscription
from tracker.domain.errors import InvalidInput
from tracker.domain.timeline import Note
from tracker.domain.timestamps import iso
from tracker.domain.vocabulary import CHANGE_KINDS, LIFECYCLE_KINDS, ChangeKind, LifecycleKind
from tracker.services import history
from tracker.services.history import ChangeEntry
from tracker.services.lifecycle import Evidence, evidence_from, explanation
from tracker.services.payloads import ChangePayload, change_payload, evidence_payload

KIND_WORDS: dict[ChangeKind, str] = {
    "changed": "changed",
    "removed": "removed",
    "restored": "restored",
    "moved": "moved",
}


def history_notes(session: Session, article_id: int) -> list[Note]:
    """Return the article's removals, restorations and moves as notes of its history, with the evidence."""
    rows = session.scalars(
        select(LifecycleEvent).where(LifecycleEvent.article_id == article_id).order_by(LifecycleEvent.id)
    )
    return [
        Note(
            row.occurred_at, f"{row.kind.capitalize()}: {explanation(row.kind, evidence_from(row))}", row.kind
        )
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class LifecycleEntry:
    """One removal, restoration or move in the recent-changes list."""

    id: int
    article_id: int
    article_title: str | None
    host: str
    kind: LifecycleKind
    evidence: Evidence
    version_number: int

    @property
    def observed_at(self) -> datetime:
        return self.evidence.at

    @property
    def text(self) -> str:
        return explanation(self.kind, self.evidence)


Entry = ChangeEntry | LifecycleEntry


def recent_entries(
    session: Session,
    *,
    user_id: int | None,
    kind: str | None = None,
    label: str | None = None,
    host: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[Entry], str | None]:
    """Return what /changes lists, newest first: new versions (kind `changed`) and removals,
    restorations and moves, or only one kind; with the cursor of the next page.

    The cursor names the last version id and the last lifecycle event id shown ("V-L"); a label
    filter lists versions only (lifecycle events have no labels).
    """
    if kind is not None and kind not in CHANGE_KINDS:
        raise InvalidInput(f"unknown kind {kind!r}; use {', '.join(CHANGE_KINDS)}", code="bad_kind")
    version_below, event_below = parse_cursor(cursor)
    versions: list[ChangeEntry] = []
    events: list[LifecycleEntry] = []
    if kind in (None, "changed"):
        versions, _next = history.recent_changes(
            session,
            user_id=user_id,
            label=label,
            host=host,
            since=since,
            until=until,
            limit=limit + 1,
            cursor=version_below,
        )
    if kind != "changed" and label is None:
        events = lifecycle_entries(
            session,
            user_id=user_id,
            kinds=LIFECYCLE_KINDS if kind is None else (kind,),
            host=host,
            since=since,
            until=until,
            limit=limit + 1,
            below=event_below,
        )
    # Each list keeps its own order (newest stored first); merging interleaves them by time.
    newer: list[Entry] = [*versions]
    merged = list(heapq.merge(newer, [*events], key=moment, reverse=True))
    page = merged[:limit]
    if len(merged) <= limit:
        return page, None
    shown_versions = [entry.version_id for entry in page if isinstance(entry, ChangeEntry)]
    shown_events = [entry.id for entry in page if isinstance(entry, LifecycleEntry)]
    return page, next_cursor(
        min(shown_versions, default=version_below), min(shown_events, default=event_below)
    )


def moment(entry: Entry) -> datetime:
    return entry.observed_at


def parse_cursor(cursor: str | None) -> tuple[int | None, int | None]:
    """Return (version id, lifecycle event id) to list below; a plain number is a version id, as
    the cursors of the list before lifecycle events."""
    if not cursor:
        return None, None
    versions, _, events = cursor.partition("-")
    try:
        return (int(versions) if versions else None), (int(events) if events else None)
    except ValueError:
        raise InvalidInput("cursor is the `next` of the page before", code="bad_cursor") from None


def next_cursor(version_below: int | None, event_below: int | None) -> str:
    return f"{version_below or ''}-{event_below or ''}"


def lifecycle_entries(
    session: Session,
    *,
    user_id: int | None,
    kinds: tuple[str, ...],
    host: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    below: int | None,
) -> list[LifecycleEntry]:
    """Return lifecycle events of the user's articles (all when None), newest first."""
    statement = (
        select(LifecycleEvent, Article.title, Article.host)
        .join(Article, Article.id == LifecycleEvent.article_id)
        .where(LifecycleEvent.kind.in_(kinds))
    )
    if user_id is not None:
        statement = statement.where(
            exists().where(Subscription.article_id == Article.id, Subscription.user_id == user_id)
        )
    if host:
        statement = statement.where(Article.host == host.strip().lower())
    if since:
        statement = statement.where(LifecycleEvent.occurred_at >= since)
    if until:
        statement = statement.where(LifecycleEvent.occurred_at < until)
    if below:
        statement = statement.where(LifecycleEvent.id < below)
    rows = session.execute(statement.order_by(LifecycleEvent.id.desc()).limit(limit))
    return [lifecycle_entry(row, title, site) for row, title, site in rows]


def lifecycle_entry(row: LifecycleEvent, title: str | None, host: str) -> LifecycleEntry:
    return LifecycleEntry(
        id=row.id,
        article_id=row.article_id,
        article_title=title,
        host=host,
        kind=row.kind,
        evidence=evidence_from(row),
        version_number=row.version_number,
    )


def entry_payload(entry: Entry, *, base: str = "") -> ChangePayload:
    """Return one item of the recent-changes list: a change (kind `changed`) or a lifecycle event."""
    if isinstance(entry, ChangeEntry):
        return change_payload(entry, base=base)
    return {
        "kind": entry.kind,
        "article_id": entry.article_id,
        "article_title": entry.article_title,
        "url": entry.evidence.url,
        "site": entry.host,
        "version": entry.version_number,
        "observed_at": iso(entry.observed_at),
        "labels": [],
        "summary": {},
        "evidence": evidence_payload(entry.evidence),
        "links": {"html": f"{base}/articles/{entry.article_id}"},
    }


def lifecycle_among(
    session: Session, article_ids: Sequence[int] | Select, *, limit: int
) -> list[LifecycleEntry]:
    """Return the newest lifecycle events of these articles (an article's or a tag's Atom feed)."""
    rows = session.execute(
        select(LifecycleEvent, Article.title, Article.host)
        .join(Article, Article.id == LifecycleEvent.article_id)
        .where(LifecycleEvent.article_id.in_(article_ids))
        .order_by(LifecycleEvent.id.desc())
        .limit(limit)
    )
    return [lifecycle_entry(row, title, site) for row, title, site in rows]
