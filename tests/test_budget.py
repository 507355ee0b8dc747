"""The CPU budget of reading one page: enforced in a reading process's main thread, nowhere else."""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from tracker.domain import budget
from tracker.domain.errors import CheckError


@pytest.fixture
def enforced() -> Iterator[None]:
    budget.enforce(0.05)
    yield
    budget.enforce(0)
    signal.signal(signal.SIGPROF, signal.SIG_DFL)


def spin(seconds: float) -> None:
    """Use this much CPU (a page that is slow to extract)."""
    until = time.process_time() + seconds
    while time.process_time() < until:
        pass


def test_a_read_over_its_budget_ends_as_too_complex(enforced):
    with pytest.raises(CheckError) as raised, budget.page_budget():
        spin(5)
    assert raised.value.code == "too_complex" and "0.05 s of CPU" in raised.value.message


def test_code_that_catches_every_exception_cannot_swallow_the_budget(enforced):
    with pytest.raises(CheckError) as raised, budget.page_budget(), contextlib.suppress(Exception):
        spin(5)  # inside `except Exception`, as trafilatura's fallbacks are
    assert raised.value.code == "too_complex"


def test_a_read_within_its_budget_is_untouched_and_the_timer_is_disarmed_after(enforced):
    with budget.page_budget():
        spin(0.01)
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    spin(0.1)  # past the budget, outside a read: nothing fires
    budget.interrupt(signal.SIGPROF, None)  # a signal already on its way when the read ended


def test_reads_in_threads_have_no_budget(enforced):
    errors: list[BaseException] = []

    def read() -> None:
        try:
            with budget.page_budget():
                spin(0.1)
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert errors == []
