"""What a check knows of an article and what it saw (CheckTarget, Fetched, Observation), and the
read step: decode, extract, judge and compress a fetched page. Pure (CPU only: no database, no
network), so that the reading processes the poller spawns import the domain alone;
tracker.services.observing reads the article from the database and fetches."""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from tracker.domain import budget
from tracker.domain.charsets import decode_html
from tracker.domain.errors import CheckError, ExtractError
from tracker.domain.extract import ExtractedArticle, extract_article, extractor_name, load_extractors
from tracker.domain.normalize import content_hash
from tracker.domain.pagekind import PageFacts, not_the_article
from tracker.domain.pages import Page, Validators
from tracker.domain.rules import DEFAULT_RULES, ExtractionRules

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


def start_reader(cpu_seconds: float) -> None:
    """Ready a reading process (its pool's initializer): each page's CPU budget, trafilatura loaded
    (already, when its fork server preloaded it)."""
    budget.enforce(cpu_seconds)
    load_extractors()


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


def article_on(page: Page, text: str, target: CheckTarget, extract: Extract) -> ExtractedArticle:
    """Return the article extracted from page; raise CheckError when the page is not the article."""
    try:
        article = extract(text, page.final_url, target.rules)
    except ExtractError as error:
        raise not_the_article(facts(page, text, target, None, None)) or error from None
    problem = not_the_article(facts(page, text, target, article.title, article.words))
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
