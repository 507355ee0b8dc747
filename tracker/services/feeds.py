"""Feed sources: users follow RSS and Atom feeds, and every new entry a poll finds becomes a tracked
article followed by each follower whose options take it, tagged with the follow's name.

A feed is one row however many users follow it, polled on its own schedule and leased to one
worker at a time like articles (SKIP LOCKED on PostgreSQL, one short write on SQLite). What a
poll brings is recorded in one transaction with the articles it adds and their `article.added`
events (the outbox), so an entry is taken exactly once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.orm import Session, sessionmaker

from tracker.adapters.fetch import Fetch
from tracker.adapters.models import Article, FeedEntry, FeedFollow, FeedSource, Subscription
from tracker.domain import intervals, urls
from tracker.domain.errors import CheckError, InvalidInput, NotFound
from tracker.domain.feeds import MAX_ENTRIES, EntryOptions, Feed, FeedItem, checked_days, checked_patterns
from tracker.domain.pages import Validators
from tracker.domain.timestamps import iso
from tracker.domain.vocabulary import FeedPollOutcome
from tracker.services import alerts, articles, queue, watchlists
from tracker.services.backfillqueue import NO_BACKFILL, Backfilling
from tracker.services.payloads import article_payload

OPTIONS = ("name", "include", "exclude", "max_age_days", "stop_after_days")
BACKOFF = intervals.IntervalPolicy()  # failures double the wait, up to a day


@dataclass(frozen=True, slots=True)
class FeedPolicy:
    """Settings feed polls need."""

    interval: int = 900  # seconds between polls of one feed
    allow_private: bool = False  # for entries' links, as for articles users add
    base_url: str = ""  # for the absolute links in alerts
    backfilling: Backfilling = NO_BACKFILL  # for the articles entries add


@dataclass(frozen=True)
class FeedReading:
    """What following and polling feeds need from the process: sessions, a fetcher, the clock."""

    sessions: sessionmaker
    fetch: Fetch  # takes any content type: the body is judged by tracker.domain.feeds
    clock: Callable[[], datetime]
    policy: FeedPolicy = field(default_factory=FeedPolicy)


@dataclass(frozen=True, slots=True)
class FeedTarget:
    """A feed leased for a poll, with what the last poll saw for a conditional GET."""

    feed_id: int
    url: str
    validators: Validators


@dataclass(frozen=True, slots=True)
class FeedPoll:
    """What fetching a feed once showed: its entries, nothing new (a 304), or an error."""

    started_at: datetime
    feed: Feed | None = None  # None: not modified, or failed
    error: CheckError | None = None
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class PollResult:
    """What recording a poll did."""

    checked_at: datetime
    outcome: FeedPollOutcome
    http_status: int | None
    entries: int  # in the document
    new_entries: int  # not seen before
    added: int  # articles a follower newly follows
    error: CheckError | None = None


# --- follows ---------------------------------------------------------------------------------------


def feed_at(session: Session, url: str) -> FeedSource | None:
    """Return the feed source of this normalised URL, if anyone follows it already."""
    return session.scalar(select(FeedSource).where(FeedSource.url == url))


def checked_options(fields: dict[str, Any]) -> dict[str, Any]:
    """Return the follow options in fields, checked (absent keys stay absent); raise InvalidInput."""
    unknown = set(fields) - set(OPTIONS)
    if unknown:
        raise InvalidInput(
            f"cannot set {', '.join(sorted(unknown))}; a feed has {', '.join(OPTIONS)}", code="bad_field"
        )
    checked: dict[str, Any] = {}
    if fields.get("name") is not None:
        checked["name"] = checked_name(fields["name"])
    for name in ("include", "exclude"):
        if name in fields:
            checked[name] = list(checked_patterns(name, fields[name]))
    for name in ("max_age_days", "stop_after_days"):
        if name in fields:
            checked[name] = checked_days(name, fields[name])
    return checked


def checked_name(value: object) -> str:
    """Return the follow's name, which is the tag its articles get; raise InvalidInput(bad_name)."""
    try:
        tags = watchlists.checked_tags([value]) if isinstance(value, str) else []
    except InvalidInput as error:
        raise InvalidInput(
            f"name is the tag the feed's articles get: {error.message}", code="bad_name"
        ) from None
    if not tags:
        raise InvalidInput("name is the tag the feed's articles get, such as 'example news'", code="bad_name")
    return tags[0]


def default_name(title: str | None, url: str) -> str:
    """Return a tag made of the feed's title (or its site when that gives none)."""
    kept = "".join(char for char in (title or "").lower() if char.isalnum() or char in " .:/+-")
    name = " ".join(kept.split())[:40].strip(" .:/+-")
    return name or urls.site_of(url)[:40]


def follow_feed(
    session: Session,
    user_id: int,
    feed: FeedSource,
    options: dict[str, Any],
    *,
    policy: FeedPolicy,
    now: datetime,
) -> tuple[FeedFollow, bool]:
    """Follow the feed with these (checked) options, or change them when the user already follows it;
    return (follow, created). A new follower of a feed polled before gets its recent entries."""
    follow = session.scalar(
        select(FeedFollow).where(FeedFollow.user_id == user_id, FeedFollow.feed_id == feed.id)
    )
    if follow is not None:
        apply_options(follow, options)
        session.flush()
        return follow, False
    follow = FeedFollow(
        user_id=user_id,
        feed_id=feed.id,
        name=options.get("name") or default_name(feed.title, feed.url),
        include=[],
        exclude=[],
        created_at=now,
    )
    apply_options(follow, options)
    session.add(follow)
    session.flush()
    take_recent_entries(session, feed, follow, policy=policy, now=now)
    return follow, True


def new_feed(session: Session, url: str, *, title: str | None, now: datetime) -> FeedSource:
    """Store a feed source (its first poll is recorded by the caller)."""
    feed = FeedSource(url=url, title=title, created_at=now, next_check_at=now, failure_count=0)
    session.add(feed)
    session.flush()
    return feed


def apply_options(follow: FeedFollow, options: dict[str, Any]) -> None:
    for name, value in options.items():
        setattr(follow, name, value)


def update_follow(session: Session, follow: FeedFollow, fields: dict[str, Any]) -> FeedFollow:
    """Change the follow's options (absent keys keep their value); new entries are judged by them."""
    if "name" in fields and fields["name"] is None:
        raise InvalidInput("name cannot be empty: it is the tag the feed's articles get", code="bad_name")
    apply_options(follow, checked_options(fields))
    session.flush()
    return follow


def unfollow_feed(session: Session, follow: FeedFollow) -> None:
    """Stop following the feed; the articles it added stay followed. A feed nobody follows is forgotten."""
    feed_id = follow.feed_id
    session.delete(follow)
    session.flush()
    if not session.scalar(select(exists().where(FeedFollow.feed_id == feed_id))):
        session.execute(delete(FeedSource).where(FeedSource.id == feed_id))


def list_follows(session: Session, user_id: int) -> list[tuple[FeedFollow, FeedSource]]:
    rows = session.execute(
        select(FeedFollow, FeedSource)
        .join(FeedSource, FeedSource.id == FeedFollow.feed_id)
        .where(FeedFollow.user_id == user_id)
        .order_by(FeedFollow.id)
    )
    return [(follow, feed) for follow, feed in rows]


def get_follow(session: Session, user_id: int, follow_id: int) -> tuple[FeedFollow, FeedSource]:
    """Return the caller's follow and its feed; NotFound for anyone else's (never told apart)."""
    follow = session.get(FeedFollow, follow_id)
    if follow is None or follow.user_id != user_id:
        raise NotFound(f"you follow no feed {follow_id}", code="feed_not_found")
    return follow, session.get_one(FeedSource, follow.feed_id)


def options_of(follow: FeedFollow) -> EntryOptions:
    return EntryOptions(
        include=tuple(follow.include or ()),
        exclude=tuple(follow.exclude or ()),
        max_age_days=follow.max_age_days,
    )


def list_entries(
    session: Session, follow: FeedFollow, *, before: int | None = None, limit: int = 50
) -> list[tuple[FeedEntry, str]]:
    """Return the feed's entries, newest first, each with its outcome for this follower."""
    statement = select(FeedEntry).where(FeedEntry.feed_id == follow.feed_id)
    if before is not None:
        statement = statement.where(FeedEntry.id < before)
    rows = session.scalars(statement.order_by(FeedEntry.id.desc()).limit(limit))
    options = options_of(follow)
    return [(entry, outcome_for(entry, options)) for entry in rows]


def article_titles(session: Session, entries: list[FeedEntry]) -> dict[int, str]:
    """Return {article id: headline} of the articles the entries brought that a check has read."""
    ids = list({entry.article_id for entry in entries if entry.article_id is not None})
    if not ids:
        return {}
    rows = session.execute(
        select(Article.id, Article.title).where(Article.id.in_(ids), Article.title.is_not(None))
    )
    return {row.id: row.title for row in rows}


def outcome_for(entry: FeedEntry, options: EntryOptions) -> str:
    """Return what an entry meant for one follower: a rejected link is rejected for all; otherwise
    their options decide, so one follower never learns another's."""
    if entry.outcome.startswith("rejected:"):
        return entry.outcome
    verdict = options.verdict(entry.link, entry.title, entry.published_at, now=entry.first_seen_at)
    if verdict == "added" and entry.article_id is None:
        return entry.outcome  # nobody took it at the time (the options changed since)
    return verdict


# --- polling ---------------------------------------------------------------------------------------


def claim_due_feeds(
    session: Session, *, worker: str, now: datetime, limit: int, lease_seconds: int
) -> list[FeedTarget]:
    """Lease up to `limit` due feeds that someone follows to worker, oldest due first.

    One statement, as for articles: on PostgreSQL the inner SELECT skips rows other workers are
    claiming (FOR UPDATE SKIP LOCKED); on SQLite the UPDATE holds the single write lock.
    """
    due = (
        select(FeedSource.id)
        .where(
            FeedSource.next_check_at <= now,
            or_(FeedSource.lease_until.is_(None), FeedSource.lease_until < now),
            exists().where(FeedFollow.feed_id == FeedSource.id),
        )
        .order_by(FeedSource.next_check_at)
        .limit(limit)
        .with_for_update(of=FeedSource, skip_locked=True)
    )
    return lease_feeds(session, FeedSource.id.in_(due.scalar_subquery()), worker, now, lease_seconds)


def claim_feed(
    session: Session, feed_id: int, *, worker: str, now: datetime, lease_seconds: int
) -> FeedTarget | None:
    """Lease one feed now, due or not; None while another worker holds it."""
    free = or_(FeedSource.lease_until.is_(None), FeedSource.lease_until < now)
    targets = lease_feeds(session, (FeedSource.id == feed_id) & free, worker, now, lease_seconds)
    return targets[0] if targets else None


def lease_feeds(
    session: Session, which: Any, worker: str, now: datetime, lease_seconds: int
) -> list[FeedTarget]:
    """Lease the feeds matching `which` to worker and return what polling them needs."""
    ids = queue.lease_rows(session, FeedSource, which, worker=worker, now=now, lease_seconds=lease_seconds)
    rows = session.execute(
        select(FeedSource.id, FeedSource.url, FeedSource.etag, FeedSource.last_modified)
        .where(FeedSource.id.in_(ids))
        .order_by(FeedSource.next_check_at)
    )
    return [FeedTarget(feed_id, url, Validators(etag, modified)) for feed_id, url, etag, modified in rows]


def record_poll(session: Session, feed: FeedSource, poll: FeedPoll, *, policy: FeedPolicy) -> PollResult:
    """Store what a poll saw, take its new entries for the followers, expire old feed-added
    subscriptions, schedule the next poll and release the lease."""
    now = poll.started_at
    feed.last_checked_at, feed.claimed_by, feed.lease_until = now, None, None
    if poll.error is not None:
        feed.failure_count += 1
        feed.last_error_code, feed.last_error_message = poll.error.code, poll.error.message
    else:
        feed.failure_count, feed.last_error_code, feed.last_error_message = 0, None, None
        if poll.feed is not None:  # a 304 keeps the validators it matched
            feed.etag, feed.last_modified = poll.etag, poll.last_modified
            feed.title = poll.feed.title or feed.title
    feed.next_check_at = next_poll_at(feed, now, policy, poll.error)
    new, added = (
        take_new_entries(session, feed, poll.feed.items, policy=policy, now=now) if poll.feed else (0, 0)
    )
    expire_subscriptions(session, feed, now=now)
    session.flush()
    return PollResult(
        checked_at=now,
        outcome="error" if poll.error else "not_modified" if poll.feed is None else "updated",
        http_status=poll.http_status,
        entries=len(poll.feed.items) if poll.feed else 0,
        new_entries=new,
        added=added,
        error=poll.error,
    )


def next_poll_at(feed: FeedSource, now: datetime, policy: FeedPolicy, error: CheckError | None) -> datetime:
    """Return when to poll again: the feed interval, backed off after failures (as articles are), never
    sooner than a Retry-After the site asked for."""
    timing = intervals.ArticleTiming(
        created_at=feed.created_at,
        last_changed_at=None,
        interval_seconds=policy.interval,
        failure_count=feed.failure_count,
        failing_since=None,
    )
    return intervals.next_check_at(timing, now, BACKOFF, retry_after=error.retry_after if error else None)


def take_new_entries(
    session: Session, feed: FeedSource, items: tuple[FeedItem, ...], *, policy: FeedPolicy, now: datetime
) -> tuple[int, int]:
    """Record the entries not seen before and take each for the followers whose options pass it;
    return (new entries, articles newly followed)."""
    follows = list(
        session.scalars(select(FeedFollow).where(FeedFollow.feed_id == feed.id).order_by(FeedFollow.id))
    )
    seen = set(
        session.scalars(
            select(FeedEntry.key_hash).where(
                FeedEntry.feed_id == feed.id, FeedEntry.key_hash.in_([item.key for item in items])
            )
        )
    )
    new = added = 0
    for item in reversed(items):  # oldest first, so entry ids grow with recency
        if item.key in seen:
            continue
        seen.add(item.key)
        new += 1
        entry = FeedEntry(
            feed_id=feed.id,
            key_hash=item.key,
            link=item.link[: urls.MAX_URL_LENGTH],
            title=item.title,
            published_at=item.published_at,
            first_seen_at=now,
        )
        verdicts = {
            follow.id: options_of(follow).verdict(item.link, item.title, item.published_at, now=now)
            for follow in follows
        }
        takers = [follow for follow in follows if verdicts[follow.id] == "added"]
        entry.outcome = "too_old" if "too_old" in verdicts.values() else "filtered"
        if len(item.link) > urls.MAX_URL_LENGTH:  # stored cut short, so never tracked
            entry.outcome = "rejected:bad_url"
        elif takers:
            added += take(session, feed, entry, takers, policy=policy, now=now)
        session.add(entry)
    return new, added


def take_recent_entries(
    session: Session, feed: FeedSource, follow: FeedFollow, *, policy: FeedPolicy, now: datetime
) -> int:
    """Take the feed's latest recorded entries for a new follower, through their options; return how
    many articles they newly follow."""
    entries = session.scalars(
        select(FeedEntry)
        .where(FeedEntry.feed_id == feed.id, ~FeedEntry.outcome.startswith("rejected:"))
        .order_by(FeedEntry.id.desc())
        .limit(MAX_ENTRIES)
    )
    options = options_of(follow)
    return sum(
        take(session, feed, entry, [follow], policy=policy, now=now)
        for entry in reversed(list(entries))
        if options.verdict(entry.link, entry.title, entry.published_at, now=now) == "added"
    )


def take(
    session: Session,
    feed: FeedSource,
    entry: FeedEntry,
    follows: list[FeedFollow],
    *,
    policy: FeedPolicy,
    now: datetime,
) -> int:
    """Track the entry's link (once, however it is spelled) for these followers; announce it when one
    of them did not follow it yet. Return 1 if so, else 0; a link that cannot be tracked marks the
    entry rejected with the reason's code."""
    article = session.get(Article, entry.article_id) if entry.article_id else None
    if article is None:
        try:
            article, _created = articles.add_article(
                session,
                entry.link,
                user_id=None,
                allow_private=policy.allow_private,
                now=now,
                backfilling=policy.backfilling,
            )
        except InvalidInput as error:
            entry.outcome = f"rejected:{error.code}"
            return 0
    entry.article_id, entry.outcome = article.id, "added"
    newly = [follow for follow in follows if adopt(session, follow, article, now=now)]
    if not newly:
        return 0
    announce_added(session, article, feed, entry, policy=policy, now=now)
    return 1


def adopt(session: Session, follow: FeedFollow, article: Article, *, now: datetime) -> bool:
    """Make the follower follow the article, tagged with the follow's name; return True if they did
    not follow it before. Only a subscription the feed made carries its feed_id, so "stop after N
    days" never removes an article the user followed themselves."""
    subscription = watchlists.subscription(session, follow.user_id, article.id)
    newly = subscription is None
    if subscription is None:
        articles.follow(session, follow.user_id, article, now=now)
        subscription = watchlists.subscription(session, follow.user_id, article.id)
        assert subscription is not None
        subscription.feed_id = follow.feed_id
    watchlists.add_tags(subscription, [follow.name])
    return newly


def announce_added(
    session: Session,
    article: Article,
    feed: FeedSource,
    entry: FeedEntry,
    *,
    policy: FeedPolicy,
    now: datetime,
) -> None:
    """Queue article.added for the followers' endpoints, in this same transaction (the outbox)."""
    base = policy.base_url
    payload = {
        "type": "article.added",
        "timestamp": iso(now),
        "data": {
            "article": article_payload(article, base=base),
            "source": {
                "type": "feed",
                "url": feed.url,
                "title": feed.title,
                "entry": {"link": entry.link, "title": entry.title, "published_at": iso(entry.published_at)},
            },
        },
    }
    alerts.enqueue(
        session,
        type="article.added",
        article=article,
        payload=payload,
        now=now,
        summary=f"{feed.title or feed.url} added {entry.title or entry.link}. {base}/articles/{article.id}",
    )


def expire_subscriptions(session: Session, feed: FeedSource, *, now: datetime) -> int:
    """Unfollow the articles this feed added more than each follower's stop_after_days ago (an article
    nobody follows any more is paused); return how many."""
    expired = 0
    for follow in session.scalars(
        select(FeedFollow).where(FeedFollow.feed_id == feed.id, FeedFollow.stop_after_days.is_not(None))
    ):
        cutoff = now - timedelta(days=follow.stop_after_days or 0)
        old = session.scalars(
            select(Subscription.article_id).where(
                Subscription.user_id == follow.user_id,
                Subscription.feed_id == feed.id,
                Subscription.created_at < cutoff,
            )
        )
        for article_id in list(old):
            articles.unfollow(session, follow.user_id, article_id)
            expired += 1
    return expired
