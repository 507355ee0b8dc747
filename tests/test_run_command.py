"""The run command serves the UI with the scheduler in one process; `flask run` never schedules."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from tests.factories import article_page, cli_token, command_env, story
from tests.pageserver import PageServer

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], object], *, timeout: float = 20.0, what: str = "condition") -> object:
    """Return the first truthy value of condition(), polling until the deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except requests.ConnectionError:
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return command_env(  # public reading on: the tests read the API anonymously
        tmp_path / "run.sqlite", tick_seconds="1", host_delay="0", port=str(free_port()), public_read="on"
    )


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


@pytest.fixture
def token(env: dict[str, str]) -> str:
    return cli_token(env, "alice")


@pytest.fixture
def served(env: dict[str, str]) -> Iterator[Callable[[list[str]], str]]:
    processes: list[subprocess.Popen[str]] = []

    def serve(command: list[str]) -> str:
        processes.append(start(command, env))
        base = f"http://127.0.0.1:{env['TRACKER_PORT']}"
        wait_for(lambda: requests.get(f"{base}/api/v1/articles", timeout=1).ok, what="the server to answer")
        return base

    yield serve
    for process in processes:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


def test_run_command_checks_new_articles_by_itself(served, token: str, site: PageServer):
    base = served([sys.executable, "app.py"])
    headers = {"Authorization": f"Bearer {token}"}
    url = site.serve("/a", article_page("Budget approved", story()))
    article = requests.post(f"{base}/api/v1/articles", json={"url": url}, headers=headers, timeout=5).json()
    article_url = f"{base}/api/v1/articles/{article['id']}"

    first = wait_for(
        lambda: requests.get(article_url, timeout=1).json()["version_count"] == 1, what="version 1"
    )

    assert first
    assert requests.get(f"{base}/", timeout=5).status_code == 200  # the UI is served by the same process


def test_flask_run_serves_the_web_without_a_scheduler(
    served, env: dict[str, str], token: str, site: PageServer
):
    base = served([sys.executable, "-m", "flask", "--app", "app", "run", "--port", env["TRACKER_PORT"]])
    headers = {"Authorization": f"Bearer {token}"}
    url = site.serve("/a", article_page("Budget approved", story()))
    requests.post(f"{base}/api/v1/articles", json={"url": url}, headers=headers, timeout=5)

    with pytest.raises(AssertionError):
        wait_for(lambda: site.requests, timeout=3.5, what="a check (three ticks)")
