"""What a process counts about its checks and deliveries: the Prometheus metrics, and one log line
for each check and each delivery attempt.

The poller, check-now and the deliverer count after their results are stored; /metrics
(tracker.web.prometheus) and `tracker worker`'s own port expose. Under gunicorn, PROMETHEUS_MULTIPROC_DIR
makes every process write its counts to files that a scrape adds up (see the README).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, multiprocess, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

# Fetches wait on the network (up to TRACKER_FETCH_DEADLINE); reading is CPU (milliseconds to seconds).
FETCH_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
READ_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)

CHECKS = Counter("tracker_checks", "Checks recorded, by outcome and error code.", ["outcome", "error_code"])
VERSIONS = Counter("tracker_versions_created", "New versions stored (checks with outcome first or changed).")
FETCH_SECONDS = Histogram(
    "tracker_fetch_duration_seconds", "Time to get an article page (network).", buckets=FETCH_BUCKETS
)
EXTRACTION_SECONDS = Histogram(
    "tracker_extraction_duration_seconds",
    "Time to decode and extract a page that was read.",
    buckets=READ_BUCKETS,
)
DELIVERIES = Counter(
    "tracker_delivery_attempts",
    "Webhook and channel delivery attempts, by event and result.",
    ["event", "result"],
)
DELIVERY_SECONDS = Histogram("tracker_delivery_duration_seconds", "Time a delivery attempt took.")


@dataclass(frozen=True, slots=True)
class CheckSeen:
    """One recorded check, as logged and counted (never its full URL: a query may hold a token)."""

    article_id: int
    host: str
    outcome: str
    error_code: str | None
    http_status: int | None
    duration_ms: int
    fetch_ms: int
    read_ms: int | None  # None: the page was not read (304, the same bytes, an error)


@dataclass(frozen=True, slots=True)
class DeliverySeen:
    """One delivery attempt, as logged and counted (never the endpoint's URL or secret)."""

    delivery_id: int
    endpoint_id: int
    kind: str  # webhook | apprise
    event: str
    result: str  # succeeded | failed
    http_status: int | None
    duration_ms: int


@dataclass(frozen=True, slots=True)
class QueueFigures:
    """What the database says at scrape time; the same whichever process is asked."""

    queue_lag_seconds: float  # age of the oldest due article; 0 when none is due
    articles: dict[str, int]  # by status
    deliveries: dict[str, int]  # by status
    retry_queue: int  # deliveries that failed and wait for another attempt


def count_check(seen: CheckSeen) -> None:
    """Count one recorded check and log it."""
    CHECKS.labels(seen.outcome, seen.error_code or "").inc()
    FETCH_SECONDS.observe(seen.fetch_ms / 1000)
    if seen.read_ms is not None:
        EXTRACTION_SECONDS.observe(seen.read_ms / 1000)
    if seen.outcome in ("first", "changed"):
        VERSIONS.inc()
    logger.info(
        "check article=%d host=%s outcome=%s error=%s http_status=%s duration_ms=%d",
        seen.article_id,
        seen.host,
        seen.outcome,
        seen.error_code or "-",
        seen.http_status or "-",
        seen.duration_ms,
        extra=asdict(seen),
    )


def count_delivery(seen: DeliverySeen) -> None:
    """Count one recorded delivery attempt and log it."""
    DELIVERIES.labels(seen.event, seen.result).inc()
    DELIVERY_SECONDS.observe(seen.duration_ms / 1000)
    logger.info(
        "delivery %d endpoint=%d event=%s result=%s http_status=%s duration_ms=%d",
        seen.delivery_id,
        seen.endpoint_id,
        seen.event,
        seen.result,
        seen.http_status or "-",
        seen.duration_ms,
        extra=asdict(seen),
    )


class QueueCollector(Collector):
    """Gauges read from the database when scraped: queue lag, articles and deliveries by status."""

    def __init__(self, read: Callable[[], QueueFigures | None]) -> None:
        self.read = read  # None: the database did not answer

    def collect(self) -> Iterator[Metric]:
        figures = self.read()
        yield GaugeMetricFamily(
            "tracker_database_up", "1 when the database answered this scrape.", value=figures is not None
        )
        if figures is None:
            return
        yield GaugeMetricFamily(
            "tracker_queue_lag_seconds", "Age of the oldest due article.", value=figures.queue_lag_seconds
        )
        yield by_label("tracker_articles", "Articles by status.", figures.articles)
        yield by_label("tracker_deliveries", "Deliveries by status.", figures.deliveries)
        yield GaugeMetricFamily(
            "tracker_delivery_retry_queue",
            "Deliveries waiting for a retry after a failed attempt.",
            value=figures.retry_queue,
        )


def by_label(name: str, documentation: str, counts: dict[str, int]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=["status"])
    for status, count in counts.items():
        family.add_metric([status], count)
    return family


def process_registry() -> CollectorRegistry:
    """Return the counters to expose: every process's, added up from PROMETHEUS_MULTIPROC_DIR when set
    (gunicorn's workers), else this process's own."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def forget_process(pid: int) -> None:
    """Stop counting an exited process's live gauges (gunicorn's child_exit); its counters stay."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)


def queue_registry(read: Callable[[], QueueFigures | None]) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(QueueCollector(read))
    return registry


def serve_metrics(host: str, port: int) -> None:
    """Expose this process's counters at http://host:port/metrics (a thread; `tracker worker`)."""
    start_http_server(port, addr=host, registry=process_registry())
    logger.info("metrics on http://%s:%d/metrics", host, port)
