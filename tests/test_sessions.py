"""Sessions end when they should: sign-out, "sign out everywhere" and a new password end every session
cookie and remember-me cookie handed out before (a per-user generation in them), and CSRF tokens
last a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.factories import post_form, set_up_admin, sign_in, token_in
from tracker.adapters.models import ApiToken
from tracker.engine.runtime import Runtime

PASSWORD = "correct horse"
NEW_PASSWORD = "battery staple"


def saved_copy(app: Flask, client: FlaskClient, *names: str) -> FlaskClient:
    """Return a new client holding only the named cookies `client` has now, as someone who copied
    them (a stolen laptop, a shared computer) would."""
    thief = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, f"no {name} cookie"
        thief.set_cookie(name, cookie.value)
    return thief


def is_signed_in(client: FlaskClient) -> bool:
    return client.get("/account/tokens").status_code == 200


def remember_me(client: FlaskClient) -> None:
    """Make Flask-Login hand this client a remember-me cookie, as login_user(..., remember=True) does."""
    with client.session_transaction() as session:
        session["_remember"] = "set"
    client.get("/")


def signed_in_elsewhere(app: Flask) -> FlaskClient:
    other = app.test_client()
    sign_in(other, "admin", PASSWORD)
    return other


def test_signing_out_ends_a_session_cookie_saved_before(app: Flask, client: FlaskClient):
    set_up_admin(client, "admin", PASSWORD)
    saved = saved_copy(app, client, "session")
    assert is_signed_in(saved)
    client.post("/logout", data={"csrf_token": token_in(client.get("/").get_data(as_text=True))})
    assert not is_signed_in(client)
    assert not is_signed_in(saved)


def test_signing_out_ends_a_remember_me_cookie_saved_before(app: Flask, client: FlaskClient):
    set_up_admin(client, "admin", PASSWORD)
    remember_me(client)
    remembered = saved_copy(app, client, "remember_token")
    assert is_signed_in(remembered)  # the remember-me cookie alone opens the pages
    client.post("/logout", data={"csrf_token": token_in(client.get("/").get_data(as_text=True))})
    assert not is_signed_in(remembered)


def test_sign_out_everywhere_ends_every_session_and_remember_me_cookie(app: Flask, client: FlaskClient):
    set_up_admin(client, "admin", PASSWORD)
    phone = signed_in_elsewhere(app)
    remember_me(phone)
    remembered = saved_copy(app, phone, "remember_token")
    assert is_signed_in(phone) and is_signed_in(remembered)

    response = post_form(client, "/account/sign-out-everywhere", {}, page="/account/tokens")
    assert response.status_code == 302 and response.location.startswith("/login")
    assert [is_signed_in(each) for each in (client, phone, remembered)] == [False, False, False]
    sign_in(client, "admin", PASSWORD)  # the account itself is fine
    assert is_signed_in(client)


def test_the_account_page_offers_sign_out_everywhere_as_a_form_with_a_csrf_token(client: FlaskClient):
    set_up_admin(client, "admin", PASSWORD)
    page = client.get("/account/tokens").get_data(as_text=True)
    assert 'action="/account/sign-out-everywhere"' in page
    refused = client.post("/account/sign-out-everywhere")  # no CSRF token: another site's form
    assert refused.status_code == 400 and is_signed_in(client)


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(app: Flask, client: FlaskClient):
    set_up_admin(client, "admin", PASSWORD)
    phone = signed_in_elsewhere(app)
    fields = {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    response = post_form(client, "/account/password", fields, page="/account/tokens")
    assert response.status_code == 302
    assert "Password changed" in client.get("/account/tokens").get_data(as_text=True)  # still signed in
    assert not is_signed_in(phone)
    assert login_status(app, PASSWORD) == 200 and login_status(app, NEW_PASSWORD) == 302


def test_a_wrong_current_password_changes_nothing(app: Flask, client: FlaskClient):
    set_up_admin(client, "admin", PASSWORD)
    phone = signed_in_elsewhere(app)
    fields = {"current": "a guess", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    response = post_form(client, "/account/password", fields, page="/account/tokens")
    assert response.status_code == 400 and "current password is wrong" in response.get_data(as_text=True)
    assert is_signed_in(client) and is_signed_in(phone)
    assert login_status(app, PASSWORD) == 302


def test_the_set_password_command_ends_every_session(app: Flask, client: FlaskClient):
    set_up_admin(client, "admin", PASSWORD)
    result = app.test_cli_runner().invoke(
        args=["tracker", "set-password", "admin", "--password", NEW_PASSWORD]
    )
    assert result.exit_code == 0, result.output
    assert not is_signed_in(client)


def test_a_session_from_before_generations_must_sign_in_again(client: FlaskClient):
    set_up_admin(client, "admin", PASSWORD)
    with client.session_transaction() as session:
        session["_user_id"] = "1"  # what get_id() kept before sessions had a generation
    assert not is_signed_in(client)


def login_status(app: Flask, password: str) -> int:
    """Return the status of a sign-in as admin with this password (302: signed in)."""
    browser = app.test_client()
    form = browser.get("/login").get_data(as_text=True)
    data = {"username": "admin", "password": password, "csrf_token": token_in(form)}
    return browser.post("/login", data=data).status_code


def test_a_forms_csrf_token_lasts_a_day(client: FlaskClient, runtime: Runtime):
    start = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        set_up_admin(client, "admin", PASSWORD)
        form = token_in(client.get("/account/tokens").get_data(as_text=True))
        clock.move_to(start + timedelta(hours=23))  # a form left open all day still works
        assert client.post("/account/tokens", data={"name": "late", "csrf_token": form}).status_code == 200
        clock.move_to(start + timedelta(hours=25))
        expired = client.post("/account/tokens", data={"name": "stale", "csrf_token": form})
    assert expired.status_code == 400 and "expired" in expired.get_data(as_text=True)
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ApiToken)) == 1
