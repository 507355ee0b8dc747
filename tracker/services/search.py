"""Search across every version: the search row written with each version, and queries over them.

Each database matches the terms of tracker.domain.searchtext through an index of its own, made by
migration 0011: SQLite an FTS5 table with the trigram tokenizer (a phrase of trigrams is an exact
substring, so " amazon " is the whole word and " 美 国 " two characters side by side), PostgreSQL a
generated tsvector column ('simple' configuration) beside each terms column with a GIN index, each
query word a phrase of its terms (so "O'Brien" and 美国 keep their order; a phrase may run across two
paragraphs there). PostgreSQL's trigram extension is not needed, and in a
database with the C locale it would ignore Chinese characters altogether.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    cast,
    column,
    delete,
    exists,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy.orm import Session

from tracker.adapters.models import Article, Subscription, Version, VersionSearch
from tracker.domain.diff import TextDiff
from tracker.domain.searchtext import Query, SnippetPart, document, snippet
from tracker.domain.vocabulary import SearchField
from tracker.services.articles import contains_pattern, cursor_offset
from tracker.services.history import version_text

FTS = table("version_search_fts", column("rowid"))  # SQLite's index; its rowid is the version id
SIMPLE: ColumnElement[Any] = literal_column("'simple'::regconfig")
TERMS = {
    "text": VersionSearch.terms,
    "added": VersionSearch.added_terms,
    "removed": VersionSearch.removed_terms,
}


@dataclass(frozen=True, slots=True)
class SearchFilter:
    """Which versions a search looks at beyond the caller's articles; None means any."""

    tag: str | None = None  # only with a user: articles they tagged so
    site: str | None = None  # the host, without "www."
    since: datetime | None = None  # observed at or after


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One version that matches, with a stretch of the matching text."""

    article_id: int
    article_title: str | None
    version: int
    field: SearchField
    observed_at: datetime
    snippet: tuple[SnippetPart, ...]


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: list[SearchHit]
    next_cursor: str | None


def index_version(session: Session, version: Version, change: TextDiff | None) -> None:
    """Store what search reads of a version just added, in the caller's transaction; `change` is
    its diff from the version before (None: it is the first). A first version and a baseline changed
    nothing an editor wrote, so only their text is searchable."""
    session.flush()  # gives the version its id
    edited = change if not version.baseline else None
    session.add(VersionSearch(version_id=version.id, **asdict(document(version_text(version), edited))))


def reindex_version(session: Session, version: Version, change: TextDiff | None) -> None:
    """Replace the search row of a stored version whose predecessor changed (a backfill put older
    versions before it)."""
    session.execute(delete(VersionSearch).where(VersionSearch.version_id == version.id))
    index_version(session, version, change)


def search_versions(
    session: Session,
    query: Query,
    *,
    user_id: int | None,
    where: SearchFilter = SearchFilter(),
    limit: int = 50,
    cursor: str | None = None,
) -> SearchPage:
    """Return a page of the versions matching the query, newest first, of the articles the user
    follows (all articles when user_id is None)."""
    statement = matching_ids(session, query, user_id=user_id, where=where)
    if cursor:
        statement = statement.where(id_column(session) < cursor_offset(cursor))
    ids = list(session.scalars(statement.order_by(id_column(session).desc()).limit(limit + 1)))
    hits = search_hits(session, ids[:limit], query)
    return SearchPage(hits=hits, next_cursor=str(ids[limit - 1]) if len(ids) > limit else None)


def id_column(session: Session) -> ColumnElement[Any]:
    return FTS.c.rowid if is_sqlite(session) else VersionSearch.version_id.expression


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def matching_ids(session: Session, query: Query, *, user_id: int | None, where: SearchFilter) -> Select:
    """Return the statement selecting the ids of the matching versions, unordered."""
    found = id_column(session)
    statement = select(found).join(Version, Version.id == found)
    if is_sqlite(session):
        statement = statement.select_from(FTS).where(
            literal_column("version_search_fts").op("MATCH")(fts_match(query))
        )
    else:
        statement = statement.select_from(VersionSearch).where(*postgresql_match(query))
    if user_id is not None:
        follows = exists().where(
            Subscription.article_id == Version.article_id, Subscription.user_id == user_id
        )
        if where.tag:  # tags are stored as a JSON list; its text holds the tag as json.dumps writes it
            follows = follows.where(
                cast(Subscription.tags, Text).like(
                    contains_pattern(json.dumps(where.tag.lower())), escape="/"
                )
            )
        statement = statement.where(follows)
    if where.site:
        site = where.site.strip().lower().removeprefix("www.")
        statement = statement.join(Article, Article.id == Version.article_id).where(
            Article.host.in_([site, f"www.{site}"])
        )
    if where.since is not None:
        statement = statement.where(Version.observed_at >= where.since)
    return statement


def fts_match(query: Query) -> str:
    """Return the FTS5 query: every padded word, as a phrase, in the searched column."""
    column_name = TERMS[query.field].key
    return " AND ".join(f'{column_name} : "{pattern}"' for pattern in query.patterns)


def postgresql_match(query: Query) -> list[ColumnElement[bool]]:
    """Return the condition: the tsvector holds every word, the parts of one word side by side (a
    phrase: "o brien", "美 国"). The GIN index finds them; no LIKE on the text, which PostgreSQL
    would have to read (and decompress) for every candidate, and whose selectivity it cannot
    estimate, so that a common word's plan read every matching row instead of the newest 50."""
    terms = TERMS[query.field]
    # The tsvector column beside the terms: generated by the database (migration 0011), not a model column.
    vector: ColumnElement[Any] = literal_column(f"version_search.{terms.key}_tsv")
    phrases = [func.phraseto_tsquery(SIMPLE, word) for word in query.words]
    every_word: ColumnElement[Any] = phrases[0]
    for phrase in phrases[1:]:
        every_word = every_word.op("&&")(phrase)
    return [vector.op("@@")(every_word)]


def search_hits(session: Session, ids: list[int], query: Query) -> list[SearchHit]:
    """Return the hits for these version ids, in their order, with snippets."""
    if not ids:
        return []
    rows = session.execute(
        select(
            Version.id,
            Version.article_id,
            Version.number,
            Version.observed_at,
            Version.title,
            Version.byline,
            Version.paragraphs,
            Article.title.label("article_title"),
            VersionSearch.added,
            VersionSearch.removed,
        )
        .join(Article, Article.id == Version.article_id)
        .join(VersionSearch, VersionSearch.version_id == Version.id)
        .where(Version.id.in_(ids))
    )
    by_id = {row.id: row for row in rows}
    return [search_hit(by_id[version_id], query) for version_id in ids if version_id in by_id]


def search_hit(row: Any, query: Query) -> SearchHit:
    if query.field == "text":
        pieces = [piece for piece in (row.title, row.byline) if piece] + list(row.paragraphs or ())
    else:
        pieces = (row.added if query.field == "added" else row.removed).split("\n")
    return SearchHit(
        article_id=row.article_id,
        article_title=row.article_title,
        version=row.number,
        field=query.field,
        observed_at=row.observed_at,
        snippet=snippet(pieces, query),
    )
