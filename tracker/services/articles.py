"""Tracking articles: add, follow, list, change and unfollow. Adding never fetches."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import BindParameter, Row, Select, Text, bindparam, cast, func, or_, select
from sqlalchemy.orm import Session

from tracker.adapters.models import Article, ArticleAlias, Subscription, User
from tracker.domain import urls
from tracker.domain.errors import InvalidInput, NotFound
from tracker.domain.trouble import Trouble, trouble
from tracker.domain.vocabulary import ARTICLE_STATUSES, USER_SET_STATUSES, ArticleStatus
from tracker.services.backfillqueue import NO_BACKFILL, Backfilling, start_backfill

T = TypeVar("T")
MIN_INTERVAL = 60
MAX_INTERVAL = 30 * 24 * 3600
MAX_OFFSET = 2**31 - 1  # a list cursor beyond this would overflow the databases' integers


@dataclass(frozen=True, slots=True)
class ListedArticle:
    """An article as a list shows it to one reader: its facts and that reader's follow (tags, note)."""

    id: int
    url: str
    canonical_url: str | None
    host: str
    title: str | None
    status: ArticleStatus
    interval_seconds: int | None
    created_at: datetime
    last_checked_at: datetime | None
    next_check_at: datetime
    last_changed_at: datetime | None
    version_count: int  # the latest version's number
    first_number: int  # the oldest version's number
    failure_count: int
    failing_since: datetime | None
    last_error_at: datetime | None
    last_error_code: str | None
    last_error_count: int
    backfill: bool
    following: bool = False
    tags: tuple[str, ...] = ()
    note: str | None = None

    @property
    def trouble(self) -> Trouble:
        """Return its status badge and, while checks keep failing, its last error in words."""
        return trouble(self.status, self.failure_count, self.last_error_code, self.last_error_count)

    @property
    def versions_held(self) -> int:
        return versions_held(self.version_count, self.first_number)


def versions_held(version_count: int, first_number: int) -> int:
    """Return how many versions an article holds: numbers run from first_number (1, or below when a
    backfill put archive captures before version 1) to version_count (0: none yet)."""
    return version_count - first_number + 1 if version_count else 0


# Lists are read with Core statements on the tables: through ORM attributes and entities a list
# cost twice the CPU, and an API list read is the request scripts make most.
ARTICLES, FOLLOWS = Article.__table__, Subscription.__table__
# The article's own columns, in ListedArticle's order (its last three fields are the reader's follow).
LISTED_COLUMNS = tuple(ARTICLES.c[field.name] for field in fields(ListedArticle)[:-3])
RECENT_FIRST = (func.coalesce(ARTICLES.c.last_changed_at, ARTICLES.c.created_at).desc(), ARTICLES.c.id.desc())
# ?sort=: last_change (the default) or last_error (the latest failure first, never-failed last).
SORTS = {
    "last_change": RECENT_FIRST,
    "last_error": (ARTICLES.c.last_error_at.desc().nulls_last(), *RECENT_FIRST),
}


@dataclass(frozen=True, slots=True)
class ArticleList:
    items: list[ListedArticle]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """Which articles a list shows; None means any."""

    query: str | None = None  # in the title or URL
    changed_since: datetime | None = None
    tag: str | None = None  # only with a user: articles they tagged so
    site: str | None = None  # the host, without "www."
    status: tuple[str, ...] = ()  # any of these; empty: any status


def add_article(
    session: Session,
    raw_url: str,
    *,
    user_id: int | None,
    allow_private: bool,
    now: datetime,
    interval_seconds: int | None = None,
    backfill: bool | None = None,
    backfilling: Backfilling = NO_BACKFILL,
) -> tuple[Article, bool]:
    """Track the URL (once, however it is spelled) and subscribe the user; return (article, created).
    A new article's past is filled in from the archives unless `backfill` (None: the user's default)
    says not to."""
    url = urls.submitted_url(raw_url, allow_private=allow_private)
    interval = checked_interval(interval_seconds)
    article = tracked_as(session, url)
    created = article is None
    if article is None:
        wanted = backfill_default(session, user_id) if backfill is None else backfill
        article = new_article(url, now=now, interval_seconds=interval, backfill=wanted)
        session.add(article)
        session.flush()
        start_backfill(session, [article], backfilling, now=now)
    if user_id is not None:
        follow(session, user_id, article, now=now)
    return article, created


def backfill_default(session: Session, user_id: int | None) -> bool:
    """Return whether articles the user adds are backfilled (True for articles no user adds: feeds)."""
    if user_id is None:
        return True
    return session.scalar(select(User.backfill_default).where(User.id == user_id)) is not False


def new_article(
    url: str, *, now: datetime, interval_seconds: int | None = None, backfill: bool = True
) -> Article:
    """Return a new article for a normalised URL, due for its first check at once."""
    return Article(
        url=url,
        host=urls.host_of(url),
        status="active",
        interval_seconds=interval_seconds,
        created_at=now,
        next_check_at=now,
        version_count=0,
        first_number=1,
        failure_count=0,
        backfill=backfill,
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
    """Fold a just-added duplicate (never seen live; any archive versions go with it) into the
    article it turned out to be: its followers follow the survivor, and its URL and id lead there
    from now on."""
    followers_before = follower_count(session, survivor.id)  # before the duplicate's join it
    for subscription in session.scalars(select(Subscription).where(Subscription.article_id == duplicate.id)):
        if is_following(session, subscription.user_id, survivor.id):
            session.delete(subscription)
        else:
            subscription.article_id = survivor.id
            resume_on_follow(session, survivor, now=now, followers_before=followers_before)
    session.flush()
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
    resume_on_follow(session, article, now=now)
    session.add(Subscription(user_id=user_id, article_id=article.id, created_at=now))
    session.flush()


def resume_on_follow(
    session: Session, article: Article, *, now: datetime, followers_before: int | None = None
) -> None:
    """Resume a paused article nobody followed (its last follower left) when someone follows it;
    one its followers paused stays paused. Every way of following calls this (add, import, a
    merge); followers_before is counted here unless the caller counted it (for many at once)."""
    if article.status != "paused":
        return
    if followers_before is None:
        followers_before = follower_count(session, article.id)
    if followers_before == 0:
        resume(article, now=now)


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
    sort: str = "last_change",
) -> ArticleList:
    """Return a page of the user's articles (all articles when user_id is None), the most recently
    changed first (articles never changed by when they were added), or as `sort` (SORTS) says."""
    offset = cursor_offset(cursor) if cursor else 0
    values = filter_values(user_id, where)
    rows = session.execute(
        list_statement(frozenset(values), checked_sort(sort)),
        {**values, "offset": offset, "limit": limit + 1},
    ).all()
    # With a user, each article comes with their follow (tags, note): one query, not two.
    items = [listed_article(row) for row in rows[:limit]]
    return ArticleList(items=items, next_cursor=str(offset + limit) if len(rows) > limit else None)


def listed_article(row: Row) -> ListedArticle:
    values: tuple[Any, ...] = tuple(row)
    if len(values) == len(LISTED_COLUMNS):
        return ListedArticle(*values)
    *facts, tags, note = values  # the reader's follow came along
    return ListedArticle(*facts, True, tuple(tags), note)  # type: ignore[call-arg]  # mypy counts no stars


def filter_values(user_id: int | None, where: ArticleFilter) -> dict[str, object]:
    """Return the values of the list's filters that apply, by the name of their statement parameter."""
    values: dict[str, object] = {}
    if user_id is not None:
        values["user_id"] = user_id
        if where.tag:  # tags are a user's: without one there is none to filter on
            # Tags are stored as a JSON list; its text holds the tag exactly as json.dumps writes it.
            values["tag"] = contains_pattern(json.dumps(where.tag.lower()))
    if where.query:
        values["query"] = contains_pattern(where.query.strip())
    if where.changed_since is not None:
        values["changed_since"] = where.changed_since
    if where.site:
        values["site"] = where.site.strip().lower().removeprefix("www.")
        values["www_site"] = f"www.{values['site']}"
    if where.status:
        values["status"] = list(where.status)
    return values


def checked_statuses(value: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Return the statuses asked for (a list, or words separated by commas, or both); raise
    InvalidInput for one that is not a status."""
    items = [value] if isinstance(value, str) else list(value or ())
    words = [word for item in items for word in item.split(",")]
    statuses = tuple(dict.fromkeys(word.strip() for word in words if word.strip()))
    unknown = [status for status in statuses if status not in ARTICLE_STATUSES]
    if unknown:
        raise InvalidInput(
            f"status is one or more of {', '.join(ARTICLE_STATUSES)}; not {unknown[0]!r}", code="bad_status"
        )
    return statuses


def checked_sort(value: str | None) -> str:
    """Return the list order asked for; raise InvalidInput for an unknown one."""
    if value is None or value == "":
        return "last_change"
    if value not in SORTS:
        raise InvalidInput(f"sort is {' or '.join(SORTS)}", code="bad_sort")
    return value


def contains_pattern(text: str) -> str:
    """Return a LIKE pattern (escape character "/") that finds the text anywhere, % and _ included."""
    return "%" + text.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


@functools.cache
def articles_statement(filters: frozenset[str]) -> Select:
    """Return the statement selecting the listed articles with these filters (names of filter_values),
    whose values it takes as parameters. Built once per combination: building it took longer than
    PostgreSQL takes to run it."""
    article = ARTICLES.c
    statement = select(*LISTED_COLUMNS)
    if "user_id" in filters:  # a user follows an article at most once, so the join repeats no article
        follow = FOLLOWS.c
        statement = statement.add_columns(follow.tags, follow.note).join(
            FOLLOWS, (follow.article_id == article.id) & (follow.user_id == bindparam("user_id"))
        )
        if "tag" in filters:
            statement = statement.where(cast(follow.tags, Text).like(bindparam("tag"), escape="/"))
    if "query" in filters:
        query: BindParameter[str] = bindparam("query")
        statement = statement.where(
            or_(article.title.ilike(query, escape="/"), article.url.ilike(query, escape="/"))
        )
    if "changed_since" in filters:
        statement = statement.where(article.last_changed_at >= bindparam("changed_since"))
    if "site" in filters:
        statement = statement.where(article.host.in_([bindparam("site"), bindparam("www_site")]))
    if "status" in filters:
        statement = statement.where(article.status.in_(bindparam("status", expanding=True)))
    return statement


@functools.cache
def list_statement(filters: frozenset[str], sort: str = "last_change") -> Select:
    """Return a page of articles_statement in the order SORTS[sort] (parameters offset, limit)."""
    return (
        articles_statement(filters)
        .order_by(*SORTS[sort])
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


def count_articles(session: Session, *, user_id: int | None, where: ArticleFilter = ArticleFilter()) -> int:
    """Return how many articles the list with these filters holds, on all its pages."""
    return session.scalar(select(func.count()).select_from(article_ids(user_id, where).subquery())) or 0


def article_ids(user_id: int | None, where: ArticleFilter) -> Select:
    """Return the statement selecting the ids of the articles a list would show, values bound."""
    values = filter_values(user_id, where)
    return articles_statement(frozenset(values)).with_only_columns(ARTICLES.c.id).params(values)


def cursor_offset(cursor: str) -> int:
    if not (cursor.isascii() and cursor.isdigit()) or int(cursor) > MAX_OFFSET:
        raise InvalidInput(
            "the cursor is not one this API gave out; start again without it", code="bad_cursor"
        )
    return int(cursor)


def update_article(
    session: Session, article: Article, changes: dict[str, object], *, now: datetime
) -> Article:
    """Apply a change of interval_seconds (None: default policy), status (active | paused) and/or
    backfill (whether its past is filled in from web archives)."""
    unknown = set(changes) - {"interval_seconds", "status", "backfill"}
    if unknown:
        raise InvalidInput(f"cannot change {', '.join(sorted(unknown))}", code="bad_field")
    if "backfill" in changes:
        article.backfill = changes["backfill"] is True
    if "interval_seconds" in changes:
        article.interval_seconds = checked_interval(changes["interval_seconds"])
    if "status" in changes:
        status = changes["status"]
        if status not in USER_SET_STATUSES:
            raise InvalidInput("status is 'active' or 'paused'", code="bad_status")
        if status == "active" and article.status != "active":
            article.next_check_at = now  # a resumed article is checked at once
        article.status = "active" if status == "active" else "paused"
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
