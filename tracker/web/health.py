"""Health checks for load balancers and orchestrators: /healthz (the process answers) and /readyz
(the database answers, and the scheduler ticks when this process runs one). Both are JSON, need no
sign-in and skip the first-run /setup redirect."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Protocol

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from tracker.web.context import runtime

logger = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """Answer 200 while the process serves requests; touches nothing else (no database)."""
    return no_store(jsonify(status="ok"))


class Ticking(Protocol):
    """The scheduler the run command starts in this process (tracker.engine.worker.Ticker)."""

    ticked_at: float  # time.monotonic() of the last tick


@dataclass(frozen=True, slots=True)
class SchedulerState:
    """Whether this process runs the scheduler and, if it does, how long ago it last ticked."""

    here: bool
    last_tick_age: float | None = None  # seconds
    tick_seconds: int = 0

    @property
    def stalled(self) -> bool:
        return self.last_tick_age is not None and self.last_tick_age > 2 * self.tick_seconds

    def payload(self) -> dict[str, object]:
        if not self.here:
            return {"state": "not_in_this_process"}
        return {
            "state": "stalled" if self.stalled else "ticking",
            "last_tick_seconds_ago": round(self.last_tick_age or 0.0, 1),
            "tick_seconds": self.tick_seconds,
        }


def scheduler_state() -> SchedulerState:
    """Return the state of the scheduler in this process (the run command's), if there is one."""
    ticker: Ticking | None = current_app.extensions.get("tracker_scheduler")
    if ticker is None:  # flask run, gunicorn, TRACKER_SCHEDULER=off: workers check elsewhere
        return SchedulerState(here=False)
    age = time.monotonic() - ticker.ticked_at
    return SchedulerState(here=True, last_tick_age=age, tick_seconds=runtime().settings.tick_seconds)


@bp.get("/readyz")
def readyz() -> Response | tuple[Response, int]:
    """Answer 200 when the database runs `SELECT 1` through the app's engine and the scheduler of this
    process (if it runs one) ticked within two intervals; else 503."""
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
    scheduler = scheduler_state()
    if scheduler.stalled:
        logger.warning(
            "readiness check failed: the scheduler has not ticked for %.0f s", scheduler.last_tick_age
        )
        message = (
            f"the scheduler has not ticked for {scheduler.last_tick_age:.0f} s "
            f"(it ticks every {scheduler.tick_seconds} s)"
        )
        body = jsonify(
            status="unavailable",
            scheduler=scheduler.payload(),
            error={"code": "scheduler_stalled", "message": message},
        )
        return no_store(body), 503
    return no_store(jsonify(status="ready", scheduler=scheduler.payload()))


def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
