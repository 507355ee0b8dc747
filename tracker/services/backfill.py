"""Backfill from web archives, the storing side: the queue of backfills, and a run's captures stored
as versions numbered in time order.

The engine (tracker.engine.backfiller) claims targets, fetches and reads the archives' captures with
no transaction held, and hands a RunResult to `record_backfill`.

Numbers never change, so that permalinks stay. An article without versions gets its archive versions
1..k, and its first live version k+1. Captures older than an article's oldest version are numbered
downward below it (first_number-k .. first_number-1, so 0 and below are possible) and first_number is
lowered; the version that was oldest then gets its change (labels, counts, search terms) against its
new predecessor.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from tracker.adapters.models import Article, Backfill, Capture, Version
from tracker.domain import urls
from tracker.domain.errors import CheckError, Conflict, NotFound
from tracker.domain.pages import Validators
from tracker.domain.reading import CheckTarget, Observation
from tracker.domain.timestamps import iso
from tracker.domain.vocabulary import CaptureOutcome
from tracker.services import alerts, checks, search
from tracker.services.articles import get_article
from tracker.services.backfillqueue import queue_backfill, queued_backfill
from tracker.services.payloads import article_payload
from tracker.services.queue import lease_rows
from tracker.services.rules import rules_for_articles

CUT_SHORT_AGAIN = timedelta(minutes=10)  # a run the deadline cut goes on this much later
BACKOFF = (timedelta(minutes=10), timedelta(hours=1), timedelta(hours=6), timedelta(days=1))
FAILED_AFTER = 5  # failed runs in a row; then the backfill waits until asked again
ASKED_TO_WAIT = (429, 503)  # with a Retry-After: the archive is busy, not failing


@dataclass(frozen=True, slots=True)
class BackfillTarget:
    """What a run needs, read when claimed."""

    article_id: int
    url: str  # the article URL (normalised)
    check: CheckTarget  # reading a memento is read_step(check, fetched), always read (no validators)
    oldest_at: datetime | None  # observed_at of the oldest version held; None: no versions
    known: frozenset[str]  # memento URIs already read (captures stored or same)


@dataclass(frozen=True, slots=True)
class CaptureRead:
    """One capture the engine fetched and read (or failed to)."""

    memento: str  # URI-M as the TimeMap gave it
    at: datetime  # its Memento-Datetime (aware UTC)
    observation: Observation | None  # read_step's result; None on error
    error: CheckError | None


@dataclass(frozen=True, slots=True)
class RunResult:
    """What the engine tells the store about one run."""

    captures_found: int  # mementos in the TimeMaps (after merging)
    requests: int  # requests made to archives
    reads: list[CaptureRead]  # in any order
    complete: bool  # every chosen capture was fetched (False: cut by the deadline or by Retry-After)
    error: CheckError | None  # why the run failed or stopped early; None: fine


def backfill_of(session: Session, article_id: int) -> Backfill | None:
    """Return the article's backfill row (its queue entry and how it went), or None: never asked."""
    return session.get(Backfill, article_id)


def backfills_of(session: Session, article_ids: list[int]) -> dict[int, Backfill]:
    """Return {article id: its backfill row} for those of the articles that have one."""
    rows = session.scalars(select(Backfill).where(Backfill.article_id.in_(article_ids)))
    return {backfill.article_id: backfill for backfill in rows}


def queue_every(session: Session, *, now: datetime) -> int:
    """Queue the backfill of every article that wants one (backfill on), due now; return how many."""
    wanted = list(session.scalars(select(Article).where(Article.backfill.is_(True))))
    for article in wanted:
        queue_backfill(session, article, now=now, hold_seconds=0)
    return len(wanted)


# --- claiming --------------------------------------------------------------------------------------


def claim_backfills(
    session: Session, *, worker: str, now: datetime, lease_seconds: int, limit: int
) -> list[BackfillTarget]:
    """Lease up to `limit` due backfills of articles that want one to worker, oldest due first.

    One statement, as queue.claim_due: on PostgreSQL the inner SELECT skips rows other workers are
    claiming (FOR UPDATE SKIP LOCKED); on SQLite the UPDATE holds the single write lock.
    """
    due = (
        select(Backfill.article_id)
        .join(Article, Article.id == Backfill.article_id)
        .where(
            Backfill.state == "pending",
            Backfill.due_at <= now,
            or_(Backfill.lease_until.is_(None), Backfill.lease_until < now),
            Article.backfill.is_(True),
        )
        .order_by(Backfill.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Backfill)
    )
    which = Backfill.article_id.in_(due.scalar_subquery())
    return targets(
        session,
        sorted(lease_rows(session, Backfill, which, worker=worker, now=now, lease_seconds=lease_seconds)),
    )


def claim_backfill(
    session: Session, article_id: int, *, worker: str, now: datetime, lease_seconds: int
) -> BackfillTarget:
    """Lease the article's backfill to worker whatever its state (a run asked for by hand); raise
    NotFound for a missing article, Conflict while another worker runs it (two runs would ask the
    archives twice)."""
    article = get_article(session, article_id)
    held = session.get(Backfill, article.id)
    if held is None:
        session.add(queued_backfill(article.id, now=now))
        session.flush()
    elif held.claimed_by not in (None, worker) and held.lease_until is not None and held.lease_until > now:
        raise Conflict(
            f"{held.claimed_by} is backfilling article {article.id} now; try again after {iso(held.lease_until)}",
            code="backfill_running",
        )
    lease_rows(
        session,
        Backfill,
        Backfill.article_id == article.id,
        worker=worker,
        now=now,
        lease_seconds=lease_seconds,
    )
    return targets(session, [article.id])[0]


def targets(session: Session, article_ids: list[int]) -> list[BackfillTarget]:
    """Return what runs need about these articles, in a handful of queries."""
    if not article_ids:
        return []
    found = list(session.scalars(select(Article).where(Article.id.in_(article_ids)).order_by(Article.id)))
    rules = rules_for_articles(session, found)
    oldest = {
        row.article_id: row.observed_at
        for row in session.execute(
            select(Version.article_id, Version.observed_at)
            .join(Article, and_(Article.id == Version.article_id, Article.first_number == Version.number))
            .where(Version.article_id.in_(article_ids))
        )
    }
    known: dict[int, set[str]] = {}
    for row in session.execute(
        select(Capture.article_id, Capture.memento).where(
            Capture.article_id.in_(article_ids), Capture.outcome.in_(("stored", "same"))
        )
    ):
        known.setdefault(row.article_id, set()).add(row.memento)
    return [
        BackfillTarget(
            article_id=article.id,
            url=article.url,
            check=CheckTarget(
                article_id=article.id,
                url=article.url,
                host=article.host,
                validators=Validators(),
                body_hash=None,
                retry_after_until=None,
                rules=rules[article.id],
            ),
            oldest_at=oldest.get(article.id),
            known=frozenset(known.get(article.id, ())),
        )
        for article in found
    ]


# --- recording a run -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Taken:
    """Captures next to each other in time with one text, and the number of the version holding it:
    a new one (`new`, the first capture's), or the version that follows them."""

    reads: list[CaptureRead]
    number: int | None = None  # None until numbered
    new: bool = True


def record_backfill(
    session: Session, target: BackfillTarget, result: RunResult, *, now: datetime, base_url: str
) -> Backfill:
    """Store the run: its captures as versions (the numbering rules above) and as Capture rows, one
    article.backfilled event, the backfill's state and next run; release the lease and the article's
    held first live check."""
    # Write first, as checks.record_check does: the article's row lock (SQLite's write lock) keeps a
    # live check from taking the same numbers.
    session.execute(
        update(Article).where(Article.id == target.article_id).values(first_number=Article.first_number)
    )
    article = session.get(Article, target.article_id, populate_existing=True)
    if article is None:
        raise NotFound(f"there is no article {target.article_id}", code="article_not_found")
    backfill = session.get(Backfill, article.id) or queued_backfill(article.id, now=now)
    session.add(backfill)
    oldest = oldest_version(session, article)
    fresh = [read for read in result.reads if read.memento not in target.known]
    taken = numbered(taken_groups(readable(fresh), oldest), article)
    versions = store_versions(session, article, target, taken, oldest)
    keep_captures(session, article.id, taken, [read for read in fresh if failure(read)], now=now)
    finish_run(backfill, result, added=len(versions), now=now)
    if article.last_checked_at is None:  # the first live check waited for this run
        article.next_check_at = min(article.next_check_at, now)
    if versions:
        announce_backfill(session, article, versions, base_url=base_url, now=now)
    session.flush()
    return backfill


def oldest_version(session: Session, article: Article) -> Version | None:
    if article.version_count == 0:
        return None
    return session.scalar(
        select(Version).where(Version.article_id == article.id, Version.number == article.first_number)
    )


def failure(read: CaptureRead) -> str | None:
    """Return the error code of a capture that gave no article text; None when it did."""
    observation = read.observation
    if read.error is not None:
        return read.error.code
    if observation is not None and observation.error is not None:
        return observation.error.code
    if observation is None or observation.article is None or observation.content_hash is None:
        return "not_read"
    return None


def readable(reads: list[CaptureRead]) -> list[CaptureRead]:
    return [read for read in reads if failure(read) is None]


def text_of(read: CaptureRead) -> str | None:
    return read.observation.content_hash if read.observation else None


def taken_groups(reads: list[CaptureRead], oldest: Version | None) -> list[Taken]:
    """Return the captures older than the oldest version, oldest first, in runs of one text; the
    newest run is that version's when it holds its text."""
    before = sorted((read for read in reads if oldest is None or read.at < oldest.observed_at), key=at_of)
    taken = [Taken(list(run)) for _text, run in itertools.groupby(before, key=text_of)]
    if taken and oldest is not None and text_of(taken[-1].reads[0]) == oldest.content_hash:
        taken[-1] = Taken(taken[-1].reads, oldest.number, new=False)
    return taken


def at_of(read: CaptureRead) -> datetime:
    return read.at


def numbered(taken: list[Taken], article: Article) -> list[Taken]:
    """Number the runs that become versions: 1.. for an article without versions, else the numbers
    just below its oldest (the newest run gets first_number-1)."""
    count = sum(1 for run in taken if run.new)
    numbers = itertools.count(article.first_number - count if article.version_count else 1)
    return [Taken(run.reads, next(numbers)) if run.new else run for run in taken]


def store_versions(
    session: Session, article: Article, target: BackfillTarget, taken: list[Taken], oldest: Version | None
) -> list[Version]:
    """Add a version for each new run, oldest first, each with its change against the one before;
    then give the version that was oldest its change against the newest of them."""
    versions: list[Version] = []
    previous: Version | None = None
    for run in taken:
        if run.new and run.number is not None:
            version = archive_version(article, target, run.reads[0], run.number)
            version.matches_number = checks.matching_number(session, version)
            checks.store(session, article, version, previous)
            versions.append(version)
            previous = version
    if versions:
        article.first_number = min(article.first_number, versions[0].number)
        # Read the way live checks read now: the first live check has no older reading to redo.
        article.baseline_extractor = article.baseline_extractor or target.check.extractor
        article.title = article.title or versions[-1].title  # shown before the first live check
    if previous is not None and oldest is not None:
        oldest.matches_number = checks.matching_number(session, oldest)
        diff, _labels = checks.take_change(session, oldest, previous)
        search.reindex_version(session, oldest, diff)
    return versions


def archive_version(article: Article, target: BackfillTarget, read: CaptureRead, number: int) -> Version:
    """Return the version a capture holds: observed at its Memento-Datetime, at the article's URL,
    with the body and headers as the archive served them."""
    observation = read.observation
    assert observation is not None and observation.article is not None  # readable() kept only these
    version = checks.version_from(
        article,
        observation.article,
        observation.content_hash or "",
        at=read.at,
        extractor=target.check.extractor,
        final_url=target.url,
        raw_html=observation.raw_html or b"",
        headers=dict(observation.page.headers) if observation.page else {},
        encoding=observation.encoding,
        number=number,
    )
    version.source, version.memento = "archive", read.memento
    return version


def keep_captures(
    session: Session, article_id: int, taken: list[Taken], failed: list[CaptureRead], *, now: datetime
) -> None:
    """Remember every capture read (stored, the same text as a version, or an error), so that later
    runs skip those that gave a version's text and try the failed ones again."""
    rows: list[tuple[CaptureRead, CaptureOutcome, int | None, str | None]] = [
        (read, "stored" if run.new and index == 0 else "same", run.number, None)
        for run in taken
        for index, read in enumerate(run.reads)
    ] + [(read, "error", None, failure(read)) for read in failed]
    keys = [capture_key(read.memento) for read, *_rest in rows]
    existing = {
        capture.key_hash: capture
        for capture in session.scalars(
            select(Capture).where(Capture.article_id == article_id, Capture.key_hash.in_(keys))
        )
    }
    for key, (read, outcome, number, code) in zip(keys, rows, strict=True):
        capture = existing.get(key) or Capture(article_id=article_id, key_hash=key, memento=read.memento)
        capture.captured_at, capture.read_at, capture.outcome = read.at, now, outcome
        capture.version_number, capture.error_code = number, code
        existing[key] = capture
        session.add(capture)


def capture_key(memento: str) -> str:
    return hashlib.sha256(memento.encode()).hexdigest()


def finish_run(backfill: Backfill, result: RunResult, *, added: int, now: datetime) -> None:
    """Record how the run went, release its lease and set the next run: none after a complete one,
    soon after one the deadline cut, with a growing wait after failures (none after FAILED_AFTER)."""
    error = result.error
    backfill.last_run_at, backfill.claimed_by, backfill.lease_until = now, None, None
    backfill.captures_found, backfill.requests = result.captures_found, result.requests
    backfill.versions_added = (backfill.versions_added or 0) + added
    backfill.last_error_code = error.code if error else None
    backfill.last_error_message = error.message if error else None
    if error is not None and error.http_status in ASKED_TO_WAIT and error.retry_after is not None:
        # The archive asked us to come back later: no failure, come back then.
        backfill.state, backfill.due_at = "pending", now + timedelta(seconds=error.retry_after)
    elif error is not None:
        backfill.attempts = (backfill.attempts or 0) + 1
        wait = max(
            BACKOFF[min(backfill.attempts, len(BACKOFF)) - 1], timedelta(seconds=error.retry_after or 0)
        )
        backfill.state = "failed" if backfill.attempts >= FAILED_AFTER else "pending"
        backfill.due_at = now + wait
    elif not result.complete:
        backfill.state, backfill.due_at = "pending", now + CUT_SHORT_AGAIN
    else:
        backfill.state, backfill.finished_at, backfill.attempts = "done", now, 0


def announce_backfill(
    session: Session, article: Article, versions: list[Version], *, base_url: str, now: datetime
) -> None:
    """Queue one article.backfilled for the followers' endpoints (archive versions send no
    article.changed)."""
    archives = sorted({urls.host_of(version.memento) for version in versions if version.memento})
    oldest, newest = versions[0].observed_at, versions[-1].observed_at
    payload = {
        "type": "article.backfilled",
        "timestamp": iso(now),
        "data": {
            "article": article_payload(article, base=base_url),
            "versions": len(versions),
            "from": iso(oldest),
            "until": iso(newest),
            "archives": archives,
        },
    }
    alerts.enqueue(
        session,
        type="article.backfilled",
        article=article,
        payload=payload,
        now=now,
        summary=f"{article.title or article.url}: {len(versions)} earlier versions from "
        f"{', '.join(archives)} ({oldest:%Y-%m-%d} to {newest:%Y-%m-%d}). {base_url}/articles/{article.id}",
    )
