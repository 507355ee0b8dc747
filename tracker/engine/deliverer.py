"""The delivery engine: due digests cut, due deliveries claimed with a lease, sent concurrently (a
bounded number per endpoint), results stored in batches. Run by the scheduler's tick and by
`tracker check`."""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime
from threading import Event

from sqlalchemy.orm import sessionmaker

from tracker.adapters.fetch import Client
from tracker.adapters.metrics import DeliverySeen, count_delivery
from tracker.adapters.models import Delivery
from tracker.adapters.netguard import AddressGuard
from tracker.adapters.webhooks import Attempt, notify_channel, post_webhook
from tracker.domain.digests import DIGEST, channel_message
from tracker.engine.runtime import Runtime, worker_name
from tracker.services.deliveries import (
    DeliveryJob,
    claim_deliveries,
    claim_delivery,
    disable_failing_endpoints,
    record_attempts,
)
from tracker.services.digests import cut_next_digest
from tracker.services.queue import release_rows, renew_leases

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DelivererSettings:
    worker: str
    concurrency: int = 64  # deliveries in flight, all endpoints together
    per_endpoint: int = 16  # deliveries in flight to one endpoint
    batch_size: int = 500
    lease_seconds: int = 120
    timeout: float = 10.0  # seconds a webhook has to answer
    write_every: float = 0.5


class Deliverer:
    """Sends due deliveries until none is left; holds its thread pool between runs."""

    def __init__(
        self,
        sessions: sessionmaker,
        http: Client,  # the one guarded HTTP client
        guard: AddressGuard,
        clock: Callable[[], datetime],
        settings: DelivererSettings,
    ) -> None:
        self.sessions, self.http, self.guard, self.clock = sessions, http, guard, clock
        self.settings = settings
        self.pool: ThreadPoolExecutor | None = None  # made on first use: deliver_one needs none
        self.stopping = Event()

    @property
    def senders(self) -> ThreadPoolExecutor:
        if self.pool is None:
            self.pool = ThreadPoolExecutor(self.settings.concurrency, thread_name_prefix="deliver")
        return self.pool

    def deliver_one(self, delivery_id: int) -> Attempt | None:
        """Send one delivery now (send again, test ping); None if it is not pending or another worker has it."""
        with self.sessions.begin() as session:
            job = claim_delivery(
                session,
                delivery_id,
                worker=self.settings.worker,
                now=self.clock(),
                lease_seconds=self.settings.lease_seconds,
            )
        if job is None:
            return None
        attempt = self.send(job)
        self.write([(job, attempt)], Counter())
        return attempt

    def deliver_due(self) -> Counter[str]:
        """Cut the digests whose moment has come, then send every due delivery (retries and digests
        included) and return how many succeeded and failed."""
        report: Counter[str] = Counter()
        self.cut_digests()
        waiting: dict[int, deque[DeliveryJob]] = {}
        running: dict[Future, DeliveryJob] = {}
        busy: Counter[int] = Counter()
        results: list[tuple[DeliveryJob, Attempt]] = []
        exhausted, last_write = False, time.monotonic()
        last_renewal = time.monotonic()
        while True:
            if time.monotonic() - last_renewal >= self.settings.lease_seconds / 3:
                # A slow endpoint can keep deliveries waiting here longer than a lease: keep them ours.
                held = [job.delivery_id for queue in waiting.values() for job in queue]
                self.renew(
                    held
                    + [job.delivery_id for job in running.values()]
                    + [j.delivery_id for j, _a in results]
                )
                last_renewal = time.monotonic()
            queued = sum(map(len, waiting.values()))
            if not exhausted and not self.stopping.is_set() and queued < 2 * self.settings.concurrency:
                claimed = self.claim()
                exhausted = not claimed
                for job in claimed:
                    waiting.setdefault(job.webhook_id, deque()).append(job)
            if self.stopping.is_set() and waiting:
                self.release([job for queue in waiting.values() for job in queue])
                waiting.clear()
            self.start(waiting, running, busy)
            if not running and not waiting:
                break
            done, _ = wait(running, timeout=self.settings.write_every, return_when=FIRST_COMPLETED)
            for future in done:
                job = running.pop(future)
                busy[job.webhook_id] -= 1
                results.append((job, future.result()))
            if results and (
                len(results) >= 200 or time.monotonic() - last_write >= self.settings.write_every
            ):
                self.write(results, report)
                results, last_write = [], time.monotonic()
        self.write(results, report)
        return report

    def cut_digests(self) -> int:
        """Cut every due digest, one endpoint per transaction; return how many digests were made."""
        made = 0
        while not self.stopping.is_set():
            with self.sessions.begin() as session:
                cut = cut_next_digest(session, now=self.clock())
            if cut is None:
                break
            made += cut
        return made

    def claim(self) -> list[DeliveryJob]:
        with self.sessions.begin() as session:
            disable_failing_endpoints(session, now=self.clock())
            return claim_deliveries(
                session,
                worker=self.settings.worker,
                now=self.clock(),
                limit=self.settings.batch_size,
                lease_seconds=self.settings.lease_seconds,
            )

    def start(
        self, waiting: dict[int, deque[DeliveryJob]], running: dict[Future, DeliveryJob], busy: Counter[int]
    ) -> None:
        """Start sends while the overall and per-endpoint limits allow."""
        for webhook_id, queue in list(waiting.items()):
            while (
                queue
                and len(running) < self.settings.concurrency
                and busy[webhook_id] < self.settings.per_endpoint
            ):
                job = queue.popleft()
                busy[webhook_id] += 1
                running[self.senders.submit(self.send, job)] = job
            if not queue:
                del waiting[webhook_id]

    def send(self, job: DeliveryJob) -> Attempt:
        """Send one delivery; never raises (a failure is an Attempt with an error)."""
        try:
            if job.kind == "apprise":
                title, body = channel_message(job.event_type, job.summary)
                return notify_channel(
                    job.url,
                    title=title,
                    body=body,
                    guard=self.guard,
                    # a digest's lines must stay lines (in mail, Apprise reads an unnamed format as HTML)
                    body_format="text" if job.event_type == DIGEST else None,
                )
            return post_webhook(
                self.http,
                job.url,
                message_id=job.message_id,
                body=job.body,
                secrets_in_use=list(job.secrets),
                timeout=self.settings.timeout,
            )
        except Exception as exc:  # a bug in one send must not stop the others; it is retried like a failure
            logger.exception("delivery %s failed unexpectedly", job.delivery_id)
            return Attempt(
                None,
                0,
                error=f"the tracker failed while sending ({type(exc).__name__}); it tries again later",
                error_code="internal_error",
            )

    def write(self, results: list[tuple[DeliveryJob, Attempt]], report: Counter[str]) -> None:
        if not results:
            return
        with self.sessions.begin() as session:
            record_attempts(session, results, worker=self.settings.worker, now=self.clock())
        report.update("succeeded" if attempt.succeeded else "failed" for _job, attempt in results)
        for job, attempt in results:
            count_delivery(delivery_seen(job, attempt))

    def renew(self, delivery_ids: list[int]) -> None:
        with self.sessions.begin() as session:
            renew_leases(
                session,
                Delivery,
                delivery_ids,
                worker=self.settings.worker,
                now=self.clock(),
                lease_seconds=self.settings.lease_seconds,
            )

    def release(self, jobs: list[DeliveryJob]) -> None:
        with self.sessions.begin() as session:
            release_rows(session, Delivery, [job.delivery_id for job in jobs], worker=self.settings.worker)

    def stop(self) -> None:
        self.stopping.set()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def delivery_seen(job: DeliveryJob, attempt: Attempt) -> DeliverySeen:
    """Return what the metrics and the log say about an attempt: never its URL, body or secret."""
    return DeliverySeen(
        delivery_id=job.delivery_id,
        endpoint_id=job.webhook_id,
        kind=job.kind,
        event=job.event_type,
        result="succeeded" if attempt.succeeded else "failed",
        http_status=attempt.status,
        duration_ms=attempt.latency_ms,
    )


def make_deliverer(runtime: Runtime) -> Deliverer:
    """Return a Deliverer that sends this installation's alerts."""
    settings = runtime.settings
    return Deliverer(
        runtime.sessions,
        runtime.http,
        runtime.guard,
        runtime.checking.clock,
        DelivererSettings(
            worker=worker_name(),
            concurrency=settings.delivery_concurrency,
            per_endpoint=settings.endpoint_concurrency,
            lease_seconds=settings.delivery_lease_seconds,
            timeout=settings.webhook_timeout,
        ),
    )
