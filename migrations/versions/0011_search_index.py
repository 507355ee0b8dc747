"""search across every version

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from __future__ import annotations

from dataclasses import asdict

import sqlalchemy as sa
from alembic import op

from tracker.domain.diff import EMPTY, ArticleText, diff_articles
from tracker.domain.searchtext import document

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BATCH = 500
TERMS_COLUMNS = ("terms", "added_terms", "removed_terms")
# SQLite: an FTS5 index over the table's terms columns (external content: the text is stored once),
# kept in step by triggers, so that whatever writes version_search (a check, copy-db) indexes it.
SQLITE_INDEX = (
    "CREATE VIRTUAL TABLE version_search_fts USING fts5(terms, added_terms, removed_terms, "
    "content='version_search', content_rowid='version_id', tokenize='trigram')",
    "CREATE TRIGGER version_search_fts_insert AFTER INSERT ON version_search BEGIN "
    "INSERT INTO version_search_fts(rowid, terms, added_terms, removed_terms) "
    "VALUES (new.version_id, new.terms, new.added_terms, new.removed_terms); END",
    "CREATE TRIGGER version_search_fts_delete AFTER DELETE ON version_search BEGIN "
    "INSERT INTO version_search_fts(version_search_fts, rowid, terms, added_terms, removed_terms) "
    "VALUES ('delete', old.version_id, old.terms, old.added_terms, old.removed_terms); END",
    "CREATE TRIGGER version_search_fts_update AFTER UPDATE ON version_search BEGIN "
    "INSERT INTO version_search_fts(version_search_fts, rowid, terms, added_terms, removed_terms) "
    "VALUES ('delete', old.version_id, old.terms, old.added_terms, old.removed_terms); "
    "INSERT INTO version_search_fts(rowid, terms, added_terms, removed_terms) "
    "VALUES (new.version_id, new.terms, new.added_terms, new.removed_terms); END",
)
VERSIONS = sa.table(
    "versions",
    sa.column("id", sa.Integer),
    sa.column("article_id", sa.Integer),
    sa.column("number", sa.Integer),
    sa.column("title", sa.Text),
    sa.column("byline", sa.Text),
    sa.column("paragraphs", sa.JSON),
    sa.column("baseline", sa.Boolean),
)


def upgrade() -> None:
    op.create_table(
        "version_search",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("added_terms", sa.Text(), nullable=False),
        sa.Column("removed_terms", sa.Text(), nullable=False),
        sa.Column("added", sa.Text(), nullable=False),
        sa.Column("removed", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("version_id"),
    )
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_INDEX:
            op.execute(statement)
    else:
        for name in TERMS_COLUMNS:
            # Stored, not an index expression alone: a plan that walks the newest versions first
            # tests each row with @@, and recomputing to_tsvector there cost 0.1 ms and more a row.
            op.execute(
                f"ALTER TABLE version_search ADD COLUMN {name}_tsv tsvector "
                f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {name})) STORED"
            )
            op.execute(f"CREATE INDEX version_search_{name}_gin ON version_search USING gin ({name}_tsv)")
    index_existing_versions(op.get_bind())


def index_existing_versions(connection: sa.Connection) -> None:
    """Write the search row of every version stored before: its text, and what its diff from the
    version before added and removed (the same diff the check computed when it stored it)."""
    table = sa.table(
        "version_search", *(sa.column(name) for name in ("version_id", *TERMS_COLUMNS, "added", "removed"))
    )
    rows: list[dict[str, object]] = []
    previous: tuple[int, ArticleText] | None = None
    # Streamed (a server-side cursor on PostgreSQL): the versions' text need not fit in memory.
    statement = sa.select(VERSIONS).order_by(VERSIONS.c.article_id, VERSIONS.c.number)
    for version in connection.execute(statement.execution_options(yield_per=BATCH)):
        text = ArticleText(
            title=version.title, byline=version.byline, paragraphs=tuple(version.paragraphs or ())
        )
        before = previous[1] if previous and previous[0] == version.article_id else EMPTY
        edited = version.number > 1 and not version.baseline and before is not EMPTY
        found = document(text, diff_articles(before, text) if edited else None)
        rows.append({"version_id": version.id, **asdict(found)})
        previous = (version.article_id, text)
        if len(rows) >= BATCH:
            connection.execute(table.insert(), rows)
            rows = []
    if rows:
        connection.execute(table.insert(), rows)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER version_search_fts_{trigger}")
        op.execute("DROP TABLE version_search_fts")
    op.drop_table("version_search")
