"""API tokens, webhook secrets and private feed keys never reach a log record, whatever logs them:
the app, the libraries, or the web servers' request logs (werkzeug under `flask run`, gunicorn)."""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text
from werkzeug.serving import make_server

from tests.factories import article_page, auth, gunicorn, make_token, story
from tests.pageserver import PageServer, Reply
from tracker.adapters.models import User
from tracker.engine.runtime import Runtime
from tracker.services import accounts


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    """The app served by werkzeug's server on 127.0.0.1, as `flask run` does; yields its base URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.port}"
    httpd.shutdown()


@pytest.fixture
def every_record(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture DEBUG and up from every logger, including those that set a level of their own, except
    SQLAlchemy's: at INFO it is SQL echo, a debugging switch that prints every statement's values
    (webhook secrets are stored readable, to sign with) and is off unless an operator turns it on."""
    caplog.set_level(logging.DEBUG)
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and logger.level != logging.NOTSET and name != "sqlalchemy":
            caplog.set_level(logging.DEBUG, logger=name)
    caplog.set_level(logging.DEBUG, logger="werkzeug")  # werkzeug sets its own level on first use
    return caplog


def call(url: str, method: str = "GET", token: str | None = None, body: Any = None) -> tuple[int, str]:
    """Send a request with urllib, which (unlike requests) logs nothing of its own; return (status, text)."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json", **(auth(token) if token else {})}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def call_json(url: str, method: str = "GET", token: str | None = None, body: Any = None) -> dict[str, Any]:
    status, answer = call(url, method, token, body)
    assert status < 300, answer
    return json.loads(answer)


def record_text(record: logging.LogRecord) -> str:
    """Everything a handler could write for the record: message, raw arguments, traceback."""
    trace = logging.Formatter().formatException(record.exc_info) if record.exc_info else ""
    return "\n".join((record.getMessage(), str(record.msg), repr(record.args), record.exc_text or "", trace))


def test_tokens_webhook_secrets_and_feed_keys_are_never_logged(
    server: str, runtime: Runtime, site: PageServer, every_record: pytest.LogCaptureFixture
):
    first = make_token(runtime, "alice")
    token = call_json(f"{server}/api/v1/tokens", "POST", first, {"name": "script"})["token"]

    page = site.serve("/story", article_page("Budget approved", story()))
    article = call_json(f"{server}/api/v1/articles", "POST", token, {"url": page})
    call_json(f"{server}/api/v1/articles/{article['id']}/follow", "PUT", token, {"tags": ["politics"]})
    for paragraphs in (story(), [*story(), "An update: the vote was delayed."]):
        site.serve("/story", article_page("Budget approved", paragraphs))
        checked = call_json(f"{server}/api/v1/articles/{article['id']}/check", "POST", token)
        assert checked["outcome"] in ("first", "changed")
    assert call(f"{server}/api/v1/articles?token={token}")[0] == 200  # a script's mistake
    assert call(f"{server}/api/v1/articles", token=token + "x")[0] == 401

    site.routes["/hook"] = Reply(b"thanks", content_type="text/plain")
    hook = call_json(f"{server}/api/v1/webhooks", "POST", token, {"url": site.url("/hook")})
    rotated = call_json(f"{server}/api/v1/webhooks/{hook['id']}/rotate-secret", "POST", token)
    assert call_json(f"{server}/api/v1/webhooks/{hook['id']}/ping", "POST", token)["status"] == "succeeded"
    signature = next(headers for path, headers in site.requests if path == "/hook")["webhook-signature"]
    assert signature.count("v1,") == 2  # signed with the new secret and with the old one

    # An Apprise URL carries its service's credentials; nothing listens on port 1, so sending fails.
    channel_url = "json://bot:chan-pass-4711@127.0.0.1:1/hook"
    channel = call_json(f"{server}/api/v1/channels", "POST", token, {"url": channel_url})
    pinged = call_json(f"{server}/api/v1/channels/{channel['id']}/ping", "POST", token)
    assert pinged["status"] == "pending" and pinged["attempts"] == 1  # failed once, to be retried

    with runtime.sessions.begin() as session:
        key = accounts.feed_key(session.get_one(User, 1))
    for path in ("/tags/politics/changes.atom", "/me/changes.atom"):
        status, feed = call(f"{server}{path}?key={key}")
        assert status == 200 and "version 2" in feed
    with runtime.engine.begin() as connection:  # the database fails while a key is looked up
        connection.execute(text("ALTER TABLE users RENAME TO users_away"))
    try:
        assert call(f"{server}/me/changes.atom?key={key}")[0] in (500, 503)  # 503 when it is an outage
    finally:
        with runtime.engine.begin() as connection:
            connection.execute(text("ALTER TABLE users_away RENAME TO users"))

    secrets = {"token": first, "new token": token, "secret": hook["secret"], "rotated": rotated["secret"]}
    secrets["feed key"], secrets["channel password"] = key, "chan-pass-4711"
    records = every_record.records
    request_lines = [record.getMessage() for record in records if record.name == "werkzeug"]
    assert any("/tags/politics/changes.atom?key=[redacted]" in line for line in request_lines)
    assert any("/api/v1/articles?token=[redacted]" in line for line in request_lines)
    assert any("users" in record_text(record) for record in records if record.levelno == logging.ERROR)
    for record in records:
        logged = record_text(record)
        leaked = [name for name, secret in secrets.items() if secret in logged]
        assert not leaked, f"{leaked} in a {record.name} record: {logged}"


def test_gunicorns_access_log_leaves_out_secrets_in_query_strings(database_url: str, tmp_path: Path):
    """The production web server writes every request line; feed keys and tokens in them are redacted."""
    access = tmp_path / "access.log"
    with gunicorn(database_url, tmp_path, "--access-logfile", str(access)) as base:
        call(f"{base}/healthz?key=feedkey-0123456789&token=tr_secret-0123456789")
        call(f"{base}/me/changes.atom?key=feedkey-0123456789")
    log = access.read_text()
    assert log.count("key=[redacted]") == 2 and "token=[redacted]" in log
    assert "0123456789" not in log + (tmp_path / "error.log").read_text()
