"""An article's versions read for a WARC file: page bytes, headers, text and source, in number order."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker, undefer

from tracker.adapters.models import Article, Version
from tracker.adapters.warc import WarcFile, WarcVersion
from tracker.services import articles
from tracker.services.history import raw_html

# Versions loaded from the database at a time, their bodies still compressed: a long history is
# streamed, never held whole.
BATCH = 20


def warc_versions(sessions: sessionmaker[Session], article_id: int) -> Iterator[WarcVersion]:
    """Yield the article's versions oldest first (number order is time order), one body at a time;
    raise NotFound for a missing article. They are read in a session of their own, open while they
    stream and closed when the stream ends or is dropped: a streamed answer outlives its request's."""
    with sessions() as session:
        article = articles.get_article(session, article_id)
        statement = (
            select(Version)
            .where(Version.article_id == article.id)
            .order_by(Version.number)
            .options(undefer(Version.raw_html), undefer(Version.response_headers))
            .execution_options(yield_per=BATCH)
        )
        for version in session.scalars(statement):
            yield warc_version(article, version)


def warc_version(article: Article, version: Version) -> WarcVersion:
    return WarcVersion(
        # An archive version's page came from the memento; what it shows is the original URL.
        url=article.url if version.source == "archive" else version.final_url,
        observed_at=version.observed_at,
        headers=version.response_headers or {},
        body=raw_html(version),
        memento=version.memento,
        reread=version.baseline,
        fields=metadata_fields(version),
    )


def metadata_fields(version: Version) -> tuple[tuple[str, str], ...]:
    """Return where the version came from and its extracted text, as named fields (unset ones left out)."""
    named = (
        ("source", version.source),
        ("number", str(version.number)),
        ("memento", version.memento),
        ("baseline", "true" if version.baseline else None),
        ("labels", ", ".join(version.labels or ()) or None),
        ("headline", version.title),
        ("byline", version.byline),
        ("published", version.published_at),
        ("modified", version.modified_at),
        ("language", version.language),
        ("content-hash", version.content_hash),
    )
    text = tuple(("paragraph", paragraph) for paragraph in version.paragraphs)
    return tuple((name, value) for name, value in named if value) + text


def write_warc(
    sessions: sessionmaker[Session],
    article_ids: list[int],
    out: BinaryIO,
    *,
    gzip: bool,
    filename: str,
    at: datetime,
    progress: Callable[[int], None] = lambda _articles: None,
) -> None:
    """Write a WARC file of every version of the articles to out; raise NotFound for a missing one."""
    warc = WarcFile(out, gzip=gzip, filename=filename, at=at)
    for article_id in article_ids:
        for version in warc_versions(sessions, article_id):
            warc.add(version)
        progress(1)


def all_article_ids(session: Session) -> list[int]:
    """Return the id of every article, in order."""
    return list(session.scalars(select(Article.id).order_by(Article.id)))
