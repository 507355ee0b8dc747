"""The scheduler: APScheduler ticks that run a polling pass, send due alerts, poll due feeds and fill in
new articles' past from web archives, and a daily prune.
It holds no state that must survive a restart, waits out a database that is away or full (each job
backs off) and keeps its pace when the wall clock jumps.

Started only by entry points: the run command (in the web process, `start_in_background`) and
`flask --app app tracker worker` (`run_until_stopped`); never by create_app or `flask run`.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.exc import OperationalError

from tracker.adapters.db import outage_code
from tracker.engine.backfiller import make_backfiller
from tracker.engine.deliverer import make_deliverer
from tracker.engine.feedpoller import make_feed_poller
from tracker.engine.readers import default_read_processes
from tracker.engine.runtime import Runtime, make_poller, worker_name
from tracker.engine.saver import make_saver
from tracker.services.heartbeats import Beat, forget_worker, record_heartbeat
from tracker.services.queue import prune_checks

logger = logging.getLogger(__name__)
CLOCK_SLACK = 1.0  # seconds the wall clock may move against the monotonic one before it counts as a jump
LONGEST_PAUSE = 60.0  # seconds: the most a worker waits before trying an unavailable database again
STOP_POLL_SECONDS = 0.2  # how often `tracker worker` looks whether SIGTERM or SIGINT came


class SteadyScheduler(BackgroundScheduler):
    """A BackgroundScheduler whose ticks keep their pace when the wall clock jumps.

    APScheduler plans by the wall clock but sleeps by the monotonic one: set the clock back an hour
    and every job would wait an hour. Each round, a jump since the last round moves every job's
    next run by as much, so it still comes after the same real delay.
    """

    def __init__(self, **options: object) -> None:
        super().__init__(**options)
        self.offset = wall_offset()

    def _process_jobs(self) -> float | None:
        offset = wall_offset()
        jump, self.offset = offset - self.offset, offset
        if abs(jump) > CLOCK_SLACK:
            logger.warning("the wall clock jumped by %+.0f s; the scheduler keeps its pace", jump)
            for job in self.get_jobs():
                if job.next_run_time is not None:
                    job.modify(next_run_time=job.next_run_time + timedelta(seconds=jump))
        return super()._process_jobs()


def wall_offset() -> float:
    return time.time() - time.monotonic()


class Backoff:
    """Skips a job's runs while the database fails it, for a pause that doubles from one tick to a
    minute: a worker waits for its database instead of hammering it and filling the log. Each job
    keeps its own pause: a full disk stops the checks' writes while the reads of the others go on."""

    def __init__(self, first: float) -> None:
        self.first = first
        self.pauses: dict[str, float] = {}
        self.until: dict[str, float] = {}  # monotonic, so a clock jump neither prolongs nor cuts a pause

    def run(self, job: Callable[[], None], name: str) -> None:
        if time.monotonic() < self.until.get(name, 0.0):
            return
        try:
            job()
        except OperationalError as exc:
            pause = min(LONGEST_PAUSE, 2 * self.pauses.get(name, 0.0) or self.first)
            self.pauses[name], self.until[name] = pause, time.monotonic() + pause
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            logger.error("%s: %s (%s); trying again in %.0f s", name, outage_code(exc), reason, pause)
            return
        if self.pauses.pop(name, None):
            logger.info("%s: the database works again", name)


class Ticker:
    """A scheduler whose ticks run polling passes, deliveries, feed polls and backfills, with the pools
    they share."""

    def __init__(self, runtime: Runtime, *, separate: bool) -> None:
        self.runtime = runtime
        processes = runtime.settings.read_processes
        if processes < 0:  # one reading process per core in a worker; none inside the web process
            processes = default_read_processes() if separate else 0
        self.poller = make_poller(runtime, read_processes=processes)
        self.deliverer = make_deliverer(runtime)
        self.feeds = make_feed_poller(runtime)
        # Captures are read in the poller's reading processes, under their CPU budget, when it has them.
        self.backfiller = make_backfiller(runtime, readers=self.poller.readers if processes else None)
        self.saver = make_saver(runtime)
        self.scheduler = SteadyScheduler(timezone=UTC)
        self.backoff = Backoff(runtime.settings.tick_seconds)
        self.beat = Beat(
            name=worker_name(),
            host=socket.gethostname(),
            pid=os.getpid(),
            started_at=runtime.checking.clock(),
        )
        # /readyz: a scheduler silent for two ticks has stalled (counted from its start until the first),
        # on the monotonic clock, so that setting the wall clock forward does not look like a stall.
        self.ticked_at = time.monotonic()
        every = runtime.settings.tick_seconds
        self.every(self.heartbeat, seconds=every, name="heartbeat")
        self.every(self.guarded(self.poll), seconds=every, name="poll")
        self.every(self.guarded(self.deliver), seconds=every, name="deliver")
        self.every(self.guarded(self.poll_feeds), seconds=every, name="feeds")
        if self.backfiller.settings.prefixes:
            # A job of its own: an archive that is slow or down holds up only the backfills.
            self.every(self.guarded(self.backfill), seconds=every, name="backfill")
        if runtime.settings.save_page_now:
            # A job of its own too: each save waits TRACKER_SAVE_PAGE_NOW_PAUSE and the archive's answer.
            self.every(self.guarded(self.send_saves), seconds=every, name="saves")
        self.every(self.guarded(self.prune), seconds=24 * 3600, name="prune")

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

    def guarded(self, job: Callable[[], None]) -> Callable[[], None]:
        """Return job run under the backoff: a database outage pauses the jobs that need it."""
        return lambda: self.backoff.run(job, job.__name__)

    def heartbeat(self) -> None:
        """Note the tick here (for /readyz, even while the database is away) and in the database
        (for the status page)."""
        self.ticked_at = time.monotonic()
        self.backoff.run(self.write_heartbeat, "heartbeat")

    def write_heartbeat(self) -> None:
        with self.runtime.sessions.begin() as session:
            record_heartbeat(session, self.beat, now=self.runtime.checking.clock())

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

    def backfill(self) -> None:
        report = self.backfiller.run_due()
        if report:
            logger.info("backfills: %s", dict(report))

    def send_saves(self) -> None:
        report = self.saver.run_due()
        if report:
            logger.info("archive saves: %s", dict(report))

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
        self.backfiller.stop()
        self.saver.stop()
        self.scheduler.shutdown(wait=True)
        self.poller.close()
        self.deliverer.close()
        try:
            with self.runtime.sessions.begin() as session:
                forget_worker(session, self.beat.name)
        except Exception:  # the database may be away: the status page then shows this worker silent
            logger.warning("could not remove the heartbeat", exc_info=True)


def start_in_background(runtime: Runtime, *, separate: bool = False) -> Ticker:
    """Start the scheduler in a background thread of this process and return it."""
    ticker = Ticker(runtime, separate=separate)
    ticker.start()
    logger.info("scheduler started: ticks every %s s", runtime.settings.tick_seconds)
    return ticker


def lower_priority(nice: int) -> None:
    """Lower this process's CPU priority, and so that of the reading processes it starts: polling is
    batch work that can wait a few seconds, while the web's readers wait on every request. On a
    machine of its own the worker still gets every idle core."""
    os.nice(max(0, min(nice, 19)))


def run_until_stopped(runtime: Runtime) -> None:
    """Run the scheduler until SIGTERM or SIGINT; checks in flight finish and are stored first."""
    # The main thread wakes up to look. Python runs a handler only when the main thread next runs
    # bytecode: a signal that came just before it blocked in Event.wait() left the handler pending
    # with nothing to wake it (a worker in the suite slept through SIGTERM so; py-spy showed it in
    # Condition.wait's waiter.acquire()). The handler only appends to a list: it may run between
    # any two bytecodes, locks held or not.
    received: list[int] = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda signum, _frame: received.append(signum))
    ticker = start_in_background(runtime, separate=True)
    while not received:
        time.sleep(STOP_POLL_SECONDS)
    logger.info("stopping: releasing unstarted checks and finishing those in flight")
    ticker.stop()
