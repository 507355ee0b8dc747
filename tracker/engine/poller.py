"""The polling engine: many fetches in flight, pages read in a process pool, results written in batches.

Waiting on the network is most of a check, so up to TRACKER_FETCH_CONCURRENCY fetches run at once
in threads (at most TRACKER_HOST_CONCURRENCY per site, TRACKER_HOST_DELAY apart). Reading a page
(decoding, extraction, compression) is CPU work, so it runs in a pool of processes, one per core,
and a slow page never holds up the others. One writer thread stores results in batches: a few bulk
statements for the many checks that find nothing new, the full path for new versions; the thread
that runs the pass only claims and starts fetches, so that storing never leaves a site's slots idle.
Every article is claimed with a lease before it is fetched.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import sys
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from threading import Event

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from config import Settings
from tracker.adapters.metrics import count_check
from tracker.adapters.models import Article
from tracker.domain.pacing import HostPacer
from tracker.domain.reading import CheckTarget, Observation, needs_reading, read_step, start_reader, unread
from tracker.services.checks import Checking, check_seen, record_checks
from tracker.services.observing import check_targets, fetch_step
from tracker.services.queue import claim_due, renew_leases

logger = logging.getLogger(__name__)
Claim = Callable[[int], list[CheckTarget]]


@dataclass(frozen=True, slots=True)
class PollerSettings:
    worker: str
    # The defaults are the settings' (TRACKER_FETCH_CONCURRENCY ...): one table of them, in config.py.
    concurrency: int = Settings.fetch_concurrency  # fetches in flight, all sites together
    host_concurrency: int = Settings.host_concurrency  # fetches in flight to one site
    host_delay: float = Settings.host_delay  # seconds between requests to one site
    batch_size: int = Settings.batch_size  # articles claimed at a time
    lease_seconds: int = Settings.lease_seconds
    read_processes: int = 0  # 0: read pages in the fetching threads
    read_cpu_seconds: float = Settings.read_cpu_seconds  # CPU a reading process may spend on a page
    write_batch: int = 150
    write_every: float = 0.5  # seconds: results never wait longer than this to be stored


@dataclass
class PollReport:
    """What one pass did: outcome counts of the checks it recorded."""

    outcomes: Counter[str] = field(default_factory=Counter)

    @property
    def checked(self) -> int:
        return sum(count for outcome, count in self.outcomes.items() if outcome != "crashed")


class Poller:
    """Runs passes over due articles; holds its thread and process pools between passes."""

    def __init__(self, checking: Checking, settings: PollerSettings) -> None:
        self.checking = checking
        self.settings = settings
        self.fetchers = ThreadPoolExecutor(settings.concurrency, thread_name_prefix="fetch")
        self.readers: Executor = (
            reading_pool(settings.read_processes, settings.read_cpu_seconds)
            if settings.read_processes
            else self.fetchers
        )
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="write")  # one: batches stored in order
        self.pacer = HostPacer(settings.host_delay)
        self.stopping = Event()
        self.store_failed = Event()  # the database refused a batch of this pass: store no more of it
        # Pages fetched faster than they can be read wait in memory: beyond this many, fetching pauses.
        self.max_reading = 4 * max(1, settings.read_processes or 1)

    def poll(self) -> PollReport:
        """Check every due article (claiming them in batches with a lease) and return what happened."""
        return self.run(self.claim_due, pace=True)

    def check(
        self, article_ids: Iterable[int], *, progress: Callable[[int], None] = lambda _done: None
    ) -> PollReport:
        """Check these articles now, whatever their schedule and without host delays."""
        remaining = deque(article_ids)

        def claim(limit: int) -> list[CheckTarget]:
            batch = [remaining.popleft() for _ in range(min(limit, len(remaining)))]
            with self.checking.sessions.begin() as session:
                return check_targets(
                    session, list(session.scalars(select(Article).where(Article.id.in_(batch))))
                )

        return self.run(claim, pace=False, progress=progress)

    def stop(self) -> None:
        """Ask the running pass to stop: no new claims, unstarted articles released, the rest finished."""
        self.stopping.set()

    def close(self) -> None:
        self.fetchers.shutdown(wait=True, cancel_futures=True)
        self.writer.shutdown(wait=True)
        if self.readers is not self.fetchers:
            self.readers.shutdown(wait=True, cancel_futures=True)

    def claim_due(self, limit: int) -> list[CheckTarget]:
        settings = self.settings
        with self.checking.sessions.begin() as session:
            ids = claim_due(
                session,
                worker=settings.worker,
                now=self.checking.clock(),
                limit=limit,
                lease_seconds=settings.lease_seconds,
            )
            articles = list(
                session.scalars(select(Article).where(Article.id.in_(ids)).order_by(Article.next_check_at))
            )
            return check_targets(session, articles)

    def run(
        self, claim: Claim, *, pace: bool, progress: Callable[[int], None] = lambda _done: None
    ) -> PollReport:
        """Fetch, read and record until claim gives nothing more (or stop() is called)."""
        report = PollReport()
        self.store_failed.clear()
        waiting: dict[str, deque[CheckTarget]] = defaultdict(deque)
        running: dict[Future, tuple[str, CheckTarget]] = {}
        busy: Counter[str] = Counter()
        results: list[tuple[CheckTarget, Observation]] = []
        writes: deque[Future[Counter[str]]] = deque()  # batches handed to the writer, oldest first
        exhausted, last_write = False, time.monotonic()
        last_renewal = time.monotonic()
        holds: dict[str, datetime] = {}  # sites that asked, in this pass, to be left alone until ...
        while True:
            if time.monotonic() - last_renewal >= self.settings.lease_seconds / 3:
                # A site paced by TRACKER_HOST_DELAY can hold a claimed article longer than a lease:
                # keep the leases of everything still held, or another worker would take it over.
                self.renew(waiting, running, results)
                last_renewal = time.monotonic()
            queued = sum(map(len, waiting.values()))
            if not exhausted and not self.stopping.is_set() and queued < 2 * self.settings.concurrency:
                claimed = claim(self.settings.batch_size)
                exhausted = not claimed
                for target in claimed:
                    waiting[target.host].append(held(target, holds))
            if self.stopping.is_set() and waiting:
                self.release([target for queue in waiting.values() for target in queue])
                waiting.clear()
            pause = self.start_fetches(waiting, running, busy, pace=pace)
            if not running and not any(waiting.values()):
                break
            done, _ = wait(
                running, timeout=min(pause, self.settings.write_every), return_when=FIRST_COMPLETED
            )
            for future in done:
                kind, target = running[future]
                self.collect(future, running, busy, results, report)
                wait_seconds = asked_to_wait(future) if kind == "fetch" else None
                if wait_seconds:
                    # The site named a time to come back: in this pass, ask it nothing more; its
                    # other articles are recorded as rate_limited without a request, as later passes do.
                    holds[target.host] = self.checking.clock() + timedelta(seconds=wait_seconds)
                    waiting[target.host] = deque(held(t, holds) for t in waiting.get(target.host, ()))
            if len(results) >= self.settings.write_batch or (
                results and time.monotonic() - last_write >= self.settings.write_every
            ):
                writes.append(self.writer.submit(self.write, results))
                results, last_write = [], time.monotonic()
            self.stored(writes, report, progress, backlog=2)
        writes.append(self.writer.submit(self.write, results))
        self.stored(writes, report, progress, backlog=0)
        return report

    def stored(
        self,
        writes: deque[Future[Counter[str]]],
        report: PollReport,
        progress: Callable[[int], None],
        *,
        backlog: int,
    ) -> None:
        """Count the batches the writer has stored (raising what storing one raised); wait while more
        than `backlog` are pending: when the database is the bottleneck, fetching faster only piles
        results up in memory, their leases running out."""
        while writes and (writes[0].done() or len(writes) > backlog):
            outcomes = writes.popleft().result()
            report.outcomes.update(outcomes)
            progress(outcomes.total())

    def start_fetches(
        self,
        waiting: dict[str, deque[CheckTarget]],
        running: dict[Future, tuple[str, CheckTarget]],
        busy: Counter[str],
        *,
        pace: bool,
    ) -> float:
        """Start every fetch the limits allow; return how long until a paced site may be asked again."""
        clock, settings = self.checking.clock, self.settings
        fetching = sum(1 for kind, _target in running.values() if kind == "fetch")
        pause = settings.write_every
        if len(running) - fetching >= self.max_reading:
            return pause
        for host, queue in list(waiting.items()):
            while queue and fetching < settings.concurrency and busy[host] < settings.host_concurrency:
                if pace:
                    wait_seconds = self.pacer.wait(host)
                    if wait_seconds > 0:
                        pause = min(pause, wait_seconds)
                        break
                    self.pacer.reserve(host)
                target = queue.popleft()
                busy[host] += 1
                fetching += 1
                future = self.fetchers.submit(
                    fetch_step,
                    target,
                    fetch=self.checking.fetch,
                    now=clock(),
                    render=self.checking.render,
                    robots=self.checking.robots,
                )
                running[future] = ("fetch", target)
            if not queue:
                del waiting[host]
        return max(pause, 0.01)

    def renew(
        self,
        waiting: dict[str, deque[CheckTarget]],
        running: dict[Future, tuple[str, CheckTarget]],
        results: list[tuple[CheckTarget, Observation]],
    ) -> None:
        held = [target.article_id for queue in waiting.values() for target in queue]
        held += [target.article_id for _kind, target in running.values()]
        held += [target.article_id for target, _observation in results]
        with self.checking.sessions.begin() as session:
            renew_leases(
                session,
                Article,
                held,
                worker=self.settings.worker,
                now=self.checking.clock(),
                lease_seconds=self.settings.lease_seconds,
            )

    def collect(
        self,
        future: Future,
        running: dict[Future, tuple[str, CheckTarget]],
        busy: Counter[str],
        results: list[tuple[CheckTarget, Observation]],
        report: PollReport,
    ) -> None:
        """Take a finished fetch or read: send a page that needs reading to the readers, keep the rest."""
        kind, target = running.pop(future)
        if kind == "fetch":
            busy[target.host] -= 1
        try:
            outcome = future.result()
        except Exception:  # one broken article must never stop the others; its lease lets it be retried
            logger.exception("check of article %s failed unexpectedly", target.article_id)
            report.outcomes["crashed"] += 1
            return
        if kind == "read":
            results.append((target, outcome))
        elif needs_reading(target, outcome):
            running[self.readers.submit(read_step, target, outcome)] = ("read", target)
        else:
            results.append((target, unread(outcome)))

    def write(self, results: list[tuple[CheckTarget, Observation]]) -> Counter[str]:
        """Store a batch in one transaction (if that fails, its checks one by one); return the outcomes.
        Runs in the writer thread."""
        stored: Counter[str] = Counter()
        if not results or self.store_failed.is_set():  # the pass raises that failure; leases expire
            return stored
        try:
            with self.checking.sessions.begin() as session:
                outcomes = record_checks(session, results, policy=self.checking.policy)
            counted(results, outcomes, stored)
        except OperationalError:
            # The database is away or full: row by row would fail the same way. The pass ends, the
            # worker backs off, and the leases let these articles be checked again. Batches queued
            # behind this one are not stored either: the pass that reports the failure is over.
            self.store_failed.set()
            raise
        except Exception:  # a bad row must not lose the batch: retry each on its own
            logger.exception("storing a batch of %d checks failed; storing them one by one", len(results))
            for result in results:
                try:
                    with self.checking.sessions.begin() as session:
                        outcomes = record_checks(session, [result], policy=self.checking.policy)
                    counted([result], outcomes, stored)
                except Exception:
                    logger.exception("storing the check of article %s failed", result[0].article_id)
                    stored["crashed"] += 1
        return stored

    def release(self, targets: list[CheckTarget]) -> None:
        """Give back leases on articles this worker claimed but will not check now."""
        with self.checking.sessions.begin() as session:
            session.execute(
                update(Article)
                .where(
                    Article.id.in_([target.article_id for target in targets]),
                    Article.claimed_by == self.settings.worker,
                )
                .values(claimed_by=None, lease_until=None)
                .execution_options(synchronize_session=False)
            )


def counted(
    results: list[tuple[CheckTarget, Observation]], outcomes: list[str], stored: Counter[str]
) -> None:
    """Count and log checks once their transaction committed (a batch rolled back is stored again)."""
    stored.update(outcomes)
    for (target, observation), outcome in zip(results, outcomes, strict=True):
        count_check(check_seen(target, observation, outcome))


def reading_pool(processes: int, cpu_seconds: float) -> ProcessPoolExecutor:
    """Return reading processes, started now so that they are ready when the first pages arrive.

    They fork from a server process that imported the reading code once (forkserver, preloaded):
    each starts without this process's threads, database driver or web layer, and all start now,
    while the first pages are fetched (the pool starts a process for each task no idle one can take,
    and none is idle before its initializer ran)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tracker.domain.reading"])
    pool = ProcessPoolExecutor(
        processes, mp_context=context, initializer=start_reader, initargs=(cpu_seconds,)
    )
    with main_script_hidden():
        for _ in range(processes):
            pool.submit(os.getpid)
    return pool


@contextlib.contextmanager
def main_script_hidden() -> Iterator[None]:
    """Start processes that do not run the main script: multiprocessing runs it in each child, so
    that functions defined there can be found, but readers run only tracker.domain.reading, and the
    script is the `flask` command (Flask in every reader) or `python app.py` (the whole app)."""
    main = sys.modules["__main__"]
    path = main.__dict__.pop("__file__", None)
    try:
        yield
    finally:
        if path is not None:
            main.__file__ = path


def default_read_processes() -> int:
    """Return one reading process per core, for a separate worker."""
    return os.cpu_count() or 1


def asked_to_wait(future: Future) -> float | None:
    """Return the Retry-After seconds a finished fetch was answered with, if any."""
    if future.exception() is not None:
        return None
    error = getattr(future.result(), "error", None)
    return error.retry_after if error is not None and error.retry_after else None


def held(target: CheckTarget, holds: dict[str, datetime]) -> CheckTarget:
    """Return the target with its site's hold from this pass, if the site asked for one."""
    until = holds.get(target.host)
    if until is None or (target.retry_after_until is not None and target.retry_after_until >= until):
        return target
    return replace(target, retry_after_until=until)
