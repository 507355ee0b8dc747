"""A worker killed with SIGKILL at each stage of a check: while it fetches, after it has read the page
but before it writes, and inside its write transaction. The next worker checks the article again
once the lease expires: no version is lost and none is stored twice.

Each stage is reached with a real lever, never a hook in the code: a page that does not answer yet,
or a table the test locks in its own transaction; PostgreSQL's lock table says when the worker waits."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.orm import sessionmaker

from tests.factories import article_page, story
from tests.pageserver import PageServer, Reply, send
from tests.test_workers import add, count, start_worker, stop, wait_until
from tracker.adapters.models import Article, Check, Version

pytestmark = [pytest.mark.postgresql, pytest.mark.slow]
LEASE = "3"
PAGE = Reply(article_page("Story", story(3)).encode())
# A stage sets its lever for the page at path; the function it yields returns once the worker is there.
Stage = Callable[[PageServer, str, Connection], AbstractContextManager[Callable[[], None]]]


@contextmanager
def during_fetch(site: PageServer, path: str, _locker: Connection) -> Iterator[Callable[[], None]]:
    """The page server holds the response until the worker is dead."""
    answer = threading.Event()

    def held(handler) -> None:
        answer.wait(30)
        send(handler, PAGE)

    site.routes[path] = held
    yield lambda: wait_until(lambda: site.hits(path) == 1, timeout=30, what="the worker fetching")
    answer.set()


def blocked_on(engine: Engine, table: str) -> tuple[int, str] | None:
    """Return (pid, statement) of a backend waiting for a lock on table, if one is."""
    with engine.connect() as watcher:  # a new transaction each time: pg_stat_activity is a snapshot
        row = watcher.execute(
            text(
                "SELECT a.pid, a.query FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE NOT l.granted AND l.relation = CAST(:table AS regclass)"
            ),
            {"table": table},
        ).first()
    return (row[0], row[1]) if row else None


def has_written(engine: Engine, pid: int, table: str) -> bool:
    """Return True when backend pid has written to table in its open transaction."""
    with engine.connect() as watcher:
        return bool(
            watcher.scalar(
                text(
                    "SELECT count(*) FROM pg_locks WHERE pid = :pid AND granted AND mode = 'RowExclusiveLock'"
                    " AND relation = CAST(:table AS regclass)"
                ),
                {"pid": pid, "table": table},
            )
        )


def table_locked(table: str, mode: str, statement: str, *, written: str | None = None) -> Stage:
    """A stage reached when the worker, its page read, waits for `table`, which the test locks in its
    own transaction just before the page is sent: `statement` is what the worker waits in, `written`
    a table it has already written to in that transaction."""

    @contextmanager
    def stage(site: PageServer, path: str, locker: Connection) -> Iterator[Callable[[], None]]:
        def locking(handler) -> None:
            locker.execute(text(f"LOCK TABLE {table} IN {mode} MODE"))
            send(handler, PAGE)

        def reached() -> None:
            engine = locker.engine
            wait_until(lambda: blocked_on(engine, table) is not None, timeout=30, what=f"a wait on {table}")
            pid, query = blocked_on(engine, table) or (0, "")
            assert query.startswith(statement), query
            assert written is None or has_written(engine, pid, written)

        site.routes[path] = locking
        try:
            yield reached
        finally:
            locker.rollback()

    return stage


STAGES: dict[str, Stage] = {
    "during the fetch": during_fetch,
    # Matching the new text against earlier versions is the write's first look at versions.
    "after reading the page, before writing": table_locked(
        "versions", "ACCESS EXCLUSIVE", "SELECT versions.number"
    ),
    # SHARE lets reads through and stops inserts: the version is written (its search row needs its
    # id), the check row is being written.
    "inside the write transaction": table_locked("checks", "SHARE", "INSERT INTO checks", written="versions"),
}


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_worker_killed_at_any_stage_of_a_check_loses_nothing(
    database_url: str, engine: Engine, sessions: sessionmaker, site: PageServer, tmp_path: Path
):
    worker = start_worker(database_url, tmp_path, "worker0", lease_seconds=LEASE)
    paths = [f"/p/{n}" for n in range(len(STAGES))]
    try:
        with engine.connect() as locker:
            for n, (path, (name, stage)) in enumerate(zip(paths, STAGES.items(), strict=True), start=1):
                with stage(site, path, locker) as reached:
                    add(sessions, [site.url(path)])
                    reached()
                    # A standby comes up while this worker is stuck; then this one dies.
                    standby = start_worker(database_url, tmp_path, f"worker{n}", lease_seconds=LEASE)
                    os.kill(worker.pid, signal.SIGKILL)
                    worker.wait()
                site.routes[path] = PAGE
                article = Article.url == site.url(path)
                assert (
                    count(sessions, select(func.count()).select_from(Check).join(Article).where(article)) == 0
                )
                worker = standby
                wait_until(
                    lambda: count(sessions, select(Article.version_count).where(article)) == 1,  # noqa: B023
                    timeout=30,
                    what=f"the article of the worker killed {name} checked again",
                )
    finally:
        stop(worker)
    per_article = select(
        select(func.count()).where(Version.article_id == Article.id).scalar_subquery(),
        select(func.count()).where(Check.article_id == Article.id).scalar_subquery(),
        Article.claimed_by,
    )
    with sessions() as session:
        # One version each (none lost, none twice), one check (the killed attempts left none), no lease.
        assert [tuple(row) for row in session.execute(per_article)] == [(1, 1, None)] * len(STAGES)
    assert [site.hits(path) for path in paths] == [2] * len(STAGES)  # each fetched again after the kill
