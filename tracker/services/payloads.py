"""The JSON shapes of the HTTP API (docs/api.md): articles, checks, versions and diffs.

Shared by the HTTP API and, with absolute links (`base`), by webhooks and feeds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tracker.adapters.models import (
    ApiToken,
    Article,
    Check,
    Delivery,
    Event,
    FeedEntry,
    FeedFollow,
    FeedSource,
    Invite,
    Version,
    Webhook,
)
from tracker.domain.diff import Block, FieldChange, Fold, TextDiff, fold_unchanged
from tracker.domain.digests import WEEKDAYS
from tracker.domain.feeds import FeedLink
from tracker.domain.rules import ExtractionRules
from tracker.domain.trouble import error_words
from tracker.services.articles import ListedArticle
from tracker.services.history import ChangeEntry, VersionDiff
from tracker.services.search import SearchHit

if TYPE_CHECKING:  # services.feeds builds its alerts with this module
    from tracker.services.feeds import PollResult


def iso(moment: datetime | None) -> str | None:
    """Return an ISO 8601 UTC time with a Z, or None."""
    if moment is None:
        return None
    if moment.tzinfo is not UTC:  # what the database gives is UTC already: lists format hundreds
        moment = moment.astimezone(UTC)
    # isoformat takes half strftime's time, and writes years before 1000 with four digits as it should;
    # in UTC it ends in "+00:00".
    return moment.isoformat(timespec="seconds")[:-6] + "Z"


def article_payload(article: Article | ListedArticle, *, base: str = "") -> dict[str, Any]:
    return {
        "id": article.id,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "title": article.title,
        "status": article.status,
        "interval_seconds": article.interval_seconds,
        "created_at": iso(article.created_at),
        "last_checked_at": iso(article.last_checked_at),
        "next_check_at": iso(article.next_check_at),
        "last_changed_at": iso(article.last_changed_at),
        "version_count": article.version_count,
        "links": {"html": f"{base}/articles/{article.id}"},
    }


def followed_article_payload(
    article: Article | ListedArticle, *, following: bool, tags: Iterable[str], note: str | None
) -> dict[str, Any]:
    """Return an article as one caller sees it: with whether they follow it, their tags and note."""
    payload = article_payload(article)
    payload.update(following=following, tags=list(tags), note=note, **trouble_payload(article))
    return payload


def trouble_payload(article: Article | ListedArticle) -> dict[str, Any]:
    """Return the article's run of failed checks and its last error, the sentence included."""
    code = article.last_error_code
    return {
        "failure_count": article.failure_count,
        "failing_since": iso(article.failing_since),
        "last_error": None
        if code is None
        else {
            "code": code,
            "at": iso(article.last_error_at),
            "count": article.last_error_count,
            "message": error_words(code, article.last_error_count),
        },
    }


def rules_payload(rules: ExtractionRules, *, source: str) -> dict[str, Any]:
    """Return extraction rules; source says where they come from: article, site or default."""
    return {
        "source": source,
        "include": list(rules.include),
        "exclude": list(rules.exclude),
        "ignore": list(rules.ignore),
        "whole_page": rules.whole_page,
        "render": rules.render,
        "robots": rules.robots,
        "fingerprint": rules.fingerprint,
    }


def check_payload(check: Check) -> dict[str, Any]:
    return {
        "id": check.id,
        "article_id": check.article_id,
        "checked_at": iso(check.checked_at),
        "duration_ms": check.duration_ms,
        "outcome": check.outcome,
        "http_status": check.http_status,
        "version": check.version_number,
        "error": {"code": check.error_code, "message": check.error_message} if check.error_code else None,
    }


def version_summary_payload(version: Version, *, base: str = "") -> dict[str, Any]:
    """Return a version without its text (for lists)."""
    return {
        "article_id": version.article_id,
        "number": version.number,
        "observed_at": iso(version.observed_at),
        "content_hash": version.content_hash,
        "title": version.title,
        "byline": version.byline,
        "published_at": version.published_at,
        "modified_at": version.modified_at,
        "language": version.language,
        "word_count": version.word_count,
        "matches_version": version.matches_number,
        "baseline": version.baseline,
        "lead_image": version.lead_image,
        "extractor": version.extractor,
        "labels": list(version.labels or ()),
        "links": {"html": f"{base}/articles/{version.article_id}/versions/{version.number}"},
    }


def version_payload(version: Version, *, base: str = "") -> dict[str, Any]:
    return {**version_summary_payload(version, base=base), "paragraphs": list(version.paragraphs)}


def diff_payload(result: VersionDiff, *, context: int | None = None, base: str = "") -> dict[str, Any]:
    """Return the API's diff object; with `context`, equal runs longer than 2*context are collapsed."""
    article_id = result.article.id
    from_n = result.old.number if result.old else 0
    diff = result.diff
    return {
        "article_id": article_id,
        "from": from_n,
        "to": result.new.number,
        "title": field_payload(diff.title),
        "byline": field_payload(diff.byline),
        "published_at": field_payload(diff.published_at),
        "modified_at": field_payload(diff.modified_at),
        "summary": summary_payload(diff),
        "blocks": blocks_payload(diff.blocks, context),
        "labels": result.labels,
        "reverted_to": result.new.matches_number,
        "links": {"html": f"{base}/articles/{article_id}/diff?from={from_n}&to={result.new.number}"},
    }


def change_payload(entry: ChangeEntry, *, base: str = "") -> dict[str, Any]:
    """Return one entry of the recent-changes list."""
    return {
        "article_id": entry.article_id,
        "article_title": entry.article_title,
        "url": entry.url,
        "site": entry.host,
        "version": entry.number,
        "observed_at": iso(entry.observed_at),
        "labels": list(entry.labels),
        "summary": entry.change,
        "links": {
            "html": f"{base}/articles/{entry.article_id}/diff?from={entry.number - 1}&to={entry.number}"
        },
    }


def search_hit_payload(hit: SearchHit, *, base: str = "") -> dict[str, Any]:
    """Return one search result: the version, where the words matched, the text around them; it
    links to the version (its text matched) or to its diff (its change did)."""
    if hit.field == "text":
        link = f"{base}/articles/{hit.article_id}/versions/{hit.version}"
    else:
        link = f"{base}/articles/{hit.article_id}/diff?from={hit.version - 1}&to={hit.version}"
    return {
        "article_id": hit.article_id,
        "article_title": hit.article_title,
        "version": hit.version,
        "in": hit.field,
        "snippet": "".join(part.text for part in hit.snippet),
        "observed_at": iso(hit.observed_at),
        "links": {"html": link},
    }


def field_payload(change: FieldChange | None) -> dict[str, Any] | None:
    if change is None:
        return None
    words = [list(run) for run in change.words] if change.words is not None else None
    return {"old": change.old, "new": change.new, "words": words}


def summary_payload(diff: TextDiff) -> dict[str, int]:
    summary = diff.summary
    return {
        "paragraphs_added": summary.paragraphs_added,
        "paragraphs_removed": summary.paragraphs_removed,
        "paragraphs_changed": summary.paragraphs_changed,
        "paragraphs_moved": summary.paragraphs_moved,
        "words_added": summary.words_added,
        "words_removed": summary.words_removed,
    }


def block_payload(block: Block) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "op": block.op,
        "old": block.old,
        "new": block.new,
        "words": [list(run) for run in block.words] if block.words is not None else None,
    }
    if block.op == "move":
        payload.update(from_index=block.from_index, to_index=block.to_index)
    return payload


def blocks_payload(blocks: tuple[Block, ...], context: int | None) -> list[dict[str, Any]]:
    """Return the blocks; with context=K, runs of unchanged paragraphs beyond K of a change are counted."""
    if context is None:
        return [block_payload(block) for block in blocks]
    return [
        {"op": "equal", "count": len(item.blocks)} if isinstance(item, Fold) else block_payload(item)
        for item in fold_unchanged(blocks, context)
    ]


def endpoint_payload(webhook: Webhook, *, collection: str) -> dict[str, Any]:
    """Return a webhook or channel as the API shows it (never its secret)."""
    return {
        "id": webhook.id,
        "url": webhook.url,
        "events": webhook.events,
        "article_ids": webhook.article_ids,
        "tags": webhook.tags,
        "labels": webhook.labels,
        "min_words": webhook.min_words,
        "enabled": webhook.enabled,
        "disabled_reason": webhook.disabled_reason,
        "created_at": iso(webhook.created_at),
        "delivery": webhook.delivery,
        "digest_hour": webhook.digest_hour,
        "digest_weekday": None if webhook.digest_weekday is None else WEEKDAYS[webhook.digest_weekday],
        "timezone": webhook.timezone,
        "next_digest_at": iso(webhook.next_digest_at),
        "links": {"deliveries": f"/api/v1/{collection}/{webhook.id}/deliveries"},
    }


def delivery_payload(delivery: Delivery, event: Event) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "event": event.type,
        "webhook_id_header": event.key,
        "article_id": event.article_id,
        "created_at": iso(delivery.created_at),
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": iso(delivery.next_attempt_at) if delivery.status == "pending" else None,
        "last_attempt_at": iso(delivery.last_attempt_at),
        "last_status": delivery.last_status,
        "last_error_code": delivery.last_error_code,
        "last_error": delivery.last_error,
        "last_latency_ms": delivery.last_latency_ms,
        "last_response": delivery.last_response,
    }


def token_payload(token: ApiToken) -> dict[str, Any]:
    """Return a token's description; the token itself is only in the answer that creates it."""
    return {
        "id": token.id,
        "name": token.name,
        "created_at": iso(token.created_at),
        "last_used_at": iso(token.last_used_at),
    }


def invite_payload(invite: Invite) -> dict[str, Any]:
    return {
        "id": invite.id,
        "created_at": iso(invite.created_at),
        "used": invite.used_by is not None,
        "used_at": iso(invite.used_at),
    }


def feed_payload(follow: FeedFollow, feed: FeedSource, *, base: str = "") -> dict[str, Any]:
    """Return a user's follow of a feed source: their options and the source's last poll."""
    return {
        "id": follow.id,
        "url": feed.url,
        "title": feed.title,
        "name": follow.name,
        "include": list(follow.include or ()),
        "exclude": list(follow.exclude or ()),
        "max_age_days": follow.max_age_days,
        "stop_after_days": follow.stop_after_days,
        "created_at": iso(follow.created_at),
        "last_checked_at": iso(feed.last_checked_at),
        "next_check_at": iso(feed.next_check_at),
        "failure_count": feed.failure_count,
        "error": {"code": feed.last_error_code, "message": feed.last_error_message or ""}
        if feed.last_error_code
        else None,
        "links": {"html": f"{base}/feeds/{follow.id}", "entries": f"{base}/api/v1/feeds/{follow.id}/entries"},
    }


def feed_entry_payload(entry: FeedEntry, *, outcome: str, base: str = "") -> dict[str, Any]:
    """Return a feed entry with its outcome for the caller (the article only when it was theirs)."""
    article_id = entry.article_id if outcome == "added" else None
    return {
        "id": entry.id,
        "link": entry.link,
        "title": entry.title,
        "published_at": iso(entry.published_at),
        "first_seen_at": iso(entry.first_seen_at),
        "outcome": outcome,
        "article_id": article_id,
        "links": {"article": f"{base}/articles/{article_id}" if article_id else None},
    }


def feed_link_payload(link: FeedLink) -> dict[str, Any]:
    """Return a feed a page advertises."""
    return {"url": link.url, "title": link.title, "type": link.kind}


def feed_poll_payload(result: PollResult) -> dict[str, Any]:
    """Return what polling a feed now did."""
    error = result.error
    return {
        "checked_at": iso(result.checked_at),
        "outcome": result.outcome,
        "http_status": result.http_status,
        "entries": result.entries,
        "new_entries": result.new_entries,
        "articles_added": result.added,
        "error": {"code": error.code, "message": error.message} if error else None,
    }
