"""The one place errors become HTTP answers: JSON under /api/, a page elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from tracker.errors import AuthRequired, Conflict, Forbidden, InvalidInput, NotFound, TrackerError

logger = logging.getLogger(__name__)
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


def unexpected_error(error: Exception) -> tuple[Response | str, int]:
    logger.exception("unexpected error on %s %s", request.method, request.path)
    return answer(500, "internal_error", "something went wrong on our side; it has been logged")


def wants_json() -> bool:
    return request.path.startswith("/api/")


def answer(status: int, code: str, message: str) -> tuple[Response | str, int]:
    if wants_json():
        return jsonify(error={"code": code, "message": message}), status
    return render_template("error.html", status=status, code=code, message=message), status
