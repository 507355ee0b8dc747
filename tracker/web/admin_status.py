"""The admin status page: what /metrics and the heartbeats say, for people."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template

from tracker.services.heartbeats import heartbeats
from tracker.services.status import checks_by_outcome, errors_by_site, queue_figures
from tracker.web import access
from tracker.web.context import get_session, now, runtime
from tracker.web.health import scheduler_state
from tracker.web.pages import account

bp = Blueprint("admin_status", __name__)
OUTCOMES = ("first", "changed", "unchanged", "not_modified", "error")


@bp.get("/admin/status")
def status() -> str:
    """Show checks of the last hour, the queue, deliveries, workers, the scheduler and failing sites."""
    access.ensure_admin(account())
    session, at = get_session(), now()
    checks = checks_by_outcome(session, since=at - timedelta(hours=1))
    return render_template(
        "admin_status.html",
        now=at,
        checks={outcome: checks.get(outcome, 0) for outcome in OUTCOMES} | checks,
        figures=queue_figures(session, now=at),
        workers=heartbeats(session),
        silent_after=2 * runtime().settings.tick_seconds,
        scheduler=scheduler_state(),
        errors=errors_by_site(session, since=at - timedelta(days=1)),
    )
