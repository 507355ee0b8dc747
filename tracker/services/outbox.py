"""The outbox's rows: an event, and its delivery to one endpoint, written in the caller's transaction."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tracker.adapters.models import Delivery, Event, Webhook
from tracker.domain.vocabulary import DeliveryStatus, OutboxType


def add_event(
    session: Session,
    type: OutboxType,
    article_id: int | None,
    payload: dict[str, Any],
    summary: str,
    now: datetime,
) -> Event:
    """Write one event of the outbox (its id is known on return)."""
    event = Event(
        key=f"msg_{uuid.uuid4().hex}",
        type=type,
        article_id=article_id,
        payload=json.dumps(payload, sort_keys=True),
        summary=summary,
        created_at=now,
    )
    session.add(event)
    session.flush()
    return event


def add_delivery(
    session: Session, event: Event, webhook: Webhook, now: datetime, *, status: DeliveryStatus
) -> Delivery:
    """Write the delivery of an event to one endpoint, due now (or held for its digest)."""
    delivery = Delivery(
        event_id=event.id,
        webhook_id=webhook.id,
        article_id=event.article_id,
        status=status,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(delivery)
    return delivery
