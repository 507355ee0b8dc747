"""Alerts: users' endpoints (webhooks and Apprise channels), the outbox of events, and deliveries.

An event is written in the same transaction as what caused it (a new version), with one delivery
row per matching endpoint, so a crash can delay an alert but never lose it. The deliveries are
claimed and their attempts recorded by the delivery queue (services/deliveries.py), which the
delivery engine imports without this module's payloads, diffs and labels.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from tracker.adapters.models import MAX_ID, Article, Delivery, Event, Subscription, Version, Webhook
from tracker.domain import urls
from tracker.domain.diff import TextDiff, diff_articles
from tracker.domain.errors import InvalidInput, NotFound
from tracker.domain.labels import LABEL_WORDS, VersionFacts, change_labels, summary_line
from tracker.domain.signing import new_secret
from tracker.domain.timestamps import iso
from tracker.domain.vocabulary import EVENT_TYPES, EndpointKind, EventType
from tracker.services import digests, outbox, watchlists
from tracker.services.history import VersionDiff, version_text
from tracker.services.payloads import article_payload, diff_payload

Word = TypeVar("Word", bound=str)  # one of the words a filter takes
EVENTS = EVENT_TYPES  # the words an endpoint's filter takes (forms.py imports them from here)
SECRET_GRACE = timedelta(hours=24)  # after a rotation the old secret signs too, this long
# The made-up article of the sample article.changed: a figure corrected, and a note that says so.
SAMPLE_TITLE = "Sample: the council approves the harbour budget"
SAMPLE_BEFORE = (
    "The city council approved the harbour budget on Tuesday after a late-night session.",
    "The plan sets aside £4.2m for repairs to the harbour wall, which flooded twice last winter.",
    "Work is due to start in the spring.",
)
SAMPLE_AFTER = (
    SAMPLE_BEFORE[0],
    "The plan sets aside £4.8m for repairs to the harbour wall, which flooded twice last winter.",
    SAMPLE_BEFORE[2],
    "Correction: an earlier version of this article gave the draft figure, not the one approved.",
)


# --- endpoints ---------------------------------------------------------------------------------


def create_endpoint(
    session: Session,
    user_id: int,
    fields: dict[str, Any],
    *,
    kind: EndpointKind,
    allow_private: bool,
    now: datetime,
    check_channel: Any = None,
) -> tuple[Webhook, str | None]:
    """Store a webhook (returning its new secret, shown once) or an Apprise channel (no secret)."""
    raw = fields.get("url")
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput("give the endpoint's url", code="bad_url")
    if kind == "webhook":
        url = urls.endpoint_url(raw, allow_private=allow_private)
    else:
        url = raw.strip()
        if check_channel is not None:
            check_channel(url)
    secret = new_secret() if kind == "webhook" else None
    webhook = Webhook(
        user_id=user_id,
        kind=kind,
        url=url,
        secret=secret,
        enabled=True,
        created_at=now,
        delivery="each",
        timezone=digests.DEFAULT_TIMEZONE,
    )
    apply_filters(session, webhook, fields, user_id=user_id)
    digests.apply_schedule(session, webhook, fields, now=now)
    session.add(webhook)
    session.flush()
    return webhook, secret


def apply_filters(session: Session, webhook: Webhook, fields: dict[str, Any], *, user_id: int) -> None:
    """Set the endpoint's filters from fields (absent keys keep their value; null means all)."""
    if "events" in fields:
        webhook.events = checked_list(fields["events"], EVENTS, "events")
    if "labels" in fields:
        webhook.labels = checked_list(fields["labels"], tuple(LABEL_WORDS), "labels")
    if "article_ids" in fields:
        ids = fields["article_ids"]
        if ids is not None and (
            not isinstance(ids, list) or not all(type(i) is int and 0 < i <= MAX_ID for i in ids)
        ):
            raise InvalidInput(
                "article_ids is a list of article ids, or null for all you follow", code="bad_article_ids"
            )
        webhook.article_ids = ids
    if "tags" in fields:
        webhook.tags = None if fields["tags"] is None else watchlists.checked_tags(fields["tags"])
    if "min_words" in fields:
        words = fields["min_words"]
        if words is not None and (type(words) is not int or not 0 <= words <= MAX_ID):
            raise InvalidInput(f"min_words is a whole number up to {MAX_ID}, or null", code="bad_min_words")
        webhook.min_words = words
    if "enabled" in fields:
        if not isinstance(fields["enabled"], bool):
            raise InvalidInput("enabled is true or false", code="bad_enabled")
        webhook.enabled = fields["enabled"]
        if webhook.enabled:
            webhook.disabled_reason, webhook.failing_since = None, None


def change_endpoint(
    session: Session, webhook: Webhook, fields: dict[str, Any], *, user_id: int, now: datetime
) -> None:
    """Change the endpoint's filters and delivery schedule (absent keys keep their value)."""
    apply_filters(session, webhook, fields, user_id=user_id)
    digests.apply_schedule(session, webhook, fields, now=now)


def checked_list(value: object, allowed: tuple[Word, ...], name: str) -> list[Word] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) and item in allowed for item in value):
        raise InvalidInput(f"{name} is a list of: {', '.join(allowed)} (or null for all)", code=f"bad_{name}")
    return list(dict.fromkeys(value))


def list_endpoints(session: Session, user_id: int, kind: EndpointKind) -> list[Webhook]:
    return list(
        session.scalars(
            select(Webhook).where(Webhook.user_id == user_id, Webhook.kind == kind).order_by(Webhook.id)
        )
    )


def get_endpoint(
    session: Session, user_id: int, webhook_id: int, kind: EndpointKind | None = None
) -> Webhook:
    """Return the caller's endpoint (of this kind, if given); raise NotFound for anyone else's
    (their existence is not told)."""
    webhook = session.get(Webhook, webhook_id)
    if webhook is None or webhook.user_id != user_id or kind not in (None, webhook.kind):
        raise NotFound(f"you have no {kind or 'endpoint'} {webhook_id}", code="webhook_not_found")
    return webhook


def rotate_secret(webhook: Webhook, *, now: datetime) -> str:
    """Give the webhook a new secret; the old one keeps signing for SECRET_GRACE. Return the new one."""
    webhook.previous_secret, webhook.previous_secret_until = webhook.secret, now + SECRET_GRACE
    webhook.secret = new_secret()
    return webhook.secret


# --- the outbox ----------------------------------------------------------------------------------


def enqueue(
    session: Session,
    *,
    type: EventType,
    article: Article | None,
    payload: dict[str, Any],
    summary: str,
    now: datetime,
    labels: list[str] | None = None,
    words: int = 0,
) -> Event | None:
    """Write the event and a delivery for every endpoint that wants it (held for the digest of a
    daily or weekly endpoint); None when none does."""
    endpoints = [
        webhook
        for webhook, tags in endpoints_for(session, article)
        if wants(webhook, type, labels, words, article, tags)
    ]
    if not endpoints:
        return None
    event = outbox.add_event(session, type, article.id if article else None, payload, summary, now)
    for webhook in endpoints:
        outbox.add_delivery(
            session, event, webhook, now, status="pending" if webhook.delivery == "each" else "held"
        )
    return event


# Run for every new version; built once: building a statement costs SQLAlchemy more than running it.
FOLLOWERS_ENDPOINTS = (
    select(Webhook, Subscription.tags)
    .join(Subscription, Subscription.user_id == Webhook.user_id)
    .where(Webhook.enabled.is_(True), Subscription.article_id == bindparam("article_id"))
)


def endpoints_for(session: Session, article: Article | None) -> list[tuple[Webhook, list[str]]]:
    """Return the enabled endpoints of the users who follow the article, each with the tags its
    owner gave the article."""
    if article is None:
        return []
    rows = session.execute(FOLLOWERS_ENDPOINTS, {"article_id": article.id})
    return [(webhook, list(tags or ())) for webhook, tags in rows]


def wants(
    webhook: Webhook,
    type: EventType,
    labels: list[str] | None,
    words: int,
    article: Article | None,
    tags: list[str],
) -> bool:
    """Return True when the endpoint's filters let this event through."""
    if webhook.events is not None and type not in webhook.events:
        return False
    if webhook.article_ids is not None and (article is None or article.id not in webhook.article_ids):
        return False
    if webhook.tags is not None and not set(webhook.tags) & set(tags):
        return False
    if type == "article.changed":
        if webhook.labels is not None and not set(webhook.labels) & set(labels or ()):
            return False
        if webhook.min_words is not None and words < webhook.min_words:
            return False
    return True


def ping(session: Session, webhook: Webhook, *, now: datetime) -> Delivery:
    """Queue a ping to this one endpoint, due at once."""
    payload = {
        "type": "ping",
        "timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": {"webhook_id": webhook.id, "message": "A test from the article revision tracker."},
    }
    event = outbox.add_event(session, "ping", None, payload, "A test from the article revision tracker.", now)
    delivery = outbox.add_delivery(session, event, webhook, now, status="pending")
    session.flush()
    return delivery


def change_event(
    article: Article,
    previous: Version,
    version: Version,
    diff: TextDiff,
    labels: list[str],
    *,
    base_url: str,
    now: datetime,
) -> tuple[dict[str, Any], str]:
    """Return the payload of an article.changed event, and its one-line text for channels."""
    summary = summary_line(diff.summary, labels)
    change = diff_payload(
        VersionDiff(article=article, old=previous, new=version, diff=diff, labels=labels), base=base_url
    )
    payload = {
        "type": "article.changed",
        "timestamp": iso(now),
        "data": {
            "article": article_payload(article, base=base_url),
            "from": previous.number,
            "to": version.number,
            "summary": summary,
            "diff": change,
        },
    }
    return payload, f"{article.title or article.url} changed — {summary}. {change['links']['html']}"


def sample(session: Session, webhook: Webhook, *, base_url: str, now: datetime) -> Delivery:
    """Queue a sample article.changed to this one endpoint, due at once: the edit of a made-up
    article (id 0), diffed, labelled and shaped as a real change is, and marked `"sample": true`."""
    article = Article(
        id=0,
        url="https://example.com/news/sample-harbour-budget",
        title=SAMPLE_TITLE,
        status="active",
        created_at=now - timedelta(days=2),
        last_checked_at=now,
        next_check_at=now + timedelta(hours=1),
        last_changed_at=now,
        version_count=2,
        backfill=True,
    )
    before, after = (
        Version(
            article_id=0, number=number, title=SAMPLE_TITLE, byline="By Sam Example", paragraphs=list(text)
        )
        for number, text in ((1, SAMPLE_BEFORE), (2, SAMPLE_AFTER))
    )
    diff = diff_articles(version_text(before), version_text(after))
    labels = change_labels(diff, VersionFacts(old_exists=True))
    payload, summary = change_event(article, before, after, diff, labels, base_url=base_url, now=now)
    event = outbox.add_event(session, "article.changed", None, {**payload, "sample": True}, summary, now)
    delivery = outbox.add_delivery(session, event, webhook, now, status="pending")
    session.flush()
    return delivery


def redeliver(session: Session, webhook: Webhook, delivery_id: int, *, now: datetime) -> Delivery:
    """Send a delivery again now (same webhook-id), whatever became of it."""
    delivery = session.get(Delivery, delivery_id)
    if delivery is None or delivery.webhook_id != webhook.id:
        raise NotFound(f"endpoint {webhook.id} has no delivery {delivery_id}", code="delivery_not_found")
    delivery.status, delivery.next_attempt_at, delivery.lease_until, delivery.claimed_by = (
        "pending",
        now,
        None,
        None,
    )
    session.flush()
    return delivery


def list_deliveries(
    session: Session, webhook_id: int, *, before: int | None = None, limit: int = 50
) -> list[tuple[Delivery, Event]]:
    """Return the endpoint's deliveries with their events, newest first."""
    statement = (
        select(Delivery, Event)
        .join(Event, Event.id == Delivery.event_id)
        .where(Delivery.webhook_id == webhook_id)
    )
    if before is not None:
        statement = statement.where(Delivery.id < before)
    return [(row[0], row[1]) for row in session.execute(statement.order_by(Delivery.id.desc()).limit(limit))]


def get_delivery(session: Session, webhook_id: int, delivery_id: int) -> tuple[Delivery, Event]:
    """Return one of the endpoint's deliveries with its event; NotFound for any other."""
    rows = list_deliveries(session, webhook_id, before=delivery_id + 1, limit=1)
    if not rows or rows[0][0].id != delivery_id:
        raise NotFound(f"endpoint {webhook_id} has no delivery {delivery_id}", code="delivery_not_found")
    return rows[0]
