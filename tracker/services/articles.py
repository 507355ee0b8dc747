"""Tracking articles: add, follow, list, change and unfollow. Adding never fetches."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Select, Text, cast, func, or_, select
from sqlalchemy.orm import Session

from tracker import urls
from tracker.errors import InvalidInput, NotFound
from tracker.models import Article, ArticleAlias, Subscription

T = TypeVar("T")
MIN_INTERVAL = 60
MAX_INTERVAL = 30 * 24 * 3600
STATUSES_USERS_SET = ("active", "paused")
MAX_OFFSET = 2**31 - 1  # a list cursor beyond this would overflow the databases' integers


@dataclass(frozen=True, slots=True)
class ArticleList:
    items: list[Article]
    next_cursor: str | None
    followed: dict[int, Subscription]  # the user's follows of the items, by article id (none without a user)


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """Which articles a list shows; None means any."""

    query: str | None = None  # in the title or URL
    changed_since: datetime | None = None
    tag: str | None = None  # only with a user: articles they tagged so
    site: str | None = None  # the host, without "www."
    status: str | None = None


def add_article(
    session: Session,
    raw_url: str,
    *,
    user_id: int | None,
    allow_private: bool,
    now: datetime,
    interval_seconds: int | None = None,
) -> tuple[Article, bool]:
    """Track the URL (once, however it is spelled) and subscribe the user; return (article, created)."""
    url = urls.submitted_url(raw_url, allow_private=allow_private)
    interval = checked_interval(interval_seconds)
    article = tracked_as(session, url)
    created = article is None
    if article is None:
        article = new_article(url, now=now, interval_seconds=interval)
        session.add(article)
        session.flush()
    if user_id is not None:
        follow(session, user_id, article, now=now)
    return article, created


def new_article(url: str, *, now: datetime, interval_seconds: int | None = None) -> Article:
    """Return a new article for a normalised URL, due for its first check at once."""
    return Article(
        url=url,
        host=urls.host_of(url),
        status="active",
        interval_seconds=interval_seconds,
        created_at=now,
        next_check_at=now,
        version_count=0,
        failure_count=0,
    )


def tracked_as(session: Session, url: str) -> Article | None:
    """Return the article this URL already stands for: the same URL, its AMP or mobile twin, an
    article whose canonical URL it is, or a URL merged into an article before."""
    return tracked_as_many(session, [url]).get(url)


def tracked_as_many(session: Session, wanted: list[str]) -> dict[str, Article]:
    """Return {url: the article it already stands for} for those of the normalised URLs that are
    tracked, in a few statements however many URLs there are (bulk import)."""
    variants = {url: urls.url_variants(url) for url in wanted}
    spellings = sorted({spelling for found in variants.values() for spelling in found})
    by_url: dict[str, Article] = {}
    by_canonical: dict[str, Article] = {}
    aliases: dict[str, int] = {}
    for chunk in chunks(spellings):
        for article in session.scalars(select(Article).where(Article.url.in_(chunk))):
            by_url[article.url] = article
        for article in session.scalars(
            select(Article).where(Article.canonical_url.in_(chunk)).order_by(Article.id.desc())
        ):
            by_canonical[article.canonical_url or ""] = article  # the oldest wins
        rows = session.execute(
            select(ArticleAlias.url, ArticleAlias.article_id).where(ArticleAlias.url.in_(chunk))
        )
        aliases.update({alias_url: article_id for alias_url, article_id in rows})
    found: dict[str, Article] = {}
    for url, spellings_of_url in variants.items():
        match = by_url.get(url) or first_article(
            [by_url.get(spelling) or by_canonical.get(spelling) for spelling in spellings_of_url]
        )
        if match is None:
            alias = next(
                (aliases[spelling] for spelling in sorted(spellings_of_url) if spelling in aliases), None
            )
            match = session.get(Article, alias) if alias is not None else None
        if match is not None:
            found[url] = match
    return found


def first_article(candidates: list[Article | None]) -> Article | None:
    """Return the oldest of the candidates (the one tracked first), or None."""
    present = [article for article in candidates if article is not None]
    return min(present, key=lambda article: article.id) if present else None


def chunks(items: list[T], size: int = 500) -> list[list[T]]:
    """Return items in pieces small enough for an IN (...) list on every database."""
    return [items[start : start + size] for start in range(0, len(items), size)]


def merge_duplicate(session: Session, duplicate: Article, survivor: Article, *, now: datetime) -> None:
    """Fold a just-added duplicate (no versions yet) into the article it turned out to be: its
    followers follow the survivor, and its URL and id lead there from now on."""
    for subscription in session.scalars(select(Subscription).where(Subscription.article_id == duplicate.id)):
        if is_following(session, subscription.user_id, survivor.id):
            session.delete(subscription)
        else:
            subscription.article_id = survivor.id
    session.flush()
    if survivor.status == "paused" and follower_count(session, survivor.id):
        survivor.status = "active"
    session.add(
        ArticleAlias(
            url=duplicate.url, article_id=survivor.id, merged_article_id=duplicate.id, created_at=now
        )
    )
    session.delete(duplicate)
    session.flush()


def follow(session: Session, user_id: int, article: Article, *, now: datetime) -> None:
    """Subscribe the user to article (nothing happens if they already follow it).

    An article that was paused because its last follower left is resumed and checked at once.
    """
    if is_following(session, user_id, article.id):
        return
    if article.status == "paused" and follower_count(session, article.id) == 0:
        resume(article, now=now)
    session.add(Subscription(user_id=user_id, article_id=article.id, created_at=now))
    session.flush()


def resume(article: Article, *, now: datetime) -> None:
    """Make a paused article active again and check it at once."""
    article.status = "active"
    article.next_check_at = now


def follower_count(session: Session, article_id: int) -> int:
    return follower_counts(session, [article_id]).get(article_id, 0)


def follower_counts(session: Session, article_ids: list[int]) -> dict[int, int]:
    """Return {article id: followers} for those of the articles anyone follows."""
    counts: dict[int, int] = {}
    for chunk in chunks(article_ids):
        rows = session.execute(
            select(Subscription.article_id, func.count())
            .where(Subscription.article_id.in_(chunk))
            .group_by(Subscription.article_id)
        )
        counts.update({article_id: count for article_id, count in rows})
    return counts


def is_following(session: Session, user_id: int, article_id: int) -> bool:
    return (
        session.scalar(
            select(Subscription.id).where(
                Subscription.user_id == user_id, Subscription.article_id == article_id
            )
        )
        is not None
    )


def unfollow(session: Session, user_id: int, article_id: int) -> None:
    """Unsubscribe the user; an article nobody follows any more is paused. NotFound if not followed."""
    subscription = session.scalar(
        select(Subscription).where(Subscription.user_id == user_id, Subscription.article_id == article_id)
    )
    if subscription is None:
        raise NotFound(f"you do not follow article {article_id}", code="article_not_found")
    session.delete(subscription)
    session.flush()
    if follower_count(session, article_id) == 0:
        get_article(session, article_id).status = "paused"


def get_article(session: Session, article_id: int) -> Article:
    """Return the article; raise NotFound (naming the article it was merged into, if it was)."""
    article = session.get(Article, article_id)
    if article is None:
        merged_into = session.scalar(
            select(ArticleAlias.article_id).where(ArticleAlias.merged_article_id == article_id)
        )
        if merged_into is not None:
            raise NotFound(
                f"article {article_id} was the same article as {merged_into} (rel=canonical) and was merged into it",
                code="article_merged",
            )
        raise NotFound(f"there is no article {article_id}", code="article_not_found")
    return article


def list_articles(
    session: Session,
    *,
    user_id: int | None,
    where: ArticleFilter = ArticleFilter(),
    limit: int = 50,
    cursor: str | None = None,
) -> ArticleList:
    """Return a page of the user's articles (all articles when user_id is None), the most recently
    changed first (articles never changed by when they were added)."""
    offset = cursor_offset(cursor) if cursor else 0
    statement = articles_query(user_id, where).order_by(
        func.coalesce(Article.last_changed_at, Article.created_at).desc(), Article.id.desc()
    )
    if user_id is not None:  # each article with the user's follow (tags, note): one query, not two
        statement = statement.add_columns(Subscription)
    rows = session.execute(statement.offset(offset).limit(limit + 1)).all()
    page = rows[:limit]
    return ArticleList(
        items=[row[0] for row in page],
        next_cursor=str(offset + limit) if len(rows) > limit else None,
        followed={row[0].id: row[1] for row in page} if user_id is not None else {},
    )


def articles_query(user_id: int | None, where: ArticleFilter) -> Select:
    statement = select(Article)
    if user_id is not None:  # a user follows an article at most once, so the join repeats no article
        statement = statement.join(
            Subscription, (Subscription.article_id == Article.id) & (Subscription.user_id == user_id)
        )
        if where.tag:
            # Tags are stored as a JSON list; its text holds the tag exactly as json.dumps writes it.
            statement = statement.where(
                cast(Subscription.tags, Text).contains(json.dumps(where.tag.lower()), autoescape=True)
            )
    if where.query:
        pattern = f"%{where.query.strip()}%"
        statement = statement.where(or_(Article.title.ilike(pattern), Article.url.ilike(pattern)))
    if where.changed_since is not None:
        statement = statement.where(Article.last_changed_at >= where.changed_since)
    if where.site:
        site = where.site.strip().lower().removeprefix("www.")
        statement = statement.where(or_(Article.host == site, Article.host == f"www.{site}"))
    if where.status:
        statement = statement.where(Article.status == where.status)
    return statement


def cursor_offset(cursor: str) -> int:
    if not (cursor.isascii() and cursor.isdigit()) or int(cursor) > MAX_OFFSET:
        raise InvalidInput(
            "the cursor is not one this API gave out; start again without it", code="bad_cursor"
        )
    return int(cursor)


def update_article(
    session: Session, article: Article, changes: dict[str, object], *, now: datetime
) -> Article:
    """Apply a change of interval_seconds (None: default policy) and/or status (active | paused)."""
    unknown = set(changes) - {"interval_seconds", "status"}
    if unknown:
        raise InvalidInput(f"cannot change {', '.join(sorted(unknown))}", code="bad_field")
    if "interval_seconds" in changes:
        article.interval_seconds = checked_interval(changes["interval_seconds"])
    if "status" in changes:
        status = changes["status"]
        if status not in STATUSES_USERS_SET:
            raise InvalidInput("status is 'active' or 'paused'", code="bad_status")
        if status == "active" and article.status != "active":
            article.next_check_at = now  # a resumed article is checked at once
        article.status = str(status)
    session.flush()
    return article


def checked_interval(value: object) -> int | None:
    """Return a valid per-article interval in seconds, or None for the default policy."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_INTERVAL <= value <= MAX_INTERVAL:
        raise InvalidInput(
            f"interval_seconds is a whole number from {MIN_INTERVAL} to {MAX_INTERVAL}, or null",
            code="bad_interval",
        )
    return value
