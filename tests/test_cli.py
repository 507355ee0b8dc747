"""The commands as scripts use them: `flask --app app tracker ...` in a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import article_page, command_env, story
from tests.pageserver import PageServer

ROOT = Path(__file__).resolve().parent.parent


def flask(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An environment whose embedded database does not exist yet: every command must migrate it."""
    return command_env(tmp_path / "fresh.sqlite")


def test_track_and_check_from_the_command_line(env: dict[str, str], site: PageServer):
    token = flask("tracker", "create-token", "alice", env=env)
    assert token.returncode == 0, token.stderr
    assert token.stdout.strip().splitlines()[-1].startswith("trk_")

    url = site.serve("/a", article_page("Budget approved", story()))
    added = flask("tracker", "add", url, env=env)
    assert added.returncode == 0, added.stderr
    article_id = added.stdout.strip().splitlines()[-1]
    assert article_id == "1"
    assert site.requests == []  # adding never fetches

    checked = flask("tracker", "check", article_id, env=env)
    assert checked.returncode == 0 and "first (version 1)" in checked.stdout

    site.serve("/a", article_page("Budget approved", [*story(), "Update: the vote was delayed to Friday."]))
    everything = flask("tracker", "check", "--all", env=env)
    assert everything.returncode == 0 and "1 changed" in everything.stdout

    listing = flask("tracker", "list", env=env)
    assert "v2" in listing.stdout and "Budget approved" in listing.stdout


def test_check_exits_zero_when_the_check_itself_fails(env: dict[str, str], site: PageServer):
    article_id = flask("tracker", "add", site.serve("/a", "no", status=404), env=env).stdout.split()[-1]
    result = flask("tracker", "check", article_id, env=env)
    assert result.returncode == 0
    assert "error http_404" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("tracker", "check"),
        ("tracker", "check", "1", "--all"),
        ("tracker", "add", "file:///etc/passwd"),
        ("tracker", "add", "https://example.com/a", "--user", "nobody"),
    ],
)
def test_bad_usage_exits_non_zero_with_a_message(env: dict[str, str], args: tuple[str, ...]):
    result = flask(*args, env=env)
    assert result.returncode != 0
    assert "Error" in result.stderr


def test_an_unreachable_database_exits_non_zero(env: dict[str, str]):
    env["TRACKER_DATABASE_URL"] = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    assert flask("tracker", "check", "--all", env=env).returncode != 0


def test_a_bad_boolean_setting_stops_start_up_naming_it(env: dict[str, str]):
    env["TRACKER_PUBLIC_READ"] = "maybe"
    result = flask("tracker", "list", env=env)
    assert result.returncode != 0 and "TRACKER_PUBLIC_READ" in result.stderr
