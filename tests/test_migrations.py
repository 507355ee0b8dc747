"""Migrations build the schema the models describe, on SQLite and PostgreSQL, and undo cleanly."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from tests.conftest import POSTGRES
from tracker.adapters import db


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    schema = f"migrate_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def table_names(url: str) -> set[str]:
    engine = db.make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_matches_the_models_and_downgrade_removes_everything(empty_database: str):
    cfg = db.alembic_config(empty_database)
    command.upgrade(cfg, "head")
    assert {"articles", "versions", "checks", "users", "api_tokens", "subscriptions", "sites"} <= table_names(
        empty_database
    )
    command.check(cfg)  # raises when the models and the migrated schema differ
    command.downgrade(cfg, "base")
    assert table_names(empty_database) <= {"alembic_version"}
    command.upgrade(cfg, "head")
    command.check(cfg)
