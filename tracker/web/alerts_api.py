"""The API for alerts: webhooks (signed JSON) and channels (Apprise URLs), their deliveries, pings."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from tracker.adapters.webhooks import check_channel
from tracker.domain.vocabulary import EndpointKind
from tracker.engine.deliverer import make_deliverer
from tracker.services import alerts
from tracker.services.payloads import (
    NewWebhookPayload,
    delivery_payload,
    endpoint_payload,
    secret_rotation_payload,
)
from tracker.web.api import authenticate, require_account
from tracker.web.bodies import ChannelInput, EndpointChanges, WebhookInput, json_body
from tracker.web.context import get_session, now, runtime
from tracker.web.nostore import no_store
from tracker.web.params import int_arg, limit_arg

bp = Blueprint("alerts_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)
COLLECTION = "<any(webhooks, channels):collection>"
KIND: dict[str, EndpointKind] = {"webhooks": "webhook", "channels": "apprise"}
NEW = {"webhooks": WebhookInput, "channels": ChannelInput}


@bp.post(f"/{COLLECTION}")
@no_store  # a new webhook's secret
def create_endpoint(collection: str) -> tuple[Response, int]:
    account = require_account()
    session = get_session()
    run = runtime()
    webhook, secret = alerts.create_endpoint(
        session,
        account.id,
        dict(json_body(NEW[collection])),
        kind=KIND[collection],
        allow_private=run.settings.allow_private_networks,
        now=now(),
        check_channel=lambda url: check_channel(url, run.guard),
    )
    session.commit()
    body = endpoint_payload(webhook, collection=collection)
    if secret is None:
        return jsonify(body), 201
    return jsonify(NewWebhookPayload(**body, secret=secret)), 201  # shown once: only its holder verifies


@bp.get(f"/{COLLECTION}")
def list_endpoints(collection: str) -> Response:
    account = require_account()
    rows = alerts.list_endpoints(get_session(), account.id, KIND[collection])
    return jsonify(items=[endpoint_payload(row, collection=collection) for row in rows], next=None)


@bp.get(f"/{COLLECTION}/<int:webhook_id>")
def get_endpoint(collection: str, webhook_id: int) -> Response:
    webhook = alerts.get_endpoint(get_session(), require_account().id, webhook_id, KIND[collection])
    return jsonify(endpoint_payload(webhook, collection=collection))


@bp.patch(f"/{COLLECTION}/<int:webhook_id>")
def update_endpoint(collection: str, webhook_id: int) -> Response:
    account = require_account()
    session = get_session()
    webhook = alerts.get_endpoint(session, account.id, webhook_id, KIND[collection])
    alerts.change_endpoint(session, webhook, dict(json_body(EndpointChanges)), user_id=account.id, now=now())
    session.commit()
    return jsonify(endpoint_payload(webhook, collection=collection))


@bp.delete(f"/{COLLECTION}/<int:webhook_id>")
def delete_endpoint(collection: str, webhook_id: int) -> tuple[str, int]:
    session = get_session()
    session.delete(alerts.get_endpoint(session, require_account().id, webhook_id, KIND[collection]))
    session.commit()
    return "", 204


@bp.post("/webhooks/<int:webhook_id>/rotate-secret")
@no_store
def rotate_secret(webhook_id: int) -> Response:
    session = get_session()
    webhook = alerts.get_endpoint(session, require_account().id, webhook_id, "webhook")
    secret = alerts.rotate_secret(webhook, now=now())
    session.commit()
    return jsonify(secret_rotation_payload(secret, webhook))


@bp.get(f"/{COLLECTION}/<int:webhook_id>/deliveries")
def list_deliveries(collection: str, webhook_id: int) -> Response:
    session = get_session()
    webhook = alerts.get_endpoint(session, require_account().id, webhook_id, KIND[collection])
    limit = limit_arg()
    rows = alerts.list_deliveries(session, webhook.id, before=int_arg("cursor"), limit=limit + 1)
    return jsonify(
        items=[delivery_payload(delivery, event) for delivery, event in rows[:limit]],
        next=str(rows[limit - 1][0].id) if len(rows) > limit else None,
    )


@bp.post(f"/{COLLECTION}/<int:webhook_id>/deliveries/<int:delivery_id>/retry")
def retry_delivery(collection: str, webhook_id: int, delivery_id: int) -> Response:
    session = get_session()
    webhook = alerts.get_endpoint(session, require_account().id, webhook_id, KIND[collection])
    delivery = alerts.redeliver(session, webhook, delivery_id, now=now())
    session.commit()
    return sent_now(webhook.id, delivery.id)


@bp.post(f"/{COLLECTION}/<int:webhook_id>/ping")
def ping(collection: str, webhook_id: int) -> Response:
    session = get_session()
    webhook = alerts.get_endpoint(session, require_account().id, webhook_id, KIND[collection])
    delivery = alerts.ping(session, webhook, now=now())
    session.commit()
    return sent_now(webhook.id, delivery.id)


def sent_now(webhook_id: int, delivery_id: int) -> Response:
    """Send the delivery in this request and answer with what happened."""
    make_deliverer(runtime()).deliver_one(delivery_id)
    session = get_session()
    session.expire_all()
    delivery, event = alerts.get_delivery(session, webhook_id, delivery_id)
    return jsonify(delivery_payload(delivery, event))
