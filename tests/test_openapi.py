"""The OpenAPI document: valid 3.1, complete both ways against the app's routes, readable at
/api/docs, and true: schemathesis fuzzes every operation and checks each answer against it.

While fuzzing, everything that would leave the machine (article fetches, webhook posts, DNS for
Apprise channels) goes to a stub that refuses and records, and a tripwire on sockets records
anything that slipped past it, so no fuzzed URL is ever contacted.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import jsonschema
import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from pydantic import ValidationError
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.factories import article_page, auth, make_token, story
from tracker.adapters.fetch import Client
from tracker.adapters.netguard import AddressGuard
from tracker.domain.errors import FetchError
from tracker.domain.pages import Page, Validators
from tracker.engine.feedpoller import make_feed_poller
from tracker.factory import create_app
from tracker.services import alerts, checks
from tracker.web import bodies
from tracker.web.openapi import BASE, SPEC_PATH, document

schemathesis.serializer.alias(["text/csv", "text/x-opml"], "text/plain")  # lists are plain text
SCHEMA = schemathesis.openapi.from_dict(
    document(),
    # The coverage phase's exhaustive edge cases (about 2,000 requests) would take minutes; the
    # documented examples and a bounded fuzz of each operation take seconds.
    config=schemathesis.Config.from_dict(
        {"seed": 8, "generation": {"deterministic": True}, "phases": {"coverage": {"enabled": False}}}
    ),
)
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
LOCAL = ("127.0.0.1", "::1", "localhost")  # the PostgreSQL server of the tests
ARTICLE_URL = "https://news.example.com/2026/03/council-vote"
FEED_URL = "https://news.example.com/feed.xml"
FEED = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Example News</title>
<item><title>Council vote</title><link>{ARTICLE_URL}</link><guid>council-vote</guid></item></channel></rss>"""
ANY = re.compile(r"<any\(([^)]*)\):\w+>")
# The document's integers are JSON integers, as the views read them (jsonschema also takes 1.0).
INTEGERS = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
    "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool)
)
BodyValidator = jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=INTEGERS)
PARAMETER = re.compile(r"<(?:[^<>]*:)?(\w+)>")


class RefusingOutbound:
    """Stands in for the network: every fetch, HTTP request and DNS lookup is refused and recorded."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def fetch(self, url: str, validators: Validators) -> Page:
        self.calls.append(url)
        raise FetchError("the test stub refuses every outbound request", code="connection_refused")

    def resolve(self, host: str, port: int) -> list[Any]:
        self.calls.append(host)
        raise socket.gaierror(f"the test stub does not resolve {host}")

    def http(self) -> Client:
        """Return a client whose every request is refused (webhooks, page resources)."""
        outbound = self

        class Refusing(Client):
            def send(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
                outbound.calls.append(url)
                raise FetchError("the test stub refuses every outbound request", code="connection_refused")

        return Refusing(AddressGuard(resolver=self.resolve), user_agent="Test/1")


@pytest.fixture
def tripwire(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record (and refuse) every connection or DNS lookup to anything but this machine."""
    attempts: list[str] = []
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def connect(sock: socket.socket, address: Any) -> None:
        if not (isinstance(address, tuple) and address[0] in LOCAL) and sock.family != socket.AF_UNIX:
            attempts.append(f"connect {address}")
            raise ConnectionRefusedError("tests never leave the machine")
        real_connect(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in LOCAL:
            attempts.append(f"getaddrinfo {host}")
            raise socket.gaierror("tests never leave the machine")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


@pytest.fixture
def bodies_read(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, object, bool]]:
    """Record every request body a view validates: its declaration, the body, whether it was accepted."""
    read: list[tuple[Any, object, bool]] = []
    real = bodies.adapter

    class Recording:
        def __init__(self, shape: Any) -> None:
            self.shape = shape

        def validate_python(self, body: object) -> Any:
            try:
                value = real(self.shape).validate_python(body)
            except ValidationError:
                read.append((self.shape, body, False))
                raise
            read.append((self.shape, body, True))
            return value

    monkeypatch.setattr(bodies, "adapter", Recording)
    return read


@pytest.fixture
def outbound() -> RefusingOutbound:
    return RefusingOutbound()


@pytest.fixture
def api_app(database_url: str, outbound: RefusingOutbound, tripwire: list[str]) -> Iterator[Flask]:
    """The app as deployed (private addresses refused), its network replaced by the refusing stub."""
    app = create_app(
        database_url=database_url,
        secret_key="test-secret",
        scheduler=False,
        host_delay=0.0,
        check_now_pause=0,  # the tests check the article and the feed of one site in a row
    )
    app.config["TESTING"] = True
    run = app.extensions["tracker"]
    app.extensions["tracker"] = replace(
        run,
        guard=AddressGuard(allow_private=False, resolver=outbound.resolve),
        http=outbound.http(),
        checking=replace(run.checking, fetch=outbound.fetch, render=outbound.fetch, robots=None),
        feed_fetch=outbound.fetch,
        request_checking=replace(
            run.request_checking, fetch=outbound.fetch, render=outbound.fetch, robots=None
        ),
        request_feed_fetch=outbound.fetch,
    )
    yield app
    run.engine.dispose()


@pytest.fixture
def token(api_app: Flask) -> str:
    """An admin's token, with data behind the ids the document's examples use (all 1)."""
    run = api_app.extensions["tracker"]
    token = make_token(run, "alice", admin=True)
    client = api_app.test_client()
    headers = auth(token)
    assert client.post(f"{BASE}/articles", json={"url": ARTICLE_URL}, headers=headers).status_code == 201
    for paragraphs in (story(3), story(4)):
        checks.check_article(
            replace(run.checking, fetch=serving(article_page("Council vote", paragraphs))), 1
        )
    seeds = [
        ("put", "/articles/1/follow", {"tags": ["council"], "note": "watch the vote"}),
        ("post", "/webhooks", {"url": "https://hooks.example.com/tracker"}),
        ("post", "/webhooks/1/ping", None),  # refused by the stub: a failed delivery to retry
        ("put", "/sites/news.example.com/rules", {"exclude": [".related"]}),
        ("put", "/articles/1/rules", {"ignore": ["^Advertisement$"]}),
        ("post", "/invites", None),
    ]
    for method, path, body in seeds:
        response = client.open(f"{BASE}{path}", method=method.upper(), json=body, headers=headers)
        assert response.status_code < 300, (path, response.get_json())
    with run.sessions.begin() as session:  # through the service: the API would ask DNS about the host
        alerts.create_endpoint(
            session,
            1,
            {"url": "json://hooks.example.com/tracker"},
            kind="apprise",
            allow_private=False,
            now=datetime.now(UTC),
        )
    make_feed_poller(replace(run, feed_fetch=serving(FEED, "application/rss+xml"))).follow(1, FEED_URL, {})
    return token


def serving(text: str, content_type: str = "text/html") -> Any:
    """Return a fetch that answers with this document (seeding without a network)."""

    def fetch(url: str, validators: Validators) -> Page:
        return Page(
            url, url, 200, (("Content-Type", content_type),), text.encode(), content_type, None, None, 1
        )

    return fetch


def routed_operations(app: Flask) -> set[tuple[str, str]]:
    """Return (method, path) of every rule under /api/v1, spelled as the document spells paths."""
    return {
        (method, path[len(BASE) :])
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(f"{BASE}/") and rule.rule != SPEC_PATH
        for path in openapi_paths(rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def openapi_paths(rule: str) -> list[str]:
    """Return a Flask rule's paths: converters as {name}, and <any(a, b):name> as one path for each."""
    choice = ANY.search(rule)
    if choice is None:
        return [PARAMETER.sub(r"{\1}", rule)]
    return [
        path for word in choice[1].split(",") for path in openapi_paths(rule.replace(choice[0], word.strip()))
    ]


def documented_body(operation: dict[str, Any]) -> str | None:
    """Return the schema name of an operation's JSON body, None when it takes none."""
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    return body["schema"]["$ref"].rsplit("/", 1)[1] if body else None


def allows(name: str, body: object) -> bool:
    """Return whether the document's schema `name` allows this body."""
    return BodyValidator({"$ref": f"#/components/schemas/{name}", **document()}).is_valid(body)


def documented_operations() -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, methods in document()["paths"].items() for method in methods}


def test_the_served_document_is_valid_openapi_3_1(client: FlaskClient):
    response = client.get(SPEC_PATH)
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.1")
    validate(spec)
    assert spec == document()


def test_every_api_route_is_documented_and_every_documented_operation_is_routed(app: Flask):
    app.install_web()  # the routes come with the web layer, installed on first use (tracker.factory)
    routed, documented = routed_operations(app), documented_operations()
    assert routed - documented == set(), "routes missing from the OpenAPI document"
    assert documented - routed == set(), "documented operations the app does not serve"


def test_every_object_in_the_document_says_what_else_it_may_hold():
    def objects(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            if node.get("type") == "object" or "object" in (node.get("type") or []):
                yield node
            for value in node.values():
                yield from objects(value)
        elif isinstance(node, list):
            for value in node:
                yield from objects(value)

    loose = [
        sorted(node.get("properties", {}))
        for node in objects(document())
        if "additionalProperties" not in node
    ]
    assert loose == []


def test_exactly_the_operations_marked_anonymous_answer_without_a_token(client: FlaskClient):
    for path, methods in document()["paths"].items():
        url = BASE + re.sub(r"{(\w+)}", lambda name: "example.com" if name[1] == "host" else "1", path)
        for method, operation in methods.items():
            anonymous = {} in operation["security"]
            status = client.open(url, method=method.upper()).status_code
            assert (status != 401) == anonymous, (method, path, status)


def test_the_docs_page_lists_every_operation_by_tag(client: FlaskClient):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for path, methods in document()["paths"].items():
        for method, operation in methods.items():
            assert f'id="op-{operation["operationId"]}"' in page
            assert f'>{method.upper()}</span>\n      <code class="api-path">{path}</code>' in page
    for tag in document()["tags"]:
        assert f"<h2>{tag['name']}</h2>" in page
    for name in document()["components"]["schemas"]:
        assert f'id="schema-{name}"' in page


def test_outbound_calls_during_the_api_tests_reach_only_the_refusing_stub(
    api_app: Flask, token: str, outbound: RefusingOutbound, tripwire: list[str]
):
    outbound.calls.clear()  # the seeds pinged the webhook once
    client = api_app.test_client()
    check = client.post(f"{BASE}/articles/1/check", headers=auth(token)).get_json()
    webhook = client.post(f"{BASE}/webhooks/1/ping", headers=auth(token)).get_json()
    channel = client.post(f"{BASE}/channels/2/ping", headers=auth(token)).get_json()
    feed = client.post(f"{BASE}/feeds/1/check", headers=auth(token)).get_json()
    assert check["error"]["code"] == feed["error"]["code"] == "connection_refused"
    assert (webhook["status"], channel["status"]) == ("pending", "pending")  # failed, to be retried
    assert outbound.calls == [ARTICLE_URL, "https://hooks.example.com/tracker", "hooks.example.com", FEED_URL]
    assert tripwire == []


EDGES = [  # each once answered 500 (an overflow or a NUL in SQL, mostly only on one database)
    ("GET", "/articles/2147483648", None, 404),
    ("PATCH", "/articles/2147483648", {"status": "paused"}, 404),
    ("GET", "/articles?cursor=99999999999999999999", None, 400),
    ("GET", "/articles?cursor=²", None, 400),
    ("GET", "/articles/1/checks?cursor=99999999999", None, 400),
    ("GET", "/articles/1/diff?from=99999999999", None, 400),
    ("GET", "/changes?since=9999-12-31T23:59:59-14:00", None, 400),
    ("GET", "/articles/1/as-of?at=0001-01-01T00:00:00%2B01:00", None, 400),
    ("GET", "/articles?q=%00", None, 400),
    ("PUT", "/sites/%00/rules", {}, 400),
    ("PUT", f"/sites/{'a' * 256}/rules", {}, 400),
    ("POST", "/tokens", {"name": "a\x00b"}, 400),
    ("PATCH", "/webhooks/1", {"article_ids": [0]}, 400),
]


def test_edge_inputs_are_refused_not_crashed_on(api_app: Flask, token: str):
    client = api_app.test_client()
    answers = [
        (
            method,
            path,
            client.open(f"{BASE}{path}", method=method, json=body, headers=auth(token)).status_code,
        )
        for method, path, body, _status in EDGES
    ]
    assert answers == [(method, path, status) for method, path, _body, status in EDGES]


def test_each_write_reads_the_body_its_operation_documents_and_no_other(
    api_app: Flask, token: str, bodies_read: list[tuple[Any, object, bool]]
):
    client = api_app.test_client()
    writes = [
        (method, path, operation)
        for path, methods in document()["paths"].items()
        for method, operation in methods.items()
        if method != "get"
    ]
    for method, path, operation in sorted(writes, key=lambda write: write[0] == "delete"):  # deletes last
        bodies_read.clear()
        channel = "2" if path.startswith("/channels/") else "1"  # the seeded channel is endpoint 2
        url = BASE + path.format(host="news.example.com", webhook_id=channel, **dict.fromkeys(IDS, "1"))
        client.open(url, method=method.upper(), json={}, headers=auth(token))
        name = documented_body(operation)
        declared = [bodies.BODIES[name]] if name else []
        assert [shape for shape, _body, _accepted in bodies_read] == declared, (method, path)


IDS = ("article_id", "number", "delivery_id", "follow_id", "token_id")


def test_a_body_the_view_reads_is_one_its_schema_allows_and_the_other_way_round(
    api_app: Flask, token: str, bodies_read: list[tuple[Any, object, bool]]
):
    """Fields the view would take that the schema does not name (or the other way round) would fail here."""
    client = api_app.test_client()
    article = {"url": ARTICLE_URL}
    for body, accepted in [
        (article, True),
        ({**article, "interval_seconds": 60}, True),
        ({**article, "interval_seconds": 59}, False),
        ({**article, "interval_seconds": 60.0}, False),  # a JSON integer, not a number
        ({**article, "interval_seconds": True}, False),
        ({**article, "title": "not a field"}, False),
        ({"interval_seconds": 60}, False),
    ]:
        bodies_read.clear()
        client.post(f"{BASE}/articles", json=body, headers=auth(token))
        assert bodies_read == [(bodies.NewArticle, body, accepted)]
        assert allows("NewArticle", body) == accepted, body


@SCHEMA.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(
    case: Any, api_app: Flask, token: str, tripwire: list[str], bodies_read: list[tuple[Any, object, bool]]
):
    bodies_read.clear()
    case.call_and_validate(app=api_app, headers=auth(token), checks=CHECKS)
    assert tripwire == []
    # The body the view read was validated against the declaration its schema is generated from,
    # and the view accepted exactly what the schema allows (fuzzed bodies, valid and not).
    name = documented_body(document()["paths"][case.operation.path][case.operation.method.lower()])
    for shape, body, accepted in bodies_read:
        assert name is not None and shape is bodies.BODIES[name], (case.operation.method, case.operation.path)
        assert accepted == allows(name, body), (name, body)
