"""Checking one article, and recording what a check saw: the Check row, a new Version when the
content is new (or a baseline when only our way of reading it changed), and the next check."""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.orm import Session

from tracker.adapters.db import Base
from tracker.adapters.metrics import CheckSeen, count_check
from tracker.adapters.models import Article, Check, Site, Version
from tracker.domain import intervals, urls
from tracker.domain.diff import TextDiff
from tracker.domain.errors import CheckError
from tracker.domain.extract import ExtractedArticle
from tracker.domain.normalize import content_hash
from tracker.domain.pages import Page
from tracker.domain.reading import CheckTarget, Observation
from tracker.domain.timestamps import iso
from tracker.domain.vocabulary import ArticleStatus
from tracker.services import alerts, lifecycle, saves, search
from tracker.services.articles import get_article, merge_duplicate, tracked_as
from tracker.services.checking import Checking, CheckPolicy
from tracker.services.history import change_between
from tracker.services.observing import check_target, latest_version, observe
from tracker.services.payloads import article_payload

ARTICLES = Base.metadata.tables["articles"]  # the bulk path writes to the table: no objects to build
# Statements each new version runs, built once: building one (and its cache key) costs SQLAlchemy
# more than running it.
MARK_CHECKED = (
    update(ARTICLES).where(ARTICLES.c.id == bindparam("b_id")).values(last_checked_at=bindparam("b_at"))
)
REVERTED_TO = (
    select(Version.number)
    .where(
        Version.article_id == bindparam("article_id"),
        Version.content_hash == bindparam("content_hash"),
        Version.baseline.is_(False),
        Version.number < bindparam("number"),
    )
    .order_by(Version.number.desc())
    .limit(1)
)


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
    session.execute(MARK_CHECKED, {"b_id": target.article_id, "b_at": observation.started_at})
    article = session.get_one(Article, target.article_id, populate_existing=True)
    article = same_article_elsewhere(session, article, observation) or article
    checked_url = article.url  # a move below changes it; a removal's evidence names what was checked
    lifecycle.follow_move(session, article, observation, base_url=policy.base_url)
    lifecycle.restore_if_back(session, article, observation, base_url=policy.base_url)
    if observation.baseline is not None and article.id == target.article_id:  # a re-read of this one's page
        rebaseline(
            session, article, observation.baseline, extractor=target.extractor, at=observation.started_at
        )
    # Its reads (the latest version, a revert's number, earlier headlines, the followers' endpoints)
    # need nothing pending: a rebaseline's version, a merge and a move above are flushed already
    # (storing a version flushes it, for its search row's id). Without autoflush a new version takes
    # two flushes, not four (its own; then the rest, with the check).
    with session.no_autoflush:
        version = new_version(
            session, article, observation, extractor=target.extractor, base_url=policy.base_url
        )
    if version is not None and policy.save_page_now:
        saves.queue_save(session, article, version.number, now=observation.started_at)
    check = Check(
        article_id=article.id,
        checked_at=observation.started_at,
        duration_ms=observation.duration_ms,
        outcome=outcome(observation, version, first=first_look(article)),
        http_status=http_status(observation),
        version_number=version.number if version else None,
        error_code=observation.error.code if observation.error else None,
        error_message=observation.error.message if observation.error else None,
    )
    session.add(check)
    remember_fetch(article, observation)
    standing = standing_of(article)
    keep_last_error(article, last_error_after(standing, observation))
    reschedule(session, article, standing, observation, policy=policy, checked_url=checked_url)
    session.flush()
    return check


def same_article_elsewhere(session: Session, article: Article, observation: Observation) -> Article | None:
    """Return the article this new one turns out to be (its page names it as canonical), after
    merging this one into it; None when it is an article of its own."""
    canonical = own_canonical(article, observation)
    # Only on the first look: an article seen live keeps its history. Archive versions a backfill
    # gave it before that go with it (merge_duplicate): the survivor's own history stands.
    if canonical is None or canonical == article.url or not first_look(article):
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
    version.matches_number = matching_number(session, version)
    diff, labels = store(session, article, version, latest)
    article.title = extracted.title or article.title
    article.canonical_url = own_canonical(article, observation)
    if latest is not None and not first_look(article):
        article.last_changed_at = observation.started_at
        announce_change(
            session, article, latest, version, diff, labels, base_url=base_url, now=observation.started_at
        )
    return version


def first_look(article: Article) -> bool:
    """Return True before the article's first successful live fetch is remembered: a version it
    stores after archive versions is our first look, not a change we saw happen (no alert)."""
    return article.body_hash is None


def matching_number(session: Session, version: Version) -> int | None:
    """Return the number of the latest earlier version with the same text (a revert), or None."""
    return session.scalar(
        REVERTED_TO,
        {"article_id": version.article_id, "content_hash": version.content_hash, "number": version.number},
    )


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
    number: int | None = None,
) -> Version:
    """Return a Version of article holding the extracted text and the page it came from, numbered
    `number` (default: the next after the latest)."""
    return Version(
        article_id=article.id,
        number=article.version_count + 1 if number is None else number,
        observed_at=at,
        content_hash=digest,
        title=extracted.title,
        byline=extracted.byline,
        published_at=extracted.published_at,
        modified_at=extracted.modified_at,
        lead_image=extracted.lead_image,
        language=extracted.language,
        paragraphs=list(extracted.paragraphs),
        word_count=extracted.words,
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
    diff, labels = take_change(session, version, previous)
    session.add(version)
    search.index_version(session, version, diff if previous is not None else None)
    article.version_count = max(article.version_count, version.number)
    return diff, labels


def take_change(session: Session, version: Version, previous: Version | None) -> tuple[TextDiff, list[str]]:
    """Give version its change against the previous one (None: it is the first): labels and counts."""
    diff, labels = change_between(session, previous, version)
    version.labels = ["baseline"] if version.baseline else labels
    version.change = asdict(diff.summary)
    return diff, labels


def outcome(observation: Observation, version: Version | None, *, first: bool = False) -> str:
    """Return first | changed | unchanged | not_modified | error; `first`: the check is the
    article's first look (first_look), so a version it stored is its first."""
    if observation.error is not None:
        return "error"
    if version is not None:
        return "first" if first else "changed"
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


# --- the rules both ways of recording a check follow: record_check (one article through the ORM) and
# record_quiet_checks (many in bulk statements); tests/test_check_paths.py compares the two -----------


@dataclass(frozen=True, slots=True)
class Standing:
    """An article's row as the recording of its check finds it, read in the recording's transaction
    after taking the row's lock: what the next check, the status and the last error follow from."""

    status: ArticleStatus
    timing: intervals.ArticleTiming
    last_error_at: datetime | None
    last_error_code: str | None
    last_error_count: int


@dataclass(frozen=True, slots=True)
class LastError:
    """The last failed check, kept on the article so that lists show and sort by it without reading
    checks: when, its code, and how many checks in a row ended with that code."""

    at: datetime | None
    code: str | None
    count: int


def standing_of(article: Article | Row[Any]) -> Standing:
    """Return the standing of an article, loaded (the full path) or as a row the bulk path read."""
    return Standing(
        article.status,
        timing_of(article),
        article.last_error_at,
        article.last_error_code,
        article.last_error_count or 0,
    )


def last_error_after(standing: Standing, observation: Observation) -> LastError:
    """Return the last failed check as this check leaves it (unchanged when this one did not fail)."""
    error = observation.error
    if error is None:
        return LastError(standing.last_error_at, standing.last_error_code, standing.last_error_count)
    repeated = standing.timing.failure_count > 0 and standing.last_error_code == error.code
    return LastError(observation.started_at, error.code, standing.last_error_count + 1 if repeated else 1)


def keep_last_error(article: Article, last: LastError) -> None:
    article.last_error_at, article.last_error_code, article.last_error_count = last.at, last.code, last.count


def next_schedule(
    session: Session,
    article_id: int,
    standing: Standing,
    observation: Observation,
    policy: CheckPolicy,
    *,
    changed: bool = False,
) -> intervals.Schedule:
    """Return the next check and the status this check leaves the article with. They follow from
    the row as the recording found it, not as it was when the check was claimed: an article paused
    (or unfollowed) while its check was in flight stays paused, and no alert goes out for it."""
    error = observation.error
    return intervals.after_check(
        standing.timing,
        standing.status,
        observation.started_at,
        policy.intervals,
        failed=counts_as_failure(error),
        http_status=error.http_status if error else None,
        retry_after=error.retry_after if error else None,
        changed=changed,
        not_found_streak=not_found_streak(session, article_id, standing.status, observation, policy),
        away_streak=away_streak(session, article_id, standing.status, observation, policy),
    )


def announce_turn(
    session: Session,
    article_id: int,
    was: str,
    schedule: intervals.Schedule,
    observation: Observation,
    *,
    policy: CheckPolicy,
    url: str,
) -> None:
    """Queue the alert of a check that turned the article failing (article.failing) or gone
    (article.removed), telling the article as the check leaves it. The bulk path has no article
    object: its row is read only then (rarely)."""
    if schedule.status == was or schedule.status not in ("failing", "gone"):
        return
    article = session.get_one(Article, article_id)
    article.last_checked_at = observation.started_at
    take_schedule(article, schedule)
    if schedule.status == "failing":
        announce_failing(
            session, article, observation.error, base_url=policy.base_url, now=observation.started_at
        )
    else:
        lifecycle.announce_removal(session, article, was, observation, base_url=policy.base_url, url=url)


def reschedule(
    session: Session,
    article: Article,
    standing: Standing,
    observation: Observation,
    *,
    policy: CheckPolicy,
    checked_url: str,
) -> None:
    """Set the next check and the status, release the lease, alert when the article turned failing
    or gone, and hold the host after a Retry-After."""
    schedule = next_schedule(
        session,
        article.id,
        standing,
        observation,
        policy,
        changed=article.last_changed_at == observation.started_at,
    )
    take_schedule(article, schedule)
    article.claimed_by = None
    article.lease_until = None
    announce_turn(session, article.id, standing.status, schedule, observation, policy=policy, url=checked_url)
    hold_host(session, article.host, observation)


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


def timing_of(article: Article | Row[Any]) -> intervals.ArticleTiming:
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


def hold_host(session: Session, host: str, observation: Observation) -> None:
    """After a Retry-After, record that the host asked us to wait, and move its articles due before
    then past that time."""
    error = observation.error
    if error is None or not error.retry_after:
        return
    until = observation.started_at + timedelta(seconds=error.retry_after)
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
    if observation.baseline is not None:
        return False
    return observation.article is None or (
        target.latest_hash is not None and observation.content_hash == target.latest_hash
    )


def record_quiet_checks(
    session: Session, results: list[tuple[CheckTarget, Observation]], *, policy: CheckPolicy
) -> list[str]:
    """Write checks that add no version with bulk statements (a few for the whole batch)."""
    standings = release_and_read(session, [target.article_id for target, _observation in results])
    article_rows, fetched_rows, check_rows = [], [], []
    for target, observation in results:
        standing = quiet_lifecycle(session, target, standings[target.article_id], observation, policy=policy)
        schedule = next_schedule(session, target.article_id, standing, observation, policy)
        announce_turn(
            session, target.article_id, standing.status, schedule, observation, policy=policy, url=target.url
        )
        last_error = last_error_after(standing, observation)
        row = {
            "b_id": target.article_id,
            "b_checked": observation.started_at,
            "b_next": schedule.next_check_at,
            "b_status": schedule.status,
            "b_failures": schedule.failure_count,
            "b_since": schedule.failing_since,
            "b_gone": schedule.gone_since,
            "b_error_at": last_error.at,
            "b_error_code": last_error.code,
            "b_error_count": last_error.count,
        }
        page = observation.page
        if observation.error is None and page is not None and not page.not_modified:
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
        hold_host(session, target.host, observation)
    schedule_values: dict[str, object] = {
        "last_checked_at": bindparam("b_checked"),
        "next_check_at": bindparam("b_next"),
        "status": bindparam("b_status"),
        "failure_count": bindparam("b_failures"),
        "failing_since": bindparam("b_since"),
        "gone_since": bindparam("b_gone"),
        "last_error_at": bindparam("b_error_at"),
        "last_error_code": bindparam("b_error_code"),
        "last_error_count": bindparam("b_error_count"),
    }
    by_id = ARTICLES.c.id == bindparam("b_id")
    if article_rows:
        session.execute(update(ARTICLES).where(by_id).values(schedule_values), article_rows)
    if fetched_rows:
        session.execute(
            update(ARTICLES)
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


def release_and_read(session: Session, article_ids: list[int]) -> dict[int, Standing]:
    """Release the articles' leases and return their rows as they are now. Writing first takes the
    rows' locks as record_check does (SQLite's write lock, PostgreSQL's row locks), so what the
    checks leave follows from rows no one changes before the bulk update."""
    article = ARTICLES.c
    rows = session.execute(
        update(ARTICLES)
        .where(article.id.in_(article_ids))
        .values(claimed_by=None, lease_until=None)
        .returning(
            article.id,
            article.status,
            article.created_at,
            article.last_changed_at,
            article.interval_seconds,
            article.failure_count,
            article.failing_since,
            article.gone_since,
            article.last_error_at,
            article.last_error_code,
            article.last_error_count,
        )
    )
    return {row.id: standing_of(row) for row in rows}


def quiet_lifecycle(
    session: Session,
    target: CheckTarget,
    standing: Standing,
    observation: Observation,
    *,
    policy: CheckPolicy,
) -> Standing:
    """Apply the move and restore rules to a check that adds no version; return the article's row
    to schedule from. The article is read as an object only when a rule fires (rarely)."""
    moved = lifecycle.moved_to(target.url, observation) is not None
    if not moved and not lifecycle.is_back(standing.status, observation):
        return standing
    article = session.get_one(Article, target.article_id)
    article.last_checked_at = observation.started_at
    lifecycle.follow_move(session, article, observation, base_url=policy.base_url)
    lifecycle.restore_if_back(session, article, observation, base_url=policy.base_url)
    return standing_of(article)


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
