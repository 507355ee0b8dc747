"""Logs: one line per check and per delivery attempt, as text or as JSON (TRACKER_LOG_FORMAT), with the
fields an operator filters on and never a token, a secret or an article's full address."""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

import config
from tests.factories import article_page, auth, gunicorn, make_token, story
from tests.pageserver import PageServer, Reply
from tracker.adapters.logs import configure_logging
from tracker.engine.runtime import Runtime


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """configure_logging replaces the root handlers: put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def check_and_ping(client: FlaskClient, runtime: Runtime, site: PageServer) -> dict[str, str]:
    """Check an article whose address holds a secret and ping a webhook whose address holds one;
    return the secrets involved."""
    token = make_token(runtime)
    site.serve("/story?access_token=query-secret-1", article_page("A story", story(3)))
    site.routes["/hook?key=hook-secret-2"] = Reply(b"thanks")
    article = client.post(
        "/api/v1/articles", json={"url": site.url("/story?access_token=query-secret-1")}, headers=auth(token)
    ).get_json()
    assert client.post(f"/api/v1/articles/{article['id']}/check", headers=auth(token)).status_code == 200
    hook = client.post(
        "/api/v1/webhooks", json={"url": site.url("/hook?key=hook-secret-2")}, headers=auth(token)
    ).get_json()
    assert client.post(f"/api/v1/webhooks/{hook['id']}/ping", headers=auth(token)).status_code == 200
    return {"token": token, "webhook secret": hook["secret"], "query": "query-secret", "hook": "hook-secret"}


def test_json_logs_have_one_object_a_line_with_the_check_and_delivery_fields(
    client: FlaskClient, runtime: Runtime, site: PageServer, capsys
):
    configure_logging("json")
    secrets = check_and_ping(client, runtime, site)
    output = capsys.readouterr().err
    records = [json.loads(line) for line in output.splitlines() if line.strip()]  # every line is JSON
    assert records and all({"time", "level", "logger", "message"} <= record.keys() for record in records)

    (check,) = [record for record in records if record["message"].startswith("check ")]
    assert check["level"] == "INFO"
    assert check["article_id"] == 1
    assert (check["host"], check["outcome"], check["error_code"], check["http_status"]) == (
        "127.0.0.1",
        "first",
        None,
        200,
    )
    assert check["duration_ms"] >= check["fetch_ms"] >= 0 and check["read_ms"] >= 0

    (delivery,) = [record for record in records if record["message"].startswith("delivery ")]
    assert (delivery["event"], delivery["result"], delivery["http_status"], delivery["kind"]) == (
        "ping",
        "succeeded",
        200,
        "webhook",
    )
    assert delivery["endpoint_id"] >= 1 and delivery["delivery_id"] >= 1 and delivery["duration_ms"] >= 0

    for what, secret in secrets.items():
        assert secret not in output, f"the {what} is in the log"


def test_text_logs_are_one_readable_line_per_check(
    client: FlaskClient, runtime: Runtime, site: PageServer, capsys
):
    configure_logging("text")
    token = make_token(runtime)
    article = client.post("/api/v1/articles", json={"url": site.url("/gone")}, headers=auth(token)).get_json()
    client.post(f"/api/v1/articles/{article['id']}/check", headers=auth(token))
    (line,) = [line for line in capsys.readouterr().err.splitlines() if " check article=" in line]
    assert line.split(" INFO tracker.adapters.metrics: ")[1].startswith(
        f"check article={article['id']} host=127.0.0.1 outcome=error error=http_404 http_status=404 duration_ms="
    )


def test_an_unknown_log_format_stops_start_up_naming_the_setting():
    assert config.load({"TRACKER_LOG_FORMAT": "json"}).log_format == "json"
    with pytest.raises(config.SettingError, match="TRACKER_LOG_FORMAT"):
        config.load({"TRACKER_LOG_FORMAT": "xml"})
    assert config.load({}).log_format == "text"


def test_gunicorn_web_processes_log_each_check_now_in_the_configured_format(
    runtime: Runtime, database_url: str, site: PageServer, tmp_path: Path
):
    """gunicorn reads the repository's gunicorn.conf.py: its web processes log like the run command."""
    token = make_token(runtime)
    page = site.serve("/story", article_page("A story", story(3)))
    headers = {**auth(token), "Content-Type": "application/json"}
    with gunicorn(database_url, tmp_path, log_format="json") as base:
        added = urllib.request.Request(
            f"{base}/api/v1/articles", data=json.dumps({"url": page}).encode(), headers=headers, method="POST"
        )
        with urllib.request.urlopen(added, timeout=10) as answer:
            article = json.load(answer)
        checked = urllib.request.Request(
            f"{base}/api/v1/articles/{article['id']}/check", headers=headers, method="POST"
        )
        with urllib.request.urlopen(checked, timeout=30) as answer:
            assert json.load(answer)["outcome"] == "first"
    errors = (tmp_path / "error.log").read_text()
    lines = [json.loads(line) for line in errors.splitlines() if line.startswith("{")]
    (check,) = [line for line in lines if "outcome" in line]
    assert (check["article_id"], check["outcome"], check["level"]) == (article["id"], "first", "INFO")
    assert "[INFO] Using worker: gthread" in errors  # the file's worker class
