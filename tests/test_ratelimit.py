"""Rate limits on writes, check-now and sign-in: 429 with Retry-After; off by setting; shared via Redis."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import auth, make_token
from tracker.factory import create_app
from tracker.web.limits import counter_prefix

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def make_app(database_url: str) -> Iterator:
    apps: list[Flask] = []

    def build(**settings) -> Flask:
        app = create_app(database_url=database_url, secret_key="t", scheduler=False, **settings)
        app.config["TESTING"] = True
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["tracker"].engine.dispose()


def add(client: FlaskClient, token: str, n: int) -> int:
    return client.post(
        "/api/v1/articles", json={"url": f"https://example.com/{n}"}, headers=auth(token)
    ).status_code


def test_writes_over_the_limit_get_429_with_retry_after_per_token(make_app):
    app = make_app(write_limit="3 per minute")
    client, alice = app.test_client(), make_token(app.extensions["tracker"], "alice")
    bob = make_token(app.extensions["tracker"], "bob")
    assert [add(client, alice, n) for n in range(3)] == [201, 201, 201]
    refused = client.post("/api/v1/articles", json={"url": "https://example.com/x"}, headers=auth(alice))
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert client.get("/api/v1/articles", headers=auth(alice)).status_code == 200  # reads are free
    assert add(client, bob, 9) == 201  # each token has its own budget


def test_check_now_has_its_own_tighter_limit(make_app):
    app = make_app(check_limit="2 per minute", check_now_pause=0)  # one site, checked again at once
    client, token = app.test_client(), make_token(app.extensions["tracker"])
    article = client.post(
        "/api/v1/articles", json={"url": "https://example.com/c"}, headers=auth(token)
    ).get_json()
    codes = [
        client.post(f"/api/v1/articles/{article['id']}/check", headers=auth(token)).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]


def test_switched_off_nothing_is_limited(make_app):
    app = make_app(write_limit="1 per minute", ratelimit=False)
    client, token = app.test_client(), make_token(app.extensions["tracker"])
    assert [add(client, token, n) for n in range(5)] == [201] * 5


def test_sign_in_attempts_are_throttled_per_address(make_app):
    app = make_app()
    make_token(app.extensions["tracker"], "x")
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False
    codes = [
        client.post("/login", data={"username": "x", "password": "guess"}).status_code for _ in range(11)
    ]
    assert codes[:10] == [200] * 10 and codes[10] == 429


def test_processes_share_counters_through_redis(make_app):
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.fail("Redis must run at 127.0.0.1:6379 (as on the development and CI machines)")
    first = make_app(write_limit="3 per minute", redis_url=REDIS_URL)
    forget_counters(first)
    second = make_app(write_limit="3 per minute", redis_url=REDIS_URL)  # another web process
    token = make_token(first.extensions["tracker"])
    one, two = first.test_client(), second.test_client()
    assert [add(one, token, 1), add(two, token, 2), add(one, token, 3)] == [201, 201, 201]
    assert add(two, token, 4) == 429


def forget_counters(app: Flask) -> None:
    """Drop what an earlier run left in Redis: counters are per user id, and ids start at 1 again."""
    prefix = counter_prefix(app.extensions["tracker"].settings)
    store = redis.Redis.from_url(REDIS_URL)
    for key in store.scan_iter(match=f"*{prefix}*"):
        store.delete(key)
