"""Fixtures: real databases built by the real migrations (SQLite and PostgreSQL), a real page server."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

import tracker.adapters.models  # noqa: F401  (registers every table)
from tests.factories import make_test_app
from tests.pageserver import PageServer, Reply
from tracker.adapters import db
from tracker.adapters.db import Base
from tracker.engine.runtime import Runtime

# A developer's own TRACKER_* settings must not change what the tests see.
for _name in [name for name in os.environ if name.startswith("TRACKER_")]:
    del os.environ[_name]
# Tests never reach a real web archive: no backfill unless a test names its own fake archive (inherited
# by every command a test starts).
os.environ["TRACKER_ARCHIVES"] = ""

POSTGRES = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DATA = Path(__file__).parent / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots", action="store_true", help="also write the diff page screenshots to docs/screenshots/"
    )


@pytest.fixture
def screenshot_dirs(request: pytest.FixtureRequest, tmp_path: Path) -> list[Path]:
    """Where browser tests save screenshots: the test's temporary folder, and docs/ when asked."""
    folders = [tmp_path]
    if request.config.getoption("--screenshots"):
        folders.append(Path(__file__).resolve().parent.parent / "docs" / "screenshots")
    return folders


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per session; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "tracker.sqlite"
    db.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh schema in the `test` database, migrated once per session, dropped at the end."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{POSTGRES}?options=-csearch_path%3D{schema}"
    db.upgrade(url)
    yield url
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty, migrated database: a SQLite copy, or the session's PostgreSQL schema."""
    if request.param == "sqlite":
        path = tmp_path / "tracker.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = make_test_app(database_url)
    app.config["TESTING"] = True
    yield app
    app.extensions["tracker"].engine.dispose()


@pytest.fixture
def runtime(app: Flask) -> Runtime:
    return app.extensions["tracker"]


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def site() -> Iterator[PageServer]:
    server = PageServer()
    yield server
    server.close()


@pytest.fixture
def consumer() -> Iterator[PageServer]:
    """A local webhook consumer: answers POST /hook with 200 and keeps what it was sent."""
    server = PageServer()
    server.routes["/hook"] = Reply(b"thanks", content_type="text/plain")
    yield server
    server.close()


@pytest.fixture
def muo() -> dict[str, str]:
    """The MUO example pages (v1, v1-noise, v2) as text."""
    folder = DATA / "muo-parler"
    return {name: (folder / f"{name}.html").read_text(encoding="utf-8") for name in ("v1", "v1-noise", "v2")}
