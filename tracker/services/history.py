"""Reading an article's past: its versions, checks, raw evidence and the diff between two versions."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from tracker.diff import EMPTY, ArticleText, TextDiff, diff_articles
from tracker.errors import InvalidInput, NotFound
from tracker.labels import VersionFacts, change_labels
from tracker.models import Article, Check, Version


@dataclass(frozen=True, slots=True)
class VersionDiff:
    """The diff between two versions of one article; `old` is None for the empty article (from=0)."""

    article: Article
    old: Version | None
    new: Version
    diff: TextDiff
    labels: list[str]


def list_versions(
    session: Session, article_id: int, *, after: int = 0, limit: int | None = None
) -> list[Version]:
    """Return the article's versions numbered above `after`, oldest first."""
    statement = (
        select(Version)
        .where(Version.article_id == article_id, Version.number > after)
        .order_by(Version.number)
    )
    return list(session.scalars(statement.limit(limit)))


def get_version(session: Session, article_id: int, number: int, *, with_raw: bool = False) -> Version:
    """Return version `number` of the article; raise NotFound."""
    statement = select(Version).where(Version.article_id == article_id, Version.number == number)
    if with_raw:
        statement = statement.options(undefer(Version.raw_html), undefer(Version.response_headers))
    version = session.scalar(statement)
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
    return ArticleText(title=version.title, byline=version.byline, paragraphs=tuple(version.paragraphs))


def diff_versions(
    session: Session, article: Article, *, from_number: int | None, to_number: int | None
) -> VersionDiff:
    """Return the diff between two versions; defaults: to = latest, from = the one before (0 = empty)."""
    if article.version_count == 0:
        raise NotFound(
            f"article {article.id} has no versions yet; it is checked soon", code="version_not_found"
        )
    to_n = article.version_count if to_number is None else to_number
    from_n = max(to_n - 1, 0) if from_number is None else from_number
    if from_n < 0 or to_n < 1:
        raise InvalidInput("version numbers start at 1 (from=0 is the empty article)", code="bad_version")
    new = get_version(session, article.id, to_n)
    old = get_version(session, article.id, from_n) if from_n > 0 else None
    diff = diff_articles(version_text(old), version_text(new))
    return VersionDiff(
        article=article, old=old, new=new, diff=diff, labels=change_labels(diff, version_facts(old, new))
    )


def version_facts(old: Version | None, new: Version) -> VersionFacts:
    """Return what the labels need to know about the two versions beyond their text."""
    return VersionFacts(
        old_exists=old is not None,
        old_modified=old.modified_at if old else None,
        new_modified=new.modified_at,
        reverted_to=new.matches_number,
    )
