"""Private by default (issue 18): until an admin turns public reading on, anonymous visitors get the
sign-in page and nothing else; the admin's switch holds for every web process at once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import add_article, make_token, post_form, sign_in
from tracker.engine.runtime import Runtime
from tracker.factory import create_app
from tracker.services import accounts

# GET routes an anonymous visitor may always use: signing in, health, metrics, the API's description.
OPEN = frozenset(
    {
        "auth.login",
        "auth.signup",
        "auth.setup",
        "static",
        "health.healthz",
        "health.readyz",
        "prometheus.metrics",
        "openapi.docs",
        "openapi.spec",
    }
)
KEYED = frozenset({"atom.tag_feed", "atom.followed_feed"})  # the key in the URL stands for its user
SAMPLE = {"tag": "politics", "host": "127.0.0.1", "collection": "webhooks", "filename": "style.css"}


def make_app(database_url: str, **settings: object) -> Flask:
    """An app with the defaults of a fresh installation (public reading not given), an admin and an article."""
    app = create_app(database_url=database_url, secret_key="test", scheduler=False, **settings)
    app.config["TESTING"] = True
    runtime: Runtime = app.extensions["tracker"]
    with runtime.sessions.begin() as session:
        accounts.create_user(session, "root", password="correct horse", is_admin=True, now=datetime.now(UTC))
    add_article(app.test_client(), make_token(runtime, "alice"), "https://example.com/news/story")
    return app


@pytest.fixture
def fresh(database_url: str) -> Iterator[Flask]:
    app = make_app(database_url)
    yield app
    app.extensions["tracker"].engine.dispose()


def admin(app: Flask) -> FlaskClient:
    client = app.test_client()
    sign_in(client, "root")
    return client


def switch(client: FlaskClient, on: bool) -> None:
    response = post_form(client, "/admin/public-read", {"on": "1" if on else "0"}, page="/admin/status")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def anonymous_paths(app: Flask) -> list[tuple[str, str]]:
    """Return (endpoint, path) of every GET route but the open and keyed ones, with sample values."""
    app.install_web()  # the routes come with the web layer, installed on first use (tracker.factory)
    adapter = app.url_map.bind("localhost")
    return sorted(
        (rule.endpoint, adapter.build(rule.endpoint, {name: SAMPLE.get(name, 1) for name in rule.arguments}))
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and rule.endpoint not in OPEN | KEYED
    )


def is_refused(path: str, response) -> bool:  # type: ignore[no-untyped-def]
    if path.startswith("/api/"):
        return response.status_code == 401 and bool(response.get_json()["error"]["code"])
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_fresh_installation_shows_anonymous_visitors_only_the_sign_in_page(fresh: Flask):
    visitor = fresh.test_client()
    paths = anonymous_paths(fresh)
    assert ("api.list_articles", "/api/v1/articles") in paths and ("pages.index", "/") in paths
    let_through = [
        (path, response.status_code)
        for _, path in paths
        if not is_refused(path, response := visitor.get(path))
    ]
    assert not let_through, let_through
    assert visitor.get("/login").status_code == 200


def test_the_admin_switch_turns_public_reading_on_and_off(fresh: Flask):
    visitor, root = fresh.test_client(), admin(fresh)
    assert "Turn public reading on" in root.get("/admin/status").get_data(as_text=True)
    switch(root, on=True)
    assert "Turn public reading off" in root.get("/admin/status").get_data(as_text=True)
    for path in ("/", "/articles/1", "/changes", "/changes.atom", "/api/v1/articles", "/api/v1/articles/1"):
        assert visitor.get(path).status_code == 200, path
    assert [item["url"] for item in visitor.get("/api/v1/articles").get_json()["items"]] == [
        "https://example.com/news/story"
    ]
    switch(root, on=False)
    for path in ("/", "/articles/1", "/changes", "/changes.atom", "/api/v1/articles", "/api/v1/articles/1"):
        assert is_refused(path, visitor.get(path)), path


def test_the_switch_overrides_the_setting_in_every_web_process(database_url: str):
    """Two apps on one database stand for two gunicorn workers: one flips, the other follows at once."""
    first = make_app(database_url, public_read=True)
    second = create_app(database_url=database_url, secret_key="test", public_read=True)
    try:
        assert second.test_client().get("/api/v1/articles").status_code == 200
        switch(admin(first), on=False)
        assert second.test_client().get("/api/v1/articles").status_code == 401
        assert is_refused("/", second.test_client().get("/"))
    finally:
        for app in (first, second):
            app.extensions["tracker"].engine.dispose()


def test_a_user_who_is_not_an_admin_cannot_flip_the_switch(fresh: Flask):
    runtime: Runtime = fresh.extensions["tracker"]
    with runtime.sessions.begin() as session:
        accounts.create_user(session, "bob", password="correct horse", is_admin=False, now=datetime.now(UTC))
    bob = fresh.test_client()
    sign_in(bob, "bob")
    response = post_form(bob, "/admin/public-read", {"on": "1"}, page="/account/tokens")
    assert response.status_code == 403
    assert fresh.test_client().get("/api/v1/articles").status_code == 401


def test_the_switch_needs_the_forms_csrf_token(fresh: Flask):
    root = admin(fresh)
    assert root.post("/admin/public-read", data={"on": "1"}).status_code == 400
    assert fresh.test_client().get("/api/v1/articles").status_code == 401


def test_private_feed_addresses_keep_working_while_public_reading_is_off(fresh: Flask):
    root = admin(fresh)
    page = root.get("/account/feeds").get_data(as_text=True)
    assert '/changes.atom"' not in page  # the public feed of every change is not offered
    followed = re.search(r'href="https?://[^"/]+(/me/changes\.atom\?key=[^"]+)"', page)
    assert followed, page
    visitor = fresh.test_client()
    assert visitor.get(followed.group(1).replace("&amp;", "&")).status_code == 200
    assert visitor.get("/me/changes.atom?key=wrong").status_code == 404
    assert is_refused("/changes.atom", visitor.get("/changes.atom"))
