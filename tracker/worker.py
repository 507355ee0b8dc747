"""The scheduler: APScheduler ticks that run a polling pass, send due alerts and poll due feeds, and a
daily prune.
It holds no state that must survive a restart.

Started only by entry points: the run command (in the web process, `start_in_background`) and
`flask --app app tracker worker` (`run_until_stopped`); never by create_app or `flask run`.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from tracker.poller import default_read_processes
from tracker.runtime import Runtime, make_deliverer, make_feed_poller, make_poller
from tracker.services.queue import prune_checks

logger = logging.getLogger(__name__)


class Ticker:
    """A scheduler whose ticks run polling passes, deliveries and feed polls, with the pools they share."""

    def __init__(self, runtime: Runtime, *, separate: bool) -> None:
        self.runtime = runtime
        processes = runtime.settings.read_processes
        if processes < 0:  # one reading process per core in a worker; none inside the web process
            processes = default_read_processes() if separate else 0
        self.poller = make_poller(runtime, read_processes=processes)
        self.deliverer = make_deliverer(runtime)
        self.feeds = make_feed_poller(runtime)
        self.scheduler = BackgroundScheduler(timezone=UTC)
        every = runtime.settings.tick_seconds
        self.every(self.poll, seconds=every, name="poll")
        self.every(self.deliver, seconds=every, name="deliver")
        self.every(self.poll_feeds, seconds=every, name="feeds")
        self.every(self.prune, seconds=24 * 3600, name="prune")

    def every(self, job: Callable[[], None], *, seconds: int, name: str) -> None:
        self.scheduler.add_job(
            job,
            "interval",
            seconds=seconds,
            id=name,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )

    def poll(self) -> None:
        report = self.poller.poll()
        if report.outcomes:
            logger.info("checked %d articles: %s", report.checked, dict(report.outcomes))

    def deliver(self) -> None:
        report = self.deliverer.deliver_due()
        if report:
            logger.info("alerts: %s", dict(report))

    def poll_feeds(self) -> None:
        report = self.feeds.poll()
        if report:
            logger.info("feeds: %s", dict(report))

    def prune(self) -> None:
        with self.runtime.sessions.begin() as session:
            deleted = prune_checks(
                session,
                now=self.runtime.checking.clock(),
                keep_days=self.runtime.settings.check_retention_days,
            )
        logger.info("pruned %d old checks", deleted)

    def start(self) -> None:
        self.scheduler.start()

    def stop(self) -> None:
        """Stop claiming, give back what was not started, finish what is in flight, then shut down."""
        self.poller.stop()
        self.deliverer.stop()
        self.feeds.stop()
        self.scheduler.shutdown(wait=True)
        self.poller.close()
        self.deliverer.close()


def start_in_background(runtime: Runtime, *, separate: bool = False) -> Ticker:
    """Start the scheduler in a background thread of this process and return it."""
    ticker = Ticker(runtime, separate=separate)
    ticker.start()
    logger.info("scheduler started: ticks every %s s", runtime.settings.tick_seconds)
    return ticker


def run_until_stopped(runtime: Runtime) -> None:
    """Run the scheduler until SIGTERM or SIGINT; checks in flight finish and are stored first."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    ticker = start_in_background(runtime, separate=True)
    stop.wait()
    logger.info("stopping: releasing unstarted checks and finishing those in flight")
    ticker.stop()
