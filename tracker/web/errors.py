"""The one place errors become HTTP answers: JSON under /api/, a page elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from tracker.adapters.db import outage_code
from tracker.domain.errors import AuthRequired, Conflict, Forbidden, InvalidInput, NotFound, TrackerError

logger = logging.getLogger(__name__)
UNAVAILABLE_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>503 unavailable</title></head>'
    "<body><h1>503</h1><p>{message}</p></body></html>"
)
STATUS: dict[type[TrackerError], int] = {
    InvalidInput: 400,
    AuthRequired: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
}


def init_app(app: Flask) -> None:
    app.register_error_handler(TrackerError, tracker_error)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(OperationalError, database_error)
    app.register_error_handler(Exception, unexpected_error)


def status_of(error: TrackerError) -> int:
    return next((status for kind, status in STATUS.items() if isinstance(error, kind)), 400)


def tracker_error(error: TrackerError) -> Response | tuple[Response | str, int]:
    if isinstance(error, AuthRequired) and not wants_json():
        return redirect(url_for("auth.login", next=request.full_path))
    return answer(status_of(error), error.code, error.message)


def csrf_error(error: CSRFError) -> tuple[Response | str, int]:
    return answer(
        400, "csrf_failed", "the form has expired or was sent from elsewhere; reload the page and try again"
    )


def http_error(error: HTTPException) -> tuple[Response | str, int]:
    status = error.code or 500
    code = (error.name or "error").lower().replace(" ", "_")
    return answer(status, code, error.description or error.name)


def database_error(error: OperationalError) -> tuple[Response | str, int, dict[str, str]]:
    """503 while the database is away or full: a plain page, since the site's layout asks the
    database who is signed in; the detail (host, driver message) goes to the log only."""
    code = outage_code(error)
    logger.error("%s on %s %s: %s", code, request.method, request.path, error.orig)
    message = "the database is unavailable; try again in a moment"
    retry = {"Retry-After": "5"}
    if wants_json():
        return jsonify(error={"code": code, "message": message}), 503, retry
    return UNAVAILABLE_PAGE.format(message=message), 503, retry


def unexpected_error(error: Exception) -> tuple[Response | str, int]:
    logger.exception("unexpected error on %s %s", request.method, request.path)
    return answer(500, "internal_error", "something went wrong on our side; it has been logged")


def wants_json() -> bool:
    return request.path.startswith("/api/")


def answer(status: int, code: str, message: str) -> tuple[Response | str, int]:
    if wants_json():
        return jsonify(error={"code": code, "message": message}), status
    return render_template("error.html", status=status, code=code, message=message), status
