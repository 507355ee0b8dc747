"""Health checks for load balancers and orchestrators: /healthz (the process answers) and /readyz
(the database answers). Both are JSON, need no sign-in and skip the first-run /setup redirect."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from tracker.web.context import runtime

logger = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """Answer 200 while the process serves requests; touches nothing else (no database)."""
    return no_store(jsonify(status="ok"))


@bp.get("/readyz")
def readyz() -> Response | tuple[Response, int]:
    """Answer 200 when the database runs `SELECT 1` through the app's engine, else 503."""
    try:
        with runtime().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        # The detail (host, port, driver message) goes to the log, not to whoever asks.
        logger.warning("readiness check failed: the database is not reachable: %s", exc)
        body = jsonify(
            status="unavailable",
            error={"code": "database_unavailable", "message": "the database is not reachable; see the log"},
        )
        return no_store(body), 503
    return no_store(jsonify(status="ready"))


def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
