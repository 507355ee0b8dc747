"""Reading an article's past: its versions, checks, raw evidence and the diff between two versions."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, String, bindparam, cast, exists, select
from sqlalchemy.orm import Session, aliased, undefer

from tracker.adapters.models import Article, Check, Subscription, Version
from tracker.domain.diff import EMPTY, ArticleText, TextDiff, diff_articles
from tracker.domain.errors import InvalidInput, NotFound
from tracker.domain.labels import LABEL_WORDS, VersionFacts, change_labels
from tracker.domain.timeline import VersionEntry


@dataclass(frozen=True, slots=True)
class VersionDiff:
    """The diff between two versions of one article; `old` is None for the empty article (from=0)."""

    article: Article
    old: Version | None
    new: Version
    diff: TextDiff
    labels: list[str]


def list_versions(
    session: Session, article_id: int, *, after: int | None = None, limit: int | None = None
) -> list[Version]:
    """Return the article's versions numbered above `after` (all when None), oldest first."""
    statement = select(Version).where(Version.article_id == article_id).order_by(Version.number)
    if after is not None:
        statement = statement.where(Version.number > after)
    return list(session.scalars(statement.limit(limit)))


# The statements every check that finds a new version runs, built once: building one (and its cache
# key) costs SQLAlchemy more than running it.
VERSION = select(Version).where(
    Version.article_id == bindparam("article_id"), Version.number == bindparam("number")
)
VERSION_WITH_RAW = VERSION.options(undefer(Version.raw_html), undefer(Version.response_headers))
EARLIER_TITLES = (
    select(Version.title)
    .where(Version.article_id == bindparam("article_id"), Version.number < bindparam("number"))
    .distinct()
)


def get_version(session: Session, article_id: int, number: int, *, with_raw: bool = False) -> Version:
    """Return version `number` of the article; raise NotFound."""
    statement = VERSION_WITH_RAW if with_raw else VERSION
    version = session.scalar(statement, {"article_id": article_id, "number": number})
    if version is None:
        raise NotFound(f"article {article_id} has no version {number}", code="version_not_found")
    return version


def list_checks(
    session: Session, article_id: int, *, before: int | None = None, limit: int = 50
) -> list[Check]:
    """Return the article's checks with ids below `before` (all when None), newest first."""
    statement = select(Check).where(Check.article_id == article_id)
    if before is not None:
        statement = statement.where(Check.id < before)
    return list(session.scalars(statement.order_by(Check.id.desc()).limit(limit)))


def raw_html(version: Version) -> bytes:
    """Return the page body exactly as fetched for this version."""
    return zlib.decompress(version.raw_html)


def version_text(version: Version | None) -> ArticleText:
    """Return the parts of a version that diffs compare (the empty article for None)."""
    if version is None:
        return EMPTY
    return ArticleText(
        title=version.title,
        byline=version.byline,
        paragraphs=tuple(version.paragraphs),
        published_at=version.published_at,
        modified_at=version.modified_at,
    )


def change_between(session: Session, old: Version | None, new: Version) -> tuple[TextDiff, list[str]]:
    """Return the diff from old (None: the empty article) to new, and its labels."""
    diff = diff_articles(version_text(old), version_text(new))
    return diff, change_labels(diff, version_facts(session, old, new))


def diff_versions(
    session: Session, article: Article, *, from_number: int | None, to_number: int | None
) -> VersionDiff:
    """Return the diff between two versions; defaults: to = latest, from = the one before. A from
    below the oldest version's number (first_number, 1 unless a backfill put older versions before)
    is the empty article: from=0 when the first version is 1."""
    if article.version_count == 0:
        raise NotFound(
            f"article {article.id} has no versions yet; it is checked soon", code="version_not_found"
        )
    to_n = article.version_count if to_number is None else to_number
    from_n = to_n - 1 if from_number is None else from_number
    new = get_version(session, article.id, to_n)
    old = get_version(session, article.id, from_n) if from_n >= article.first_number else None
    diff, labels = change_between(session, old, new)
    return VersionDiff(article=article, old=old, new=new, diff=diff, labels=labels)


def version_facts(session: Session, old: Version | None, new: Version) -> VersionFacts:
    """Return what the labels need to know about the two versions beyond their text."""
    if old is None:
        return VersionFacts(old_exists=False)
    earlier_titles = session.scalars(EARLIER_TITLES, {"article_id": old.article_id, "number": old.number})
    return VersionFacts(
        old_exists=True,
        old_modified=old.modified_at,
        new_modified=new.modified_at,
        reverted_to=new.matches_number if new.matches_number != old.number else None,
        earlier_titles=frozenset(title for title in earlier_titles if title),
    )


def version_entries(
    session: Session, article_id: int, *, after: int = 0, upto: int | None = None
) -> list[VersionEntry]:
    """Return the timeline facts of the versions numbered above `after` up to `upto` (all when
    None), oldest first, without loading any text."""
    statement = (
        select(
            Version.number,
            Version.observed_at,
            Version.title,
            Version.word_count,
            Version.labels,
            Version.change,
            Version.matches_number,
            Version.baseline,
            Version.source,
            Version.memento,
        )
        # From `after` itself: the first entry's share of the text needs the size of the one before.
        .where(Version.article_id == article_id, Version.number >= after)
        .order_by(Version.number)
    )
    if upto is not None:
        statement = statement.where(Version.number <= upto)
    entries = []
    previous_word_count, previous_source = 0, None
    for row in session.execute(statement):
        if row.number > after:
            entries.append(
                VersionEntry(
                    number=row.number,
                    observed_at=row.observed_at,
                    title=row.title,
                    word_count=row.word_count,
                    labels=tuple(row.labels or ()),
                    words_changed=(row.change or {}).get("words_added", 0)
                    + (row.change or {}).get("words_removed", 0),
                    matches_number=row.matches_number,
                    baseline=row.baseline,
                    previous_word_count=previous_word_count,
                    source=row.source,
                    memento=row.memento,
                    previous_source=previous_source,
                )
            )
        previous_word_count, previous_source = row.word_count, row.source
    return entries


@dataclass(frozen=True, slots=True)
class LatestChange:
    """What the article page says of the newest version that changed the article."""

    number: int
    observed_at: datetime
    labels: tuple[str, ...]
    change: dict[str, int]


# A version that changed the article as we watched: live, after a live version (not its first look,
# whether or not a web archive's captures came before it), not a re-read with a new extractor or rules.
# The archives' past is in the history, not in recent changes.
PREVIOUS = aliased(Version)
A_CHANGE = (
    Version.source == "live",
    Version.baseline.is_(False),
    exists().where(
        PREVIOUS.article_id == Version.article_id,
        PREVIOUS.number == Version.number - 1,
        PREVIOUS.source == "live",
    ),
)


def latest_change(session: Session, article_id: int) -> LatestChange | None:
    """Return the article's newest version that changed it (None before its first change)."""
    row = session.execute(
        select(Version.number, Version.observed_at, Version.labels, Version.change)
        .where(Version.article_id == article_id, *A_CHANGE)
        .order_by(Version.number.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        return None
    return LatestChange(row.number, row.observed_at, tuple(row.labels or ()), row.change or {})


def latest_is_baseline(session: Session, article: Article) -> bool:
    """Return True when the article's latest version is a re-read with a new extractor or rules."""
    return bool(
        session.scalar(
            select(Version.baseline).where(
                Version.article_id == article.id, Version.number == article.version_count
            )
        )
    )


def latest_language(session: Session, article: Article) -> str | None:
    """Return the language of the article's latest version (None before its first, or unknown)."""
    return session.scalar(
        select(Version.language).where(
            Version.article_id == article.id, Version.number == article.version_count
        )
    )


def version_dates(session: Session, article_id: int) -> list[Row[tuple[int, datetime]]]:
    """Return the number and date of every version, oldest first: all that a version picker shows
    (a thousand full timeline entries cost tens of milliseconds to load, these a few)."""
    return list(
        session.execute(
            select(Version.number, Version.observed_at)
            .where(Version.article_id == article_id)
            .order_by(Version.number)
        )
    )


def version_at(session: Session, article: Article, moment: datetime) -> tuple[Version, datetime | None]:
    """Return the version that was live at `moment` and when the next one replaced it (None: still live)."""
    version = session.scalar(
        select(Version)
        .where(Version.article_id == article.id, Version.observed_at <= moment)
        .order_by(Version.number.desc())
        .limit(1)
    )
    if version is None:
        raise NotFound(
            f"article {article.id} had no version yet at {moment:%Y-%m-%d %H:%M} UTC; "
            "pick a later time or open its history",
            code="version_not_found",
        )
    until = session.scalar(
        select(Version.observed_at).where(
            Version.article_id == article.id, Version.number == version.number + 1
        )
    )
    return version, until


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    """One new version in the recent-changes list."""

    article_id: int
    article_title: str | None
    url: str
    host: str
    number: int
    observed_at: datetime
    labels: tuple[str, ...]
    change: dict[str, int]
    version_id: int


def recent_changes(
    session: Session,
    *,
    user_id: int | None,
    label: str | None = None,
    host: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    cursor: int | None = None,
) -> tuple[list[ChangeEntry], int | None]:
    """Return new versions (not first ones), newest first, of the user's articles (all when None)."""
    if label is not None and label not in LABEL_WORDS:
        raise InvalidInput(f"unknown label {label!r}; use one of {', '.join(LABEL_WORDS)}", code="bad_label")
    statement = (
        select(
            Version.id,
            Version.number,
            Version.observed_at,
            Version.labels,
            Version.change,
            Article.id.label("article_id"),
            Article.title,
            Article.url,
            Article.host,
        )
        .join(Article, Article.id == Version.article_id)
        .where(*A_CHANGE)
    )
    if user_id is not None:
        statement = statement.where(
            exists().where(Subscription.article_id == Article.id, Subscription.user_id == user_id)
        )
    if label:
        statement = statement.where(cast(Version.labels, String).like(f'%"{label}"%'))
    if host:
        statement = statement.where(Article.host == host.strip().lower())
    if since:
        statement = statement.where(Version.observed_at >= since)
    if until:
        statement = statement.where(Version.observed_at < until)
    if cursor:
        statement = statement.where(Version.id < cursor)
    rows = list(session.execute(statement.order_by(Version.id.desc()).limit(limit + 1)))
    entries = [
        ChangeEntry(
            article_id=row.article_id,
            article_title=row.title,
            url=row.url,
            host=row.host,
            number=row.number,
            observed_at=row.observed_at,
            labels=tuple(row.labels or ()),
            change=row.change or {},
            version_id=row.id,
        )
        for row in rows[:limit]
    ]
    return entries, entries[-1].version_id if len(rows) > limit else None
