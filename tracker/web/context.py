"""What views share within a request: the runtime, the database session, the clock."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, g, request
from sqlalchemy.orm import Session

from tracker.engine.runtime import Runtime
from tracker.services import accounts


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


def request_token_owner() -> accounts.TokenOwner | None:
    """Return the owner of the request's bearer token (None without one, or for an unknown one),
    looked up once a request: the rate limits ask before the API authenticates, and it asks again."""
    if "token_owner" not in g:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        valid = scheme.lower() == "bearer" and token.strip()
        g.token_owner = accounts.token_owner(get_session(), token.strip()) if valid else None
    return g.token_owner


def now() -> datetime:
    return runtime().checking.clock()
