"""Alembic environment: runs our migrations against the URL tracker.adapters.db.alembic_config gives."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import config as settings
import tracker.adapters.models  # noqa: F401  (registers the tables on Base.metadata)
from tracker.adapters.db import Base, database_url, make_engine

target_metadata = Base.metadata
# The search index's own structures differ by database (SQLite's FTS5 tables; PostgreSQL's generated
# tsvector columns and their GIN indexes) and are made by migration 0011 alone: the models hold only
# the plain columns of version_search.
SEARCH_INDEX_PREFIX = "version_search_"


def include_name(name: str | None, type_: str, parent_names: dict[str, str | None]) -> bool:
    if type_ == "column" and parent_names.get("table_name") == "version_search":
        return not (name or "").endswith("_tsv")
    return not (name or "").startswith(SEARCH_INDEX_PREFIX)


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or settings.load().database_url
    engine = make_engine(database_url(url))
    with engine.connect() as connection:
        run_migrations(connection)
    engine.dispose()


main()
