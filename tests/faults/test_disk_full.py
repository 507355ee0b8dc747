"""SQLite runs out of disk while a worker runs: the worker reports `storage_full` and waits, without
crashing or spinning, and stores the check once there is room again."""

from __future__ import annotations

import random
import string
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import sessionmaker

from tests.factories import article_page, command_env
from tests.pageserver import PageServer
from tests.test_workers import ROOT, add, count, stop, wait_until
from tracker.adapters.models import Article, Check

pytestmark = pytest.mark.slow


def gibberish(paragraphs: int) -> list[str]:
    """Paragraphs of random words: a page that compresses badly, so its version needs many new pages."""
    rng = random.Random(9)
    return [
        " ".join("".join(rng.choices(string.ascii_lowercase, k=6)) for _ in range(60))
        for _ in range(paragraphs)
    ]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_full_disk_is_reported_and_outlived(
    database_url: str, sessions: sessionmaker, site: PageServer, tmp_path: Path
):
    site.serve("/big", article_page("A long story", gibberish(300)))
    add(sessions, [site.url("/big")])
    with sessions() as session:
        pages = session.scalar(text("PRAGMA page_count"))
    disk = tmp_path / "pages"
    disk.write_text(str(pages))  # full: the file may not grow by a single page
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.smalldisk", "--app", "app", "tracker", "worker"],
            cwd=ROOT,
            env={
                **command_env(
                    tmp_path / "unused.sqlite",
                    tick_seconds="1",
                    host_delay="0",
                    robots="off",
                    read_processes="0",
                    lease_seconds="1",
                ),
                "TRACKER_DATABASE_URL": database_url,
                "TEST_DISK_PAGES": str(disk),
            },
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        # It fails, waits a tick, fails again and waits twice as long: reported, and no crash loop.
        wait_until(lambda: "trying again in 2 s" in log_path.read_text(), timeout=30, what="two failures")
        assert "poll: storage_full (database or disk is full)" in log_path.read_text()
        assert worker.poll() is None
        assert count(sessions, select(func.count()).select_from(Check)) == 0
        disk.write_text(str(pages + 10_000))
        wait_until(
            lambda: count(sessions, select(Article.version_count)) == 1,
            timeout=30,
            what="the check stored once there is room",
        )
    finally:
        stop(worker)
    assert "the database works again" in log_path.read_text()
    assert count(sessions, select(func.count()).where(Check.outcome == "first")) == 1
