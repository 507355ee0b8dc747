"""Pages for alerts: a user's webhooks and channels, each with its filters, its delivery log and
buttons, and each delivery with the request it sent."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import Field

from tracker.adapters.models import Webhook
from tracker.adapters.webhooks import check_channel
from tracker.domain.digests import DEFAULT_HOUR, WEEKDAYS, channel_message
from tracker.domain.errors import TrackerError
from tracker.domain.vocabulary import EndpointKind
from tracker.engine.deliverer import make_deliverer
from tracker.services import alerts
from tracker.web.context import get_session, now, runtime
from tracker.web.forms import ActionForm, EndpointForm
from tracker.web.nostore import no_store

bp = Blueprint("alerts_pages", __name__, url_prefix="/alerts")
SENT = {
    "ping": "Test ping sent; its result is at the top of the log.",
    "sample": "Sample article.changed sent; its result is at the top of the log.",
}


@bp.route("/", methods=["GET", "POST"])
@no_store
@login_required
def index() -> str:
    session = get_session()
    form, secret, created = EndpointForm(), None, None
    if form.validate_on_submit():
        kind: EndpointKind = (
            "webhook" if (form.url.data or "").startswith(("http://", "https://")) else "apprise"
        )
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
        except TrackerError as error:
            show_error(form, error, form.url)
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
    webhook = owned(webhook_id)
    return render_endpoint(webhook, secret=None, filters=filters_form(webhook))


def render_endpoint(webhook: Webhook, secret: str | None, filters: EndpointForm) -> str:
    """The endpoint's page with its filters and delivery log; a new secret is shown on it once."""
    return render_template(
        "alert.html",
        webhook=webhook,
        action=ActionForm(),
        filters=filters,
        secret=secret,
        deliveries=alerts.list_deliveries(get_session(), webhook.id, limit=100),
    )


@bp.post("/<int:webhook_id>/filters")
@login_required
def change_filters(webhook_id: int) -> Response | str:
    session = get_session()
    webhook = owned(webhook_id)
    form = filters_form(webhook)
    if form.validate_on_submit():
        try:
            alerts.change_endpoint(session, webhook, form.filters(), user_id=current_user.id, now=now())
        except TrackerError as error:
            session.rollback()  # the filters set before the refused one
            show_error(form, error, form.events)
        else:
            session.commit()
            flash("Filters saved.")
            return redirect(url_for("alerts_pages.endpoint", webhook_id=webhook_id))
    elif form.csrf_token.errors:
        abort(400)
    return render_endpoint(webhook, secret=None, filters=form)


def filters_form(webhook: Webhook) -> EndpointForm:
    """Return the add form filled with the endpoint's filters and schedule; the URL it carries is
    the endpoint's own, which changing the filters never changes."""
    return EndpointForm(
        data={
            "url": webhook.url,
            "events": webhook.events or [],
            "labels": webhook.labels or [],
            "min_words": webhook.min_words,
            "tags": ", ".join(webhook.tags or ()),
            "article_ids": ", ".join(map(str, webhook.article_ids or ())),
            "delivery": webhook.delivery,
            "digest_hour": str(DEFAULT_HOUR if webhook.digest_hour is None else webhook.digest_hour),
            "digest_weekday": WEEKDAYS[webhook.digest_weekday or 0],
            "timezone": webhook.timezone,
        }
    )


def show_error(form: EndpointForm, error: TrackerError, fallback: Field) -> None:
    """Show a refusal of the services by the field it names (bad_timezone: timezone), else by fallback."""
    form._fields.get(error.code.removeprefix("bad_"), fallback).errors = [error.message]


@bp.post("/<int:webhook_id>/<any(ping, sample, enable, disable, rotate, delete):what>")
@no_store  # rotate shows the new secret
@login_required
def act(webhook_id: int, what: str) -> Response | str:
    if not ActionForm().validate_on_submit():
        abort(400)
    session = get_session()
    webhook = owned(webhook_id)
    secret = None
    if what in SENT:
        if what == "ping":
            delivery = alerts.ping(session, webhook, now=now())
        else:
            base_url = runtime().checking.policy.base_url
            delivery = alerts.sample(session, webhook, base_url=base_url, now=now())
        session.commit()
        make_deliverer(runtime()).deliver_one(delivery.id)
        flash(SENT[what])
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
        return render_endpoint(webhook, secret, filters_form(webhook))
    return redirect(url_for("alerts_pages.endpoint", webhook_id=webhook_id))


@bp.get("/<int:webhook_id>/deliveries/<int:delivery_id>")
@login_required
def delivery(webhook_id: int, delivery_id: int) -> str:
    """One delivery: its outcome, and what its last attempt sent (headers and body, or a channel's text)."""
    webhook = owned(webhook_id)
    sent, event = alerts.get_delivery(get_session(), webhook.id, delivery_id)
    return render_template(
        "alert_delivery.html",
        webhook=webhook,
        delivery=sent,
        event=event,
        action=ActionForm(),
        pretty=json.dumps(json.loads(event.payload), indent=2, ensure_ascii=False),
        size=len(event.payload.encode()),
        message=channel_message(event.type, event.summary),
    )


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
