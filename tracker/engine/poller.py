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

import logging
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from queue import Empty, SimpleQueue
from threading import Event

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from config import Settings
from tracker.adapters.models import Article
from tracker.domain.pacing import HostPacer
from tracker.domain.reading import (
    CheckTarget,
    Fetched,
    Observation,
    needs_reading,
    read_step,
    unread,
)
from tracker.engine.readers import reading_pool
from tracker.services.checking import Checking
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
        flight = InFlight()
        results: list[tuple[CheckTarget, Observation]] = []
        writes: deque[Future[Counter[str]]] = deque()  # batches handed to the writer, oldest first
        exhausted, last_write = False, time.monotonic()
        self.writer.submit(load_storing)  # while the first requests are out
        last_renewal = time.monotonic()
        holds: dict[str, datetime] = {}  # sites that asked, in this pass, to be left alone until ...
        while True:
            if time.monotonic() - last_renewal >= self.settings.lease_seconds / 3:
                # A site paced by TRACKER_HOST_DELAY can hold a claimed article longer than a lease:
                # keep the leases of everything still held, or another worker would take it over.
                self.renew(waiting, flight, results)
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
            pause = self.start_fetches(waiting, flight, pace=pace)
            if not flight.running and not any(waiting.values()):
                break
            for future in flight.finished(timeout=min(pause, self.settings.write_every)):
                kind, target = flight.take(future)
                outcome = self.collect(future, kind, target, flight, results, report)
                wait_seconds = asked_to_wait(outcome) if kind == "fetch" else None
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

    def start_fetches(self, waiting: dict[str, deque[CheckTarget]], flight: InFlight, *, pace: bool) -> float:
        """Start every fetch the limits allow; return how long until a paced site may be asked again."""
        clock, settings = self.checking.clock, self.settings
        pause = settings.write_every
        # Most wake-ups free a slot or two: the sites waiting are looked at only while one is free.
        if flight.fetching >= settings.concurrency or flight.reading_bytes >= READ_BACKLOG_BYTES:
            return pause
        for host, queue in list(waiting.items()):
            while (
                queue
                and flight.fetching < settings.concurrency
                and flight.busy[host] < settings.host_concurrency
            ):
                if pace:
                    wait_seconds = self.pacer.wait(host)
                    if wait_seconds > 0:
                        pause = min(pause, wait_seconds)
                        break
                    self.pacer.reserve(host)
                target = queue.popleft()
                future = self.fetchers.submit(
                    fetch_step,
                    target,
                    fetch=self.checking.fetch,
                    now=clock(),
                    render=self.checking.render,
                    robots=self.checking.robots,
                )
                flight.add(future, "fetch", target)
            if not queue:
                del waiting[host]
        return max(pause, 0.01)

    def renew(
        self,
        waiting: dict[str, deque[CheckTarget]],
        flight: InFlight,
        results: list[tuple[CheckTarget, Observation]],
    ) -> None:
        held = [target.article_id for queue in waiting.values() for target in queue]
        held += [target.article_id for _kind, target in flight.running.values()]
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
        kind: str,
        target: CheckTarget,
        flight: InFlight,
        results: list[tuple[CheckTarget, Observation]],
        report: PollReport,
    ) -> Fetched | Observation | None:
        """Take a finished fetch or read: send a page that needs reading to the readers, keep the rest.
        Return what it gave (None if it raised)."""
        try:
            outcome = future.result()
        except Exception:  # one broken article must never stop the others; its lease lets it be retried
            logger.exception("check of article %s failed unexpectedly", target.article_id)
            report.outcomes["crashed"] += 1
            return None
        if kind == "read":
            results.append((target, outcome))
        elif needs_reading(target, outcome):
            flight.add(
                self.readers.submit(read_step, target, outcome), "read", target, read_size(target, outcome)
            )
        else:
            results.append((target, unread(outcome)))
        return outcome

    def write(self, results: list[tuple[CheckTarget, Observation]]) -> Counter[str]:
        """Store a batch in one transaction (if that fails, its checks one by one); return the outcomes.
        Runs in the writer thread."""
        from tracker.services.checks import record_checks  # loaded (load_storing)

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


# Pages fetched faster than they can be read wait in memory: beyond this many bytes of them (some 300
# pages of 100 KB, or three of the largest a fetch keeps), fetching pauses. Counted in bytes, not
# pages: a bound of a few pages stalled every site's fetches whenever a burst of changed pages came.
READ_BACKLOG_BYTES = 32 * 1024 * 1024


class InFlight:
    """The fetches and reads of a pass not collected yet, and the queue each joins when it finishes.

    A wake-up of the pass costs what finished, not what is in flight: concurrent.futures.wait
    would lock every running future twice on each, and up to TRACKER_FETCH_CONCURRENCY run."""

    def __init__(self) -> None:
        self.running: dict[Future, tuple[str, CheckTarget]] = {}
        self.busy: Counter[str] = Counter()  # fetches in flight per site
        self.fetching = 0
        self.reading_bytes = 0  # of the pages handed to the readers and not read yet
        self.sizes: dict[Future, int] = {}
        self.done: SimpleQueue[Future] = SimpleQueue()

    def add(self, future: Future, kind: str, target: CheckTarget, size: int = 0) -> None:
        """Follow a fetch, or a read of a page of `size` bytes."""
        self.running[future] = (kind, target)
        if kind == "fetch":
            self.busy[target.host] += 1
            self.fetching += 1
        else:
            self.sizes[future] = size
            self.reading_bytes += size
        future.add_done_callback(self.done.put)

    def take(self, future: Future) -> tuple[str, CheckTarget]:
        """Forget a finished future; return what it was doing (kind, target)."""
        kind, target = self.running.pop(future)
        if kind == "fetch":
            self.busy[target.host] -= 1
            self.fetching -= 1
        else:
            self.reading_bytes -= self.sizes.pop(future)
        return kind, target

    def finished(self, *, timeout: float) -> list[Future]:
        """Return the futures that finished since the last call, waiting up to `timeout` for one."""
        try:
            done = [self.done.get(timeout=timeout)]
        except Empty:
            return []
        while not self.done.empty():
            done.append(self.done.get())
        return done


def load_storing() -> None:
    """Load what storing results needs: tracker.services.checks, with the diff, labels, alerts and
    search it brings, the metrics, and the labels' note patterns (together some 0.1 s of CPU). The
    writer runs this as a pass starts, while the first requests wait on the network: the pass need
    not wait for it before its first request, nor load it at its first stored change, when reading
    and fetching keep every core busy. A pass that stores no change compiles the patterns all the
    same (some 0.04 s, once a process)."""
    import tracker.adapters.metrics  # noqa: F401
    from tracker.domain import labels
    from tracker.services import checks  # noqa: F401

    labels.update_note()
    labels.correction_note()


def counted(
    results: list[tuple[CheckTarget, Observation]], outcomes: list[str], stored: Counter[str]
) -> None:
    """Count and log checks once their transaction committed (a batch rolled back is stored again)."""
    from tracker.adapters.metrics import count_check
    from tracker.services.checks import check_seen

    stored.update(outcomes)
    for (target, observation), outcome in zip(results, outcomes, strict=True):
        count_check(check_seen(target, observation, outcome))


def read_size(target: CheckTarget, fetched: Fetched) -> int:
    """Return about how many bytes a read holds in memory until it is done: the page fetched, and
    the stored page a re-read with a new extractor reads too (even when the site answered 304)."""
    size = len(fetched.page.body) if fetched.page is not None else 0
    return size + (len(target.rebaseline.html) if target.rebaseline is not None else 0)


def asked_to_wait(fetched: Fetched | Observation | None) -> float | None:
    """Return the Retry-After seconds a fetch was answered with, if any."""
    error = fetched.error if fetched is not None else None
    return error.retry_after if error is not None and error.retry_after else None


def held(target: CheckTarget, holds: dict[str, datetime]) -> CheckTarget:
    """Return the target with its site's hold from this pass, if the site asked for one."""
    until = holds.get(target.host)
    if until is None or (target.retry_after_until is not None and target.retry_after_until >= until):
        return target
    return replace(target, retry_after_until=until)
