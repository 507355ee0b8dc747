"""The Save Page Now engine: due saves (tracker.services.saves) sent to the archive one at a time per
process, TRACKER_SAVE_PAGE_NOW_PAUSE apart, none while the archive's Retry-After asks us to wait.

A save is a GET of TRACKER_SAVE_PAGE_NOW_URL followed by the article URL, as the anonymous Save Page
Now endpoint takes it, through the one guarded client (address guard, pinned address, deadline). The
archive answers once it has made the capture and names it in Content-Location (or redirects to it, or
lists it in a Link header); the body of its answer is dropped. Run by the worker's "saves" job.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from threading import Event
from urllib.parse import urljoin

from sqlalchemy.orm import sessionmaker

from config import Settings
from tracker.adapters.fetch import Client, FetchLimits, finish, http_status_error
from tracker.adapters.models import ArchiveSave
from tracker.domain.errors import FetchError
from tracker.domain.linkformat import mementos, parse_links
from tracker.engine.runtime import Runtime, fetch_limits, worker_name
from tracker.services.queue import release_rows
from tracker.services.saves import SaveAnswer, SaveJob, claim_saves, record_save

logger = logging.getLogger(__name__)
# Save Page Now answers once the capture is made, often after tens of seconds: more than a page fetch.
SAVE_DEADLINE = 120.0
SAVE_LIMITS = FetchLimits(read_timeout=SAVE_DEADLINE, deadline=SAVE_DEADLINE)


@dataclass(frozen=True, slots=True)
class SaverSettings:
    worker: str
    save_url: str = Settings.save_page_now_url  # the article URL is appended
    pause: float = Settings.save_page_now_pause  # seconds between two requests of this process
    limits: FetchLimits = SAVE_LIMITS
    lease_seconds: int = Settings.lease_seconds


class Saver:
    """Sends due saves for one process, one at a time, `pause` apart."""

    def __init__(
        self,
        sessions: sessionmaker,
        http: Client,  # the one guarded HTTP client
        clock: Callable[[], datetime],
        settings: SaverSettings,
    ) -> None:
        self.sessions, self.http, self.clock, self.settings = sessions, http, clock, settings
        self.free_at = 0.0  # monotonic: when the pause after the last request ends
        self.held_until = 0.0  # monotonic: until when the archive asked (Retry-After) to be left alone
        self.stopping = Event()

    @property
    def lease_seconds(self) -> int:
        """A lease outlasts the pause before the request, the request, and storing its answer."""
        return self.settings.lease_seconds + math.ceil(self.settings.pause + self.settings.limits.deadline)

    def run_due(self) -> Counter[str]:
        """Send due saves until none is due, the archive asks us to wait, or the worker stops; return
        how many ended in each state (succeeded, pending: asked again later, failed)."""
        report: Counter[str] = Counter()
        while not self.stopping.is_set() and time.monotonic() >= self.held_until:
            job = self.claim()
            if job is None:
                break
            if self.stopping.wait(max(0.0, self.free_at - time.monotonic())):
                self.release(job)
                break
            answer = self.send(job)
            if answer.error is not None and answer.error.retry_after:
                self.held_until = time.monotonic() + answer.error.retry_after
            report[self.record(job, answer)] += 1
        return report

    def claim(self) -> SaveJob | None:
        with self.sessions.begin() as session:
            jobs = claim_saves(
                session,
                worker=self.settings.worker,
                now=self.clock(),
                limit=1,
                lease_seconds=self.lease_seconds,
            )
        return jobs[0] if jobs else None

    def send(self, job: SaveJob) -> SaveAnswer:
        """Ask the archive to capture the job's URL; never raises (a failure is an answer with an error)."""
        url = self.settings.save_url + job.url
        try:
            return self.ask(url, time.monotonic())
        except FetchError as error:
            return SaveAnswer(memento=None, status=error.http_status, error=error)
        except Exception as exc:  # a bug must not stop the other saves; this one is retried like a failure
            logger.exception("save %s failed unexpectedly", job.save_id)
            crash = FetchError(
                f"the tracker failed while asking for the capture ({type(exc).__name__}); it tries again later",
                code="internal_error",
            )
            return SaveAnswer(memento=None, status=None, error=crash)
        finally:
            # Counted from the answer, so that the archive's own work on a capture is no part of the pause.
            self.free_at = time.monotonic() + self.settings.pause

    def ask(self, url: str, started: float) -> SaveAnswer:
        """Send the save request and return the capture it names (None: none named); raise FetchError
        for an error."""
        limits = self.settings.limits
        response = self.http.open("GET", url, limits, started=started).response
        try:
            if response.status >= 400:
                raise http_status_error(response.status, response.reason, response.headers.get("Retry-After"))
            return SaveAnswer(memento=capture_uri(url, response.headers), status=response.status)
        finally:
            finish(response, until=started + limits.deadline)

    def record(self, job: SaveJob, answer: SaveAnswer) -> str:
        """Store the answer; return the save's state after it ("lost": another worker took it over)."""
        with self.sessions.begin() as session:
            save = record_save(session, job, answer, worker=self.settings.worker, now=self.clock())
            state, code = (save.state, save.last_error_code) if save is not None else ("lost", None)
        if code is not None:
            logger.info(
                "save of article %s version %s: %s (%s)", job.article_id, job.version_number, state, code
            )
        return state

    def release(self, job: SaveJob) -> None:
        with self.sessions.begin() as session:
            release_rows(session, ArchiveSave, [job.save_id], worker=self.settings.worker)

    def stop(self) -> None:
        """Claim nothing more and stop waiting; a request on its way is finished and stored."""
        self.stopping.set()


def capture_uri(request_url: str, headers: Mapping[str, str]) -> str | None:
    """Return the URI-M of the capture an answer names, made absolute: its Content-Location (Save Page
    Now's), else where it redirects, else the newest memento of its Link header; None if none."""
    for name in ("Content-Location", "Location"):
        value = (headers.get(name) or "").strip()
        if value:
            return urljoin(request_url, value)
    found = mementos(parse_links(headers.get("Link") or ""))
    return urljoin(request_url, found[-1].uri) if found else None


def make_saver(runtime: Runtime) -> Saver:
    """Return a Saver with the runtime's settings, its requests guarded like every other."""
    settings = runtime.settings
    return Saver(
        runtime.sessions,
        runtime.http,
        runtime.checking.clock,
        SaverSettings(
            worker=worker_name(),
            save_url=settings.save_page_now_url,
            pause=settings.save_page_now_pause,
            limits=replace(fetch_limits(settings, SAVE_DEADLINE), read_timeout=SAVE_DEADLINE),
            lease_seconds=settings.lease_seconds,
        ),
    )
