"""The wall clock jumps an hour back or forward (a bad NTP sync, a VM resumed) while the scheduler
runs: it keeps ticking and articles due by the new clock are checked at once."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from tests.factories import article_page, story
from tests.pageserver import PageServer
from tests.test_workers import add, count, wait_until
from tracker.adapters.models import Article
from tracker.engine.runtime import Runtime
from tracker.engine.worker import start_in_background

pytestmark = pytest.mark.slow


def checked(sessions: sessionmaker, url: str) -> bool:
    return count(sessions, select(Article.version_count).where(Article.url == url)) == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("jump", [-3600, 3600], ids=["back", "forward"])
def test_the_scheduler_keeps_checking_after_the_clock_jumps(runtime: Runtime, site: PageServer, jump: int):
    quick = dataclasses.replace(runtime, settings=dataclasses.replace(runtime.settings, tick_seconds=1))
    before, after = (site.serve(path, article_page("Story", story(3))) for path in ("/before", "/after"))
    with time_machine.travel(datetime.now(UTC), tick=True) as traveller:
        ticker = start_in_background(quick)
        try:
            add(runtime.sessions, [before])  # due at once by the clock of the moment, whatever it says
            wait_until(lambda: checked(runtime.sessions, before), timeout=10, what="a check before the jump")
            traveller.shift(jump)
            add(runtime.sessions, [after])
            wait_until(lambda: checked(runtime.sessions, after), timeout=10, what="a check after the jump")
        finally:
            ticker.stop()
