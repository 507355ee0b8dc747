"""Behind a reverse proxy (issue 18, finding 11): the sign-in limit counts each client, taken from
X-Forwarded-For of trusted proxies only, under the run command (waitress) and gunicorn alike."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from config import SettingError
from tests.factories import cli_token, command_env, gunicorn, token_in
from tests.test_run_command import ROOT, free_port, wait_for
from tracker.factory import create_app
from tracker.services import accounts
from tracker.web.proxies import TrustedProxies, trusted_networks

LOGIN_LIMIT = 10  # tracker.web.limits.LOGIN_LIMIT: sign-ins a minute per address


def seen(trusted: str, peer: str, headers: dict[str, str]) -> tuple[str, str]:
    """Return the (REMOTE_ADDR, scheme) the app sees for a request from peer with these headers."""
    got: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        got.update(environ)
        return []

    environ = {"REMOTE_ADDR": peer, "wsgi.url_scheme": "http"}
    environ |= {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    TrustedProxies(app, trusted_networks(trusted))(environ, None)
    return got["REMOTE_ADDR"], got["wsgi.url_scheme"]


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded_for", "client"),
    [
        ("127.0.0.1", "127.0.0.1", "203.0.113.5", "203.0.113.5"),
        ("10.0.0.0/8", "10.1.2.3", "198.51.100.1, 203.0.113.5", "203.0.113.5"),  # left: the client's
        ("10.0.0.0/8", "10.1.2.3", "203.0.113.5, 10.9.9.9", "203.0.113.5"),  # through two of our proxies
        ("10.0.0.0/8", "10.1.2.3", "10.7.7.7, 10.9.9.9", "10.7.7.7"),  # nothing but proxies: the farthest
        ("10.0.0.0/8", "10.1.2.3", "203.0.113.5, unknown", "10.1.2.3"),  # no address: the nearest proxy
        ("10.0.0.0/8", "10.1.2.3", "", "10.1.2.3"),
        ("::1, 127.0.0.1", "::1", "2001:db8::7", "2001:db8::7"),
        ("127.0.0.1", "::ffff:127.0.0.1", "203.0.113.5", "203.0.113.5"),  # a dual-stack socket's IPv4 peer
        ("10.0.0.0/8", "192.0.2.9", "203.0.113.5", "192.0.2.9"),  # not a proxy of ours: ignored
        ("", "127.0.0.1", "203.0.113.5", "127.0.0.1"),  # the default trusts nobody
    ],
)
def test_the_client_is_the_rightmost_address_no_trusted_proxy_vouches_for(
    trusted, peer, forwarded_for, client
):
    assert seen(trusted, peer, {"X-Forwarded-For": forwarded_for})[0] == client


@pytest.mark.parametrize(
    ("peer", "proto", "scheme"),
    [("127.0.0.1", "https", "https"), ("127.0.0.1", "http, https", "https"), ("192.0.2.9", "https", "http")],
)
def test_the_scheme_comes_from_a_trusted_proxys_forwarded_proto(peer: str, proto: str, scheme: str):
    assert seen("127.0.0.1", peer, {"X-Forwarded-Proto": proto})[1] == scheme


def test_a_bad_trusted_proxies_setting_stops_start_up_naming_it():
    with pytest.raises(SettingError, match="TRACKER_TRUSTED_PROXIES"):
        create_app(database_url="sqlite://", secret_key="s", trusted_proxies="10.0.0.0/8, proxy.internal")


def bad_sign_in(base: str, forwarded_for: str) -> int:
    """Sign in with a wrong password as a new browser would, through a proxy that says forwarded_for."""
    browser = requests.Session()
    browser.headers["X-Forwarded-For"] = forwarded_for
    form = browser.get(f"{base}/login", timeout=10)
    assert form.status_code == 200, form.status_code
    data = {"username": "alice", "password": "a wrong guess", "csrf_token": token_in(form.text)}
    return browser.post(f"{base}/login", data=data, timeout=10, allow_redirects=False).status_code


def assert_limits_each_forwarded_client(base: str) -> None:
    statuses = [bad_sign_in(base, "203.0.113.5") for _ in range(LOGIN_LIMIT + 1)]
    assert statuses[:LOGIN_LIMIT] == [200] * LOGIN_LIMIT and statuses[-1] == 429, statuses
    assert bad_sign_in(base, "203.0.113.6") == 200  # another client behind the same proxy signs in


def assert_limits_the_peer_whatever_it_claims(base: str) -> None:
    statuses = [bad_sign_in(base, f"203.0.113.{n}") for n in range(LOGIN_LIMIT + 1)]
    assert statuses[-1] == 429, statuses


@pytest.fixture
def run_command(tmp_path: Path) -> Iterator[Any]:
    """Start the run command (waitress, scheduler off) with these settings; yield its base URL."""
    processes: list[subprocess.Popen[str]] = []

    def start(**settings: str) -> str:
        env = command_env(tmp_path / f"run{len(processes)}.sqlite", scheduler="off", port=str(free_port()))
        env |= {f"TRACKER_{name.upper()}": value for name, value in settings.items()}
        cli_token(env, "alice")
        processes.append(subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, text=True))
        base = f"http://127.0.0.1:{env['TRACKER_PORT']}"
        wait_for(lambda: requests.get(f"{base}/healthz", timeout=1).ok, what="the run command to answer")
        return base

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def test_the_run_command_limits_sign_ins_per_client_behind_a_trusted_proxy(run_command):
    assert_limits_each_forwarded_client(run_command(trusted_proxies="192.0.2.1, 127.0.0.0/8"))


def test_the_run_command_ignores_forwarded_for_from_an_untrusted_peer(run_command):
    assert_limits_the_peer_whatever_it_claims(run_command(trusted_proxies="192.0.2.1"))


@pytest.fixture
def user_database(database_url: str) -> str:
    """The migrated database with alice, whose sign-ins the tests get wrong."""
    app = create_app(database_url=database_url, secret_key="test")
    runtime = app.extensions["tracker"]
    with runtime.sessions.begin() as session:
        accounts.create_user(
            session, "alice", password="correct horse", is_admin=False, now=datetime.now(UTC)
        )
    runtime.engine.dispose()
    return database_url


@pytest.mark.parametrize(("trusted", "per_client"), [("127.0.0.1", True), ("", False)])
def test_gunicorn_limits_sign_ins_per_client_only_behind_a_trusted_proxy(
    user_database: str, tmp_path: Path, trusted: str, per_client: bool
):
    with gunicorn(user_database, tmp_path, trusted_proxies=trusted) as base:
        if per_client:
            assert_limits_each_forwarded_client(base)
        else:
            assert_limits_the_peer_whatever_it_claims(base)
