"""/metrics: the Prometheus text format, with no sign-in (like /healthz); TRACKER_METRICS=off removes it.

The counters are this process's (or, with PROMETHEUS_MULTIPROC_DIR, every gunicorn worker's added
up); the queue gauges are read from the database at scrape time.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError

from tracker.adapters.metrics import QueueFigures, process_registry, queue_registry
from tracker.services.status import queue_figures
from tracker.web.context import now, runtime
from tracker.web.health import no_store

logger = logging.getLogger(__name__)
bp = Blueprint("prometheus", __name__)


@bp.get("/metrics")
def metrics() -> Response:
    """Answer the process's counters and the database's queue gauges in Prometheus text format."""
    if not runtime().settings.metrics:
        abort(404)
    body = generate_latest(process_registry()) + generate_latest(queue_registry(read_queue))
    return no_store(Response(body, mimetype=CONTENT_TYPE_LATEST))


def read_queue() -> QueueFigures | None:
    """Return the queue figures, or None when the database does not answer (tracker_database_up 0)."""
    try:
        with runtime().sessions() as session:
            return queue_figures(session, now=now())
    except SQLAlchemyError as exc:
        logger.warning("metrics: the database is not reachable: %s", exc)
        return None
