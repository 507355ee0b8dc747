"""Every state-changing route (POST, PUT, PATCH, DELETE; pages and API) against every kind of caller.

Each route is in MATRIX with who may use it:
- owner: only the owner of the resource (another user gets 403 or 404, and nothing changes);
- admin: only administrators (an ordinary user gets 403 or 404, and nothing changes);
- user: any signed-in user, on their own data only (another user's rows stay as they were);
- public: the sign-in forms, which change nothing without the right credentials.
Anonymous callers are refused everywhere but `public`: 401 JSON on the API, a redirect to the sign-in
page (or 401/403) on pages, and nothing changes. An admin's browser session without a token is
anonymous to the API (which takes no CSRF token). A new route that is not in MATRIX fails the first test.
"""

from __future__ import annotations

import shutil
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Table, select
from werkzeug.test import TestResponse

from tests.factories import add_article, article_page, auth, make_token, sign_in, story, token_in
from tests.pageserver import PageServer, Reply
from tests.test_feeds import RSS_TYPE, rss
from tracker.adapters.db import Base
from tracker.adapters.models import User
from tracker.engine.runtime import Runtime
from tracker.factory import create_app
from tracker.services import accounts

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PASSWORD = "correct horse"
VOLATILE = frozenset({"last_used_at"})  # a refused token request still notes when the token was used


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # with {article}, {webhook}, {channel}, {delivery}, {token}, {feed}, {host}, {page}, {hook}, {rss}
    who: str  # owner, admin, user or public
    body: dict[str, Any] = field(default_factory=dict)  # JSON for the API, form fields for pages

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def api(method: str, path: str, who: str, body: dict[str, Any] | None = None) -> Case:
    return Case(method, f"/api/v1{path}", who, body or {})


def page(path: str, who: str, body: dict[str, Any] | None = None) -> Case:
    return Case("POST", path, who, body or {})


SIGN_UP = {"username": "mallory", "password": PASSWORD, "confirm": PASSWORD}
MATRIX = (
    # API: articles, watchlists, rules
    api("POST", "/articles", "user", {"url": "{page}"}),
    api("PATCH", "/articles/{article}", "owner", {"status": "paused"}),
    api("DELETE", "/articles/{article}", "owner"),
    api("POST", "/articles/{article}/check", "owner"),
    api("POST", "/articles/{article}/backfill", "owner"),
    api("POST", "/articles/bulk", "user", {"filter": {}, "action": "unfollow"}),
    api("PUT", "/articles/{article}/follow", "user", {"tags": ["stolen"], "note": "mine now"}),
    api("PUT", "/articles/{article}/rules", "admin", {"exclude": [".stolen"]}),
    api("DELETE", "/articles/{article}/rules", "admin"),
    api("PUT", "/sites/{host}/rules", "admin", {"exclude": [".stolen"]}),
    api("DELETE", "/sites/{host}/rules", "admin"),
    api("POST", "/import", "user", {"urls": ["{page}"]}),
    # API: accounts
    api("PATCH", "/account", "user", {"backfill_default": False}),
    api("POST", "/tokens", "user", {"name": "mine"}),
    api("DELETE", "/tokens/{token}", "owner"),
    api("POST", "/invites", "admin"),
    # API: feeds
    api("POST", "/feeds", "user", {"url": "{rss}"}),
    api("PATCH", "/feeds/{feed}", "owner", {"name": "stolen"}),
    api("DELETE", "/feeds/{feed}", "owner"),
    api("POST", "/feeds/{feed}/check", "owner"),
    # API: alerts
    api("POST", "/webhooks", "user", {"url": "{hook}"}),
    api("POST", "/channels", "user", {"url": "json://127.0.0.1:9/hook"}),
    api("PATCH", "/webhooks/{webhook}", "owner", {"enabled": False}),
    api("PATCH", "/channels/{channel}", "owner", {"enabled": False}),
    api("DELETE", "/webhooks/{webhook}", "owner"),
    api("DELETE", "/channels/{channel}", "owner"),
    api("POST", "/webhooks/{webhook}/ping", "owner"),
    api("POST", "/channels/{channel}/ping", "owner"),
    api("POST", "/webhooks/{webhook}/deliveries/{delivery}/retry", "owner"),
    api("POST", "/channels/{channel}/deliveries/{delivery}/retry", "owner"),
    api("POST", "/webhooks/{webhook}/rotate-secret", "owner"),
    # Pages: sign-in
    page("/setup", "public", SIGN_UP),
    page("/signup", "public", {**SIGN_UP, "invite": "guess"}),
    page("/login", "public", {"username": "alice", "password": "a guess"}),
    page("/logout", "user"),
    # Pages: articles and rules
    page("/articles", "user", {"url": "{page}"}),
    page("/articles/{article}/check", "owner"),
    page("/articles/{article}/backfill", "owner"),
    page("/articles/bulk", "user", {"ids": "{article}", "action": "unfollow"}),
    page("/articles/{article}/follow", "user", {"tags": "stolen", "note": "mine now"}),
    page("/articles/{article}/unfollow", "owner"),
    page("/articles/{article}/rules", "admin", {"exclude": ".stolen"}),
    page("/admin/rules", "admin", {"host": "{host}", "exclude": ".stolen"}),
    page("/admin/rules/{host}/delete", "admin"),
    # Pages: account
    page("/account/tokens", "user", {"name": "mine"}),
    page("/account/tokens/{token}/revoke", "owner"),
    page("/account/feeds/rotate", "user"),
    page(
        "/account/password",
        "user",
        {"current": "a guess", "password": "stolen pass", "confirm": "stolen pass"},
    ),
    page("/account/sign-out-everywhere", "user"),
    page("/account/backfill-default", "user"),
    page("/admin/invites", "admin"),
    page("/admin/public-read", "admin", {"on": "1"}),
    page("/import", "user", {"urls": "{page}"}),
    # Pages: feeds
    page("/feeds/", "user", {"url": "{rss}"}),
    page("/feeds/{feed}", "owner", {"name": "stolen"}),
    page("/feeds/{feed}/check", "owner"),
    page("/feeds/{feed}/delete", "owner"),
    # Pages: alerts
    page("/alerts/", "user", {"url": "{hook}"}),
    *(
        page(f"/alerts/{{webhook}}/{what}", "owner")
        for what in ("ping", "sample", "enable", "disable", "rotate", "delete")
    ),
    page("/alerts/{webhook}/filters", "owner", {"events": "article.changed"}),
    page("/alerts/{webhook}/deliveries/{delivery}/retry", "owner"),
)


def test_the_matrix_lists_every_state_changing_route(world: World):
    app = world.app
    app.install_web()  # the routes come with the web layer, installed on first use (tracker.factory)
    routes = {
        (rule.endpoint, method): rule.rule
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) & WRITE_METHODS
    }
    adapter = app.url_map.bind("localhost")
    any_id = defaultdict(lambda: "1")  # every placeholder, ids and host alike, as a value its route accepts
    listed = {(adapter.match(case.path.format_map(any_id), case.method)[0], case.method) for case in MATRIX}
    missing = sorted(
        f"{method} {routes[endpoint, method]} ({endpoint})" for endpoint, method in routes.keys() - listed
    )
    assert not missing, f"add these routes to MATRIX in {Path(__file__).name}: {missing}"
    assert listed <= routes.keys()


@dataclass
class World:
    """Alice's things, made through the API, and the clients of the callers who try to touch them."""

    app: Flask
    runtime: Runtime
    ids: dict[str, Any]
    alice: int
    anonymous: FlaskClient
    bob: FlaskClient  # an ordinary user, signed in on the pages
    bob_token: str
    admin_browser: FlaskClient  # alice's admin, signed in on the pages, sending no token


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[World]:
    """One world for the whole matrix (refusals are asserted to change nothing), on SQLite only:
    who may do what is decided in Python, the same whatever the database."""
    path = tmp_path_factory.mktemp("authz") / "tracker.sqlite"
    shutil.copy(sqlite_template, path)
    app = create_app(
        database_url=f"sqlite:///{path}",
        secret_key="test",
        allow_private_networks=True,
        scheduler=False,
        ratelimit=False,  # limits are test_ratelimit's business; here every refusal must come from access
    )
    app.config["TESTING"] = True
    runtime: Runtime = app.extensions["tracker"]
    site = PageServer()
    with runtime.sessions.begin() as session:
        accounts.create_user(session, "root", password=PASSWORD, is_admin=True, now=datetime.now(UTC))
    root, alice = make_token(runtime, "root", admin=True), make_token(runtime, "alice")
    client = app.test_client()
    site.routes["/hook"] = Reply(b"thanks", content_type="text/plain")
    ids: dict[str, Any] = {
        "page": site.serve("/story", article_page("Budget approved", story())),
        "rss": site.serve("/feed.xml", rss([("Budget", site.url("/story"))]), content_type=RSS_TYPE),
        "hook": site.url("/hook"),
        "host": "127.0.0.1",
    }
    ids["article"] = add_article(client, alice, ids["page"])["id"]

    def call(method: str, path: str, token: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = client.open(f"/api/v1{path}", method=method, json=body, headers=auth(token))
        assert response.status_code < 300, response.get_json()
        return response.get_json()

    call("PUT", f"/articles/{ids['article']}/follow", alice, {"tags": ["mine"], "note": "alice's"})
    ids["webhook"] = call("POST", "/webhooks", alice, {"url": ids["hook"]})["id"]
    ids["channel"] = call("POST", "/channels", alice, {"url": "json://127.0.0.1:9/hook"})["id"]
    ids["delivery"] = call("POST", f"/webhooks/{ids['webhook']}/ping", alice)["id"]
    ids["feed"] = call("POST", "/feeds", alice, {"url": ids["rss"]})["id"]
    ids["token"] = call("GET", "/tokens", alice)["items"][0]["id"]
    call("PUT", f"/sites/{ids['host']}/rules", root, {"exclude": [".ad"]})
    call("PUT", f"/articles/{ids['article']}/rules", root, {"exclude": [".ad"]})
    with runtime.sessions() as session:
        alice_id = session.scalars(select(User.id).where(User.username == "alice")).one()
    admin_browser = app.test_client()
    sign_in(admin_browser, "root", PASSWORD)
    yield World(app, runtime, ids, alice_id, app.test_client(), *ordinary_user(app, "bob"), admin_browser)
    site.close()
    runtime.engine.dispose()


def ordinary_user(app: Flask, name: str) -> tuple[FlaskClient, str]:
    """Create a user who is not an admin; return their signed-in page client and an API token."""
    runtime: Runtime = app.extensions["tracker"]
    with runtime.sessions.begin() as session:
        accounts.create_user(session, name, password=PASSWORD, is_admin=False, now=datetime.now(UTC))
    client = app.test_client()
    sign_in(client, name, PASSWORD)
    return client, make_token(runtime, name)


def send(client: FlaskClient, case: Case, ids: dict[str, Any], token: str | None = None) -> TestResponse:
    """Send the case as a script would (JSON and a bearer token) or as a browser would (a form with
    the CSRF token of a page this client saw, so that only who the caller is can refuse it)."""
    path = case.path.format(**ids)
    body = {name: fill(value, ids) for name, value in case.body.items()}
    if path.startswith("/api/"):
        return client.open(path, method=case.method, json=body, headers=auth(token) if token else {})
    signed_in = client.get("/account/tokens")
    form = signed_in if signed_in.status_code == 200 else client.get("/login")
    return client.open(
        path, method=case.method, data={**body, "csrf_token": token_in(form.get_data(as_text=True))}
    )


def fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    return value


def snapshot(runtime: Runtime, user_id: int | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of every table (or only the user's own rows), without VOLATILE columns."""
    rows = {}
    with runtime.sessions() as session:
        for table in Base.metadata.sorted_tables:
            statement = select(*(c for c in table.columns if c.name not in VOLATILE))
            if user_id is not None:
                owner = owner_column(table)
                if owner is None:
                    continue
                statement = statement.where(owner == user_id)
            rows[table.name] = [tuple(row) for row in session.execute(statement.order_by(*table.primary_key))]
    return rows


def owner_column(table: Table) -> Any:
    return table.c.get("user_id") if table.name != "users" else table.c.id


@pytest.mark.parametrize("case", MATRIX, ids=str)
def test_anonymous_callers_are_refused_and_change_nothing(case: Case, world: World):
    before = snapshot(world.runtime)
    response = send(world.anonymous, case, world.ids)
    if case.who != "public":
        if case.path.startswith("/api/"):
            assert response.status_code == 401 and response.get_json()["error"]["code"], response.data[:300]
        else:
            to_login = "/login" in response.headers.get("Location", "")
            assert response.status_code in (401, 403) or to_login, (response.status_code, response.location)
    assert snapshot(world.runtime) == before


@pytest.mark.parametrize("case", [case for case in MATRIX if case.who != "public"], ids=str)
def test_another_user_cannot_touch_what_is_not_theirs(case: Case, world: World):
    before, alices = snapshot(world.runtime), snapshot(world.runtime, world.alice)
    if case.who == "user":  # allowed, on the caller's own data only: a fresh user, so bob stays a stranger
        client, token = ordinary_user(world.app, f"user-{uuid.uuid4().hex[:8]}")
        assert send(client, case, world.ids, token).status_code < 500
        assert snapshot(world.runtime, world.alice) == alices
        return
    response = send(world.bob, case, world.ids, world.bob_token)
    assert response.status_code in (403, 404), (response.status_code, response.data[:300])
    assert snapshot(world.runtime) == before


@pytest.mark.parametrize("case", [case for case in MATRIX if case.path.startswith("/api/")], ids=str)
def test_a_signed_in_browser_cannot_write_through_the_api_without_a_token(case: Case, world: World):
    """The API takes no CSRF token, so a session cookie alone must never let another site write."""
    before = snapshot(world.runtime)
    response = send(world.admin_browser, case, world.ids)
    assert response.status_code == 401, (response.status_code, response.data[:300])
    assert snapshot(world.runtime) == before
