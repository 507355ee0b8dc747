"""When articles are checked next: the age policy, changes, jitter, backoff, failing and gone."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from tracker.domain.intervals import ArticleTiming, IntervalPolicy, after_check, next_check_at, policy_from

T0 = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
POLICY = IntervalPolicy(jitter=0.0)


def timing(age: timedelta, **kwargs) -> ArticleTiming:
    values = {
        "created_at": T0 - age,
        "last_changed_at": None,
        "interval_seconds": None,
        "failure_count": 0,
        "failing_since": None,
        **kwargs,
    }
    return ArticleTiming(**values)


@pytest.mark.parametrize(
    ("age", "minutes"),
    [
        (timedelta(hours=1), 5),
        (timedelta(hours=12), 15),
        (timedelta(days=2), 60),
        (timedelta(days=10), 360),
        (timedelta(days=30), 1440),
    ],
)
def test_young_articles_are_checked_often_and_old_ones_daily(age, minutes):
    assert next_check_at(timing(age), T0, POLICY) == T0 + timedelta(minutes=minutes)


def test_a_recent_change_brings_checks_back_to_every_five_minutes():
    changed = timing(timedelta(days=30), last_changed_at=T0 - timedelta(hours=1))
    assert next_check_at(changed, T0, POLICY) == T0 + timedelta(minutes=5)
    settled = timing(timedelta(days=30), last_changed_at=T0 - timedelta(hours=3))
    assert next_check_at(settled, T0, POLICY) == T0 + timedelta(days=1)


def test_a_fixed_interval_always_wins_and_is_not_jittered():
    fixed = timing(timedelta(hours=1), interval_seconds=7200)
    assert next_check_at(fixed, T0, IntervalPolicy()) == T0 + timedelta(hours=2)


def test_jitter_spreads_articles_added_together_by_ten_percent():
    rng = random.Random(3)
    times = {next_check_at(timing(timedelta(hours=1)), T0, IntervalPolicy(), rng=rng) for _ in range(200)}
    offsets = sorted((moment - T0).total_seconds() for moment in times)
    assert len(times) > 150 and offsets[0] >= 270 and offsets[-1] <= 330


def test_failures_back_off_exponentially_up_to_a_day():
    delays = [
        (
            next_check_at(timing(timedelta(hours=1), failure_count=n, failing_since=T0), T0, POLICY) - T0
        ).total_seconds()
        for n in range(1, 12)
    ]
    assert delays[:4] == [300, 600, 1200, 2400] and max(delays) == 86400


def test_retry_after_is_never_undercut():
    assert next_check_at(timing(timedelta(hours=1)), T0, POLICY, retry_after=7200) == T0 + timedelta(hours=2)


def test_a_week_of_failures_makes_an_article_failing_and_checked_daily():
    week = timing(timedelta(days=30), failure_count=40, failing_since=T0 - timedelta(days=7))
    schedule = after_check(week, "active", T0, POLICY, failed=True, http_status=500)
    assert schedule.status == "failing" and schedule.next_check_at - T0 >= timedelta(days=1)
    recovered = after_check(week, "failing", T0, POLICY, failed=False)
    assert (recovered.status, recovered.failure_count, recovered.failing_since) == ("active", 0, None)


def test_410_or_repeated_404s_make_an_article_gone():
    assert (
        after_check(timing(timedelta(days=1)), "active", T0, POLICY, failed=True, http_status=410).status
        == "gone"
    )
    once = after_check(timing(timedelta(days=1)), "active", T0, POLICY, failed=True, http_status=404)
    assert once.status == "active"
    flaky = timing(timedelta(days=1), failure_count=2, failing_since=T0 - timedelta(hours=1))
    after_timeouts = after_check(
        flaky, "active", T0, POLICY, failed=True, http_status=404, not_found_streak=1
    )
    assert after_timeouts.status == "active"  # two timeouts and one 404 are not three 404s
    thrice = after_check(flaky, "active", T0, POLICY, failed=True, http_status=404, not_found_streak=3)
    assert thrice.status == "gone"


def test_paused_articles_keep_their_status():
    assert (
        after_check(timing(timedelta(days=1)), "paused", T0, POLICY, failed=True, http_status=410).status
        == "paused"
    )


def test_the_policy_is_read_from_the_settings():
    policy = policy_from("1h=1m,*=2h", "30m=2m")
    assert (policy.by_age, policy.older, policy.after_change_window, policy.after_change) == (
        ((3600, 60),),
        7200,
        1800,
        120,
    )
    with pytest.raises(ValueError):
        policy_from("1h=1m", "2h=5m")  # no interval for older articles
    with pytest.raises(ValueError):
        policy_from("1h=soon,*=1d", "2h=5m")
