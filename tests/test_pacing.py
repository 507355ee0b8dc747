"""HostPacer: the pause between two requests to one site, on a clock the test moves."""

import pytest

from tracker.domain.pacing import HostPacer


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_requests_start_delay_apart_per_host():
    clock = Clock()
    pacer = HostPacer(1.0, clock=clock)
    assert pacer.wait("a") == pytest.approx(0.0)
    pacer.reserve("a")
    assert pacer.wait("a") == pytest.approx(1.0)
    assert pacer.wait("b") == pytest.approx(0.0)  # another site is not held
    clock.now += 0.4
    assert pacer.wait("a") == pytest.approx(0.6)
    pacer.reserve("a")  # a second request booked early goes after the first's pause
    clock.now += 0.6
    assert pacer.wait("a") == pytest.approx(1.0)


def test_a_slow_answer_still_leaves_the_site_its_pause():
    clock = Clock()
    pacer = HostPacer(1.0, clock=clock)
    pacer.reserve("a")
    clock.now += 3.0  # the answer took three seconds
    assert pacer.wait("a") == pytest.approx(0.0)
    pacer.rest("a")
    assert pacer.wait("a") == pytest.approx(1.0)  # counted from the answer, not from the start


def test_resting_never_shortens_a_pause_already_booked():
    clock = Clock()
    pacer = HostPacer(1.0, clock=clock)
    pacer.reserve("a")
    pacer.reserve("a")  # free at 102
    pacer.rest("a")
    assert pacer.wait("a") == pytest.approx(2.0)
