"""Webhook alerts against a real local consumer: signed, filtered, retried, ordered, never lost."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook as Verifier
from werkzeug.serving import make_server

from tests.conftest import DATA
from tests.factories import add_article, article_page, auth, check_now, make_token, story
from tests.pageserver import PageServer, Reply
from tracker.adapters.fetch import Client
from tracker.adapters.models import Delivery, Webhook
from tracker.adapters.netguard import AddressGuard
from tracker.adapters.webhooks import Attempt, post_webhook
from tracker.engine.deliverer import Deliverer, DelivererSettings
from tracker.engine.runtime import Runtime
from tracker.services import alerts, deliveries
from tracker.services.checks import check_article

SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "docs" / "webhook-payload.schema.json").read_text()
)
EXPECTED = json.loads((DATA / "muo-parler" / "expected.json").read_text())
T0 = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


def register(client: FlaskClient, token: str, url: str, **fields) -> dict:
    response = client.post("/api/v1/webhooks", json={"url": url, **fields}, headers=auth(token))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def deliverer(runtime: Runtime, clock=None, **settings) -> Deliverer:
    return Deliverer(
        runtime.sessions,
        runtime.http,
        runtime.guard,
        clock or runtime.checking.clock,
        DelivererSettings(**{"worker": "test", "timeout": 0.5, **settings}),
    )


def received(consumer: PageServer) -> list[tuple[dict[str, str], bytes]]:
    """Return the deliveries the consumer got: (headers, body)."""
    return [
        (headers, body)
        for (path, headers), body in zip(
            [request for request in consumer.requests if request[0] == "/hook"], consumer.bodies, strict=True
        )
    ]


def test_the_muo_edit_reaches_the_consumer_signed_with_exactly_the_three_paragraphs(
    client: FlaskClient, runtime: Runtime, site: PageServer, consumer: PageServer, muo
):
    token = make_token(runtime)
    hook = register(client, token, consumer.url("/hook"))
    article = add_article(client, token, site.serve("/parler", muo["v1"]))
    for name in ("v1", "v1-noise", "v2"):
        site.serve("/parler", muo[name])
        check_now(client, token, article["id"])
    deliverer(runtime).deliver_due()

    ((headers, body),) = received(consumer)  # one alert: none for the first version, none for noise
    payload = Verifier(hook["secret"]).verify(body, {k.lower(): v for k, v in headers.items()})
    jsonschema.validate(payload, SCHEMA)
    assert payload["type"] == "article.changed" and (payload["data"]["from"], payload["data"]["to"]) == (1, 2)
    diff = payload["data"]["diff"]
    assert [block["new"] for block in diff["blocks"] if block["op"] == "insert"] == EXPECTED["v1_to_v2"][
        "inserted_paragraphs"
    ]
    assert not [block for block in diff["blocks"] if block["op"] in ("delete", "replace", "move")]
    assert "update_note_added" in diff["labels"]
    assert diff["links"]["html"].startswith(
        "http://127.0.0.1:5000/articles/"
    )  # absolute, from TRACKER_BASE_URL


def test_a_rotated_secret_signs_alongside_the_old_one_for_a_day(client, runtime, site, consumer):
    token = make_token(runtime)
    hook = register(client, token, consumer.url("/hook"))
    rotated = client.post(f"/api/v1/webhooks/{hook['id']}/rotate-secret", headers=auth(token)).get_json()
    client.post(f"/api/v1/webhooks/{hook['id']}/ping", headers=auth(token))
    ((headers, body),) = received(consumer)
    lowered = {k.lower(): v for k, v in headers.items()}
    assert len(lowered["webhook-signature"].split(" ")) == 2
    for secret in (hook["secret"], rotated["secret"]):
        assert Verifier(secret).verify(body, lowered)["type"] == "ping"


def changing_article(runtime: Runtime, site: PageServer, path: str, user: str = "alice") -> int:
    """Track a page for the user, checked once (version 1)."""
    from tracker.services import accounts, articles

    with runtime.sessions.begin() as session:
        owner = accounts.user_named(session, user)
        article_id = articles.add_article(
            session, site.url(path), user_id=owner.id, allow_private=True, now=T0
        )[0].id
    site.serve(path, article_page("Story", story(3)))
    check_article(replace(runtime.checking, clock=lambda: T0), article_id)
    return article_id


def edit(runtime: Runtime, site: PageServer, article_id: int, path: str, n: int, at: datetime) -> None:
    site.serve(
        path,
        article_page(
            "Story", [*story(3), *[f"Update {k}: the council voted again on Friday." for k in range(n)]]
        ),
    )
    check_article(replace(runtime.checking, clock=lambda: at), article_id)


def test_a_consumer_down_for_a_day_gets_every_event_in_order(client, runtime, site):
    token = make_token(runtime)
    down = PageServer()
    port = down.port
    hook = register(client, token, down.url("/hook"))
    down.close()  # connections are refused
    articles = {changing_article(runtime, site, f"/a{n}"): f"/a{n}" for n in range(3)}
    for round_number in (1, 2):
        for article_id, path in articles.items():
            edit(runtime, site, article_id, path, round_number, T0 + timedelta(minutes=round_number))
    clock = [T0]
    sender = deliverer(runtime, clock=lambda: clock[0])
    consumer = None

    def serve(mode: str) -> PageServer:
        server = PageServer(port=port)
        if mode == "500":
            server.routes["/hook"] = Reply(b"oops", status=500)
        elif mode == "slow":
            server.routes["/hook"] = lambda handler: time.sleep(1.0)
        else:
            server.routes["/hook"] = Reply(b"ok")
        return server

    for hours, mode in ((0, "refused"), (4, "500"), (12, "slow"), (26, "up")):
        while clock[0] < T0 + timedelta(hours=hours):
            sender.deliver_due()
            clock[0] += timedelta(minutes=7)
        if consumer is not None:
            consumer.close()
        consumer = serve(mode) if mode != "refused" else None
    while clock[0] < T0 + timedelta(hours=60):  # the last retries come 24 h apart
        sender.deliver_due()
        clock[0] += timedelta(minutes=7)
    sender.close()
    assert consumer is not None
    got = received(consumer)
    consumer.close()

    first_seen: dict[str, int] = {}
    for order, (headers, body) in enumerate(got):
        key = {k.lower(): v for k, v in headers.items()}["webhook-id"]
        if key in first_seen:
            assert json.loads(body) == json.loads(got[first_seen[key]][1])  # a duplicate is the same event
        first_seen.setdefault(key, order)
    assert len(first_seen) == 6  # every event of the day arrived
    by_article = defaultdict(list)
    for order in sorted(first_seen.values()):
        data = json.loads(got[order][1])["data"]
        by_article[data["article"]["id"]].append(data["to"])
    assert all(versions == [2, 3] for versions in by_article.values())  # in order per article
    with runtime.sessions() as session:
        assert set(session.scalars(select(Delivery.status))) == {"succeeded"}
        assert session.scalar(select(Webhook.enabled)) is True
    assert hook["id"]


def test_410_disables_the_endpoint_at_once_and_says_why(client, runtime, site, consumer):
    token = make_token(runtime)
    consumer.routes["/hook"] = Reply(b"gone", status=410)
    hook = register(client, token, consumer.url("/hook"))
    client.post(f"/api/v1/webhooks/{hook['id']}/ping", headers=auth(token))
    shown = client.get(f"/api/v1/webhooks/{hook['id']}", headers=auth(token)).get_json()
    assert shown["enabled"] is False and "410" in shown["disabled_reason"]


def test_three_days_of_failures_disable_the_endpoint(client, runtime, site, consumer):
    token = make_token(runtime)
    consumer.routes["/hook"] = Reply(b"oops", status=503)
    hook = register(client, token, consumer.url("/hook"))
    article_id = changing_article(runtime, site, "/a")
    edit(runtime, site, article_id, "/a", 1, T0)
    clock = [T0]
    sender = deliverer(runtime, clock=lambda: clock[0])
    while clock[0] < T0 + timedelta(days=3, hours=1):
        sender.deliver_due()
        clock[0] += timedelta(minutes=30)
    shown = client.get(f"/api/v1/webhooks/{hook['id']}", headers=auth(token)).get_json()
    assert shown["enabled"] is False and "3 days" in shown["disabled_reason"]


def test_redirects_are_not_followed(client, runtime, consumer):
    token = make_token(runtime)
    consumer.routes["/hook"] = Reply(status=302, headers={"Location": "/elsewhere"})
    hook = register(client, token, consumer.url("/hook"))
    delivery = client.post(f"/api/v1/webhooks/{hook['id']}/ping", headers=auth(token)).get_json()
    assert delivery["last_status"] == 302 and delivery["status"] == "pending"  # retried later
    assert consumer.hits("/elsewhere") == 0


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/hook", "http://10.0.0.1/hook", "http://localhost/x", "file:///etc/passwd"]
)
def test_private_or_bad_endpoints_are_refused_unless_allowed(database_url, url):
    from tracker.factory import create_app

    app = create_app(database_url=database_url, secret_key="s", allow_private_networks=False)
    token = make_token(app.extensions["tracker"])
    response = app.test_client().post("/api/v1/webhooks", json={"url": url}, headers=auth(token))
    app.extensions["tracker"].engine.dispose()
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] in ("blocked_address", "bad_url")


def test_filters_on_labels_words_events_and_articles(client, runtime, site, consumer):
    token = make_token(runtime)
    register(client, token, consumer.url("/hook"), labels=["stealth_edit"])
    register(client, token, consumer.url("/hook"), min_words=50)
    register(client, token, consumer.url("/hook"), events=["article.failing"])
    first = changing_article(runtime, site, "/first")
    second = changing_article(runtime, site, "/second")
    register(client, token, consumer.url("/hook"), article_ids=[second])
    edit(runtime, site, first, "/first", 1, T0 + timedelta(hours=1))  # a small, announced update: no stealth
    deliverer(runtime).deliver_due()
    assert received(consumer) == []
    site.serve(
        "/second",
        article_page("Story", [p.replace("Paragraph 2.", "Paragraph 2, with 42 more.") for p in story(3)]),
    )
    check_article(replace(runtime.checking, clock=lambda: T0 + timedelta(hours=2)), second)
    deliverer(runtime).deliver_due()
    types = [json.loads(body)["data"]["diff"]["labels"] for _headers, body in received(consumer)]
    assert len(types) == 2 and all(
        "stealth_edit" in labels for labels in types
    )  # labels filter + article filter


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("min_words", 2**31, "bad_min_words"),  # PostgreSQL failed on it: a 500
        ("min_words", -1, "bad_min_words"),
        ("article_ids", [2**31], "bad_article_ids"),  # no article has that id: the filter matched nothing
        ("article_ids", [2**64], "bad_article_ids"),
    ],
)
def test_filters_out_of_range_are_400_naming_the_field(client, runtime, consumer, field, value, code):
    token = make_token(runtime)
    response = client.post(
        "/api/v1/webhooks", json={"url": consumer.url("/hook"), field: value}, headers=auth(token)
    )
    assert response.status_code == 400 and response.get_json()["error"]["code"] == code
    assert client.get("/api/v1/webhooks", headers=auth(token)).get_json()["items"] == []


def test_one_user_cannot_see_or_change_anothers_webhooks(client, runtime, consumer):
    alice, bob = make_token(runtime, "alice"), make_token(runtime, "bob")
    hook = register(client, alice, consumer.url("/hook"))
    for method, path in (
        ("get", ""),
        ("patch", ""),
        ("delete", ""),
        ("get", "/deliveries"),
        ("post", "/ping"),
    ):
        response = getattr(client, method)(f"/api/v1/webhooks/{hook['id']}{path}", json={}, headers=auth(bob))
        assert response.status_code == 404, (method, path)
    assert client.get("/api/v1/webhooks", headers=auth(bob)).get_json()["items"] == []
    assert "secret" not in client.get(f"/api/v1/webhooks/{hook['id']}", headers=auth(alice)).get_json()


def test_the_delivery_log_and_send_again(client, runtime, consumer):
    token = make_token(runtime)
    consumer.routes["/hook"] = Reply(b"not now", status=500)
    hook = register(client, token, consumer.url("/hook"))
    failed = client.post(f"/api/v1/webhooks/{hook['id']}/ping", headers=auth(token)).get_json()
    assert (failed["attempts"], failed["last_status"], failed["last_response"]) == (1, 500, "not now")
    consumer.routes["/hook"] = Reply(b"fine")
    again = client.post(f"/api/v1/webhooks/{hook['id']}/deliveries/{failed['id']}/retry", headers=auth(token))
    assert again.get_json()["status"] == "succeeded" and again.get_json()["attempts"] == 2
    log = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=auth(token)).get_json()["items"]
    assert [(item["event"], item["status"]) for item in log] == [("ping", "succeeded")]
    ids = {{k.lower(): v for k, v in headers.items()}["webhook-id"] for headers, _body in received(consumer)}
    assert len(ids) == 1  # the same webhook-id on every attempt


def test_an_apprise_channel_gets_a_short_text_alert(client, runtime, site, consumer):
    token = make_token(runtime)
    response = client.post(
        "/api/v1/channels", json={"url": f"json://127.0.0.1:{consumer.port}/hook"}, headers=auth(token)
    )
    assert response.status_code == 201 and "secret" not in response.get_json()
    article_id = changing_article(runtime, site, "/a")
    edit(runtime, site, article_id, "/a", 1, T0 + timedelta(hours=1))
    deliverer(runtime).deliver_due()
    ((_headers, body),) = received(consumer)
    message = json.loads(body)
    assert (
        "changed — 1 paragraph added: " in message["message"]
        and f"/articles/{article_id}/diff" in message["message"]
    )


def test_apprise_channels_are_checked_by_the_address_guard(database_url):
    from tracker.factory import create_app

    app = create_app(database_url=database_url, secret_key="s", allow_private_networks=False)
    token = make_token(app.extensions["tracker"])
    client = app.test_client()
    private = client.post("/api/v1/channels", json={"url": "json://10.1.2.3/hook"}, headers=auth(token))
    unknown = client.post("/api/v1/channels", json={"url": "nonsense://x"}, headers=auth(token))
    # a public mail host, but the SMTP server named in the query is loopback (no packet is sent:
    # saving a channel only resolves and checks its hosts, and these are literal addresses)
    smtp = client.post(
        "/api/v1/channels", json={"url": "mailto://u:p@93.184.216.34?smtp=127.0.0.1"}, headers=auth(token)
    )
    public = client.post("/api/v1/channels", json={"url": "mailto://u:p@93.184.216.34"}, headers=auth(token))
    app.extensions["tracker"].engine.dispose()
    assert smtp.status_code == 400 and smtp.get_json()["error"]["code"] == "blocked_address"
    assert public.status_code == 201
    assert private.status_code == 400 and private.get_json()["error"]["code"] == "blocked_address"
    assert unknown.status_code == 400 and unknown.get_json()["error"]["code"] == "bad_url"


def test_the_alerts_pages_create_show_the_secret_once_and_ping(client: FlaskClient, runtime, consumer):
    from tests.test_pages import set_up_admin, token_in

    set_up_admin(client)
    form = client.get("/alerts/").get_data(as_text=True)
    created = client.post(
        "/alerts/",
        data={"url": consumer.url("/hook"), "labels": ["stealth_edit"], "csrf_token": token_in(form)},
    ).get_data(as_text=True)
    assert "whsec_" in created
    with runtime.sessions() as session:
        hook = session.scalar(select(Webhook))
    assert hook.labels == ["stealth_edit"]
    page = client.get(f"/alerts/{hook.id}").get_data(as_text=True)
    assert "whsec_" not in page  # shown once only
    client.post(f"/alerts/{hook.id}/ping", data={"csrf_token": token_in(page)})
    log = client.get(f"/alerts/{hook.id}").get_data(as_text=True)
    assert "ping" in log and "succeeded" in log and consumer.hits("/hook") == 1
    client.post(f"/alerts/{hook.id}/disable", data={"csrf_token": token_in(log)})
    assert "Disabled" in client.get(f"/alerts/{hook.id}").get_data(as_text=True)


def readme_consumer() -> str:
    """Return the consumer example of the README, as written there."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    return readme.split("<!-- consumer -->\n```python\n", 1)[1].split("```", 1)[0]


def test_the_readmes_consumer_verifies_real_deliveries_and_refuses_forgeries(
    client: FlaskClient, runtime: Runtime, site: PageServer, muo, monkeypatch
):
    source = readme_consumer()
    assert len([line for line in source.splitlines() if line.strip()]) <= 16
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = make_token(runtime)
    hook = register(client, token, f"http://127.0.0.1:{port}/hook")
    monkeypatch.setenv("WEBHOOK_SECRET", hook["secret"])
    namespace: dict = {"__name__": "consumer"}
    exec(compile(source, "README.md consumer", "exec"), namespace)
    server = make_server("127.0.0.1", port, namespace["app"], threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        article = add_article(client, token, site.serve("/parler", muo["v1"]))
        check_now(client, token, article["id"])
        site.serve("/parler", muo["v2"])
        check_now(client, token, article["id"])
        report = deliverer(runtime).deliver_due()
        forged = urllib.request.Request(
            f"http://127.0.0.1:{port}/hook",
            data=b'{"type": "article.changed"}',
            headers={
                "webhook-id": "msg_forged",
                "webhook-timestamp": str(int(time.time())),
                "webhook-signature": "v1,Zm9yZ2Vk",
            },
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(forged, timeout=5)
    finally:
        server.shutdown()
    assert report["succeeded"] == 1
    assert refused.value.code == 401
    with runtime.sessions() as session:
        (delivery,) = session.scalars(select(Delivery))
        assert (delivery.status, delivery.last_status) == ("succeeded", 204)


def test_results_for_a_deleted_endpoint_or_a_lost_lease_are_skipped_not_fatal(
    client, runtime, site, consumer
):
    token = make_token(runtime)
    kept = register(client, token, consumer.url("/hook"))
    gone = register(client, token, consumer.url("/hook"))
    article = add_article(client, token, site.serve("/x", article_page("X", story(3))))
    check_now(client, token, article["id"])
    site.serve("/x", article_page("X", story(4)))
    check_now(client, token, article["id"])
    now = datetime.now(UTC)
    with runtime.sessions.begin() as session:
        jobs = deliveries.claim_deliveries(session, worker="w1", now=now, limit=10, lease_seconds=1)
    assert sorted(job.webhook_id for job in jobs) == sorted([kept["id"], gone["id"]])
    assert client.delete(f"/api/v1/webhooks/{gone['id']}", headers=auth(token)).status_code == 204
    with runtime.sessions.begin() as session:  # w1's lease ran out; w2 took the kept one over
        (taken,) = deliveries.claim_deliveries(
            session, worker="w2", now=now + timedelta(seconds=5), limit=10, lease_seconds=60
        )
    late = Attempt(500, 10, error="late")
    with runtime.sessions.begin() as session:
        deliveries.record_attempts(session, [(job, late) for job in jobs], worker="w1", now=now)
    with runtime.sessions.begin() as session:
        deliveries.record_attempts(session, [(taken, Attempt(204, 10))], worker="w2", now=now)
    with runtime.sessions() as session:
        (delivery,) = session.scalars(select(Delivery))
        assert (delivery.status, delivery.attempts, delivery.last_status) == ("succeeded", 1, 204)


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port bound but not listening: connections to it are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        yield probe.getsockname()[1]


@pytest.fixture
def full_backlog() -> Iterator[int]:
    """A port whose listener never accepts and whose queue is full: a connection waits, unanswered."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        waiting = [socket.socket() for _ in range(5)]
        for connection in waiting:
            connection.setblocking(False)
            connection.connect_ex(("127.0.0.1", port))
        yield port
        for connection in waiting:
            connection.close()


def no_such_host(host: str, port: int) -> list:
    """A resolver that knows no name: DNS fails here, and no query leaves the machine."""
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


def broken_off(handler) -> None:
    handler.connection.shutdown(socket.SHUT_RDWR)  # the request read, no answer written


# How each failure of a send is made, and the code and sentence it must end as ({port}: the endpoint's).
FAILURES = {
    "refused": ("connection_refused", "nothing answered at 127.0.0.1:{port} (connection refused)"),
    "connect timeout": ("timeout", "127.0.0.1:{port} did not take the connection in time (connect timeout)"),
    "read timeout": ("timeout", "127.0.0.1:{port} did not answer in time (read timeout)"),
    "dns": ("dns", "the name no-such-host.invalid was not found (DNS: name or service not known)"),
    "tls": ("tls", "the secure connection (TLS) to 127.0.0.1:{port} failed: wrong version number"),
    "blocked": ("blocked_address", "127.0.0.1: the address resolves to a private or loopback network"),
    "http 500": ("http_500", "the endpoint answered 500 Internal Server Error"),
    "redirect": ("redirect_refused", "the endpoint answered 302 Found, a redirect to /elsewhere"),
    "broken off": (
        "bad_response",
        "127.0.0.1:{port} broke off the connection before its answer was complete",
    ),
}


def failing_endpoint(failure: str, consumer: PageServer, request: pytest.FixtureRequest) -> tuple[str, int]:
    """Return the URL of an endpoint that fails this way, and its port."""
    routes = {
        "read timeout": lambda handler: time.sleep(1.5),
        "http 500": Reply(b"oops", status=500),
        "redirect": Reply(status=302, headers={"Location": "/elsewhere"}),
        "broken off": broken_off,
    }
    if failure in routes:
        consumer.routes["/hook"] = routes[failure]
    port = {
        "refused": lambda: request.getfixturevalue("closed_port"),
        "connect timeout": lambda: request.getfixturevalue("full_backlog"),
        "dns": lambda: 80,
    }.get(failure, lambda: consumer.port)()
    host = "no-such-host.invalid" if failure == "dns" else "127.0.0.1"
    return f"{'https' if failure == 'tls' else 'http'}://{host}:{port}/hook", port


@pytest.mark.parametrize("failure", FAILURES)
def test_every_failed_send_is_stored_as_a_code_and_a_sentence(
    client, runtime, consumer, failure, request: pytest.FixtureRequest
):
    code, words = FAILURES[failure]
    url, port = failing_endpoint(failure, consumer, request)
    hook = register(client, make_token(runtime), url)
    with runtime.sessions.begin() as session:
        webhook = session.get(Webhook, hook["id"])
        assert webhook is not None
        delivery_id = alerts.ping(session, webhook, now=datetime.now(UTC)).id
    sender = deliverer(runtime)
    guard = AddressGuard(allow_private=failure != "blocked", resolver=no_such_host)
    sender.http, sender.guard = Client(guard, user_agent="Test"), guard
    sender.deliver_one(delivery_id)
    with runtime.sessions() as session:
        delivery = session.get(Delivery, delivery_id)
        assert delivery is not None
    assert (delivery.status, delivery.last_error_code) == ("pending", code)  # to be retried
    assert delivery.last_error is not None and delivery.last_error.startswith(words.format(port=port))
    assert not re.search(r"[a-z]Error\b|Errno|Pool|\(<|object at", delivery.last_error)  # no Python in it


def test_an_address_that_cannot_be_parsed_is_a_bad_url_not_a_crash():
    """Endpoints are checked when they are saved, but a row from before a rule, or a copied database,
    may hold one: the attempt fails with a code like any other instead of escaping the sender."""
    http = Client(AddressGuard(allow_private=True), user_agent="Test/1")
    attempt = post_webhook(
        http, "http://exa mple.com/hook", message_id="msg_1", body="{}", secrets_in_use=["whsec_" + "A" * 32]
    )
    assert (attempt.status, attempt.error_code) == (None, "bad_url"), attempt.error
