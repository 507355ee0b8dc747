"""The admin status page: what /metrics and the heartbeats say, for people; and the switch of
public reading, which admins change here at run time."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from tracker.services import sitesettings
from tracker.services.heartbeats import heartbeats
from tracker.services.status import checks_by_outcome, errors_by_site, queue_figures
from tracker.web import access
from tracker.web.context import get_session, now, runtime
from tracker.web.forms import ActionForm
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
        public_read=access.is_public(),
        action=ActionForm(),
    )


@bp.post("/admin/public-read")
def switch_public_read() -> Response:
    """Turn public reading on (`on=1`) or off for every web process; the form carries a CSRF token."""
    admin = access.ensure_admin(account())
    if not ActionForm().validate_on_submit():
        abort(400)
    on = request.form.get("on") == "1"
    session = get_session()
    sitesettings.set_public_read(session, on, user_id=admin.id, now=now())
    session.commit()
    flash(PUBLIC_READ_DONE[on])
    return redirect(url_for("admin_status.status"))


PUBLIC_READ_DONE = {
    True: "Public reading is on: anyone may read articles, versions, diffs, changes and their feeds.",
    False: "Public reading is off: visitors who are not signed in see only the sign-in page.",
}
