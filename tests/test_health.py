"""/healthz and /readyz: JSON, no sign-in, no /setup redirect; /readyz asks the database and, when
this process runs the scheduler, whether it still ticks."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from tracker.adapters.models import WorkerHeartbeat
from tracker.engine import worker
from tracker.engine.runtime import worker_name
from tracker.factory import create_app

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
    # `flask run` and gunicorn run no scheduler: the workers check elsewhere, and this process stays ready.
    assert response.get_json() == {"status": "ready", "scheduler": {"state": "not_in_this_process"}}
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


@pytest.fixture
def ticking_app(database_url: str) -> Iterator[tuple[Flask, worker.Ticker]]:
    """An app whose process runs the scheduler, ticking every second, as the run command starts it."""
    app = create_app(database_url=database_url, secret_key="test-secret", tick_seconds=1)
    ticker = worker.start_in_background(app.extensions["tracker"])
    app.extensions["tracker_scheduler"] = ticker  # what `serve` does
    yield app, ticker
    if ticker.scheduler.running:
        ticker.stop()
    app.extensions["tracker"].engine.dispose()


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_a_wall_clock_set_forward_does_not_look_like_a_stalled_scheduler(ticking_app):
    app, _ticker = ticking_app
    runtime = app.extensions["tracker"]
    an_hour_on = replace(runtime.checking, clock=lambda: datetime.now(UTC) + timedelta(hours=1))
    app.extensions["tracker"] = replace(runtime, checking=an_hour_on)  # what the web's now() reads
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["scheduler"]["last_tick_seconds_ago"] <= 2


def test_readyz_is_503_when_the_scheduler_of_this_process_stops_ticking(ticking_app):
    app, ticker = ticking_app
    client = app.test_client()
    response = client.get("/readyz")
    assert response.status_code == 200
    scheduler = response.get_json()["scheduler"]
    assert scheduler["state"] == "ticking" and scheduler["tick_seconds"] == 1
    assert scheduler["last_tick_seconds_ago"] <= 2

    ticker.scheduler.pause()  # a scheduler that no longer runs its jobs
    time.sleep(2.5)  # more than two ticks
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["error"]["code"] == "scheduler_stalled"
    assert body["scheduler"]["state"] == "stalled" and body["scheduler"]["last_tick_seconds_ago"] > 2
    assert "every 1 s" in body["error"]["message"]

    ticker.scheduler.resume()
    wait_until(lambda: client.get("/readyz").status_code == 200, "the scheduler to tick again")


def test_each_tick_records_the_heartbeat_and_a_clean_stop_forgets_it(ticking_app):
    app, ticker = ticking_app
    sessions = app.extensions["tracker"].sessions

    def beats() -> list[WorkerHeartbeat]:
        with sessions() as session:
            return list(session.scalars(select(WorkerHeartbeat)))

    wait_until(lambda: len(beats()) == 1, "the first heartbeat")
    (first,) = beats()
    assert (first.name, first.pid) == (worker_name(), os.getpid())
    wait_until(lambda: beats()[0].last_tick_at > first.last_tick_at, "the next heartbeat")
    assert beats()[0].started_at == first.started_at
    ticker.stop()
    assert beats() == []
