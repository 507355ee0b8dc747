"""/healthz and /readyz: JSON, no sign-in, no /setup redirect; /readyz asks the database."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from tracker import create_app

# Nothing listens on port 1: connections are refused at once (connect_timeout bounds the rest).
UNREACHABLE = "postgresql+psycopg://x@127.0.0.1:1/none?connect_timeout=2"


@pytest.fixture
def unreachable_app() -> Iterator[Flask]:
    app = create_app(database_url=UNREACHABLE, secret_key="test-secret", scheduler=False)
    app.config["TESTING"] = True
    yield app
    app.extensions["tracker"].engine.dispose()


def checkouts(app: Flask) -> list[object]:
    """Record every connection the app's engine hands out from now on."""
    seen: list[object] = []
    event.listen(app.extensions["tracker"].engine, "checkout", lambda *args: seen.append(args))
    return seen


def test_healthz_is_ok_without_touching_the_database(app: Flask, client: FlaskClient):
    seen = checkouts(app)
    response = client.get("/healthz")
    assert response.status_code == 200  # not the /setup redirect, though no account exists yet
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert seen == []


def test_healthz_is_ok_while_the_database_is_down(unreachable_app: Flask):
    response = unreachable_app.test_client().get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})


def test_readyz_is_ready_when_the_database_answers(app: Flask, client: FlaskClient):
    seen = checkouts(app)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready"}
    assert len(seen) == 1  # it did ask the database


def test_readyz_is_503_when_the_database_is_unreachable(unreachable_app: Flask):
    started = time.monotonic()
    response = unreachable_app.test_client().get("/readyz")
    assert time.monotonic() - started < 10
    assert response.status_code == 503
    assert response.is_json
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["error"]["code"] == "database_unavailable"
    assert body["error"]["message"]
    assert "127.0.0.1" not in body["error"]["message"]  # connection details stay in the log


def test_health_endpoints_need_no_sign_in_once_accounts_exist(app: Flask, client: FlaskClient):
    app.extensions["tracker_has_users"] = True  # past first run: pages now ask anonymous users to sign in
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.head("/healthz").status_code == 200


def test_health_endpoints_carry_the_security_headers(client: FlaskClient):
    response = client.get("/healthz")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
