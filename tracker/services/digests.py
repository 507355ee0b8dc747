"""Digests: an endpoint's schedule, and cutting its held events into one digest delivery.

Events for a daily or weekly endpoint are written like any other (the outbox), with their delivery
`held`. At the endpoint's digest moment one transaction takes the endpoint (SKIP LOCKED on
PostgreSQL, SQLite's single write lock), turns its held deliveries into one `digest` event with a
pending delivery and moves the next moment on, so however many workers tick, each period is cut
once. The digest then goes out, and is retried, like any delivery.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tracker.adapters.models import Delivery, Event, Webhook
from tracker.domain import digests
from tracker.domain.digests import DEFAULT_HOUR, DEFAULT_TIMEZONE, DIGEST, MODES, WEEKDAYS, Schedule
from tracker.domain.errors import InvalidInput
from tracker.domain.timestamps import iso
from tracker.services import outbox

FIELDS = ("delivery", "digest_hour", "digest_weekday", "timezone")
MAX_ITEMS = 500  # events in one digest; a longer period goes out as several digests


def schedule_of(webhook: Webhook) -> Schedule | None:
    """Return the endpoint's digest schedule; None when it sends each event alone."""
    if webhook.delivery == "each" or webhook.digest_hour is None:
        return None
    return Schedule(webhook.delivery, webhook.digest_hour, webhook.digest_weekday, webhook.timezone)


def apply_schedule(session: Session, webhook: Webhook, fields: dict[str, Any], *, now: datetime) -> None:
    """Set how the endpoint gets its events (absent keys keep their value); raise InvalidInput naming
    the field. Going back to `each` sends what was held, one by one, at once."""
    if not any(name in fields for name in FIELDS):
        return
    was = webhook.delivery or "each"
    mode = fields.get("delivery", was)
    if mode not in MODES:
        raise InvalidInput(f"delivery is one of: {', '.join(MODES)}", code="bad_delivery")
    timezone = checked_time_zone(fields.get("timezone", webhook.timezone or DEFAULT_TIMEZONE))
    hour = checked_hour(fields.get("digest_hour"), mode)
    weekday = checked_weekday(fields.get("digest_weekday"), mode)
    webhook.delivery, webhook.timezone = mode, timezone
    if mode == "each":
        webhook.digest_hour = webhook.digest_weekday = webhook.digest_since = webhook.next_digest_at = None
        if was != "each":
            release_held(session, webhook.id, now=now)
        return
    webhook.digest_hour = hour if hour is not None else webhook.digest_hour
    webhook.digest_hour = DEFAULT_HOUR if webhook.digest_hour is None else webhook.digest_hour
    webhook.digest_weekday = (
        None if mode == "daily" else weekday if weekday is not None else webhook.digest_weekday or 0
    )
    if was == "each" or webhook.digest_since is None:
        webhook.digest_since = now
    schedule = schedule_of(webhook)
    assert schedule is not None  # a digest mode with an hour, just set
    webhook.next_digest_at = digests.next_digest(schedule, now)


def checked_time_zone(value: object) -> str:
    if not isinstance(value, str) or not digests.is_time_zone(value):
        raise InvalidInput(
            "timezone is an IANA time zone name such as Europe/Berlin or UTC", code="bad_timezone"
        )
    return value


def checked_hour(value: object, mode: str) -> int | None:
    if value is None:
        return None
    if type(value) is not int or not 0 <= value <= 23:
        raise InvalidInput("digest_hour is a whole hour from 0 to 23, or null", code="bad_digest_hour")
    if mode == "each":
        raise InvalidInput("only daily and weekly digests have an hour", code="bad_digest_hour")
    return value


def checked_weekday(value: object, mode: str) -> int | None:
    if value is None:
        return None
    if value not in WEEKDAYS:
        raise InvalidInput(f"digest_weekday is one of: {', '.join(WEEKDAYS)}", code="bad_digest_weekday")
    if mode != "weekly":
        raise InvalidInput("only weekly digests have a weekday", code="bad_digest_weekday")
    return WEEKDAYS.index(str(value))


def release_held(session: Session, webhook_id: int, *, now: datetime) -> None:
    """Make the endpoint's held deliveries due now, each on its own."""
    session.execute(
        update(Delivery)
        .where(Delivery.webhook_id == webhook_id, Delivery.status == "held")
        .values(status="pending", next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )


# --- cutting digests ------------------------------------------------------------------------------


def cut_next_digest(session: Session, *, now: datetime) -> int | None:
    """Cut the digest of one endpoint whose moment has come; return how many digest deliveries it
    made (0: nothing was held), or None when no endpoint is due."""
    webhook = take_due_endpoint(session, now=now)
    if webhook is None:
        return None
    schedule = schedule_of(webhook)
    held = session.execute(
        select(Delivery, Event)
        .join(Event, Event.id == Delivery.event_id)
        .where(Delivery.webhook_id == webhook.id, Delivery.status == "held")
        .order_by(Delivery.id)
    ).all()
    start = webhook.digest_since or now
    made = 0
    for first in range(0, len(held), MAX_ITEMS):
        chunk = held[first : first + MAX_ITEMS]
        add_digest(session, webhook, [event for _delivery, event in chunk], start=start, now=now)
        for delivery, _event in chunk:
            delivery.status = "digested"
        made += 1
    webhook.digest_since = now
    webhook.next_digest_at = digests.next_digest(schedule, now) if schedule else None
    return made


def take_due_endpoint(session: Session, *, now: datetime) -> Webhook | None:
    """Lock one enabled endpoint whose digest is due, skipping those another worker holds.

    The UPDATE changes nothing: it is there to lock. On PostgreSQL the row stays locked (and skipped
    by other workers) until this transaction commits the next moment; on SQLite it takes the write
    lock before anything is read, so a second worker reads the moment already moved on.
    """
    due = (
        select(Webhook.id)
        .where(Webhook.delivery != "each", Webhook.enabled.is_(True), Webhook.next_digest_at <= now)
        .order_by(Webhook.next_digest_at, Webhook.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    webhook_id = session.scalar(
        update(Webhook)
        .where(Webhook.id.in_(due.scalar_subquery()))
        .values(next_digest_at=Webhook.next_digest_at)
        .returning(Webhook.id)
        .execution_options(synchronize_session=False)
    )
    return None if webhook_id is None else session.get(Webhook, webhook_id, populate_existing=True)


def add_digest(
    session: Session, webhook: Webhook, events: list[Event], *, start: datetime, now: datetime
) -> None:
    """Write one digest event listing the events, with a delivery due now (the outbox)."""
    payload = {
        "type": DIGEST,
        "timestamp": iso(now),
        "data": {"period": {"from": iso(start), "to": iso(now)}, "items": [digest_item(e) for e in events]},
    }
    title, body = digests.message(
        [event.summary for event in events], start=start, end=now, timezone=webhook.timezone
    )
    # digests.channel_message splits the summary into title and body again
    event = outbox.add_event(session, DIGEST, None, payload, f"{title}\n{body}", now)
    outbox.add_delivery(session, event, webhook, now, status="pending")


def digest_item(event: Event) -> dict[str, Any]:
    """Return one line of a digest from the event as it would have been sent alone: any event type,
    its article, summary, labels and link (the diff, else the article)."""
    data = json.loads(event.payload).get("data") or {}
    article = data.get("article") if isinstance(data.get("article"), dict) else None
    diff: dict[str, Any] = data["diff"] if isinstance(data.get("diff"), dict) else {}
    link = (diff.get("links") or {}).get("html") or ((article or {}).get("links") or {}).get("html")
    summary = data.get("summary")
    return {
        "id": event.key,
        "type": event.type,
        "occurred_at": iso(event.created_at),
        "article": article,
        "summary": summary if isinstance(summary, str) else event.summary,
        "labels": list(diff.get("labels") or ()),
        "link": link,
    }
