"""Cookies of a real sign-in: always HttpOnly and SameSite=Lax, Secure (with HSTS) when TRACKER_HTTPS is on."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.factories import set_up_admin, token_in


@pytest.fixture(autouse=True, params=["off", "on"], ids=["http", "https"])
def https(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """TRACKER_HTTPS as an operator sets it; autouse, so it is set before the app is built."""
    monkeypatch.setenv("TRACKER_HTTPS", request.param)
    return request.param == "on"


def log_in(client: FlaskClient) -> TestResponse:
    """Create the admin, sign out, and return the answer to a real sign-in form post."""
    set_up_admin(client, "admin", "correct horse")
    client.post("/logout", data={"csrf_token": token_in(client.get("/").get_data(as_text=True))})
    form = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login", data={"username": "admin", "password": "correct horse", "csrf_token": token_in(form)}
    )
    assert response.status_code == 302
    return response


def cookie(response: TestResponse, name: str) -> set[str]:
    """Return the attributes of the Set-Cookie header for `name`, lower-cased ("httponly", "samesite=lax")."""
    for header in response.headers.getlist("Set-Cookie"):
        first, *attributes = (part.strip() for part in header.split(";"))
        if first.startswith(f"{name}="):
            return {attribute.lower() for attribute in attributes}
    raise AssertionError(f"no {name} cookie in {response.headers.getlist('Set-Cookie')}")


def test_the_session_cookie_is_httponly_lax_and_secure_only_over_https(client: FlaskClient, https: bool):
    response = log_in(client)
    attributes = cookie(response, "session")
    assert {"httponly", "samesite=lax"} <= attributes
    assert ("secure" in attributes) is https  # over http:// a browser would never send it back
    assert response.headers.get("Strict-Transport-Security", "").startswith("max-age=") is https


def test_the_remember_me_cookie_gets_the_same_attributes(client: FlaskClient, https: bool):
    log_in(client)
    with client.session_transaction() as session:
        session["_remember"] = "set"  # what login_user(..., remember=True) asks Flask-Login for
    attributes = cookie(client.get("/"), "remember_token")
    assert {"httponly", "samesite=lax"} <= attributes
    assert ("secure" in attributes) is https
