"""Bulk actions on the articles a user follows, chosen by id or by the list's filters: check now,
pause, resume, add or remove tags, unfollow. Set-based: a few statements per 500 articles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import Session

from tracker.adapters.models import MAX_ID, Article, Subscription
from tracker.domain.errors import InvalidInput
from tracker.services.articles import ArticleFilter, article_ids, checked_statuses, chunks, follower_counts
from tracker.services.queue import CHECKED_STATUSES
from tracker.services.watchlists import MAX_TAGS, checked_tags

ACTIONS = ("check_now", "pause", "resume", "add_tags", "remove_tags", "unfollow")
TAG_ACTIONS = ("add_tags", "remove_tags")
MAX_IDS = 1000
FILTER_KEYS = ("q", "tag", "site", "status", "changed_since")
# Check-now queues an article for the scheduler, never fetches in the request; one checked this
# recently is not queued again, so repeating the request cannot make a worker hammer a site.
RECHECK_AFTER = timedelta(minutes=1)
SHARED = "other users follow this article too; only an admin may pause or resume it"


@dataclass(frozen=True, slots=True)
class BulkRequest:
    """An action on the caller's articles: those of `ids` they follow, or all their list shows with `where`."""

    action: str
    ids: tuple[int, ...] | None = None
    where: ArticleFilter | None = None
    tags: tuple[str, ...] = ()  # for add_tags and remove_tags


@dataclass(frozen=True, slots=True)
class Skipped:
    """An article the action would have changed but the caller may not change."""

    article_id: int
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class BulkResult:
    action: str
    matched: int  # the caller's articles selected
    changed: int  # those the action changed; the others were already so, or skipped
    skipped: tuple[Skipped, ...] = ()


@dataclass(frozen=True, slots=True)
class Caller:
    user_id: int
    is_admin: bool


def bulk_request(data: dict[str, Any]) -> BulkRequest:
    """Return the request a JSON body {"ids": [...]} | {"filter": {...}}, "action", "tags"? asks for;
    raise InvalidInput when it is malformed."""
    unknown = set(data) - {"ids", "filter", "action", "tags"}
    if unknown:
        raise InvalidInput(f"cannot read {', '.join(sorted(unknown))}", code="bad_field")
    action = data.get("action")
    if action not in ACTIONS:
        raise InvalidInput(f"action is one of {', '.join(ACTIONS)}", code="bad_action")
    if ("ids" in data) == ("filter" in data):
        raise InvalidInput('send either "ids": [...] or "filter": {...}', code="bad_selection")
    tags = checked_action_tags(action, data.get("tags"))
    if "ids" in data:
        return BulkRequest(action, ids=checked_ids(data["ids"]), tags=tags)
    return BulkRequest(action, where=checked_filter(data["filter"]), tags=tags)


def checked_action_tags(action: str, value: object) -> tuple[str, ...]:
    if action not in TAG_ACTIONS:
        return ()
    tags = tuple(checked_tags(value))
    if not tags:
        raise InvalidInput(f'{action} needs the tags: "tags": [...]', code="bad_tags")
    return tags


def checked_ids(value: object) -> tuple[int, ...]:
    """Return the article ids of a list of at most MAX_IDS whole numbers; raise InvalidInput otherwise."""
    if (
        not isinstance(value, list)
        or len(value) > MAX_IDS
        or not all(type(item) is int and 1 <= item <= MAX_ID for item in value)
    ):
        raise InvalidInput(f"ids is a list of at most {MAX_IDS} article ids", code="bad_ids")
    return tuple(dict.fromkeys(value))


def checked_filter(value: object) -> ArticleFilter:
    """Return the list filter of {"status", "tag", "site", "q", "changed_since"} (all optional)."""
    if not isinstance(value, dict) or set(value) - set(FILTER_KEYS):
        raise InvalidInput(f"filter is an object of {', '.join(FILTER_KEYS)}", code="bad_filter")
    texts = {key: value.get(key) for key in ("q", "tag", "site", "changed_since")}
    if not all(text is None or isinstance(text, str) for text in texts.values()):
        raise InvalidInput("q, tag, site and changed_since are text", code="bad_filter")
    status = value.get("status")
    listed = status if isinstance(status, list) else [] if status is None else [status]
    if not all(isinstance(item, str) for item in listed):
        raise InvalidInput("status is a list of statuses, or one", code="bad_status")
    return ArticleFilter(
        query=texts["q"] or None,
        tag=texts["tag"] or None,
        site=texts["site"] or None,
        status=checked_statuses(listed),
        changed_since=checked_time(texts["changed_since"]),
    )


def checked_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidInput(
            "changed_since is an ISO 8601 date or time such as 2026-03-05T12:00:00Z", code="bad_filter"
        ) from None


def apply_bulk(session: Session, request: BulkRequest, *, caller: Caller, now: datetime) -> BulkResult:
    """Apply the action to the caller's selected articles (only ones they follow); return the counts."""
    ids = selected_ids(session, caller.user_id, request)
    changed, skipped = HANDLERS[request.action](session, ids, request, caller, now)
    session.flush()
    return BulkResult(request.action, matched=len(ids), changed=changed, skipped=tuple(skipped))


def selected_ids(session: Session, user_id: int, request: BulkRequest) -> list[int]:
    """Return the ids of the articles the request selects that the user follows, in order."""
    if request.ids is None:
        return sorted(session.scalars(article_ids(user_id, request.where or ArticleFilter())))
    found: list[int] = []
    for chunk in chunks(sorted(request.ids)):
        found += session.scalars(
            select(Subscription.article_id).where(
                Subscription.user_id == user_id, Subscription.article_id.in_(chunk)
            )
        )
    return sorted(found)


Outcome = tuple[int, list[Skipped]]


def check_now(
    session: Session, ids: list[int], _request: BulkRequest, _caller: Caller, now: datetime
) -> Outcome:
    """Make the checked articles due now for the scheduler, which keeps each site's pace."""
    changed = 0
    for chunk in chunks(ids):
        changed += affected(
            session.execute(
                update(Article)
                .where(
                    Article.id.in_(chunk),
                    Article.status.in_(CHECKED_STATUSES),
                    Article.next_check_at > now,
                    or_(Article.last_checked_at.is_(None), Article.last_checked_at <= now - RECHECK_AFTER),
                )
                .values(next_check_at=now)
                .execution_options(synchronize_session=False)
            )
        )
    return changed, []


def pause(session: Session, ids: list[int], _request: BulkRequest, caller: Caller, now: datetime) -> Outcome:
    return change_status(session, ids, caller, was=CHECKED_STATUSES, values={"status": "paused"})


def resume(session: Session, ids: list[int], _request: BulkRequest, caller: Caller, now: datetime) -> Outcome:
    """Make paused articles active and due at once (as one resumed alone is)."""
    return change_status(
        session, ids, caller, was=("paused",), values={"status": "active", "next_check_at": now}
    )


def change_status(
    session: Session, ids: list[int], caller: Caller, *, was: tuple[str, ...], values: dict[str, object]
) -> Outcome:
    """Set values on the articles in a `was` status; an article other users follow too changes only
    for an admin (it changes what every follower gets), and is reported as skipped otherwise."""
    shared = (
        set()
        if caller.is_admin
        else {key for key, count in follower_counts(session, ids).items() if count > 1}
    )
    changed, skipped = 0, []
    for chunk in chunks(ids):
        in_state = session.scalars(select(Article.id).where(Article.id.in_(chunk), Article.status.in_(was)))
        mine = []
        for article_id in in_state:
            if article_id in shared:
                skipped.append(Skipped(article_id, "shared_article", SHARED))
            else:
                mine.append(article_id)
        if mine:
            changed += affected(
                session.execute(
                    update(Article)
                    .where(Article.id.in_(mine))
                    .values(**values)
                    .execution_options(synchronize_session=False)
                )
            )
    return changed, sorted(skipped, key=lambda item: item.article_id)


def add_tags(
    session: Session, ids: list[int], request: BulkRequest, caller: Caller, _now: datetime
) -> Outcome:
    return retag(session, ids, caller.user_id, lambda tags: list(dict.fromkeys([*tags, *request.tags])))


def remove_tags(
    session: Session, ids: list[int], request: BulkRequest, caller: Caller, _now: datetime
) -> Outcome:
    return retag(session, ids, caller.user_id, lambda tags: [tag for tag in tags if tag not in request.tags])


def retag(
    session: Session, ids: list[int], user_id: int, new_tags: Callable[[list[str]], list[str]]
) -> Outcome:
    """Give each of the user's follows of these articles new_tags(its tags); a follow that would
    carry more than MAX_TAGS is skipped."""
    changed, skipped = 0, []
    for chunk in chunks(ids):
        rows = session.scalars(
            select(Subscription).where(Subscription.user_id == user_id, Subscription.article_id.in_(chunk))
        )
        for row in rows:
            tags = new_tags(list(row.tags or ()))
            if len(tags) > MAX_TAGS:
                skipped.append(
                    Skipped(row.article_id, "bad_tags", f"an article takes at most {MAX_TAGS} tags")
                )
            elif tags != list(row.tags or ()):
                row.tags = tags
                changed += 1
    return changed, sorted(skipped, key=lambda item: item.article_id)


def unfollow(
    session: Session, ids: list[int], _request: BulkRequest, caller: Caller, _now: datetime
) -> Outcome:
    """Unfollow the articles; those nobody follows any more stop being checked (paused), as one
    unfollowed alone does."""
    changed = 0
    for chunk in chunks(ids):
        changed += affected(
            session.execute(
                delete(Subscription)
                .where(Subscription.user_id == caller.user_id, Subscription.article_id.in_(chunk))
                .execution_options(synchronize_session=False)
            )
        )
        session.execute(
            update(Article)
            .where(
                Article.id.in_(chunk),
                Article.status.in_(CHECKED_STATUSES),
                ~exists().where(Subscription.article_id == Article.id),
            )
            .values(status="paused")
            .execution_options(synchronize_session=False)
        )
    return changed, []


def affected(result: Any) -> int:
    """Return the rows an UPDATE or DELETE changed."""
    return int(result.rowcount or 0)


HANDLERS: dict[str, Callable[[Session, list[int], BulkRequest, Caller, datetime], Outcome]] = {
    "check_now": check_now,
    "pause": pause,
    "resume": resume,
    "add_tags": add_tags,
    "remove_tags": remove_tags,
    "unfollow": unfollow,
}
