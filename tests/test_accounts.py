"""Several users: sign-up as TRACKER_SIGNUP allows, invites, API tokens managed by their owner."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import auth, make_token, post_form, set_up_admin, sign_in, token_in
from tracker.adapters.models import ApiToken
from tracker.factory import create_app
from tracker.services import accounts


@pytest.fixture
def make_client(database_url: str) -> Iterator:
    """Return a function building a client for an app with the given sign-up mode."""
    apps: list[Flask] = []

    def build(signup: str) -> FlaskClient:
        app = create_app(database_url=database_url, secret_key="test", scheduler=False, signup=signup)
        app.config["TESTING"] = True
        apps.append(app)
        return app.test_client()

    yield build
    for app in apps:
        app.extensions["tracker"].engine.dispose()


def sign_up(client: FlaskClient, username: str, invite: str = "", password: str = "correct horse"):
    return post_form(
        client,
        "/signup",
        {"username": username, "password": password, "confirm": password, "invite": invite},
    )


def test_open_sign_up_creates_an_ordinary_user_who_is_signed_in(make_client):
    client = make_client("open")
    set_up_admin(client)
    client.post("/logout", data={"csrf_token": token_in(client.get("/").get_data(as_text=True))})
    response = sign_up(client, "bob")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "bob" in page and "(admin)" not in page


def test_invite_sign_up_needs_an_unused_code_from_an_admin(make_client):
    client = make_client("invite")
    set_up_admin(client)
    page = post_form(client, "/admin/invites", {}).get_data(as_text=True)
    code = page.split("<pre><code>")[1].split("</code>")[0]
    client.post("/logout", data={"csrf_token": token_in(client.get("/").get_data(as_text=True))})

    refused = sign_up(client, "bob", invite="not-a-code")
    assert refused.status_code == 200 and "invite code is unknown" in refused.get_data(as_text=True)
    assert sign_up(client, "bob", invite=code).status_code == 302
    client.post("/logout", data={"csrf_token": token_in(client.get("/").get_data(as_text=True))})
    again = sign_up(client, "carol", invite=code)
    assert "already used" in again.get_data(as_text=True)


def test_closed_sign_up_says_so_and_creates_nobody(make_client):
    client = make_client("closed")
    set_up_admin(client)
    client.post("/logout", data={"csrf_token": token_in(client.get("/").get_data(as_text=True))})
    assert "Sign up" not in client.get("/login").get_data(as_text=True)
    page = client.get("/signup")
    assert page.status_code == 403 and "closed" in page.get_data(as_text=True)
    fields = {"username": "eve", "password": "x" * 12, "confirm": "x" * 12}
    assert post_form(client, "/signup", fields, page="/login").status_code == 403
    sign_in_page = client.post("/login", data={"username": "eve", "password": "x" * 12})
    assert sign_in_page.status_code != 302


def test_only_admins_make_invites(client: FlaskClient, runtime):
    admin, user = make_token(runtime, "root", admin=True), make_token(runtime, "bob")
    assert client.post("/api/v1/invites", headers=auth(user)).status_code == 403
    made = client.post("/api/v1/invites", headers=auth(admin))
    assert made.status_code == 201 and len(made.get_json()["code"]) >= 16
    listed = client.get("/api/v1/invites", headers=auth(admin)).get_json()["items"]
    assert [invite["used"] for invite in listed] == [False] and "code" not in listed[0]


def test_tokens_are_created_listed_and_revoked_by_their_owner_only(client: FlaskClient, runtime):
    alice, bob = make_token(runtime, "alice"), make_token(runtime, "bob")
    made = client.post("/api/v1/tokens", json={"name": "newsroom bot"}, headers=auth(alice))
    assert made.status_code == 201
    token, token_id = made.get_json()["token"], made.get_json()["id"]
    assert client.get("/api/v1/articles", headers=auth(token)).status_code == 200
    names = [row["name"] for row in client.get("/api/v1/tokens", headers=auth(alice)).get_json()["items"]]
    assert names == ["test", "newsroom bot"]
    assert all(
        "token" not in row for row in client.get("/api/v1/tokens", headers=auth(alice)).get_json()["items"]
    )

    assert client.delete(f"/api/v1/tokens/{token_id}", headers=auth(bob)).status_code == 404
    assert client.get("/api/v1/tokens", headers=auth(bob)).get_json()["items"][0]["name"] == "test"
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=auth(alice)).status_code == 204
    assert client.get("/api/v1/articles", headers=auth(token)).status_code == 401


def test_a_tokens_last_use_is_written_at_most_once_a_minute(client: FlaskClient, runtime):
    token = make_token(runtime)
    assert client.get("/api/v1/articles", headers=auth(token)).status_code == 200
    with runtime.sessions() as session:
        assert session.scalar(select(ApiToken.last_used_at)) is not None  # an API read stores it
    start = datetime.now(UTC) + timedelta(days=1)  # after the use above

    def used_at(moment: datetime) -> datetime | None:
        with runtime.sessions.begin() as session:
            owner = accounts.token_owner(session, token)
            assert owner is not None
            accounts.note_token_use(session, owner, now=moment)
        with runtime.sessions() as session:
            return session.scalar(select(ApiToken.last_used_at))

    assert used_at(start) == start
    assert used_at(start + timedelta(seconds=59)) == start  # a read stays a read
    assert used_at(start + timedelta(seconds=60)) == start + timedelta(seconds=60)


def test_the_tokens_page_shows_a_new_token_once_and_revokes(client: FlaskClient):
    set_up_admin(client)
    page = post_form(client, "/account/tokens", {"name": "laptop"}).get_data(as_text=True)
    token = page.split("<pre><code>")[1].split("</code>")[0]
    assert token.startswith("trk_") and client.get("/api/v1/tokens", headers=auth(token)).status_code == 200
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "laptop" in listing and token not in listing
    token_id = client.get("/api/v1/tokens", headers=auth(token)).get_json()["items"][0]["id"]
    post_form(client, f"/account/tokens/{token_id}/revoke", {}, page="/account/tokens")
    assert client.get("/api/v1/tokens", headers=auth(token)).status_code == 401


def test_a_user_made_by_create_token_can_still_set_up_the_pages(client: FlaskClient, runtime):
    make_token(runtime, "robot")  # a token-only user, as `tracker create-token` makes
    assert "create the administrator" in client.get("/login").get_data(as_text=True)
    set_up_admin(client, "admin")
    sign_in(client, "admin")
    assert "create the administrator" not in client.get("/login").get_data(as_text=True)


def test_through_the_pages_one_user_cannot_touch_anothers_tokens_webhooks_or_tags(
    client: FlaskClient, runtime
):
    alice = make_token(runtime, "alice")
    hook = client.post("/api/v1/webhooks", json={"url": "http://127.0.0.1:9/hook"}, headers=auth(alice))
    article = client.post("/api/v1/articles", json={"url": "https://example.com/a"}, headers=auth(alice))
    client.put(
        f"/api/v1/articles/{article.get_json()['id']}/follow", json={"tags": ["mine"]}, headers=auth(alice)
    )
    alices_token = client.get("/api/v1/tokens", headers=auth(alice)).get_json()["items"][0]["id"]

    set_up_admin(client, "mallory")  # signed in as another user (an admin, even)
    revoke = post_form(client, f"/account/tokens/{alices_token}/revoke", {}, page="/account/tokens")
    assert revoke.status_code == 404
    assert client.get("/api/v1/articles", headers=auth(alice)).status_code == 200
    assert client.get(f"/alerts/{hook.get_json()['id']}").status_code == 404
    delete = post_form(client, f"/alerts/{hook.get_json()['id']}/delete", {}, page="/alerts/")
    assert delete.status_code == 404
    assert client.get(f"/api/v1/webhooks/{hook.get_json()['id']}", headers=auth(alice)).status_code == 200
    article_id = article.get_json()["id"]
    post_form(
        client,
        f"/articles/{article_id}/follow",
        {"tags": "stolen", "note": "x"},
        page=f"/articles/{article_id}",
    )
    assert client.get(f"/api/v1/articles/{article_id}", headers=auth(alice)).get_json()["tags"] == ["mine"]
    assert "mine" not in client.get("/").get_data(as_text=True)
