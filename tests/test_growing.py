"""Growing up: copying a SQLite installation into PostgreSQL, and pruning old checks."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from tests.conftest import POSTGRES
from tests.factories import article_page, command_env, story
from tests.pageserver import PageServer, Reply
from tracker.adapters import db
from tracker.adapters.models import Check
from tracker.engine.runtime import Runtime
from tracker.services import accounts, alerts, articles, queue
from tracker.services.copying import row_counts

ROOT = Path(__file__).resolve().parent.parent


def flask(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def empty_postgres():
    schema = f"copy_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.mark.postgresql
def test_copy_db_moves_every_row_into_postgresql(tmp_path: Path, site: PageServer, empty_postgres: str):
    env = command_env(tmp_path / "source.sqlite")
    flask("tracker", "create-token", "alice", env=env)
    site.routes["/hook"] = Reply(b"ok", content_type="text/plain")
    with db.make_sessions(db.make_engine(env["TRACKER_DATABASE_URL"])).begin() as session:
        alice = accounts.user_named(session, "alice")
        assert alice is not None
        alerts.create_endpoint(
            session,
            alice.id,
            {"url": site.url("/hook")},
            kind="webhook",
            allow_private=True,
            now=datetime.now(UTC),
        )
    for n in range(3):
        url = site.serve(f"/{n}", article_page(f"Story {n}", story(4)))
        flask("tracker", "add", url, env=env)
    flask("tracker", "check", "--all", env=env)
    site.serve("/0", article_page("Story 0", story(5)))
    flask("tracker", "check", "--all", env=env)

    copied = flask("tracker", "copy-db", "--to", empty_postgres, env=env)

    assert copied.returncode == 0, copied.stderr
    assert "Copying" in copied.stderr  # the progress bar
    source, target = db.make_engine(f"sqlite:///{tmp_path / 'source.sqlite'}"), db.make_engine(empty_postgres)
    counts = row_counts(source)
    assert counts == row_counts(target) and counts["versions"] == 4 and counts["api_tokens"] == 1
    assert (counts["webhooks"], counts["events"], counts["deliveries"]) == (1, 1, 1)
    env["TRACKER_DATABASE_URL"] = empty_postgres
    flask(
        "tracker", "add", site.serve("/new", article_page("New", story())), env=env
    )  # ids go on after the copy
    assert row_counts(target)["articles"] == 4
    again = flask(
        "tracker",
        "copy-db",
        "--to",
        empty_postgres,
        env={**env, "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'source.sqlite'}"},
    )
    assert again.returncode != 0 and "already holds data" in again.stderr
    source.dispose()
    target.dispose()


def test_prune_keeps_recent_checks_and_those_that_made_versions_or_failed(runtime: Runtime):
    now = datetime(2026, 3, 5, tzinfo=UTC)
    with runtime.sessions.begin() as session:
        article, _ = articles.add_article(
            session, "https://example.com/a", user_id=None, allow_private=True, now=now
        )
        for days, outcome, version, code in [
            (40, "unchanged", None, None),
            (40, "not_modified", None, None),
            (40, "changed", 2, None),
            (40, "error", None, "timeout"),
            (10, "unchanged", None, None),
        ]:
            session.add(
                Check(
                    article_id=article.id,
                    checked_at=now - timedelta(days=days),
                    duration_ms=5,
                    outcome=outcome,
                    http_status=200,
                    version_number=version,
                    error_code=code,
                )
            )
    with runtime.sessions.begin() as session:
        assert queue.prune_checks(session, now=now, keep_days=30) == 2
    with runtime.sessions() as session:
        kept = session.execute(select(Check.outcome).order_by(Check.id)).scalars().all()
    assert kept == ["changed", "error", "unchanged"]
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Check)) == 3
