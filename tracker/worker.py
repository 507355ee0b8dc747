"""The scheduler: APScheduler ticks that run the poll job. It holds no state that must survive.

Started only by entry points: the run command (in the web process, `start_in_background`) and
`flask --app app tracker worker` (`run_until_stopped`); never by create_app or `flask run`.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from tracker.pacing import HostPacer
from tracker.runtime import Runtime
from tracker.services.polling import PollSettings, poll_once

logger = logging.getLogger(__name__)


def worker_name() -> str:
    """Return a name that tells which process holds a lease."""
    return f"{socket.gethostname()}:{os.getpid()}"


def poll_job(runtime: Runtime) -> Callable[[], None]:
    """Return the job one tick runs: claim due articles and check them."""
    settings = runtime.settings
    poll = PollSettings(
        worker=worker_name(), batch_size=settings.batch_size, lease_seconds=settings.lease_seconds
    )
    pacer = HostPacer(settings.host_delay)

    def job() -> None:
        report = poll_once(runtime.checking, settings=poll, pacer=pacer)
        if report.checked:
            logger.info("checked %d articles: %s", report.checked, dict(report.outcomes))

    return job


def scheduler_for(runtime: Runtime) -> BackgroundScheduler:
    """Return a scheduler (not started) with the poll job every TRACKER_TICK_SECONDS."""
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        poll_job(runtime),
        "interval",
        seconds=runtime.settings.tick_seconds,
        id="poll",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    return scheduler


def start_in_background(runtime: Runtime) -> BackgroundScheduler:
    """Start the scheduler in a background thread of this process and return it."""
    scheduler = scheduler_for(runtime)
    scheduler.start()
    logger.info("scheduler started: ticks every %s s", runtime.settings.tick_seconds)
    return scheduler


def run_until_stopped(runtime: Runtime) -> None:
    """Run the scheduler until SIGTERM or SIGINT; the running check finishes before exit."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    scheduler = start_in_background(runtime)
    stop.wait()
    logger.info("stopping: waiting for the running tick to finish")
    scheduler.shutdown(wait=True)
