"""Tracking articles: add, follow, list, change and unfollow. Adding never fetches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session

from tracker import urls
from tracker.errors import InvalidInput, NotFound
from tracker.models import Article, ArticleAlias, Subscription

MIN_INTERVAL = 60
MAX_INTERVAL = 30 * 24 * 3600
STATUSES_USERS_SET = ("active", "paused")


@dataclass(frozen=True, slots=True)
class ArticleList:
    items: list[Article]
    next_cursor: str | None


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
        article = Article(
            url=url,
            host=urls.host_of(url),
            status="active",
            interval_seconds=interval,
            created_at=now,
            next_check_at=now,
            version_count=0,
            failure_count=0,
        )
        session.add(article)
        session.flush()
    if user_id is not None:
        follow(session, user_id, article, now=now)
    return article, created


def tracked_as(session: Session, url: str) -> Article | None:
    """Return the article this URL already stands for: the same URL, its AMP or mobile twin, an
    article whose canonical URL it is, or a URL merged into an article before."""
    variants = urls.url_variants(url)
    exact = session.scalar(select(Article).where(Article.url == url))
    if exact is not None:
        return exact
    found = session.scalar(
        select(Article)
        .where(or_(Article.url.in_(variants), Article.canonical_url.in_(variants)))
        .order_by(Article.id)
    )
    if found is not None:
        return found
    alias = session.scalar(select(ArticleAlias.article_id).where(ArticleAlias.url.in_(variants)))
    return session.get(Article, alias) if alias is not None else None


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
        article.status = "active"
        article.next_check_at = now
    session.add(Subscription(user_id=user_id, article_id=article.id, created_at=now))
    session.flush()


def follower_count(session: Session, article_id: int) -> int:
    return session.scalar(select(func.count()).where(Subscription.article_id == article_id)) or 0


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
    query: str | None = None,
    changed_since: datetime | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> ArticleList:
    """Return a page of the user's articles (all articles when user_id is None), newest first."""
    statement = articles_query(user_id, query, changed_since)
    if cursor:
        statement = statement.where(Article.id < cursor_id(cursor))
    rows = list(session.scalars(statement.order_by(Article.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    return ArticleList(items=rows[:limit], next_cursor=str(rows[limit - 1].id) if more else None)


def articles_query(user_id: int | None, query: str | None, changed_since: datetime | None) -> Select:
    statement = select(Article)
    if user_id is not None:
        statement = statement.where(
            exists().where(Subscription.article_id == Article.id, Subscription.user_id == user_id)
        )
    if query:
        pattern = f"%{query.strip()}%"
        statement = statement.where(or_(Article.title.ilike(pattern), Article.url.ilike(pattern)))
    if changed_since is not None:
        statement = statement.where(Article.last_changed_at >= changed_since)
    return statement


def cursor_id(cursor: str) -> int:
    if not cursor.isdigit():
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
