"""Fixtures of the fault suite: the test's own way to its database, around whatever the test breaks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from tracker.adapters.db import make_engine, make_sessions


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """The test's own engine on its database, straight to the server (never through a test's proxy)."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker:
    return make_sessions(engine)
