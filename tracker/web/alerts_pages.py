"""Pages for alerts: a user's webhooks and channels, each with its delivery log and buttons."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker.errors import TrackerError
from tracker.models import Webhook
from tracker.runtime import make_deliverer
from tracker.services import alerts
from tracker.web.context import get_session, now, runtime
from tracker.web.forms import ActionForm, EndpointForm
from tracker.web.nostore import no_store
from tracker.webhooks import check_channel

bp = Blueprint("alerts_pages", __name__, url_prefix="/alerts")


@bp.route("/", methods=["GET", "POST"])
@no_store
@login_required
def index() -> str:
    session = get_session()
    form, secret, created = EndpointForm(), None, None
    if form.validate_on_submit():
        kind = "webhook" if (form.url.data or "").startswith(("http://", "https://")) else "apprise"
        run = runtime()
        try:
            created, secret = alerts.create_endpoint(
                session,
                current_user.id,
                form.filters(),
                kind=kind,
                now=now(),
                allow_private=run.settings.allow_private_networks,
                check_channel=lambda url: check_channel(url, run.guard),
            )
        except TrackerError as error:  # shown by the field it names (bad_timezone: timezone), else by the URL
            target = form._fields.get(error.code.removeprefix("bad_"), form.url)
            target.errors = [error.message]
        else:
            session.commit()
            form = EndpointForm(formdata=None)
    return render_template(
        "alerts.html",
        form=form,
        secret=secret,
        created=created,
        webhooks=alerts.list_endpoints(session, current_user.id, "webhook"),
        channels=alerts.list_endpoints(session, current_user.id, "apprise"),
    )


@bp.get("/<int:webhook_id>")
@login_required
def endpoint(webhook_id: int) -> str:
    return render_endpoint(owned(webhook_id), secret=None)


def render_endpoint(webhook: Webhook, secret: str | None) -> str:
    """The endpoint's page with its delivery log; a new secret is shown on it once."""
    return render_template(
        "alert.html",
        webhook=webhook,
        action=ActionForm(),
        secret=secret,
        deliveries=alerts.list_deliveries(get_session(), webhook.id, limit=100),
    )


@bp.post("/<int:webhook_id>/<any(ping, enable, disable, rotate, delete):what>")
@no_store  # rotate shows the new secret
@login_required
def act(webhook_id: int, what: str) -> Response | str:
    if not ActionForm().validate_on_submit():
        abort(400)
    session = get_session()
    webhook = owned(webhook_id)
    secret = None
    if what == "ping":
        delivery = alerts.ping(session, webhook, now=now())
        session.commit()
        make_deliverer(runtime()).deliver_one(delivery.id)
        flash("Test ping sent; its result is at the top of the log.")
    elif what in ("enable", "disable"):
        alerts.apply_filters(session, webhook, {"enabled": what == "enable"}, user_id=current_user.id)
        flash(f"{'Enabled' if what == 'enable' else 'Disabled'}.")
    elif what == "rotate":
        secret = alerts.rotate_secret(webhook, now=now())
    else:
        session.delete(webhook)
        session.commit()
        flash("Deleted.")
        return redirect(url_for("alerts_pages.index"))
    session.commit()
    if secret:  # shown once, on this page only
        return render_endpoint(webhook, secret)
    return redirect(url_for("alerts_pages.endpoint", webhook_id=webhook_id))


@bp.post("/<int:webhook_id>/deliveries/<int:delivery_id>/retry")
@login_required
def retry(webhook_id: int, delivery_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    session = get_session()
    delivery = alerts.redeliver(session, owned(webhook_id), delivery_id, now=now())
    session.commit()
    make_deliverer(runtime()).deliver_one(delivery.id)
    flash("Sent again.")
    return redirect(url_for("alerts_pages.endpoint", webhook_id=webhook_id))


def owned(webhook_id: int) -> Webhook:
    """Return the signed-in user's endpoint (webhook or channel); 404 for anyone else's."""
    return alerts.get_endpoint(get_session(), current_user.id, webhook_id)
