"""What views share within a request: the runtime, the database session, the clock."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, g
from sqlalchemy.orm import Session

from tracker.runtime import Runtime


def runtime() -> Runtime:
    """Return this app's shared runtime (engine, sessions, fetcher, settings)."""
    return current_app.extensions["tracker"]


def get_session() -> Session:
    """Return the request's database session; a view that changes data commits it once."""
    if "db_session" not in g:
        g.db_session = runtime().sessions()
    return g.db_session


def close_session(_error: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def now() -> datetime:
    return runtime().checking.clock()
