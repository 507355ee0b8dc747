"""PostgreSQL connections are checked before use only after sitting idle, and dead ones replaced."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text

from tracker.adapters import db

pytestmark = pytest.mark.postgresql


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    engine = db.make_engine(postgres_url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


@pytest.fixture
def pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the pings of the engine's connections."""
    counted: list[int] = []
    ping = engine.dialect.do_ping

    def counting_ping(dbapi_connection: object) -> bool:
        counted.append(1)
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counting_ping)
    return counted


def backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_a_connection_in_steady_use_is_not_pinged(engine: Engine, pings: list[int]):
    first = backend_pid(engine)
    assert [backend_pid(engine) for _ in range(5)] == [first] * 5
    assert pings == []


def test_a_connection_idle_past_the_limit_is_pinged_first(
    engine: Engine, pings: list[int], monkeypatch: pytest.MonkeyPatch
):
    backend_pid(engine)
    monkeypatch.setattr(db, "IDLE_BEFORE_PING", 0.0)
    backend_pid(engine)
    assert pings == [1]


def test_a_dead_idle_connection_is_replaced_before_use(
    engine: Engine, postgres_url: str, monkeypatch: pytest.MonkeyPatch
):
    killed = backend_pid(engine)
    admin = create_engine(postgres_url)
    with admin.begin() as connection:  # as a database restart would, while the connection sits in the pool
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": killed})
    admin.dispose()
    monkeypatch.setattr(db, "IDLE_BEFORE_PING", 0.0)
    assert backend_pid(engine) != killed  # the request that comes next does not fail
