"""The alerts pages: a webhook's filters changed in a form, each delivery's request shown as it was
received, delivery errors as a code and a sentence, and a sample article.changed sent on request."""

from __future__ import annotations

import html
import json
import re
import socket
from datetime import UTC, datetime

import jsonschema
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook as Verifier

from tests.factories import article_page, check_now, make_token, set_up_admin, sign_in, story, token_in
from tests.pageserver import PageServer, Reply
from tests.test_alerts import SCHEMA, deliverer, received
from tracker.adapters.models import Webhook
from tracker.engine.runtime import Runtime
from tracker.services import accounts


def add_webhook(client: FlaskClient, url: str, **fields: object) -> tuple[int, str]:
    """Add a webhook on the alerts page; return its id and the secret the page shows once."""
    form = client.get("/alerts/").get_data(as_text=True)
    page = client.post("/alerts/", data={"url": url, "csrf_token": token_in(form), **fields}).get_data(
        as_text=True
    )
    secret = re.search(r'value="(whsec_[^"]+)"', page)
    assert secret, page
    match = re.search(r'href="/alerts/(\d+)"', page)
    assert match
    return int(match.group(1)), secret.group(1)


def press(client: FlaskClient, webhook_id: int, what: str) -> str:
    """Press one of the endpoint page's buttons; return the page it leads to."""
    page = client.get(f"/alerts/{webhook_id}").get_data(as_text=True)
    response = client.post(f"/alerts/{webhook_id}/{what}", data={"csrf_token": token_in(page)})
    assert response.status_code == 302, response.status_code
    return client.get(f"/alerts/{webhook_id}").get_data(as_text=True)


def stored(runtime: Runtime, webhook_id: int) -> Webhook:
    with runtime.sessions() as session:
        webhook = session.get(Webhook, webhook_id)
        assert webhook is not None
        return webhook


FILTERS = {
    "events": ["article.changed", "article.failing"],
    "labels": ["numbers_changed"],
    "min_words": "5",
    "tags": "council, budget",
    "article_ids": "",
    "delivery": "daily",
    "digest_hour": "7",
    "digest_weekday": "monday",
    "timezone": "Europe/Berlin",
}


def test_the_filters_form_shows_saves_and_refuses_by_the_field(client: FlaskClient, runtime, consumer):
    set_up_admin(client)
    hook_id, _secret = add_webhook(client, consumer.url("/hook"), labels=["stealth_edit"])
    page = client.get(f"/alerts/{hook_id}").get_data(as_text=True)
    assert re.search(r'value="stealth_edit"[^>]*checked|checked[^>]*value="stealth_edit"', page)
    token = token_in(page)

    saved = client.post(f"/alerts/{hook_id}/filters", data={**FILTERS, "csrf_token": token})
    assert saved.status_code == 302
    hook = stored(runtime, hook_id)
    assert (hook.events, hook.labels, hook.min_words, hook.tags, hook.article_ids) == (
        ["article.changed", "article.failing"],
        ["numbers_changed"],
        5,
        ["council", "budget"],
        None,
    )
    assert (hook.delivery, hook.digest_hour, hook.timezone, hook.url) == (
        "daily",
        7,
        "Europe/Berlin",
        consumer.url("/hook"),
    )
    assert hook.next_digest_at is not None
    shown = client.get(f"/alerts/{hook_id}").get_data(as_text=True)
    assert "Filters saved." in shown and 'value="council, budget"' in shown

    for fields, field, words in (
        ({"timezone": "Mars/Olympus"}, "timezone", "IANA time zone"),  # refused by the services
        ({"article_ids": "3, x"}, "article_ids", "whole numbers"),
        ({"min_words": "many"}, "min_words", "integer"),  # refused by the form
    ):
        refused = client.post(
            f"/alerts/{hook_id}/filters", data={**FILTERS, "min_words": "9", **fields, "csrf_token": token}
        )
        text = refused.get_data(as_text=True)
        assert refused.status_code == 200
        assert re.search(rf'<input[^>]*aria-invalid="true"[^>]*id="{field}"', text), field
        error = re.split(r"<label|</fieldset>", text.split(f'id="{field}"', 1)[1], maxsplit=1)[0]
        assert words in html.unescape(error), (field, error)  # by its field, before the next one
        assert '<details class="edit-filters" open>' in text
        assert stored(runtime, hook_id).min_words == 5  # nothing of a refused form is saved

    forged = client.post(f"/alerts/{hook_id}/filters", data={**FILTERS, "min_words": "9"})
    assert forged.status_code == 400 and stored(runtime, hook_id).min_words == 5


def test_another_users_webhook_cannot_be_seen_or_changed(app: Flask, client: FlaskClient, runtime, consumer):
    set_up_admin(client)
    hook_id, _secret = add_webhook(client, consumer.url("/hook"))
    delivery_id = ping_id(client, hook_id)
    with runtime.sessions.begin() as session:
        accounts.create_user(session, "bob", password="correct horse", is_admin=False, now=datetime.now(UTC))
    bob = app.test_client()
    sign_in(bob, "bob")
    token = token_in(bob.get("/alerts/").get_data(as_text=True))
    assert bob.get(f"/alerts/{hook_id}").status_code == 404
    assert bob.get(f"/alerts/{hook_id}/deliveries/{delivery_id}").status_code == 404
    changed = bob.post(f"/alerts/{hook_id}/filters", data={**FILTERS, "csrf_token": token})
    assert changed.status_code == 404 and stored(runtime, hook_id).labels is None


def ping_id(client: FlaskClient, hook_id: int) -> int:
    """Ping the webhook from its page; return the delivery's id (the newest in the log)."""
    log = press(client, hook_id, "ping")
    match = re.search(rf'href="/alerts/{hook_id}/deliveries/(\d+)"', log)
    assert match
    return int(match.group(1))


def pre(page: str, css_class: str) -> str:
    """Return the text of the page's <pre> of that class."""
    match = re.search(rf'<pre class="{css_class}">(.*?)</pre>', page, re.S)
    assert match, css_class
    return html.unescape(match.group(1))


def test_a_delivery_shows_the_headers_and_body_the_consumer_received(client: FlaskClient, runtime, consumer):
    consumer.routes["/hook"] = Reply(b"<script>alert('hi')</script>", status=500, content_type="text/html")
    set_up_admin(client)
    hook_id, secret = add_webhook(client, consumer.url("/hook"))
    delivery_id = ping_id(client, hook_id)
    page = client.get(f"/alerts/{hook_id}/deliveries/{delivery_id}").get_data(as_text=True)

    ((headers, body),) = received(consumer)
    shown = dict(line.split(": ", 1) for line in pre(page, "sent-headers").splitlines())
    assert shown == headers  # every header, the signature's included, as it arrived
    assert pre(page, "raw-body").encode() == body  # byte for byte
    assert json.loads(pre(page, "sent-body")) == json.loads(body)
    assert Verifier(secret).verify(body, {k.lower(): v for k, v in headers.items()})["type"] == "ping"
    assert secret not in page and secret.removeprefix("whsec_") not in page
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page  # the answer, escaped
    assert "<code>http_500</code>: the endpoint answered 500 Internal Server Error" in page


def test_a_failed_delivery_says_its_code_and_what_to_do_in_the_log(client: FlaskClient, runtime):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, never listening: connections are refused
        set_up_admin(client)
        hook_id, _secret = add_webhook(client, f"http://127.0.0.1:{port}/hook")
        log = press(client, hook_id, "ping")
    assert (
        f"<code>connection_refused</code>: nothing answered at 127.0.0.1:{port} (connection refused)" in log
    )
    assert "Error(" not in log and "HTTPConnectionPool" not in log


def test_a_sample_article_changed_arrives_signed_and_shaped_as_a_real_one(
    client: FlaskClient, runtime, site: PageServer, consumer
):
    set_up_admin(client)
    hook_id, secret = add_webhook(client, consumer.url("/hook"))
    log = press(client, hook_id, "sample")
    assert "Sample article.changed sent" in log

    ((headers, body),) = received(consumer)
    sample = Verifier(secret).verify(body, {k.lower(): v for k, v in headers.items()})
    assert sample["type"] == "article.changed" and sample["sample"] is True
    jsonschema.validate(sample, SCHEMA)  # the documented shape, its sample mark included
    data = sample["data"]
    assert data["article"]["id"] == 0 and data["article"]["title"].startswith("Sample:")
    assert data["diff"]["labels"] == ["update_note_added", "correction_added", "numbers_changed"]
    assert [block["op"] for block in data["diff"]["blocks"]] == ["equal", "replace", "equal", "insert"]

    # A real change of a followed article has the same keys, all the way down to the blocks.
    token = make_token(runtime, "admin")
    article = client.post(
        "/api/v1/articles",
        json={"url": site.serve("/story", article_page("Story", story(3)))},
        headers={"Authorization": f"Bearer {token}"},
    ).get_json()
    check_now(client, token, article["id"])
    site.serve("/story", article_page("Story", [*story(3), "Update: the council voted again."]))
    check_now(client, token, article["id"])

    deliverer(runtime).deliver_due()
    real = json.loads(received(consumer)[-1][1])
    assert real["type"] == "article.changed" and "sample" not in real
    for part in (
        lambda p: {key: value for key, value in p.items() if key != "sample"},
        lambda p: p["data"],
        lambda p: p["data"]["article"],
        lambda p: p["data"]["diff"],
    ):
        assert set(part(real)) == set(part(sample))


def test_a_channel_gets_the_sample_as_its_short_text(client: FlaskClient, runtime, consumer):
    set_up_admin(client)
    form = client.get("/alerts/").get_data(as_text=True)
    client.post(
        "/alerts/", data={"url": f"json://127.0.0.1:{consumer.port}/hook", "csrf_token": token_in(form)}
    )
    with runtime.sessions() as session:
        hook_id = session.scalar(select(Webhook.id))
    log = press(client, hook_id, "sample")
    ((_headers, body),) = received(consumer)
    message = json.loads(body)["message"]
    assert message.startswith("Sample: the council approves the harbour budget changed")
    assert "/articles/0/diff?from=1&to=2" in message
    delivery = re.search(rf'href="(/alerts/{hook_id}/deliveries/\d+)"', log)
    assert delivery
    assert pre(client.get(delivery.group(1)).get_data(as_text=True), "sent-message").endswith(message)
