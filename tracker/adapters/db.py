"""Database plumbing: the declarative base, UTC timestamps, engines, sessions and migrations."""

from __future__ import annotations

import functools
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, text
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.orm import DeclarativeBase, sessionmaker
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
IDLE_BEFORE_PING = 1.0  # seconds a pooled PostgreSQL connection may sit unused before it is checked


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    # Named constraints, so migrations can drop and alter them on every database.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


def database_url(url: str) -> str:
    """Return the URL with plain postgresql:// read as psycopg 3."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def is_sqlite(url: str) -> bool:
    return make_url(database_url(url)).get_backend_name() == "sqlite"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Return an engine; SQLite gets WAL, foreign keys and a busy timeout so threads can share it."""
    url = database_url(url)
    # Error messages (which end in logs) leave out the statement's values: webhook secrets, feed keys.
    kwargs = {"hide_parameters": True, "json_deserializer": loads_json, **kwargs}
    if not is_sqlite(url):
        engine = create_engine(url, **kwargs)
        event.listen(engine.pool, "checkin", note_checkin)
        event.listen(engine.pool, "checkout", functools.partial(ping_if_idle, engine.dialect))
        return engine
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
    event.listen(engine, "connect", sqlite_pragmas)
    return engine


def loads_json(text: str | bytes) -> Any:
    """Parse a JSON column with orjson, several times faster than json (lists read hundreds of tag
    lists, pages thousands of paragraphs); what orjson refuses but json reads (NaN, the escape of a
    lone surrogate) still reads. orjson reads integers past 64 bits as floats: inputs that reach
    JSON columns are capped at MAX_ID instead."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def note_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info["checked_in_at"] = time.monotonic()


def ping_if_idle(dialect: Dialect, dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Ping a pooled connection that sat idle before it is used; if it is dead (a restarted database
    or a cut link), discard the whole pool, as pool_pre_ping does, and hand out a new connection.
    A connection used within the last second is not pinged: a ping per request was one of an API
    read's five round trips. The price: when the database restarts under steady load, requests on
    connections used in that last second fail once (503), and their disconnect errors make
    SQLAlchemy discard the pool; the requests after them reconnect."""
    checked_in_at = record.info.get("checked_in_at")  # none yet: a new connection, alive
    if checked_in_at is None or time.monotonic() - checked_in_at < IDLE_BEFORE_PING:
        return
    try:
        dialect.do_ping(dbapi_connection)
    except dialect.loaded_dbapi.Error as error:
        dead = DisconnectionError(str(error))
        dead.invalidate_pool = True
        raise dead from error


def outage_code(error: DBAPIError) -> str:
    """Return `storage_full` when the database has no room left (SQLite's SQLITE_FULL, PostgreSQL's
    disk_full), else `database_unavailable`: the code logs and error answers give a database failure."""
    orig = error.orig
    if getattr(orig, "sqlite_errorname", None) == "SQLITE_FULL" or getattr(orig, "sqlstate", None) == "53100":
        return "storage_full"
    return "database_unavailable"


def sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_sessions(engine: Engine) -> sessionmaker:
    """Return the session factory used by requests, commands and jobs."""
    return sessionmaker(engine, expire_on_commit=False)


# Alembic (some 50 modules) is imported inside the functions that migrate: every command loads this
# module, and only `db ...` commands and a database older than the code need it.


def alembic_config(url: str) -> AlembicConfig:
    """Return an Alembic configuration for our migrations against url (no alembic.ini needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", database_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to revision."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    """Undo migrations down to revision (`base` undoes all)."""
    from alembic import command

    command.downgrade(alembic_config(url), revision)


def write_revision(url: str, message: str) -> None:
    """Write a new migration from the difference between the models and the database, numbered
    after the latest (`NNNN_what.py`, revision "NNNN"), as head_revision reads them."""
    from alembic import command

    command.revision(
        alembic_config(url), message=message, autogenerate=True, rev_id=f"{int(head_revision()) + 1:04d}"
    )


def head_revision() -> str:
    """Return the latest migration's revision, known without Alembic: each file in migrations/versions
    is named for its revision, `NNNN_what.py` (tests/test_startup.py holds this to Alembic's head)."""
    return max(path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def current_revision(engine: Engine) -> str | None:
    """Return the database's migration revision; None before the first migration."""
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError:  # no such table: a new database
            return None


def upgrade_if_embedded(engine: Engine) -> None:
    """Bring an embedded SQLite database to the latest migration; PostgreSQL is left to `db upgrade`.
    A database already there costs one query, and Alembic is not imported."""
    if engine.dialect.name == "sqlite" and current_revision(engine) != head_revision():
        upgrade(engine.url.render_as_string(hide_password=False))
