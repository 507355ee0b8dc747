"""Every answer that shows a secret (a new API token, webhook secret or invite code, private feed keys)
carries `Cache-Control: no-store`, so no browser or proxy cache keeps it; ordinary pages do not."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.factories import auth, make_token, post_form, set_up_admin, token_in
from tests.pageserver import PageServer
from tracker.engine.runtime import Runtime

Call = Callable[[FlaskClient, str, PageServer], TestResponse]


def webhook_id(client: FlaskClient, token: str, consumer: PageServer) -> int:
    made = client.post("/api/v1/webhooks", json={"url": consumer.url("/hook")}, headers=auth(token))
    assert made.status_code == 201, made.get_json()
    return made.get_json()["id"]


def rotated_on_the_page(client: FlaskClient, token: str, consumer: PageServer) -> TestResponse:
    hook = webhook_id(client, token, consumer)
    page = client.get(f"/alerts/{hook}").get_data(as_text=True)
    return client.post(f"/alerts/{hook}/rotate", data={"csrf_token": token_in(page)})


API: dict[str, Call] = {
    "POST /api/v1/tokens": lambda c, t, _: c.post("/api/v1/tokens", json={"name": "bot"}, headers=auth(t)),
    "POST /api/v1/invites": lambda c, t, _: c.post("/api/v1/invites", headers=auth(t)),
    "POST /api/v1/webhooks": lambda c, t, s: c.post(
        "/api/v1/webhooks", json={"url": s.url("/hook")}, headers=auth(t)
    ),
    "POST /api/v1/webhooks/ID/rotate-secret": lambda c, t, s: c.post(
        f"/api/v1/webhooks/{webhook_id(c, t, s)}/rotate-secret", headers=auth(t)
    ),
}
PAGES: dict[str, Call] = {
    "GET /account/tokens": lambda c, _t, _s: c.get("/account/tokens"),
    "POST /account/tokens": lambda c, _t, _s: post_form(c, "/account/tokens", {"name": "laptop"}),
    "POST /account/password": lambda c, _t, _s: post_form(
        c, "/account/password", {"current": "wrong"}, page="/account/tokens"
    ),
    "GET /admin/invites": lambda c, _t, _s: c.get("/admin/invites"),
    "POST /admin/invites": lambda c, _t, _s: post_form(c, "/admin/invites", {}),
    "GET /alerts/": lambda c, _t, _s: c.get("/alerts/"),
    "POST /alerts/": lambda c, _t, s: post_form(c, "/alerts/", {"url": s.url("/hook")}),
    "POST /alerts/ID/rotate": rotated_on_the_page,
    "GET /account/feeds": lambda c, _t, _s: c.get("/account/feeds"),
}
SHOWS = {  # what each answer shows, so the test knows it hit the real thing
    "POST /api/v1/tokens": "trk_",
    "POST /api/v1/invites": '"code"',
    "POST /api/v1/webhooks": "whsec_",
    "POST /api/v1/webhooks/ID/rotate-secret": "whsec_",
    "POST /account/tokens": "trk_",
    "POST /admin/invites": "<pre><code>",
    "POST /alerts/": "whsec_",
    "POST /alerts/ID/rotate": "whsec_",
    "GET /account/feeds": "key=",
}


@pytest.fixture
def admin(client: FlaskClient, runtime: Runtime) -> tuple[FlaskClient, str]:
    """The admin signed in on the pages, and an API token of theirs."""
    set_up_admin(client)
    return client, make_token(runtime, "admin", admin=True)


@pytest.mark.parametrize("route", [*API, *PAGES])
def test_an_answer_that_shows_a_secret_is_never_stored(
    route: str, admin: tuple[FlaskClient, str], consumer: PageServer
):
    client, token = admin
    response = {**API, **PAGES}[route](client, token, consumer)
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert SHOWS.get(route, "") in response.get_data(as_text=True)
    assert response.headers.get("Cache-Control") == "no-store"


def test_an_ordinary_page_is_not_marked(admin: tuple[FlaskClient, str]):
    client, _token = admin
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
