"""Moving an installation from its embedded SQLite database to PostgreSQL: every table, every row."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, func, select, text

from tracker.adapters.db import Base
from tracker.domain.errors import Conflict

CHUNK = 500


def row_counts(engine: Engine) -> dict[str, int]:
    """Return the number of rows of every table."""
    with engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def copy_database(
    source: Engine, target: Engine, *, progress: Callable[[int], None] = lambda _rows: None
) -> None:
    """Copy every row of source into target (migrated, empty), keeping ids; raise Conflict if not empty."""
    if any(row_counts(target).values()):
        raise Conflict(
            "the target database already holds data; copy into an empty, migrated database",
            code="target_not_empty",
        )
    with source.connect() as reading, target.begin() as writing:
        for table in Base.metadata.sorted_tables:  # parents before children, for the foreign keys
            rows = reading.execution_options(yield_per=CHUNK).execute(
                select(table).order_by(*table.primary_key)
            )
            for chunk in rows.mappings().partitions(CHUNK):
                writing.execute(table.insert(), [dict(row) for row in chunk])
                progress(len(chunk))
        if target.dialect.name == "postgresql":
            # ids were copied: move each sequence past them (tables keyed by another table's id have none)
            for table in (table for table in Base.metadata.sorted_tables if "id" in table.c):
                writing.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                    )
                )
