"""Alembic environment: runs our migrations against the URL tracker.db.alembic_config gives."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import config as settings
import tracker.models  # noqa: F401  (registers the tables on Base.metadata)
from tracker.db import Base, database_url, make_engine

target_metadata = Base.metadata


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
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
