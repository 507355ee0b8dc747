"""Bulk import of a list of URLs into a user's watchlist, and the watchlist exported."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.adapters.models import Article, Subscription
from tracker.domain import urls
from tracker.domain.errors import TrackerError
from tracker.domain.listfiles import BadLine, ListLine, WatchedArticle
from tracker.services import articles, watchlists
from tracker.services.backfillqueue import NO_BACKFILL, Backfilling, start_backfill


@dataclass(frozen=True, slots=True)
class Imported:
    number: int
    url: str
    article_id: int


@dataclass(frozen=True, slots=True)
class Rejected:
    number: int
    url: str
    code: str
    message: str


@dataclass(slots=True)
class ImportReport:
    """What became of each line: a new article, one already tracked (now followed), or rejected."""

    added: list[Imported] = field(default_factory=list)
    already_tracked: list[Imported] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def import_list(
    session: Session,
    user_id: int,
    lines: Iterable[ListLine],
    bad: Iterable[BadLine] = (),
    *,
    tags: tuple[str, ...] = (),
    allow_private: bool,
    now: datetime,
    progress: Callable[[int], None] = lambda done: None,
    backfilling: Backfilling = NO_BACKFILL,
) -> ImportReport:
    """Track and follow every URL, tagging each with its own tags and `tags`; one bad line never
    stops the others. Nothing is fetched: the new articles are due at once (or once their backfill
    from the archives ran, as the user's backfill_default says).

    Works on the whole list at once (a few statements per 500 URLs, not several per URL), so that
    10,000 URLs import in seconds; the rules are those of articles.add_article and follow."""
    report = ImportReport(
        rejected=[Rejected(line.number, line.text, "bad_line", line.message) for line in bad]
    )
    wanted: list[tuple[ListLine, str, list[str]]] = []
    for line in lines:
        try:
            wanted.append(
                (
                    line,
                    urls.submitted_url(line.url, allow_private=allow_private),
                    watchlists.checked_tags([*line.tags, *tags]),
                )
            )
        except TrackerError as error:
            report.rejected.append(Rejected(line.number, line.url, error.code, error.message))
            progress(1)
    tracked = articles.tracked_as_many(session, [url for _line, url, _tags in wanted])
    backfill = articles.backfill_default(session, user_id)
    new = {
        url: articles.new_article(url, now=now, backfill=backfill)
        for _line, url, _tags in wanted
        if url not in tracked
    }
    session.add_all(new.values())
    session.flush()
    start_backfill(session, new.values(), backfilling, now=now)
    every = {**tracked, **new}
    ids = list({article.id for article in every.values()})
    followed = watchlists.subscriptions(session, user_id, ids)
    followers = articles.follower_counts(session, ids)
    reported: set[int] = set()
    for line, url, line_tags in wanted:
        article = every[url]
        row = followed.get(article.id)
        if row is None:
            articles.resume_on_follow(
                session, article, now=now, followers_before=followers.get(article.id, 0)
            )
            row = Subscription(user_id=user_id, article_id=article.id, created_at=now, tags=[])
            session.add(row)
            followed[article.id] = row
        watchlists.add_tags(row, line_tags)
        created = url in new and article.id not in reported
        reported.add(article.id)
        (report.added if created else report.already_tracked).append(
            Imported(line.number, article.url, article.id)
        )
        progress(1)
    report.rejected.sort(key=lambda rejected: rejected.number)
    session.flush()
    return report


def watchlist(session: Session, user_id: int) -> list[WatchedArticle]:
    """Return the articles the user follows, oldest follow first."""
    rows = session.execute(
        select(Article.url, Article.title, Subscription.tags, Subscription.note, Subscription.created_at)
        .join(Subscription, Subscription.article_id == Article.id)
        .where(Subscription.user_id == user_id)
        .order_by(Subscription.id)
    )
    return [
        WatchedArticle(url=url, title=title, tags=tuple(tags or ()), note=note, added_at=added)
        for url, title, tags, note, added in rows
    ]
