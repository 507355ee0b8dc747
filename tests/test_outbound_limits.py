"""Outbound work a request starts is bounded: slots per user and per process, a short deadline,
and a pause per site for check-now; limits count per user, whichever token they use."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask

from tests.factories import add_article, auth, cli_token, command_env, make_token
from tests.hostileserver import Dripping, head, raw
from tests.pageserver import PageServer
from tests.test_run_command import free_port, wait_for
from tracker.factory import create_app
from tracker.web.outbound_limits import Busy, Slots

ROOT = Path(__file__).resolve().parent.parent
FLOOD = 10


def dripping(site: PageServer, path: str = "/slow") -> str:
    """Serve a page that sends one byte a second, and return its URL."""
    site.routes[path] = raw(head(("Content-Type", "text/html")), Dripping(b"<html>" + b"x" * 600, every=1.0))
    return site.url(path)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """The run command (waitress, 8 threads) without its scheduler; yield its base URL and tokens."""
    env = command_env(
        tmp_path / "run.sqlite",
        port=str(free_port()),
        scheduler="off",
        request_fetch_deadline="6",
        check_now_pause="0",  # so that the slots, not the site pause, meet the flood of check-nows
    )
    tokens = {name: cli_token(env, name) for name in ("alice", "bob")}
    server = subprocess.Popen(
        [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{env['TRACKER_PORT']}"
    try:
        wait_for(lambda: requests.get(f"{base}/healthz", timeout=1).ok, what="the server to answer")
        yield base, tokens
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


def flood(send: Callable[[], requests.Response]) -> tuple[list[threading.Thread], list[requests.Response]]:
    """Start FLOOD concurrent requests; return their threads and (as they end) their answers."""
    answers: list[requests.Response] = []
    threads = [threading.Thread(target=lambda: answers.append(send())) for _ in range(FLOOD)]
    for thread in threads:
        thread.start()
    return threads, answers


def answers_quickly(url: str, token: str | None = None) -> float:
    """Return how long url took to answer 200 (at most 2 s, else the request fails)."""
    started = time.monotonic()
    response = requests.get(url, headers=auth(token) if token else {}, timeout=2)
    assert response.status_code == 200
    return time.monotonic() - started


@pytest.mark.parametrize("route", ["discover", "check-now"])
def test_one_user_flooding_fetching_routes_leaves_the_web_answering_others(
    served, site: PageServer, route: str
):
    base, tokens = served
    slow = dripping(site)
    alice = auth(tokens["alice"])
    article = requests.post(f"{base}/api/v1/articles", json={"url": slow}, headers=alice, timeout=5).json()

    def send() -> requests.Response:
        if route == "discover":
            return requests.get(
                f"{base}/api/v1/feeds/discover", params={"url": slow}, headers=alice, timeout=30
            )
        return requests.post(f"{base}/api/v1/articles/{article['id']}/check", headers=alice, timeout=30)

    threads, answers = flood(send)
    wait_for(lambda: sum(site.active.values()) >= 2, timeout=5, what="the flood to reach the slow site")
    for _ in range(3):  # while alice's two fetches still drip
        assert answers_quickly(f"{base}/healthz") < 2
        assert answers_quickly(f"{base}/api/v1/articles", tokens["bob"]) < 2
    for thread in threads:
        thread.join(timeout=20)

    refused = [answer for answer in answers if answer.status_code == 429]
    assert len(refused) == FLOOD - 2  # TRACKER_REQUEST_FETCHES_PER_USER
    assert {answer.json()["error"]["code"] for answer in refused} == {"busy"}
    assert all(1 <= int(answer.headers["Retry-After"]) <= 6 for answer in refused)


def test_a_fetch_made_inside_a_request_ends_by_the_request_deadline(build, site: PageServer):
    app = build(fetch_deadline=30.0, request_fetch_deadline=1.0)
    token = make_token(app.extensions["tracker"])
    started = time.monotonic()
    response = app.test_client().get(
        "/api/v1/feeds/discover", query_string={"url": dripping(site)}, headers=auth(token)
    )
    assert response.get_json()["error"]["code"] == "timeout"
    assert time.monotonic() - started < 4  # not the 30 s a scheduled fetch may take


def test_tokens_of_one_user_share_the_check_now_limit(build, site: PageServer):
    app = build(check_limit="3 per minute", check_now_pause=0)
    run, client = app.extensions["tracker"], app.test_client()
    tokens = [make_token(run, "alice") for _ in range(3)]
    article = add_article(client, tokens[0], site.serve("/a", "<html><p>story</p></html>"))
    codes = [
        client.post(f"/api/v1/articles/{article['id']}/check", headers=auth(token)).status_code
        for token in tokens * 2
    ]
    assert codes == [200, 200, 200, 429, 429, 429]
    bob = make_token(run, "bob")  # another user keeps a budget of his own
    assert client.post(f"/api/v1/articles/{article['id']}/check", headers=auth(bob)).status_code != 429


def test_check_now_pauses_between_checks_of_one_site(build, site: PageServer):
    app = build(check_now_pause=5)
    client, token = app.test_client(), make_token(app.extensions["tracker"])
    first = add_article(client, token, site.serve("/a", "<html><p>one</p></html>"))
    second = add_article(client, token, site.serve("/b", "<html><p>two</p></html>"))
    elsewhere = add_article(client, token, site.url("/a", host="localhost"))

    assert client.post(f"/api/v1/articles/{first['id']}/check", headers=auth(token)).status_code == 200
    paused = client.post(f"/api/v1/articles/{second['id']}/check", headers=auth(token))
    assert paused.status_code == 429
    assert paused.get_json()["error"]["code"] == "site_paused"
    assert "127.0.0.1" in paused.get_json()["error"]["message"]
    assert 1 <= int(paused.headers["Retry-After"]) <= 5
    assert client.post(f"/api/v1/articles/{elsewhere['id']}/check", headers=auth(token)).status_code == 200


def test_slots_refuse_a_caller_over_its_share_and_everyone_over_the_total():
    slots = Slots(total=3, per_caller=2, deadline=15)
    with slots.held("user:1"), slots.held("user:1"):
        with pytest.raises(Busy) as over_share, slots.held("user:1"):
            pass
        with slots.held("user:2"), pytest.raises(Busy), slots.held("user:3"):
            pass
    assert 14 <= over_share.value.retry_after <= 15  # when the oldest fetch in flight must have ended
    with slots.held("user:1"), slots.held("user:1"):  # all given back
        pass


@pytest.fixture
def build(database_url: str) -> Iterator[Callable[..., Flask]]:
    """Build apps with these settings (robots.txt off: each check is one fetch of the page)."""
    apps: list[Flask] = []

    def make(**settings: object) -> Flask:
        app = create_app(
            database_url=database_url,
            secret_key="t",
            scheduler=False,
            allow_private_networks=True,
            host_delay=0.0,
            robots=False,
            **settings,
        )
        app.config["TESTING"] = True
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["tracker"].engine.dispose()
