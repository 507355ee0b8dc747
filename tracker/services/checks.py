"""Checking one article, and recording what a check saw: the Check row, a new Version when the
content is new (or a baseline when only our way of reading it changed), and the next check."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import String, Table, bindparam, case, cast, func, insert, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from tracker.adapters.db import Base, UTCDateTime
from tracker.adapters.fetch import Fetch, Page
from tracker.adapters.metrics import CheckSeen, count_check
from tracker.adapters.models import Article, Check, Site, Version
from tracker.adapters.robots import Robots
from tracker.domain import intervals, urls
from tracker.domain.diff import TextDiff
from tracker.domain.errors import CheckError
from tracker.domain.extract import ExtractedArticle
from tracker.domain.intervals import IntervalPolicy
from tracker.domain.normalize import content_hash, word_count
from tracker.services import alerts, lifecycle, search
from tracker.services.articles import get_article, merge_duplicate, tracked_as
from tracker.services.history import change_between
from tracker.services.observing import CheckTarget, Observation, check_target, latest_version, observe
from tracker.services.payloads import article_payload, iso

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class CheckPolicy:
    """Settings a check needs."""

    intervals: IntervalPolicy = field(default_factory=IntervalPolicy)
    base_url: str = ""  # for the absolute links in alerts


@dataclass(frozen=True)
class Checking:
    """What checks need from the process they run in: sessions, fetchers, the clock, the policy."""

    sessions: sessionmaker
    fetch: Fetch
    clock: Clock
    policy: CheckPolicy
    render: Fetch | None = None  # through a browser, for sites whose rules ask for one
    robots: Robots | None = None  # None: robots.txt is not consulted


def check_article(checking: Checking, article_id: int) -> Check:
    """Check one article now, whatever its schedule, and return the recorded Check."""
    with checking.sessions.begin() as session:
        target = check_target(session, get_article(session, article_id))
    return check_claimed(checking, target)


def check_claimed(checking: Checking, target: CheckTarget) -> Check:
    """Fetch and extract with no transaction open, then record the check in one transaction."""
    observation = observe(
        target, fetch=checking.fetch, render=checking.render, robots=checking.robots, now=checking.clock()
    )
    with checking.sessions.begin() as session:
        check = record_check(session, target, observation, policy=checking.policy)
    count_check(check_seen(target, observation, check.outcome))
    return check


def check_seen(target: CheckTarget, observation: Observation, outcome: str) -> CheckSeen:
    """Return what the metrics and the log say about a stored check."""
    return CheckSeen(
        article_id=target.article_id,
        host=target.host,
        outcome=outcome,
        error_code=observation.error.code if observation.error else None,
        http_status=http_status(observation),
        duration_ms=observation.duration_ms,
        fetch_ms=observation.duration_ms - (observation.read_ms or 0),
        read_ms=observation.read_ms,
    )


def http_status(observation: Observation) -> int | None:
    """Return the HTTP status the check got (an error's, or the page's); None without an answer."""
    if observation.error:
        return observation.error.http_status
    return observation.page.status if observation.page else None


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
    article = same_article_elsewhere(session, article, observation) or article
    checked_url = article.url  # a move below changes it; a removal's evidence names what was checked
    lifecycle.follow_move(session, article, observation, base_url=policy.base_url)
    lifecycle.restore_if_back(session, article, observation, base_url=policy.base_url)
    if observation.baseline is not None:
        rebaseline(
            session, article, observation.baseline, extractor=target.extractor, at=observation.started_at
        )
    version = new_version(session, article, observation, extractor=target.extractor, base_url=policy.base_url)
    check = Check(
        article_id=article.id,
        checked_at=observation.started_at,
        duration_ms=observation.duration_ms,
        outcome=outcome(observation, version),
        http_status=http_status(observation),
        version_number=version.number if version else None,
        error_code=observation.error.code if observation.error else None,
        error_message=observation.error.message if observation.error else None,
    )
    session.add(check)
    remember_fetch(article, observation)
    remember_error(article, observation)
    reschedule(session, article, observation, policy=policy, checked_url=checked_url)
    session.flush()
    return check


def same_article_elsewhere(session: Session, article: Article, observation: Observation) -> Article | None:
    """Return the article this new one turns out to be (its page names it as canonical), after
    merging this one into it; None when it is an article of its own."""
    canonical = own_canonical(article, observation)
    if canonical is None or canonical == article.url or article.version_count > 0:
        return None
    survivor = tracked_as(session, canonical)
    if survivor is None or survivor.id == article.id:
        return None
    merge_duplicate(session, article, survivor, now=observation.started_at)
    return survivor


def own_canonical(article: Article, observation: Observation) -> str | None:
    """Return the canonical URL the page names when it may speak for this article: http(s) on the
    article's own site (the address tracked, not where a redirect led); else None."""
    extracted, page = observation.article, observation.page
    if extracted is None:
        return None
    page_url = page.final_url if page is not None else article.url
    return urls.own_site_url(extracted.canonical_url, page_url=page_url, site_url=article.url)


def rebaseline(
    session: Session, article: Article, baseline: ExtractedArticle, *, extractor: str, at: datetime
) -> None:
    """Make the latest page, read the current way, the baseline new checks compare with.

    When the reading differs from the stored latest version it becomes a baseline version: a
    change in how we read the page, never reported as a change of the article.
    """
    latest = latest_version(session, article, with_raw=True)
    article.baseline_extractor = extractor
    if latest is None:
        return
    digest = content_hash(baseline.title, baseline.byline, baseline.paragraphs)
    if digest == latest.content_hash:
        return
    version = version_from(
        article,
        baseline,
        digest,
        at=at,
        extractor=extractor,
        final_url=latest.final_url,
        raw_html=latest.raw_html,
        headers=latest.response_headers,
        encoding=latest.encoding,
    )
    version.baseline = True
    store(session, article, version, latest)


def new_version(
    session: Session, article: Article, observation: Observation, *, extractor: str, base_url: str = ""
) -> Version | None:
    """Add and return a Version when the observed content differs from the latest; else None."""
    extracted, page = observation.article, observation.page
    if extracted is None or page is None or observation.content_hash is None:
        return None
    latest = latest_version(session, article)
    article.baseline_extractor = extractor
    if latest is not None and latest.content_hash == observation.content_hash:
        return None
    version = page_version(article, extracted, observation, page, extractor=extractor)
    version.matches_number = session.scalar(
        select(Version.number)
        .where(
            Version.article_id == article.id,
            Version.content_hash == observation.content_hash,
            Version.baseline.is_(False),
        )
        .order_by(Version.number.desc())
        .limit(1)
    )
    diff, labels = store(session, article, version, latest)
    article.title = extracted.title or article.title
    article.canonical_url = own_canonical(article, observation)
    if latest is not None:
        article.last_changed_at = observation.started_at
        announce_change(
            session, article, latest, version, diff, labels, base_url=base_url, now=observation.started_at
        )
    return version


def announce_change(
    session: Session,
    article: Article,
    previous: Version,
    version: Version,
    diff: TextDiff,
    labels: list[str],
    *,
    base_url: str,
    now: datetime,
) -> None:
    """Queue article.changed for every endpoint that wants it, in this same transaction (the outbox)."""
    payload, text = alerts.change_event(article, previous, version, diff, labels, base_url=base_url, now=now)
    alerts.enqueue(
        session,
        type="article.changed",
        article=article,
        payload=payload,
        labels=labels,
        words=diff.summary.words_added + diff.summary.words_removed,
        now=now,
        summary=text,
    )


def announce_failing(
    session: Session, article: Article, error: CheckError | None, *, base_url: str, now: datetime
) -> None:
    """Queue article.failing: the article's checks have kept failing for a week."""
    payload = {
        "type": "article.failing",
        "timestamp": iso(now),
        "data": {
            "article": article_payload(article, base=base_url),
            "failing_since": iso(article.failing_since),
            "error": {"code": error.code, "message": error.message} if error else None,
        },
    }
    alerts.enqueue(
        session,
        type="article.failing",
        article=article,
        payload=payload,
        now=now,
        summary=f"{article.title or article.url} has failed to load for a week: "
        f"{error.message if error else 'unknown error'}. {base_url}/articles/{article.id}",
    )


def page_version(
    article: Article, extracted: ExtractedArticle, observation: Observation, page: Page, *, extractor: str
) -> Version:
    return version_from(
        article,
        extracted,
        observation.content_hash or "",
        at=observation.started_at,
        extractor=extractor,
        final_url=page.final_url,
        raw_html=observation.raw_html or b"",  # read_step always compresses the page it reads
        headers=dict(page.headers),
        encoding=observation.encoding,
    )


def version_from(
    article: Article,
    extracted: ExtractedArticle,
    digest: str,
    *,
    at: datetime,
    extractor: str,
    final_url: str,
    raw_html: bytes,
    headers: dict[str, str],
    encoding: str | None,
) -> Version:
    """Return the next Version of article holding the extracted text and the page it came from."""
    return Version(
        article_id=article.id,
        number=article.version_count + 1,
        observed_at=at,
        content_hash=digest,
        title=extracted.title,
        byline=extracted.byline,
        published_at=extracted.published_at,
        modified_at=extracted.modified_at,
        lead_image=extracted.lead_image,
        language=extracted.language,
        paragraphs=list(extracted.paragraphs),
        word_count=word_count(extracted.paragraphs),
        final_url=final_url,
        extractor=extractor,
        baseline=False,
        raw_html=raw_html,
        response_headers=headers,
        encoding=encoding,
    )


def store(
    session: Session, article: Article, version: Version, previous: Version | None
) -> tuple[TextDiff, list[str]]:
    """Add version with its change against the previous one (labels and counts); return them."""
    diff, labels = change_between(session, previous, version)
    version.labels = ["baseline"] if version.baseline else labels
    version.change = asdict(diff.summary)
    session.add(version)
    search.index_version(session, version, diff)
    article.version_count = version.number
    return diff, labels


def outcome(observation: Observation, version: Version | None) -> str:
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
    if observation.error is None and page is not None and not page.not_modified:
        article.etag = page.etag
        article.last_modified = page.last_modified
        article.body_hash = observation.body_hash


def remember_error(article: Article, observation: Observation) -> None:
    """Keep the last failed check on the article, so that lists show and sort by it without reading
    checks: when, its code, and how many checks in a row ended with that code (last_error_values
    does the same in bulk). Call before reschedule, which resets failure_count."""
    error = observation.error
    if error is None:
        return
    repeated = article.failure_count > 0 and article.last_error_code == error.code
    article.last_error_count = (article.last_error_count or 0) + 1 if repeated else 1
    article.last_error_at, article.last_error_code = observation.started_at, error.code


def last_error_values(table: Table) -> dict[str, object]:
    """Return the SET values of a bulk update that keep the last failed check as remember_error does,
    from the row's b_error_at and b_error_code (both None when its check did not fail)."""
    code = bindparam("b_error_code", type_=String(64))
    return {
        "last_error_at": func.coalesce(bindparam("b_error_at", type_=UTCDateTime), table.c.last_error_at),
        "last_error_code": func.coalesce(code, table.c.last_error_code),
        # The right-hand sides see the row as it was, before this statement's failure_count.
        "last_error_count": case(
            (cast(code, String(64)).is_(None), table.c.last_error_count),
            ((table.c.failure_count > 0) & (table.c.last_error_code == code), table.c.last_error_count + 1),
            else_=1,
        ),
    }


def reschedule(
    session: Session, article: Article, observation: Observation, *, policy: CheckPolicy, checked_url: str
) -> None:
    """Set the next check and the status, release the lease, and hold the host after a Retry-After."""
    error = observation.error
    schedule = intervals.after_check(
        timing_of(article),
        article.status,
        observation.started_at,
        policy.intervals,
        failed=counts_as_failure(error),
        http_status=error.http_status if error else None,
        retry_after=error.retry_after if error else None,
        changed=article.last_changed_at == observation.started_at,
        not_found_streak=not_found_streak(session, article.id, article.status, observation, policy),
        away_streak=away_streak(session, article.id, article.status, observation, policy),
    )
    was = article.status
    take_schedule(article, schedule)
    article.claimed_by = None
    article.lease_until = None
    if schedule.status == "failing" and was != "failing":
        announce_failing(session, article, error, base_url=policy.base_url, now=observation.started_at)
    lifecycle.announce_removal(session, article, was, observation, base_url=policy.base_url, url=checked_url)
    if error and error.retry_after:
        hold_host(session, article.host, until=observation.started_at + timedelta(seconds=error.retry_after))


def take_schedule(article: Article, schedule: intervals.Schedule) -> None:
    """Give the article the status and next check a check left it with."""
    article.next_check_at, article.status = schedule.next_check_at, schedule.status
    article.failure_count, article.failing_since = schedule.failure_count, schedule.failing_since
    article.gone_since = schedule.gone_since


def not_found_streak(
    session: Session, article_id: int, status: str, observation: Observation, policy: CheckPolicy
) -> int:
    """Return how many checks in a row, this one included, answered 404 (0 unless this one did)."""
    return failure_streak(
        session, article_id, status, observation, "http_404", policy.intervals.gone_after_404s
    )


def away_streak(
    session: Session, article_id: int, status: str, observation: Observation, policy: CheckPolicy
) -> int:
    """Return how many checks in a row, this one included, were redirected to the home page or a
    section front (0 unless this one was)."""
    return failure_streak(
        session, article_id, status, observation, "redirected_away", policy.intervals.gone_after_redirects
    )


def failure_streak(
    session: Session, article_id: int, status: str, observation: Observation, code: str, limit: int
) -> int:
    """Return how many checks in a row, this one included, failed with `code` (0 unless this one
    did); other outcomes in between break the streak. A gone article needs no count: it stays
    gone, and its slow checks mostly fail this way."""
    error = observation.error
    if error is None or error.code != code or status == "gone":
        return 0
    earlier = session.scalars(
        select(Check.error_code)
        .where(Check.article_id == article_id, Check.checked_at < observation.started_at)
        .order_by(Check.checked_at.desc(), Check.id.desc())
        .limit(limit)
    )
    return 1 + len(list(itertools.takewhile(lambda seen: seen == code, earlier)))


def timing_of(article: Article) -> intervals.ArticleTiming:
    return intervals.ArticleTiming(
        created_at=article.created_at,
        last_changed_at=article.last_changed_at,
        interval_seconds=article.interval_seconds,
        failure_count=article.failure_count,
        failing_since=article.failing_since,
        gone_since=article.gone_since,
    )


def counts_as_failure(error: CheckError | None) -> bool:
    """Return True for errors of the article or its site; waiting out a Retry-After is not one."""
    return error is not None and error.code != "rate_limited"


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


def record_checks(
    session: Session, results: list[tuple[CheckTarget, Observation]], *, policy: CheckPolicy
) -> list[str]:
    """Record many checks in one transaction and return their outcomes, in the order of results.

    Checks that found nothing new (304, same text, errors) are written with a few bulk statements;
    the rest (a first or changed version, a baseline, a duplicate) take the full path, record_check.
    """
    quiet_flags = [is_quiet(target, observation) for target, observation in results]
    quiet = [result for result, is_q in zip(results, quiet_flags, strict=True) if is_q]
    loud = [result for result, is_q in zip(results, quiet_flags, strict=True) if not is_q]
    loud_outcomes = iter(
        [record_check(session, target, observation, policy=policy).outcome for target, observation in loud]
    )
    quiet_outcomes = iter(record_quiet_checks(session, quiet, policy=policy) if quiet else [])
    return [next(quiet_outcomes) if is_q else next(loud_outcomes) for is_q in quiet_flags]


def is_quiet(target: CheckTarget, observation: Observation) -> bool:
    """Return True when a check adds no version: no new text, no baseline to store."""
    if observation.baseline is not None or target.timing is None:
        return False
    return observation.article is None or (
        target.latest_hash is not None and observation.content_hash == target.latest_hash
    )


def record_quiet_checks(
    session: Session, results: list[tuple[CheckTarget, Observation]], *, policy: CheckPolicy
) -> list[str]:
    """Write checks that add no version with bulk statements (a few for the whole batch)."""
    article_rows, fetched_rows, check_rows = [], [], []
    for target, observation in results:
        assert target.timing is not None
        error = observation.error
        status = quiet_lifecycle(session, target, observation, policy=policy)
        schedule = intervals.after_check(
            target.timing,
            status,
            observation.started_at,
            policy.intervals,
            failed=counts_as_failure(error),
            http_status=error.http_status if error else None,
            retry_after=error.retry_after if error else None,
            not_found_streak=not_found_streak(session, target.article_id, status, observation, policy),
            away_streak=away_streak(session, target.article_id, status, observation, policy),
        )
        if schedule.status == "failing" and status != "failing":
            article = session.get_one(Article, target.article_id)
            article.failing_since = schedule.failing_since
            announce_failing(session, article, error, base_url=policy.base_url, now=observation.started_at)
        if schedule.status == "gone" and status != "gone":
            article = session.get_one(Article, target.article_id)
            article.last_checked_at = observation.started_at
            take_schedule(article, schedule)  # the alert tells the article as the check leaves it
            lifecycle.announce_removal(
                session, article, status, observation, base_url=policy.base_url, url=target.url
            )
        row = {
            "b_id": target.article_id,
            "b_checked": observation.started_at,
            "b_next": schedule.next_check_at,
            "b_status": schedule.status,
            "b_failures": schedule.failure_count,
            "b_since": schedule.failing_since,
            "b_gone": schedule.gone_since,
            "b_error_at": observation.started_at if error else None,
            "b_error_code": error.code if error else None,
        }
        page = observation.page
        if error is None and page is not None and not page.not_modified:
            fetched_rows.append(
                {
                    **row,
                    "b_etag": page.etag,
                    "b_modified": page.last_modified,
                    "b_hash": observation.body_hash,
                    "b_extractor": target.extractor,
                }
            )
        else:
            article_rows.append(row)
        check_rows.append(check_row(target, observation))
        if error is not None and error.retry_after:
            hold_host(
                session, target.host, until=observation.started_at + timedelta(seconds=error.retry_after)
            )
    table = Base.metadata.tables["articles"]
    schedule_values: dict[str, object] = {
        "last_checked_at": bindparam("b_checked"),
        "next_check_at": bindparam("b_next"),
        # Only an active, failing or gone article takes the new status; one paused meanwhile stays paused.
        # (Comparisons, not IN: an IN list is an expanding parameter, which executemany refuses.)
        "status": case(
            (
                or_(*(table.c.status == status for status in ("active", "failing", "gone"))),
                bindparam("b_status"),
            ),
            else_=table.c.status,
        ),
        "failure_count": bindparam("b_failures"),
        "failing_since": bindparam("b_since"),
        "gone_since": bindparam("b_gone"),
        "claimed_by": None,
        "lease_until": None,
        **last_error_values(table),
    }
    by_id = table.c.id == bindparam("b_id")
    if article_rows:
        session.execute(update(table).where(by_id).values(schedule_values), article_rows)
    if fetched_rows:
        session.execute(
            update(table)
            .where(by_id)
            .values(
                {
                    **schedule_values,
                    "etag": bindparam("b_etag"),
                    "last_modified": bindparam("b_modified"),
                    "body_hash": bindparam("b_hash"),
                    "baseline_extractor": bindparam("b_extractor"),
                }
            ),
            fetched_rows,
        )
    session.execute(insert(Check), check_rows)
    return [str(row["outcome"]) for row in check_rows]


def quiet_lifecycle(
    session: Session, target: CheckTarget, observation: Observation, *, policy: CheckPolicy
) -> str:
    """Apply the move and restore rules to a check that adds no version; return the article's
    status to schedule from. The article row is read only when a rule fires (rarely)."""
    moved = lifecycle.moved_to(target.url, observation) is not None
    if not moved and not lifecycle.is_back(target.status, observation):
        return target.status
    article = session.get_one(Article, target.article_id)
    article.last_checked_at = observation.started_at
    lifecycle.follow_move(session, article, observation, base_url=policy.base_url)
    lifecycle.restore_if_back(session, article, observation, base_url=policy.base_url)
    return article.status


def check_row(target: CheckTarget, observation: Observation) -> dict[str, object]:
    """Return the checks-table row of a check that added no version."""
    error = observation.error
    return {
        "article_id": target.article_id,
        "checked_at": observation.started_at,
        "duration_ms": observation.duration_ms,
        "outcome": outcome(observation, None),
        "http_status": http_status(observation),
        "version_number": None,
        "error_code": error.code if error else None,
        "error_message": error.message if error else None,
    }
