"""The first two steps of a check: what we know of the article, and what one fetch shows of it.

`check_target` reads the article in a short transaction; `observe` fetches and extracts with no
transaction held, so a slow site never holds the database. tracker.services.checks records.
"""

from __future__ import annotations

import hashlib
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from tracker.adapters.fetch import Fetch, Page, Validators
from tracker.adapters.models import Article, Site, Version
from tracker.adapters.robots import Robots
from tracker.domain import budget
from tracker.domain.charsets import decode_html
from tracker.domain.errors import CheckError, ExtractError
from tracker.domain.extract import ExtractedArticle, extract_article, extractor_name
from tracker.domain.intervals import ArticleTiming
from tracker.domain.normalize import content_hash, word_count
from tracker.domain.pagekind import PageFacts, not_the_article
from tracker.domain.rules import DEFAULT_RULES, ExtractionRules
from tracker.services.history import get_version
from tracker.services.rules import rules_for_articles

Extract = Callable[[str, str | None, ExtractionRules], ExtractedArticle]


@dataclass(frozen=True, slots=True)
class StoredPage:
    """The latest version's page as fetched, to re-extract when the extractor or rules changed."""

    html: str
    url: str


@dataclass(frozen=True, slots=True)
class CheckTarget:
    """What a check needs to know about an article, read before fetching."""

    article_id: int
    url: str
    host: str
    validators: Validators
    body_hash: str | None
    retry_after_until: datetime | None
    rules: ExtractionRules = DEFAULT_RULES
    latest_words: int | None = None
    latest_hash: str | None = None  # the latest version's content hash
    rebaseline: StoredPage | None = None  # set when the latest version was read another way
    timing: ArticleTiming | None = None  # for scheduling the next check without reading the article again
    status: str = "active"

    @property
    def extractor(self) -> str:
        return extractor_name(self.rules)


@dataclass(frozen=True, slots=True)
class Fetched:
    """What the network step got: a page, or the reason there is none."""

    started_at: datetime
    duration_ms: int
    page: Page | None = None
    body_hash: str | None = None
    error: CheckError | None = None


@dataclass(frozen=True, slots=True)
class Observation:
    """What one check saw, before it is compared with the stored versions."""

    started_at: datetime
    duration_ms: int
    page: Page | None = None
    body_hash: str | None = None
    article: ExtractedArticle | None = None  # None: 304, byte-identical body, or error
    content_hash: str | None = None
    error: CheckError | None = None
    baseline: ExtractedArticle | None = None  # the latest page read the current way
    encoding: str | None = None
    raw_html: bytes | None = None  # the body, compressed for storage, when it may become a version
    read_ms: int | None = None  # of duration_ms, the time spent decoding and extracting (None: not read)


def check_target(session: Session, article: Article) -> CheckTarget:
    """Return the facts a check needs about article."""
    return check_targets(session, [article])[0]


def check_targets(session: Session, articles: list[Article]) -> list[CheckTarget]:
    """Return the facts checks need about many articles, in a handful of queries."""
    hosts = {article.host for article in articles}
    holds = dict(session.execute(select(Site.host, Site.retry_after_until).where(Site.host.in_(hosts))).all())
    rules = rules_for_articles(session, articles)
    latest = latest_facts(session, articles)
    stale = {
        article.id
        for article in articles
        if article.version_count and article.baseline_extractor != extractor_name(rules[article.id])
    }
    pages = {
        article.id: stored_page(version)
        for article in articles
        if article.id in stale
        for version in [latest_version(session, article, with_raw=True)]
        if version is not None
    }
    return [
        CheckTarget(
            article_id=article.id,
            url=article.url,
            host=article.host,
            validators=Validators(article.etag, article.last_modified)
            if article.version_count
            else Validators(),
            body_hash=article.body_hash if article.version_count else None,
            retry_after_until=holds.get(article.host),
            rules=rules[article.id],
            latest_words=latest[article.id][0] if article.id in latest else None,
            latest_hash=latest[article.id][1] if article.id in latest else None,
            rebaseline=pages.get(article.id),
            timing=ArticleTiming(
                created_at=article.created_at,
                last_changed_at=article.last_changed_at,
                interval_seconds=article.interval_seconds,
                failure_count=article.failure_count,
                failing_since=article.failing_since,
                gone_since=article.gone_since,
            ),
            status=article.status,
        )
        for article in articles
    ]


def latest_facts(session: Session, articles: list[Article]) -> dict[int, tuple[int, str]]:
    """Return {article id: (word count, content hash) of its latest version} for articles with versions."""
    keys = [(article.id, article.version_count) for article in articles if article.version_count]
    if not keys:
        return {}
    rows = session.execute(
        select(Version.article_id, Version.word_count, Version.content_hash).where(
            tuple_(Version.article_id, Version.number).in_(keys)
        )
    )
    return {article_id: (words, digest) for article_id, words, digest in rows}


def latest_version(session: Session, article: Article, *, with_raw: bool = False) -> Version | None:
    if article.version_count == 0:
        return None
    return get_version(session, article.id, article.version_count, with_raw=with_raw)


def stored_page(version: Version) -> StoredPage:
    return StoredPage(
        html=zlib.decompress(version.raw_html).decode(version.encoding or "utf-8", errors="replace"),
        url=version.final_url,
    )


def observe(
    target: CheckTarget,
    *,
    fetch: Fetch,
    now: datetime,
    render: Fetch | None = None,
    robots: Robots | None = None,
    extract: Extract = extract_article,
) -> Observation:
    """Fetch (or render, when the rules say so) and read the article; every failure becomes the
    observation's error."""
    fetched = fetch_step(target, fetch=fetch, render=render, robots=robots, now=now)
    return read_step(target, fetched, extract=extract) if needs_reading(target, fetched) else unread(fetched)


def fetch_step(
    target: CheckTarget,
    *,
    fetch: Fetch,
    now: datetime,
    render: Fetch | None = None,
    robots: Robots | None = None,
) -> Fetched:
    """Get the page (network only: no decoding, no extraction)."""
    started = time.monotonic()
    try:
        if target.retry_after_until is not None and now < target.retry_after_until:
            raise CheckError(
                f"{target.host} asked us (Retry-After) to wait until "
                f"{target.retry_after_until:%Y-%m-%d %H:%M:%S} UTC",
                code="rate_limited",
                retry_after=(target.retry_after_until - now).total_seconds(),  # next check after that
            )
        if robots is not None and target.rules.robots:
            robots.check(target.url)
        page = page_getter(target, fetch, render)(target.url, target.validators)
    except CheckError as error:
        return Fetched(now, elapsed_ms(started), error=error)
    body_hash = None if page.not_modified else hashlib.sha256(page.body).hexdigest()
    return Fetched(now, elapsed_ms(started), page=page, body_hash=body_hash)


def needs_reading(target: CheckTarget, fetched: Fetched) -> bool:
    """Return True when the page must be decoded and extracted: new bytes, or a re-read due."""
    if target.rebaseline is not None:
        return True
    return (
        fetched.page is not None and not fetched.page.not_modified and fetched.body_hash != target.body_hash
    )


def unread(fetched: Fetched) -> Observation:
    """Return the observation of a 304, a byte-identical page or a failed fetch (without the body,
    which nothing stores)."""
    page = replace(fetched.page, body=b"") if fetched.page is not None else None
    return Observation(
        fetched.started_at, fetched.duration_ms, page=page, body_hash=fetched.body_hash, error=fetched.error
    )


def read_step(target: CheckTarget, fetched: Fetched, *, extract: Extract = extract_article) -> Observation:
    """Decode, extract, judge and compress the page (CPU only: a worker runs this in a process pool,
    where each page has a CPU budget)."""
    started = time.monotonic()
    try:
        with budget.page_budget():
            return read_fetched(target, fetched, extract, started)
    except CheckError as error:  # over budget outside the extraction (which reports its own errors)
        return over_budget(fetched, started, error)
    except budget.OverBudget:  # the signal landed just as the read ended
        budget.disarm()
        return over_budget(fetched, started, budget.too_complex())


def over_budget(fetched: Fetched, started: float, error: CheckError) -> Observation:
    read_ms = elapsed_ms(started)
    return Observation(fetched.started_at, fetched.duration_ms + read_ms, error=error, read_ms=read_ms)


def read_fetched(target: CheckTarget, fetched: Fetched, extract: Extract, started: float) -> Observation:
    baseline = read_again(target, extract)
    page = fetched.page
    if (
        fetched.error is not None
        or page is None
        or page.not_modified
        or fetched.body_hash == target.body_hash
    ):
        return replace(unread(fetched), baseline=baseline)
    try:
        text, encoding = decode_html(page.body, page.content_type)
        article = article_on(page, text, target, extract)
    except CheckError as error:
        read_ms = elapsed_ms(started)
        return Observation(
            fetched.started_at, fetched.duration_ms + read_ms, error=error, baseline=baseline, read_ms=read_ms
        )
    read_ms = elapsed_ms(started)
    return Observation(
        fetched.started_at,
        fetched.duration_ms + read_ms,
        page=replace(page, body=b""),  # kept compressed in raw_html: a third of the size to pass around
        body_hash=fetched.body_hash,
        article=article,
        content_hash=content_hash(article.title, article.byline, article.paragraphs),
        baseline=baseline,
        encoding=encoding,
        raw_html=zlib.compress(page.body, 6),
        read_ms=read_ms,
    )


def elapsed_ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def page_getter(target: CheckTarget, fetch: Fetch, render: Fetch | None) -> Fetch:
    """Return how to get this article's page: a plain fetch, or a browser when the rules ask for one."""
    if not target.rules.render:
        return fetch
    if render is None:
        raise CheckError(
            "this site's rules ask for a browser, and none is available here", code="render_unavailable"
        )
    return render


def article_on(page: Page, text: str, target: CheckTarget, extract: Extract) -> ExtractedArticle:
    """Return the article extracted from page; raise CheckError when the page is not the article."""
    try:
        article = extract(text, page.final_url, target.rules)
    except ExtractError as error:
        raise not_the_article(facts(page, text, target, None, None)) or error from None
    problem = not_the_article(facts(page, text, target, article.title, word_count(article.paragraphs)))
    if problem is not None:
        raise problem
    return article


def facts(page: Page, text: str, target: CheckTarget, title: str | None, words: int | None) -> PageFacts:
    return PageFacts(
        url=target.url,
        final_url=page.final_url,
        html=text,
        title=title,
        words=words,
        previous_words=target.latest_words,
    )


def read_again(target: CheckTarget, extract: Extract) -> ExtractedArticle | None:
    """Return the latest version's stored page extracted the current way, when that is needed."""
    if target.rebaseline is None:
        return None
    try:
        return extract(target.rebaseline.html, target.rebaseline.url, target.rules)
    except ExtractError:
        return None
