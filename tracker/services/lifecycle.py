"""Removed, restored and moved articles: the rules a check applies, and their records.

Each rule is one function that both ways of recording checks call (tracker.services.checks: the
full path and the bulk one), in the check's own transaction. A rule that fires for an article
with a version writes a LifecycleEvent (its history and /changes show it, with the evidence) and
queues the webhook event (the outbox); an article never seen is moved or brought back silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.adapters.models import Article, ArticleAlias, LifecycleEvent
from tracker.domain import urls
from tracker.domain.errors import InvalidInput
from tracker.domain.pagekind import is_moved_article
from tracker.domain.reading import Observation
from tracker.domain.timestamps import iso
from tracker.domain.vocabulary import REMOVAL_REASONS, EventType, LifecycleKind, RemovalReason
from tracker.services import alerts
from tracker.services.articles import tracked_as
from tracker.services.payloads import article_payload, evidence_payload

HEADLINES: dict[LifecycleKind, str] = {
    "removed": "was removed",
    "restored": "is back",
    "moved": "moved to a new address",
}
EVENTS: dict[LifecycleKind, EventType] = {
    "removed": "article.removed",
    "restored": "article.restored",
    "moved": "article.moved",
}


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one check saw that makes an article removed, restored or moved."""

    at: datetime
    url: str  # the address checked
    http_status: int | None
    final_url: str | None  # where redirects led (moved: the new address)
    reason: RemovalReason | None  # removed only


def evidence_of(url: str, observation: Observation) -> Evidence:
    """Return the evidence in one check's observation of the article at url."""
    error, page = observation.error, observation.page
    if error is not None:
        return Evidence(
            observation.started_at, url, error.http_status, error.final_url, REMOVAL_REASONS.get(error.code)
        )
    return Evidence(
        observation.started_at,
        url,
        page.status if page else None,
        page.final_url if page else None,
        None,
    )


# --- the rules ------------------------------------------------------------------------------------


def is_back(status: str, observation: Observation) -> bool:
    """Return True when a gone article answered with its page (a 200, or a 304 for the stored one)."""
    return status == "gone" and observation.error is None and observation.page is not None


def restore_if_back(session: Session, article: Article, observation: Observation, *, base_url: str) -> bool:
    """Make a gone article that answers again active, recording article.restored; True if it did.

    Called before a new version is stored, so article.restored goes out before article.changed.
    """
    if not is_back(article.status, observation):
        return False
    article.status, article.gone_since = "active", None
    if article.version_count:
        text_changed = observation.content_hash is not None and observation.article is not None
        record(
            session,
            article,
            "restored",
            evidence_of(article.url, observation),
            base_url=base_url,
            data={"text_changed": text_changed},
        )
    return True


def announce_removal(
    session: Session, article: Article, was: str, observation: Observation, *, base_url: str, url: str
) -> None:
    """Record article.removed when this check made an article with a version gone."""
    if article.status == "gone" and was != "gone" and article.version_count:
        record(session, article, "removed", evidence_of(url, observation), base_url=base_url)


def follow_move(session: Session, article: Article, observation: Observation, *, base_url: str) -> bool:
    """Track the article at its new address when its page permanently redirected (301/308) to
    another article of the same site; the old address stays an alias. True when it moved.

    A new address that another tracked article already has is left alone: two histories are not
    merged behind their followers' backs.
    """
    new_url = moved_to(article.url, observation)
    if new_url is None:
        return False
    owner = tracked_as(session, new_url)
    if owner is not None and owner.id != article.id:
        return False
    old_url = article.url
    if session.scalar(select(ArticleAlias.id).where(ArticleAlias.url == old_url)) is None:
        session.add(ArticleAlias(url=old_url, article_id=article.id, created_at=observation.started_at))
    article.url, article.host = new_url, urls.host_of(new_url)
    session.flush()
    if article.version_count:
        page = observation.page
        evidence = Evidence(
            observation.started_at, old_url, page.moved_status if page else None, new_url, None
        )
        record(
            session,
            article,
            "moved",
            evidence,
            base_url=base_url,
            data={"old_url": old_url, "new_url": new_url},
        )
    return True


def moved_to(url: str, observation: Observation) -> str | None:
    """Return the normalised new address a successful check was permanently redirected to, when it
    is another article of the same site; else None."""
    page = observation.page
    if observation.error is not None or page is None or page.moved_to is None:
        return None
    try:
        new_url = urls.normalize_url(page.moved_to)
    except InvalidInput:
        return None
    return new_url if new_url != url and is_moved_article(url, new_url) else None


# --- records and alerts ---------------------------------------------------------------------------


def record(
    session: Session,
    article: Article,
    kind: LifecycleKind,
    evidence: Evidence,
    *,
    base_url: str,
    data: dict[str, Any] | None = None,
) -> LifecycleEvent:
    """Store the lifecycle event and queue article.<kind> for every endpoint that wants it."""
    row = LifecycleEvent(
        article_id=article.id,
        kind=kind,
        occurred_at=evidence.at,
        http_status=evidence.http_status,
        url=evidence.url,
        final_url=evidence.final_url,
        reason=evidence.reason,
        version_number=article.version_count,
    )
    session.add(row)
    payload = {
        "type": EVENTS[kind],
        "timestamp": iso(evidence.at),
        "data": {
            "article": article_payload(article, base=base_url),
            "evidence": evidence_payload(evidence),
            "version": article.version_count,
            **(data or {}),
        },
    }
    alerts.enqueue(
        session,
        type=EVENTS[kind],
        article=article,
        payload=payload,
        now=evidence.at,
        summary=f"{article.title or article.url} {HEADLINES[kind]}: {explanation(kind, evidence)}. "
        f"{base_url}/articles/{article.id}",
    )
    return row


def explanation(kind: LifecycleKind, evidence: Evidence) -> str:
    """Return the evidence in words, for channels, the history and feeds."""
    if kind == "moved":
        return f"{evidence.url} now redirects ({evidence.http_status}) to {evidence.final_url}"
    if kind == "restored":
        return f"{evidence.url} answers {evidence.http_status or 'again'} with the article"
    if evidence.reason == "redirected_away":
        return f"{evidence.url} redirects to {evidence.final_url}, not to the article"
    where = f" at {evidence.final_url}" if evidence.final_url and evidence.final_url != evidence.url else ""
    return f"{evidence.url} answers {evidence.http_status}{where}"


def evidence_from(row: LifecycleEvent) -> Evidence:
    return Evidence(
        row.occurred_at, row.url, row.http_status, row.final_url, REMOVAL_REASONS.get(row.reason or "")
    )
