"""The backfill engine: an article's past read from web archives' captures.

A run (one article) reads the TimeMap of each archive prefix (TRACKER_ARCHIVES), chooses the
captures to read (tracker.domain.archives), fetches them newest first and reads each like a live
page; what it read is handed to the store in one transaction (tracker.services.backfill), never
while an archive is slow. Archives ask for slow, polite clients: per archive host at most
TRACKER_ARCHIVE_CONCURRENCY requests in flight, TRACKER_ARCHIVE_DELAY apart (one ArchiveGate for
every run of the process), and a 429 or 503 with Retry-After is waited out when that fits the run.
A run ends by TRACKER_BACKFILL_DEADLINE, waiting and slow answers included, and the worker runs
backfills on a scheduler job of their own: an archive that is slow or down never holds up live checks.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from threading import Event

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from config import Settings, archive_prefixes, user_agent
from tracker.adapters.fetch import Fetcher, FetchLimits
from tracker.domain.archives import archive_host, choose, merged, raw_memento_url, timemap_url
from tracker.domain.errors import CheckError, FetchError
from tracker.domain.linkformat import Memento, mementos, parse_links
from tracker.domain.pacing import HostPacer
from tracker.domain.pages import Page
from tracker.domain.reading import Fetched, read_step
from tracker.engine.runtime import Runtime, fetch_limits, worker_name
from tracker.services import backfill
from tracker.services.backfill import BackfillTarget, CaptureRead, RunResult

logger = logging.getLogger(__name__)
TIMEMAP_ACCEPT = "application/link-format,text/plain;q=0.5,*/*;q=0.1"
SLOW_DOWN = frozenset({429, 503})  # the archive is busy: Retry-After says when to come back
# The archive cannot be reached or answer: reading its other captures now would fail alike.
ARCHIVE_AWAY = frozenset({"timeout", "dns", "connection_refused", "connection_failed", "tls", "bad_response"})
RETRIES = 3  # times one request is sent again after a Retry-After that fits the run


@dataclass(frozen=True, slots=True)
class BackfillSettings:
    worker: str
    prefixes: tuple[str, ...]  # TimeMap URL prefixes (TRACKER_ARCHIVES)
    # The defaults are the settings' (TRACKER_BACKFILL_MAX ...): one table of them, in config.py.
    limit: int = Settings.backfill_max  # captures read per article
    deadline: float = Settings.backfill_deadline  # seconds a run may take, waiting included
    host_concurrency: int = Settings.archive_concurrency  # requests in flight to one archive host
    delay: float = Settings.archive_delay  # seconds between requests to one archive host
    lease_seconds: int = Settings.lease_seconds
    # Runs at once: one. Every run asks the same archive hosts, whose pace the gate keeps; two runs
    # would each get half of it and both be cut by the deadline with half read.
    runs: int = 1


@dataclass(frozen=True, slots=True)
class BackfillRun:
    """What one run did, as commands report it."""

    article_id: int
    state: str  # the backfill's state after the run: done, pending (again later) or failed
    captures_found: int
    captures_read: int
    versions_added: int  # by this run
    requests: int
    error_code: str | None = None
    error_message: str | None = None


class OutOfTime(Exception):
    """The run's deadline came before a request could go, or while it was on its way."""


@dataclass
class Clock:
    """One run's deadline and its count of requests (a run is one thread's)."""

    until: float  # monotonic
    requests: int = 0

    def remaining(self) -> float:
        return self.until - time.monotonic()


class ArchiveGate:
    """Per archive host: at most `concurrency` requests in flight, each starting `delay` seconds after
    the one before started and after the last answer, none while the host asked (Retry-After) to be
    left alone. Thread-safe; one for all runs of a process."""

    def __init__(self, concurrency: int, delay: float) -> None:
        self.concurrency = max(1, concurrency)
        self.pacer = HostPacer(delay)
        self.busy: Counter[str] = Counter()
        self.held: dict[str, float] = {}  # host -> monotonic time until which it asked us to wait
        self.changed = threading.Condition()

    @contextmanager
    def slot(self, host: str, until: float) -> Iterator[None]:
        """Hold a request's slot to host, waiting for it until `until` (monotonic); raise OutOfTime
        when it cannot be had by then."""
        with self.changed:
            while (pause := self.pause(host, until)) > 0:
                self.changed.wait(pause)
            self.busy[host] += 1
            self.pacer.reserve(host)
        try:
            yield
        finally:
            with self.changed:
                self.busy[host] -= 1
                self.pacer.rest(host)
                self.changed.notify_all()

    def pause(self, host: str, until: float) -> float:
        """Return how long to wait before a request to host may go (0: now); raise OutOfTime when
        that wait would outlast `until`. Called with the lock held."""
        now = time.monotonic()
        remaining = until - now
        if self.busy[host] >= self.concurrency:
            pause = remaining  # until a slot frees (notified) or the time is up
        else:
            pause = max(self.pacer.wait(host), self.held.get(host, now) - now)
            if pause <= 0:
                self.held.pop(host, None)
                return 0.0
        if remaining <= 0 or pause > remaining:
            raise OutOfTime
        return pause

    def hold(self, host: str, seconds: float) -> None:
        """Send no request to host for seconds (it answered with Retry-After)."""
        with self.changed:
            self.held[host] = max(self.held.get(host, 0.0), time.monotonic() + seconds)


class Backfiller:
    """Runs backfills for one process: due ones on the worker's ticks, one now for a command."""

    def __init__(
        self,
        sessions: sessionmaker,
        *,
        timemaps: Fetcher,
        mementos: Fetcher,
        clock: Callable[[], datetime],
        base_url: str,
        settings: BackfillSettings,
        readers: Executor | None = None,
    ) -> None:
        self.sessions = sessions
        # The worker's reading processes (their CPU budget stops a pathological page); None: read in
        # the run's thread (the run command's embedded scheduler, `tracker backfill`).
        self.readers = readers
        self.timemaps = timemaps  # TimeMaps are link-format, not HTML
        self.mementos = mementos  # captures are pages: HTML only, like live ones
        self.clock = clock
        self.base_url = base_url
        self.settings = settings
        self.gate = ArchiveGate(settings.host_concurrency, settings.delay)
        self.stopping = Event()

    @property
    def lease_seconds(self) -> int:
        """A lease outlasts a run: its deadline, and the time to store what it read."""
        return self.settings.lease_seconds + math.ceil(self.settings.deadline)

    def run_due(self, *, progress: Callable[[BackfillRun], None] = lambda _run: None) -> Counter[str]:
        """Run every due backfill, a few at once; return how many ended in each state."""
        report: Counter[str] = Counter()
        with ThreadPoolExecutor(self.settings.runs, thread_name_prefix="backfill") as pool:
            while not self.stopping.is_set():
                with self.sessions.begin() as session:
                    targets = backfill.claim_backfills(
                        session,
                        worker=self.settings.worker,
                        now=self.clock(),
                        lease_seconds=self.lease_seconds,
                        limit=self.settings.runs,
                    )
                if not targets:
                    break
                for run in pool.map(self.backfill_safely, targets):
                    report[run.state if run else "crashed"] += 1
                    if run:
                        progress(run)
        return report

    def backfill(self, article_id: int) -> BackfillRun:
        """Run the article's backfill now, whatever its state (a command); raise NotFound for an
        article that is not tracked."""
        with self.sessions.begin() as session:
            target = backfill.claim_backfill(
                session,
                article_id,
                worker=self.settings.worker,
                now=self.clock(),
                lease_seconds=self.lease_seconds,
            )
        return self.record(target, self.run(target))

    def queue_every(self) -> int:
        """Queue the backfill of every article that wants one (backfill on), due now; return how many."""
        with self.sessions.begin() as session:
            return backfill.queue_every(session, now=self.clock())

    def stop(self) -> None:
        """Claim nothing more; runs underway store what they read so far."""
        self.stopping.set()

    def backfill_safely(self, target: BackfillTarget) -> BackfillRun | None:
        """Run and record one backfill; a crash is logged and its lease left to expire (retried then)."""
        try:
            return self.record(target, self.run(target))
        except OperationalError:  # the database is away or full: the worker's job backs off
            raise
        except Exception:  # one broken article must never stop the others
            logger.exception("backfill of article %s failed unexpectedly", target.article_id)
            return None

    def run(self, target: BackfillTarget) -> RunResult:
        """Read the archives' captures of the target (network and reading only, no transaction)."""
        clock = Clock(until=time.monotonic() + self.settings.deadline)
        found, error = self.timemaps_of(target.url, clock)
        # Nothing from the future: a capture dated after now would sit among live versions out of order.
        now = self.clock()
        before = now if target.oldest_at is None else min(target.oldest_at, now)
        chosen = choose(found, target.known, before, self.settings.limit)
        reads: list[CaptureRead] = []
        cut = False
        # Newest first: a run cut short keeps the captures nearest the live page, and the next run
        # adds older ones below them, so that no number given is ever changed.
        for memento in reversed(chosen):
            if self.stopping.is_set():
                cut = True
                break
            try:
                reads.append(self.read(target, memento, clock))
            except OutOfTime:
                cut = True
                break
            except FetchError as failure:  # the archive is away or asks to be left alone: later
                error = error or failure
                break
        complete = error is None and not cut
        return RunResult(
            captures_found=len(found), requests=clock.requests, reads=reads, complete=complete, error=error
        )

    def timemaps_of(self, url: str, clock: Clock) -> tuple[list[Memento], CheckError | None]:
        """Return the mementos every prefix's TimeMap lists, merged, and the first failure, if any
        (the captures of the archives that answered are read all the same)."""
        found: list[list[Memento]] = []
        error: CheckError | None = None
        for prefix in self.settings.prefixes:
            try:
                found.append(self.timemap(timemap_url(prefix, url), clock))
            except OutOfTime:
                error = error or FetchError(
                    f"the archive did not answer within the backfill's {self.settings.deadline:g} s "
                    "(TRACKER_BACKFILL_DEADLINE); it is tried again later",
                    code="timeout",
                )
            except FetchError as failure:
                error = error or failure
        return merged(found), error

    def timemap(self, url: str, clock: Clock) -> list[Memento]:
        """Return the mementos of one TimeMap; none when the archive has no capture (404)."""
        try:
            page = self.request(self.timemaps, url, clock)
        except FetchError as error:
            if error.http_status in (404, 410):
                return []
            raise
        # RFC 6690: link-format is UTF-8.
        return mementos(parse_links(page.body.decode("utf-8", errors="replace")))

    def read(self, target: BackfillTarget, memento: Memento, clock: Clock) -> CaptureRead:
        """Fetch and read one capture; raise FetchError when the archive is away or busy (the run
        stops), OutOfTime when the run's time is up."""
        started = self.clock()
        try:
            page = self.request(self.mementos, raw_memento_url(memento.uri), clock)
        except FetchError as error:
            if error.code in ARCHIVE_AWAY or error.http_status in SLOW_DOWN:
                raise
            return CaptureRead(memento=memento.uri, at=memento.at, observation=None, error=error)
        # The capture is of the article: read it as from the article's address (its links resolved
        # against it, and not judged a redirect away from the article).
        page = replace(page, final_url=target.url, moved_to=None, moved_status=None)
        fetched = Fetched(
            started, page.duration_ms, page=page, body_hash=hashlib.sha256(page.body).hexdigest()
        )
        observation = (
            self.readers.submit(read_step, target.check, fetched).result()
            if self.readers is not None
            else read_step(target.check, fetched)
        )
        if observation.error is not None:
            return CaptureRead(memento=memento.uri, at=memento.at, observation=None, error=observation.error)
        return CaptureRead(memento=memento.uri, at=memento.at, observation=observation, error=None)

    def request(self, fetcher: Fetcher, url: str, clock: Clock) -> Page:
        """Send one GET through the gate of its archive host, within the run's time, waiting out a
        Retry-After that fits it; raise FetchError (or OutOfTime when the time ran out)."""
        host = archive_host(url)
        for attempt in range(RETRIES + 1):
            with self.gate.slot(host, clock.until):
                clock.requests += 1
                try:
                    return fetcher(url, limits=within(fetcher.limits, clock.remaining()))
                except FetchError as error:
                    if clock.remaining() <= 0:
                        raise OutOfTime from error
                    wait = error.retry_after if error.http_status in SLOW_DOWN else None
                    if wait is None:
                        raise
                    self.gate.hold(host, wait)  # every run of this process leaves the host alone
                    if wait >= clock.remaining() or attempt == RETRIES:
                        raise
        raise AssertionError("unreachable: the last attempt returns or raises")

    def record(self, target: BackfillTarget, result: RunResult) -> BackfillRun:
        """Store a run in one transaction; return what it did."""
        with self.sessions.begin() as session:
            before = backfill.backfill_of(session, target.article_id)
            added_before = before.versions_added if before is not None else 0
            row = backfill.record_backfill(session, target, result, now=self.clock(), base_url=self.base_url)
            return BackfillRun(
                article_id=target.article_id,
                state=row.state,
                captures_found=result.captures_found,
                captures_read=sum(1 for read in result.reads if read.observation is not None),
                versions_added=row.versions_added - added_before,
                requests=result.requests,
                error_code=row.last_error_code,
                error_message=row.last_error_message,
            )


def within(limits: FetchLimits, seconds: float) -> FetchLimits:
    """Return limits with every limit of time cut to seconds: a request ends by the run's deadline,
    however slowly the archive answers."""
    return replace(
        limits,
        deadline=max(0.0, seconds),
        connect_timeout=max(0.001, min(limits.connect_timeout, seconds)),
        read_timeout=max(0.001, min(limits.read_timeout, seconds)),
    )


def make_backfiller(runtime: Runtime, *, readers: Executor | None = None) -> Backfiller:
    """Return a Backfiller with the runtime's settings, its requests guarded and capped like checks',
    reading captures in `readers` (the poller's reading processes) when given."""
    settings = runtime.settings
    limits = fetch_limits(settings, settings.backfill_deadline)
    agent = user_agent(settings)
    return Backfiller(
        runtime.sessions,
        timemaps=Fetcher(
            runtime.guard, user_agent=agent, limits=limits, pools=10, accept=TIMEMAP_ACCEPT, html_only=False
        ),
        mementos=Fetcher(runtime.guard, user_agent=agent, limits=limits, pools=10),
        clock=runtime.checking.clock,
        base_url=runtime.checking.policy.base_url,
        readers=readers,
        settings=BackfillSettings(
            worker=worker_name(),
            prefixes=archive_prefixes(settings.archives),
            limit=settings.backfill_max,
            deadline=settings.backfill_deadline,
            host_concurrency=settings.archive_concurrency,
            delay=settings.archive_delay,
            lease_seconds=settings.lease_seconds,
        ),
    )
