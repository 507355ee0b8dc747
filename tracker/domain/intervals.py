"""When to check an article next, and what its failures make of it: pure functions of its facts.

Fresh articles change most: they are checked often while young and less as they age, and again
often right after a change. Failures back off exponentially; a week of them makes an article
`failing` (checked daily). A 410, or 404s or redirects to the home page or a section front on
several checks in a row, make it `gone`: checked slowly (every 6 hours for 30 days, then daily)
in case it comes back, which any successful check tells (status `active` again).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from tracker.domain.vocabulary import ArticleStatus

MINUTE, HOUR, DAY = 60, 3600, 86400


@dataclass(frozen=True, slots=True)
class IntervalPolicy:
    """How often articles without an interval of their own are checked (settings can change it)."""

    by_age: tuple[tuple[int, int], ...] = (  # (age below, seconds between checks)
        (6 * HOUR, 5 * MINUTE),
        (DAY, 15 * MINUTE),
        (3 * DAY, HOUR),
        (14 * DAY, 6 * HOUR),
    )
    older: int = DAY
    after_change: int = 5 * MINUTE  # at most this long between checks ...
    after_change_window: int = 2 * HOUR  # ... for this long after a change was seen
    jitter: float = 0.10  # ±10 %, so articles added together do not all fire together
    max_backoff: int = DAY
    failing_after: int = 7 * DAY  # of consecutive failures
    failing_interval: int = DAY
    gone_after_404s: int = 3
    gone_after_redirects: int = 3  # checks in a row redirected to the home page or a section front
    gone_interval: int = 6 * HOUR  # between checks of a gone article, for gone_for ...
    gone_for: int = 30 * DAY
    gone_later: int = DAY  # ... then this


@dataclass(frozen=True, slots=True)
class ArticleTiming:
    """The facts about an article that decide its next check."""

    created_at: datetime
    last_changed_at: datetime | None
    interval_seconds: int | None  # the user's fixed interval; None lets the policy decide
    failure_count: int  # consecutive failed checks, this one included
    failing_since: datetime | None
    gone_since: datetime | None = None  # when the article became gone (None: not gone, or long ago)


def base_interval(timing: ArticleTiming, now: datetime, policy: IntervalPolicy) -> int:
    """Return the seconds between checks when all goes well."""
    if timing.interval_seconds is not None:
        return timing.interval_seconds
    age = (now - timing.created_at).total_seconds()
    interval = next((seconds for below, seconds in policy.by_age if age < below), policy.older)
    if (
        timing.last_changed_at is not None
        and (now - timing.last_changed_at).total_seconds() < policy.after_change_window
    ):
        interval = min(interval, policy.after_change)
    return interval


def next_check_at(
    timing: ArticleTiming,
    now: datetime,
    policy: IntervalPolicy,
    *,
    retry_after: float | None = None,
    rng: random.Random | None = None,
    status: str = "active",
) -> datetime:
    """Return when the next check is due: the interval (backed off after failures, jittered),
    never sooner than a Retry-After the site asked for."""
    interval = float(base_interval(timing, now, policy))
    if status == "gone":
        return jittered(now, float(gone_interval(timing, now, policy)), policy, rng, retry_after)
    if timing.failure_count:
        interval = min(interval * 2 ** (timing.failure_count - 1), max(interval, policy.max_backoff))
    if status_after(timing, now, policy, http_status=None) == "failing":
        interval = max(interval, policy.failing_interval)
    if timing.interval_seconds is not None:
        return now + timedelta(seconds=max(interval, retry_after or 0.0))
    return jittered(now, interval, policy, rng, retry_after)


def jittered(
    now: datetime,
    interval: float,
    policy: IntervalPolicy,
    rng: random.Random | None,
    retry_after: float | None,
) -> datetime:
    """Return now + the interval ±jitter, never sooner than a Retry-After."""
    interval *= 1 + (rng or random).uniform(-policy.jitter, policy.jitter)
    if retry_after is not None:
        interval = max(interval, retry_after)
    return now + timedelta(seconds=interval)


def gone_interval(timing: ArticleTiming, now: datetime, policy: IntervalPolicy) -> int:
    """Return the seconds between checks of a gone article: often enough at first to see a story
    come back after a correction, rarely once it has stayed away (or its start is unknown)."""
    if timing.gone_since is not None and (now - timing.gone_since).total_seconds() < policy.gone_for:
        return policy.gone_interval
    return policy.gone_later


def status_after(
    timing: ArticleTiming,
    now: datetime,
    policy: IntervalPolicy,
    *,
    http_status: int | None,
    not_found_streak: int = 0,
    away_streak: int = 0,
) -> ArticleStatus:
    """Return the status a check leaves an active article in: active, failing or gone (410, or
    404 on `gone_after_404s` checks in a row, or a redirect to the home page or a section front
    on `gone_after_redirects` checks in a row: other failures in between do not count)."""
    if is_gone(http_status, not_found_streak, away_streak, policy):
        return "gone"
    if (
        timing.failing_since is not None
        and (now - timing.failing_since).total_seconds() >= policy.failing_after
    ):
        return "failing"
    return "active"


def is_gone(http_status: int | None, not_found_streak: int, away_streak: int, policy: IntervalPolicy) -> bool:
    """Return True when a check's evidence says the article was taken down."""
    return (
        http_status == 410
        or (http_status == 404 and not_found_streak >= policy.gone_after_404s)
        or away_streak >= policy.gone_after_redirects > 0
    )


@dataclass(frozen=True, slots=True)
class Schedule:
    """What a check leaves an article with."""

    next_check_at: datetime
    status: ArticleStatus
    failure_count: int
    failing_since: datetime | None
    gone_since: datetime | None = None


def after_check(
    before: ArticleTiming,
    status: ArticleStatus,
    now: datetime,
    policy: IntervalPolicy,
    *,
    failed: bool,
    http_status: int | None = None,
    retry_after: float | None = None,
    changed: bool = False,
    not_found_streak: int = 0,
    away_streak: int = 0,
) -> Schedule:
    """Return the schedule and status an article has after a check (failed or not, changed or not);
    not_found_streak counts this check's 404 and the 404s right before it, away_streak the same
    for redirects to the home page or a section front. A gone article stays gone here: only a
    successful check brings it back (tracker.services.lifecycle), before this is asked."""
    timing = ArticleTiming(
        created_at=before.created_at,
        last_changed_at=now if changed else before.last_changed_at,
        interval_seconds=before.interval_seconds,
        failure_count=before.failure_count + 1 if failed else 0,
        failing_since=(before.failing_since or now) if failed else None,
        gone_since=before.gone_since if status == "gone" else None,
    )
    if status in ("active", "failing"):
        status = status_after(
            timing,
            now,
            policy,
            http_status=http_status if failed else None,
            not_found_streak=not_found_streak,
            away_streak=away_streak if failed else 0,
        )
        if status == "gone":
            timing = replace(timing, gone_since=now)
    return Schedule(
        next_check_at(timing, now, policy, retry_after=retry_after, status=status),
        status,
        timing.failure_count,
        timing.failing_since,
        timing.gone_since,
    )


def parse_durations(text: str) -> list[tuple[str, int]]:
    """Return [(key, seconds)] from text such as '6h=5m,1d=15m,*=1d' (units s, m, h, d)."""
    pairs = []
    for part in text.split(","):
        key, _, value = part.strip().partition("=")
        if not value:
            raise ValueError(f"{part!r}: write age=interval, such as 6h=5m")
        pairs.append((key.strip(), seconds(value.strip())))
    return pairs


def seconds(text: str) -> int:
    """Return the seconds in '90s', '5m', '6h' or '1d'."""
    units = {"s": 1, "m": MINUTE, "h": HOUR, "d": DAY}
    if len(text) < 2 or text[-1] not in units or not text[:-1].isdigit():
        raise ValueError(f"{text!r}: write a whole number and s, m, h or d, such as 15m")
    return int(text[:-1]) * units[text[-1]]


def policy_from(
    intervals: str, after_change: str, gone_interval: str = "6h", gone_for: str = "30d"
) -> IntervalPolicy:
    """Return the policy the TRACKER_INTERVALS, TRACKER_AFTER_CHANGE, TRACKER_GONE_INTERVAL and
    TRACKER_GONE_FOR settings describe."""
    pairs = parse_durations(intervals)
    older = [interval for age, interval in pairs if age == "*"]
    if len(older) != 1:
        raise ValueError("end the intervals with one *=interval for older articles, such as *=1d")
    window, interval = parse_durations(after_change)[0]
    return IntervalPolicy(
        by_age=tuple(sorted((seconds(age), value) for age, value in pairs if age != "*")),
        older=older[0],
        after_change=interval,
        after_change_window=seconds(window),
        gone_interval=seconds(gone_interval.strip()),
        gone_for=seconds(gone_for.strip()),
    )
