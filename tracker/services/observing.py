"""The first two steps of a check: what we know of the article, and what one fetch shows of it.

`check_target` reads the article in a short transaction; `observe` fetches (`fetch_step`) and reads
(tracker.domain.reading's `read_step`) with no transaction held, so a slow site never holds the
database. tracker.services.checks records.
"""

from __future__ import annotations

import hashlib
import time
import zlib
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from tracker.adapters.fetch import Fetch
from tracker.adapters.models import Article, Site, Version
from tracker.adapters.robots import Robots
from tracker.domain.errors import CheckError
from tracker.domain.extract import extract_article, extractor_name
from tracker.domain.pages import Validators
from tracker.domain.reading import (
    CheckTarget,
    Extract,
    Fetched,
    Observation,
    StoredPage,
    elapsed_ms,
    needs_reading,
    read_step,
    unread,
)
from tracker.services.rules import rules_for_articles


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
    # Imported here, for the few articles to read again: history brings the diff and the labels,
    # which a poller's writer loads while its first requests are out (tracker.engine.poller).
    from tracker.services.history import get_version

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


def page_getter(target: CheckTarget, fetch: Fetch, render: Fetch | None) -> Fetch:
    """Return how to get this article's page: a plain fetch, or a browser when the rules ask for one."""
    if not target.rules.render:
        return fetch
    if render is None:
        raise CheckError(
            "this site's rules ask for a browser, and none is available here", code="render_unavailable"
        )
    return render
