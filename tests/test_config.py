"""Settings: one table of defaults, environment overrides, booleans parsed strictly, all documented."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask

import config
from tests.factories import (
    add_article,
    article_page,
    auth,
    check_now,
    cli_token,
    command_env,
    make_test_app,
    make_token,
    story,
)
from tests.pageserver import PageServer
from tests.test_run_command import ROOT, free_port, wait_for
from tracker.engine.deliverer import Deliverer, DelivererSettings

HREF = re.compile(r'href="([^"]+)"')


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1", True),
        ("on", True),
        ("YES", True),
        ("true", True),
        ("0", False),
        ("off", False),
        ("no", False),
        ("False", False),
    ],
)
def test_booleans_accept_the_usual_words(raw: str, value: bool):
    assert config.load({"TRACKER_SCHEDULER": raw}).scheduler is value


def test_anything_else_stops_start_up_naming_the_setting():
    with pytest.raises(config.SettingError, match="TRACKER_ALLOW_PRIVATE_NETWORKS"):
        config.load({"TRACKER_ALLOW_PRIVATE_NETWORKS": "maybe"})


def test_numbers_are_parsed_and_checked():
    assert config.load({"TRACKER_BATCH_SIZE": "600", "TRACKER_HOST_DELAY": "0.5"}).batch_size == 600
    with pytest.raises(config.SettingError, match="TRACKER_TICK_SECONDS"):
        config.load({"TRACKER_TICK_SECONDS": "soon"})


def test_arguments_win_over_the_environment():
    assert config.load({"TRACKER_BATCH_SIZE": "600"}, batch_size=7).batch_size == 7


def test_archives_are_a_list_of_timemap_addresses():
    assert config.archive_prefixes(config.load({}).archives) == ("https://web.archive.org/web/timemap/link/",)
    assert config.archive_prefixes(" http://a.example/timemap/link/ ,, https://b.example/tm/ ") == (
        "http://a.example/timemap/link/",
        "https://b.example/tm/",
    )
    assert config.archive_prefixes("") == ()  # backfill off
    with pytest.raises(config.SettingError, match=re.escape("TRACKER_ARCHIVES: 'ftp://x.example/'")):
        config.archive_prefixes("ftp://x.example/")


def test_defaults_are_the_embedded_set_up():
    settings = config.load({})
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith(
        "instance/tracker.sqlite"
    )
    assert (settings.scheduler, settings.public_read, settings.allow_private_networks) == (True, False, False)
    assert (settings.intervals, settings.tick_seconds, settings.host_delay) == (
        "6h=5m,1d=15m,3d=1h,14d=6h,*=1d",
        5,
        1.0,
    )


def test_the_secret_key_is_generated_once_and_kept(tmp_path: Path):
    first = config.secret_key(config.load({}), instance=tmp_path)
    assert first == config.secret_key(config.load({}), instance=tmp_path) and len(first) == 64


# Every setting is documented in docs/settings.md: tests/test_docs.py holds the list to config.py.


def test_links_name_the_address_the_run_command_serves_on():
    assert config.load({}).base_url == "http://127.0.0.1:5000"
    assert config.load({"TRACKER_PORT": "5123"}).base_url == "http://127.0.0.1:5123"
    assert config.load({"TRACKER_HOST": "10.1.2.3", "TRACKER_PORT": "80"}).base_url == "http://10.1.2.3:80"
    assert config.load({"TRACKER_HOST": "::1"}).base_url == "http://[::1]:5000"
    assert config.load({}, port=7000).base_url == "http://127.0.0.1:7000"  # overrides count too


@pytest.mark.parametrize("wildcard", ["0.0.0.0", "::"])
def test_a_wildcard_bind_links_to_the_machines_name(wildcard: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(socket, "gethostname", lambda: "tracker-host")
    environ = {"TRACKER_HOST": wildcard, "TRACKER_PORT": "8080"}
    assert config.load(environ).base_url == "http://tracker-host:8080"
    monkeypatch.setattr(socket, "gethostname", lambda: "")  # a machine without a name
    assert config.load(environ).base_url == "http://127.0.0.1:8080"


def test_an_explicit_base_url_wins():
    environ = {"TRACKER_PORT": "5123", "TRACKER_BASE_URL": "https://tracker.example"}
    assert config.load(environ).base_url == "https://tracker.example"
    assert config.load({"TRACKER_BASE_URL": ""}).base_url == "http://127.0.0.1:5000"  # empty: unset


@pytest.fixture
def app_on_port_5123(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sqlite_template: Path
) -> Iterator[Flask]:
    """The app as `TRACKER_PORT=5123 python app.py` builds it (no TRACKER_BASE_URL), on a SQLite copy."""
    database = tmp_path / "tracker.sqlite"
    database.write_bytes(sqlite_template.read_bytes())
    monkeypatch.setenv("TRACKER_PORT", "5123")
    app = make_test_app(f"sqlite:///{database}")
    yield app
    app.extensions["tracker"].engine.dispose()


def test_atom_and_webhook_links_follow_the_port(
    app_on_port_5123: Flask, site: PageServer, consumer: PageServer
):
    base = "http://127.0.0.1:5123"
    runtime = app_on_port_5123.extensions["tracker"]
    client = app_on_port_5123.test_client()
    token = make_token(runtime)
    client.post("/api/v1/webhooks", json={"url": consumer.url("/hook")}, headers=auth(token))
    article = add_article(client, token, site.serve("/story", article_page("Budget", story(3))))
    check_now(client, token, article["id"])
    site.serve("/story", article_page("Budget", [*story(3), "Update: the council replied on Friday."]))
    check_now(client, token, article["id"])
    Deliverer(
        runtime.sessions,
        runtime.http,
        runtime.guard,
        runtime.checking.clock,
        DelivererSettings(worker="test"),
    ).deliver_due()

    feed = client.get(f"/articles/{article['id']}/changes.atom").get_data(as_text=True)
    (body,) = consumer.bodies
    data = json.loads(body)["data"]

    links = HREF.findall(feed)
    assert len(links) >= 3 and all(link.startswith(f"{base}/") for link in links), links  # feed, self, entry
    assert data["article"]["links"]["html"] == f"{base}/articles/{article['id']}"
    assert data["diff"]["links"]["html"] == f"{base}/articles/{article['id']}/diff?from=1&to=2"


def test_the_run_command_on_another_port_links_to_it(tmp_path: Path):
    port = str(free_port())
    env = command_env(tmp_path / "run.sqlite", port=port, scheduler="off", public_read="on")
    cli_token(env, "alice")  # a tracker without an account shows only its set-up page
    server = subprocess.Popen(
        [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: requests.get(f"{base}/healthz", timeout=1).ok, what="the run command to answer")
        feed = requests.get(f"{base}/changes.atom", timeout=5).text
    finally:
        server.terminate()
        server.wait(timeout=10)

    links = HREF.findall(feed)
    assert f"{base}/changes.atom" in links and all(link.startswith(f"{base}/") for link in links), links
