"""The delivery queue: claiming due deliveries with a lease and recording attempts.

Deliveries are claimed with a lease like articles; one article's events reach an endpoint in the
order they happened. A failed attempt is retried with growing, jittered delays; an endpoint that
answers 410 or fails for three days is disabled. What the delivery engine imports, and no more:
building what is delivered (services/alerts.py, payloads, diffs, labels) stays out of it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from tracker.adapters.models import Delivery, Event, Webhook
from tracker.adapters.webhooks import Attempt
from tracker.domain.vocabulary import DeliveryStatus, EndpointKind, OutboxType
from tracker.services import queue

RETRY_DELAYS = (10, 60, 300, 1800, 7200, 21600, 43200, 86400)  # seconds after attempts 1, 2, ...: ~1.5 days
DISABLE_AFTER = timedelta(days=3)  # of nothing but failures
JITTER = random.Random()


@dataclass(frozen=True, slots=True)
class DeliveryJob:
    """What sending one delivery needs, read when it is claimed."""

    delivery_id: int
    webhook_id: int
    kind: EndpointKind
    url: str
    secrets: tuple[str, ...]
    message_id: str
    event_type: OutboxType
    body: str
    summary: str


def claim_deliveries(
    session: Session, *, worker: str, now: datetime, limit: int, lease_seconds: int
) -> list[DeliveryJob]:
    """Lease up to `limit` due deliveries to worker, never one whose article has an earlier
    delivery to the same endpoint still pending (so events about an article arrive in order)."""
    earlier = aliased(Delivery)
    due = (
        select(Delivery.id)
        .join(Webhook, Webhook.id == Delivery.webhook_id)
        .where(
            Delivery.status == "pending",
            Delivery.next_attempt_at <= now,
            or_(Delivery.lease_until.is_(None), Delivery.lease_until < now),
            Webhook.enabled.is_(True),
            ~exists().where(
                earlier.webhook_id == Delivery.webhook_id,
                earlier.article_id == Delivery.article_id,
                earlier.id < Delivery.id,
                earlier.status == "pending",
            ),
        )
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
        .with_for_update(of=Delivery, skip_locked=True)
    )
    return lease(
        session, Delivery.id.in_(due.scalar_subquery()), worker=worker, now=now, lease_seconds=lease_seconds
    )


def claim_delivery(
    session: Session, delivery_id: int, *, worker: str, now: datetime, lease_seconds: int
) -> DeliveryJob | None:
    """Lease one pending delivery (however due), unless another worker holds it."""
    free = (
        Delivery.id == delivery_id,
        Delivery.status == "pending",
        or_(Delivery.lease_until.is_(None), Delivery.lease_until < now),
    )
    jobs = lease(session, and_(*free), worker=worker, now=now, lease_seconds=lease_seconds)
    return jobs[0] if jobs else None


def lease(
    session: Session, which: Any, *, worker: str, now: datetime, lease_seconds: int
) -> list[DeliveryJob]:
    """Lease the deliveries matching `which` to worker and return what sending them needs."""
    ids = queue.lease_rows(session, Delivery, which, worker=worker, now=now, lease_seconds=lease_seconds)
    rows = session.execute(
        select(Delivery, Event, Webhook)
        .join(Event, Event.id == Delivery.event_id)
        .join(Webhook, Webhook.id == Delivery.webhook_id)
        .where(Delivery.id.in_(ids))
        .order_by(Delivery.id)
    )
    return [
        DeliveryJob(
            delivery_id=delivery.id,
            webhook_id=webhook.id,
            kind=webhook.kind,
            url=webhook.url,
            secrets=secrets_in_use(webhook, now),
            message_id=event.key,
            event_type=event.type,
            body=event.payload,
            summary=event.summary,
        )
        for delivery, event, webhook in rows
    ]


def secrets_in_use(webhook: Webhook, now: datetime) -> tuple[str, ...]:
    current = (webhook.secret,) if webhook.secret else ()
    if webhook.previous_secret and webhook.previous_secret_until and now < webhook.previous_secret_until:
        return (*current, webhook.previous_secret)
    return current


def record_attempts(
    session: Session,
    results: list[tuple[DeliveryJob, Attempt]],
    *,
    worker: str,
    now: datetime,
    rng: random.Random | None = None,
) -> None:
    """Store what each attempt got; schedule retries with growing, jittered delays; disable endpoints
    that answer 410 or have failed for three days."""
    for job, attempt in results:
        delivery = session.get(Delivery, job.delivery_id)
        webhook = session.get(Webhook, job.webhook_id)
        if delivery is None or webhook is None:
            continue  # the endpoint was deleted while we sent: nothing left to record
        if delivery.claimed_by != worker:
            continue  # our lease ran out and another worker took the delivery over: its result counts
        delivery.attempts += 1
        delivery.last_attempt_at, delivery.last_status = now, attempt.status
        delivery.last_latency_ms, delivery.last_response = attempt.latency_ms, attempt.response
        delivery.last_error, delivery.last_error_code = attempt.error, attempt.error_code
        delivery.last_request_headers = [list(header) for header in attempt.request_headers] or None
        delivery.claimed_by, delivery.lease_until = None, None
        if attempt.succeeded:
            delivery.status = "succeeded"
            webhook.failing_since = None
            continue
        delivery.status, delivery.next_attempt_at = retry_schedule(delivery.attempts, now, rng or JITTER)
        webhook.failing_since = webhook.failing_since or now
        if attempt.status == 410:
            delivery.status = "failed"
            disable(webhook, f"the endpoint answered 410 Gone on {now:%Y-%m-%d %H:%M} UTC")
        elif now - webhook.failing_since >= DISABLE_AFTER:
            disable(
                webhook, f"every delivery failed for 3 days; the last: {attempt.error_code}: {attempt.error}"
            )


def retry_schedule(attempts: int, now: datetime, rng: random.Random) -> tuple[DeliveryStatus, datetime]:
    """Return (status, next attempt) after `attempts` failed attempts: pending with a delay of
    10 s, 1 min, 5 min ... 24 h (±20 %), then failed for good."""
    if attempts > len(RETRY_DELAYS):
        return "failed", now
    return "pending", now + timedelta(seconds=RETRY_DELAYS[attempts - 1] * rng.uniform(0.8, 1.2))


def disable(webhook: Webhook, reason: str) -> None:
    webhook.enabled, webhook.disabled_reason = False, reason


def disable_failing_endpoints(session: Session, *, now: datetime) -> int:
    """Disable the endpoints whose deliveries have all failed for three days; return how many."""
    result = session.execute(
        update(Webhook)
        .where(Webhook.enabled.is_(True), Webhook.failing_since <= now - DISABLE_AFTER)
        .values(
            enabled=False,
            disabled_reason="every delivery failed for 3 days; fix the endpoint, then enable it again",
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]  # an UPDATE's CursorResult
