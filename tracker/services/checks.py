"""Checking one article: read what we know, fetch and extract (no transaction held), then record.

A check is three steps so that no database transaction stays open while the network is slow:
`check_target` reads the article, `observe` fetches and extracts, `record_check` writes the Check
row and, when the content is new, the Version, in one transaction.
"""

from __future__ import annotations

import hashlib
import time
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from tracker import intervals
from tracker.errors import CheckError
from tracker.extract import EXTRACTOR_VERSION, ExtractedArticle, extract_article
from tracker.fetch import Fetch, Page, Validators
from tracker.models import Article, Check, Site, Version
from tracker.normalize import content_hash, word_count
from tracker.services.articles import get_article
from tracker.services.history import change_between

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class CheckPolicy:
    """Settings a check needs."""

    default_interval: int = 3600


@dataclass(frozen=True, slots=True)
class CheckTarget:
    """What a check needs to know about an article, read before fetching."""

    article_id: int
    url: str
    host: str
    validators: Validators
    body_hash: str | None
    retry_after_until: datetime | None


@dataclass(frozen=True, slots=True)
class Observation:
    """What one fetch saw, before it is compared with the stored versions."""

    started_at: datetime
    duration_ms: int
    page: Page | None = None
    body_hash: str | None = None
    article: ExtractedArticle | None = None  # None: 304, byte-identical body, or error
    content_hash: str | None = None
    error: CheckError | None = None


def check_article(
    sessions: sessionmaker, article_id: int, *, fetch: Fetch, clock: Clock, policy: CheckPolicy
) -> Check:
    """Check one article now, whatever its schedule, and return the recorded Check."""
    with sessions.begin() as session:
        target = check_target(session, get_article(session, article_id))
    observation = observe(target, fetch=fetch, now=clock())
    with sessions.begin() as session:
        return record_check(session, target, observation, policy=policy)


def check_target(session: Session, article: Article) -> CheckTarget:
    """Return the facts a check needs about article (validators only once a version exists)."""
    has_version = article.version_count > 0
    return CheckTarget(
        article_id=article.id,
        url=article.url,
        host=article.host,
        validators=Validators(article.etag, article.last_modified) if has_version else Validators(),
        body_hash=article.body_hash if has_version else None,
        retry_after_until=session.scalar(select(Site.retry_after_until).where(Site.host == article.host)),
    )


def observe(
    target: CheckTarget,
    *,
    fetch: Fetch,
    now: datetime,
    extract: Callable[[str, str | None], ExtractedArticle] = extract_article,
) -> Observation:
    """Fetch and extract the article; every failure becomes the observation's error."""
    started = time.monotonic()

    def elapsed() -> int:
        return round((time.monotonic() - started) * 1000)

    try:
        if target.retry_after_until is not None and now < target.retry_after_until:
            raise CheckError(
                f"{target.host} asked us (Retry-After) to wait until {target.retry_after_until:%Y-%m-%d %H:%M:%S} UTC",
                code="rate_limited",
            )
        page = fetch(target.url, target.validators)
        if page.not_modified:
            return Observation(now, elapsed(), page=page)
        body_hash = hashlib.sha256(page.body).hexdigest()
        if body_hash == target.body_hash:
            return Observation(now, elapsed(), page=page, body_hash=body_hash)
        article = extract(page.text, page.final_url)
        digest = content_hash(article.title, article.byline, article.paragraphs)
        return Observation(
            now, elapsed(), page=page, body_hash=body_hash, article=article, content_hash=digest
        )
    except CheckError as error:
        return Observation(now, elapsed(), error=error)


def record_check(
    session: Session, target: CheckTarget, observation: Observation, *, policy: CheckPolicy
) -> Check:
    """Store the check (and a new Version when the content is new); reschedule and release the article."""
    # Write first: on SQLite this takes the write lock before we read, on PostgreSQL it locks the
    # row, so two checks of one article can never both think they add version N+1.
    session.execute(
        update(Article).where(Article.id == target.article_id).values(last_checked_at=observation.started_at)
    )
    article = session.get_one(Article, target.article_id, populate_existing=True)
    version = new_version(session, article, observation)
    check = Check(
        article_id=article.id,
        checked_at=observation.started_at,
        duration_ms=observation.duration_ms,
        outcome=outcome(article, observation, version),
        http_status=observation.error.http_status
        if observation.error
        else observation.page and observation.page.status,
        version_number=version.number if version else None,
        error_code=observation.error.code if observation.error else None,
        error_message=observation.error.message if observation.error else None,
    )
    session.add(check)
    remember_fetch(article, observation)
    reschedule(session, article, observation, policy=policy)
    session.flush()
    return check


def latest_version(session: Session, article: Article) -> Version | None:
    if article.version_count == 0:
        return None
    return session.scalar(
        select(Version).where(Version.article_id == article.id, Version.number == article.version_count)
    )


def new_version(session: Session, article: Article, observation: Observation) -> Version | None:
    """Add and return a Version when the observed content differs from the latest; else None."""
    extracted, page = observation.article, observation.page
    if extracted is None or page is None or observation.content_hash is None:
        return None
    latest = latest_version(session, article)
    if latest is not None and latest.content_hash == observation.content_hash:
        return None
    version = Version(
        article_id=article.id,
        number=article.version_count + 1,
        observed_at=observation.started_at,
        content_hash=observation.content_hash,
        title=extracted.title,
        byline=extracted.byline,
        published_at=extracted.published_at,
        modified_at=extracted.modified_at,
        paragraphs=list(extracted.paragraphs),
        word_count=word_count(extracted.paragraphs),
        final_url=page.final_url,
        extractor=EXTRACTOR_VERSION,
        matches_number=session.scalar(
            select(Version.number)
            .where(Version.article_id == article.id, Version.content_hash == observation.content_hash)
            .order_by(Version.number.desc())
            .limit(1)
        ),
        raw_html=zlib.compress(page.body, 6),
        response_headers=dict(page.headers),
        encoding=page.encoding,
    )
    diff, version.labels = change_between(session, latest, version)
    version.change = asdict(diff.summary)
    session.add(version)
    article.version_count = version.number
    article.title = extracted.title or article.title
    article.canonical_url = extracted.canonical_url
    if version.number > 1:
        article.last_changed_at = observation.started_at
    return version


def outcome(article: Article, observation: Observation, version: Version | None) -> str:
    """Return first | changed | unchanged | not_modified | error."""
    if observation.error is not None:
        return "error"
    if version is not None:
        return "first" if version.number == 1 else "changed"
    if observation.page is not None and observation.page.not_modified:
        return "not_modified"
    return "unchanged"


def remember_fetch(article: Article, observation: Observation) -> None:
    """Keep the validators and body hash of a page we recorded, for the next conditional GET."""
    page = observation.page
    if observation.error is not None:
        article.failure_count += 1
        return
    article.failure_count = 0
    if page is not None and not page.not_modified:
        article.etag = page.etag
        article.last_modified = page.last_modified
        article.body_hash = observation.body_hash


def reschedule(session: Session, article: Article, observation: Observation, *, policy: CheckPolicy) -> None:
    """Set the next check, release the lease, and make the whole host wait when it sent Retry-After."""
    retry_after = observation.error.retry_after if observation.error else None
    article.next_check_at = intervals.next_check_at(
        observation.started_at,
        interval_seconds=article.interval_seconds,
        default_interval=policy.default_interval,
        retry_after=retry_after,
    )
    article.claimed_by = None
    article.lease_until = None
    if retry_after:
        hold_host(session, article.host, until=observation.started_at + timedelta(seconds=retry_after))


def hold_host(session: Session, host: str, *, until: datetime) -> None:
    """Record that host asked us to wait until `until`, and move its due articles past that time."""
    site = session.scalar(select(Site).where(Site.host == host))
    if site is None:
        session.add(Site(host=host, retry_after_until=until))
    else:
        site.retry_after_until = until
    session.execute(
        update(Article).where(Article.host == host, Article.next_check_at < until).values(next_check_at=until)
    )
