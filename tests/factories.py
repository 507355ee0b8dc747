"""Plain functions that build test data with sensible defaults."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tracker.engine.runtime import Runtime
from tracker.factory import create_app
from tracker.services import accounts

FILLER = (
    "The council met on Tuesday evening to discuss the proposal, which has divided residents for months. "
    "Supporters say the plan would bring jobs and new housing to the area, while critics warn about traffic."
)


def article_page(
    title: str, paragraphs: list[str], *, extra_head: str = "", sidebar: str = "", lang: str = "en"
) -> str:
    """Return a realistic article page: head, navigation, the article, a sidebar and a footer."""
    body = "\n".join(f"<p>{html.escape(text)}</p>" for text in paragraphs)
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)} | The Daily Test</title>
<meta property="og:title" content="{html.escape(title)}">{extra_head}</head>
<body><header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
<main><article><h1>{html.escape(title)}</h1><div class="byline">By Jane Reporter</div>
{body}
</article><aside>{sidebar}</aside></main>
<footer><p>&copy; The Daily Test</p></footer></body></html>"""


def story(count: int = 4) -> list[str]:
    """Return `count` distinct, article-like paragraphs."""
    return [f"Paragraph {n + 1}. {FILLER}" for n in range(count)]


def cli_token(env: dict[str, str], username: str) -> str:
    """Run `tracker create-token` as a user would, in a subprocess; return the token it prints last."""
    made = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "tracker", "create-token", username],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.strip().splitlines()[-1]


def command_env(database: Path, **settings: str) -> dict[str, str]:
    """Return an environment for our commands in a subprocess, on a SQLite file that may not exist yet."""
    return {
        **os.environ,  # conftest has removed the developer's own TRACKER_* variables
        "TRACKER_DATABASE_URL": f"sqlite:///{database}",
        "TRACKER_SECRET_KEY": "test",
        "TRACKER_ALLOW_PRIVATE_NETWORKS": "on",
        **{f"TRACKER_{name.upper()}": value for name, value in settings.items()},
    }


@contextmanager
def gunicorn(database_url: str, folder: Path, *flags: str, **settings: str) -> Iterator[str]:
    """Serve app:app with gunicorn from the repository's folder (so it reads gunicorn.conf.py) on a
    free port, its error log and stderr in folder/error.log; yield its base URL, stop it after."""
    errors = folder / "error.log"
    env = {
        **command_env(folder / "unused.sqlite", scheduler="off", **settings),
        "TRACKER_DATABASE_URL": database_url,
    }
    with errors.open("w") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", *flags, "app:app"],
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + 30
        while not (listening := re.search(r"Listening at: (http://\S+)", errors.read_text())):
            assert server.poll() is None and time.monotonic() < deadline, errors.read_text()
            time.sleep(0.2)
        yield listening.group(1)
    finally:
        server.terminate()
        server.wait(timeout=30)


def make_token(runtime: Runtime, username: str = "alice", *, admin: bool = False) -> str:
    """Create the user if needed and return a new API token for them."""
    now = datetime.now(UTC)
    with runtime.sessions.begin() as session:
        user = accounts.ensure_user(session, username, is_admin=admin, now=now)
        return accounts.create_token(session, user, name="test", now=now)[1]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def add_article(client: FlaskClient, token: str, url: str, **fields: Any) -> dict[str, Any]:
    """Track url through the API and return the article JSON."""
    response = client.post("/api/v1/articles", json={"url": url, **fields}, headers=auth(token))
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def check_now(client: FlaskClient, token: str, article_id: int) -> dict[str, Any]:
    response = client.post(f"/api/v1/articles/{article_id}/check", headers=auth(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def token_in(page: str) -> str:
    """Return the CSRF token of the (first) form on a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def set_up_admin(client: FlaskClient, username: str = "admin", password: str = "correct horse") -> None:
    form = client.get("/setup").get_data(as_text=True)
    response = client.post(
        "/setup",
        data={"username": username, "password": password, "confirm": password, "csrf_token": token_in(form)},
    )
    assert response.status_code == 302


def sign_in(client: FlaskClient, username: str, password: str = "correct horse") -> None:
    form = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token_in(form)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def post_form(client: FlaskClient, path: str, data: dict[str, Any], *, page: str | None = None) -> Any:
    """POST a form the way a browser does: with the CSRF token of the page it sits on."""
    token = token_in(client.get(page or path).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def make_test_app(database_url: str, **overrides: object) -> Flask:
    """Return the app as the tests run it: private addresses allowed, no scheduler, no politeness
    delay, short timeouts, limits high enough for tests that check often."""
    settings: dict[str, object] = {
        "secret_key": "test-secret",
        "allow_private_networks": True,
        "scheduler": False,
        "host_delay": 0.0,
        "connect_timeout": 2.0,
        "read_timeout": 2.0,
        "fetch_deadline": 5.0,
        "check_limit": "600 per minute",
        "check_now_pause": 0,  # tests check one local site again and again; tests/test_outbound_limits.py keeps it
        "write_limit": "6000 per minute",
        "public_read": True,  # off by default; most tests read anonymously (tests/test_private_by_default.py)
        "archives": "",  # never a real web archive; backfill tests name their fake one
    }
    return create_app(database_url=database_url, **{**settings, **overrides})
