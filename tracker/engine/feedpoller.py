"""The feed engine: passes over due feeds, and the fetches that following a feed, check-now and
discovery make.

A feed is fetched like an article (guarded, capped, conditional: a 304 means nothing new), read by
tracker.domain.feeds, and what it brought is recorded in one short transaction per feed, never while the
network is slow; a feed that fails records its error, and one bad feed never stops the others.
"""

from __future__ import annotations

import logging
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime
from threading import Event
from typing import Any

from sqlalchemy.exc import IntegrityError

from tracker.adapters.models import FeedSource
from tracker.domain import urls
from tracker.domain.errors import CheckError, Conflict, NotFound
from tracker.domain.feeds import FeedLink, NotAFeed, advertised_feeds, read_feed
from tracker.domain.pages import Page, Validators
from tracker.engine.runtime import Runtime, worker_name
from tracker.services import feeds
from tracker.services.feeds import FeedPolicy, FeedPoll, FeedReading, FeedTarget, PollResult

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FeedPollerSettings:
    worker: str
    concurrency: int = 8  # feeds fetched at once, and claimed at a time
    lease_seconds: int = 300


class FeedPoller:
    """Polls feeds for one process: scheduled passes, and one feed now."""

    def __init__(self, reading: FeedReading, settings: FeedPollerSettings) -> None:
        self.reading = reading
        self.settings = settings
        self.stopping = Event()

    def poll(self) -> Counter[str]:
        """Poll every due feed, a batch at a time, and return how many polls had each outcome."""
        report: Counter[str] = Counter()
        with ThreadPoolExecutor(self.settings.concurrency, thread_name_prefix="feed") as pool:
            while not self.stopping.is_set():
                with self.reading.sessions.begin() as session:
                    targets = feeds.claim_due_feeds(
                        session,
                        worker=self.settings.worker,
                        now=self.reading.clock(),
                        limit=self.settings.concurrency,
                        lease_seconds=self.settings.lease_seconds,
                    )
                if not targets:
                    break
                running = {pool.submit(self.fetch, target): target for target in targets}
                for future in as_completed(running):
                    report[self.record_safely(running[future], future)] += 1
        return report

    def stop(self) -> None:
        """Claim nothing more; the feeds being fetched are still recorded."""
        self.stopping.set()

    def check(self, feed_id: int) -> PollResult:
        """Poll one feed now, due or not; raise Conflict while a worker is polling it."""
        with self.reading.sessions.begin() as session:
            target = feeds.claim_feed(
                session,
                feed_id,
                worker=self.settings.worker,
                now=self.reading.clock(),
                lease_seconds=self.settings.lease_seconds,
            )
        if target is None:
            raise Conflict("the feed is being polled right now; try again in a minute", code="feed_busy")
        result = self.record(target, self.fetch(target))
        if result is None:
            raise NotFound(f"nobody follows feed {feed_id} any more", code="feed_not_found")
        return result

    def follow(self, user_id: int, raw_url: str, fields: dict[str, Any]) -> tuple[int, bool]:
        """Follow the feed at raw_url with these options; return (follow id, created).

        A feed nobody followed yet is fetched first: a page that is not a feed raises NotAFeed naming
        the feeds it advertises, and a failed fetch raises its FetchError; nothing is stored then.
        """
        reading = self.reading
        options = feeds.checked_options(fields)
        url = urls.submitted_url(raw_url, allow_private=reading.policy.allow_private)
        with reading.sessions.begin() as session:
            known = feeds.feed_at(session, url)
            if known is not None:
                follow, created = feeds.follow_feed(
                    session, user_id, known, options, policy=reading.policy, now=reading.clock()
                )
                return follow.id, created
        poll = self.first_poll(url)
        assert poll.feed is not None  # a first fetch has no validators, so never a 304
        try:
            with reading.sessions.begin() as session:
                feed = feeds.new_feed(session, url, title=poll.feed.title, now=poll.started_at)
                follow, created = feeds.follow_feed(
                    session, user_id, feed, options, policy=reading.policy, now=poll.started_at
                )
                feeds.record_poll(session, feed, poll, policy=reading.policy)
                return follow.id, created
        except IntegrityError:  # someone followed the same feed meanwhile: follow theirs
            return self.follow(user_id, raw_url, fields)

    def discover(self, raw_url: str) -> tuple[FeedLink, ...]:
        """Return the feeds the page at raw_url advertises (or the feed itself, when it is one)."""
        url = urls.submitted_url(raw_url, allow_private=self.reading.policy.allow_private)
        page = self.reading.fetch(url, Validators())
        try:
            feed = read_feed(page.body, url=page.final_url, content_type=page.content_type)
        except CheckError:
            return advertised_feeds(page.body, url=page.final_url, content_type=page.content_type)
        return (FeedLink(url=url, title=feed.title, kind=feed.kind),)

    def fetch(self, target: FeedTarget) -> FeedPoll:
        """Fetch and read a claimed feed; every failure becomes the poll's error."""
        started = self.reading.clock()
        try:
            return poll_of(self.reading.fetch(target.url, target.validators), started)
        except CheckError as error:
            return FeedPoll(started, error=error, http_status=error.http_status)

    def first_poll(self, url: str) -> FeedPoll:
        started = self.reading.clock()
        page = self.reading.fetch(url, Validators())
        try:
            return poll_of(page, started)
        except CheckError:
            raise NotAFeed(
                url, advertised_feeds(page.body, url=page.final_url, content_type=page.content_type)
            ) from None

    def record(self, target: FeedTarget, poll: FeedPoll) -> PollResult | None:
        """Store a poll in its own transaction; None when the feed was forgotten meanwhile."""
        with self.reading.sessions.begin() as session:
            feed = session.get(FeedSource, target.feed_id)
            if feed is None:
                return None
            return feeds.record_poll(session, feed, poll, policy=self.reading.policy)

    def record_safely(self, target: FeedTarget, future: Any) -> str:
        """Record a finished fetch and return its outcome; a crash is logged and its lease left to expire."""
        try:
            result = self.record(target, future.result())
        except Exception:  # one broken feed must never stop the others
            logger.exception("polling feed %s failed unexpectedly", target.feed_id)
            return "crashed"
        return result.outcome if result else "forgotten"


def poll_of(page: Page, started: datetime) -> FeedPoll:
    """Return what a fetched page shows as a poll: nothing new for a 304, else the feed it holds."""
    feed = (
        None
        if page.not_modified
        else read_feed(page.body, url=page.final_url, content_type=page.content_type)
    )
    return FeedPoll(
        started, feed=feed, http_status=page.status, etag=page.etag, last_modified=page.last_modified
    )


def make_feed_poller(runtime: Runtime, *, in_request: bool = False) -> FeedPoller:
    """Return a FeedPoller that follows, checks and polls this installation's feed sources (with
    the short deadline of fetches made inside a request, when in_request)."""
    settings = runtime.settings
    policy = FeedPolicy(
        interval=settings.feed_interval,
        allow_private=settings.allow_private_networks,
        base_url=runtime.checking.policy.base_url,
        backfilling=runtime.backfilling,
    )
    return FeedPoller(
        FeedReading(
            sessions=runtime.sessions,
            fetch=runtime.request_feed_fetch if in_request else runtime.feed_fetch,
            clock=runtime.checking.clock,
            policy=policy,
        ),
        FeedPollerSettings(worker=worker_name(), lease_seconds=settings.lease_seconds),
    )
