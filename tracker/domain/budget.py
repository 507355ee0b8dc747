"""A limit on the CPU time one page may take to read, where a signal can enforce it: the main thread
of a reading process. A page built to be slow to extract (a megabyte of links in one paragraph took
9 s inside trafilatura, four megabytes 45 s) then ends as a `too_complex` check instead of holding
a reader for minutes. Pages read in threads (the run command) have no limit: a thread cannot be
interrupted."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from tracker.domain.errors import CheckError

limit = 0.0  # CPU seconds per page in this process; 0: none
armed = False  # the signal interrupts only while a page is being read
REFIRE = 1.0  # CPU seconds between further signals, should something catch the first


class OverBudget(BaseException):
    """Raised by the timer's signal in the middle of reading a page. A BaseException, so that the
    `except Exception` around trafilatura's own fallbacks does not swallow it and read on."""


def enforce(seconds: float) -> None:
    """Limit every page read in this process to seconds of CPU (a reading process's initializer)."""
    global limit
    if seconds > 0:
        signal.signal(signal.SIGPROF, interrupt)
    limit = seconds


def interrupt(_signum: int, _frame: FrameType | None) -> None:
    if armed:
        raise OverBudget


def too_complex() -> CheckError:
    return CheckError(
        f"reading the page took more than {limit:g} s of CPU (TRACKER_READ_CPU_SECONDS); "
        "it is not built like an article",
        code="too_complex",
    )


def disarm() -> None:
    global armed
    armed = False  # first: a signal already on its way now does nothing
    signal.setitimer(signal.ITIMER_PROF, 0)


@contextmanager
def page_budget() -> Iterator[None]:
    """Run the block under the limit; raise CheckError `too_complex` when it is used up. A signal
    that lands as the block ends may still raise OverBudget from here: callers treat it alike."""
    global armed
    if limit <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    armed = True
    signal.setitimer(signal.ITIMER_PROF, limit, REFIRE)  # counts this process's CPU time
    try:
        yield
    except OverBudget:
        raise too_complex() from None
    finally:
        disarm()
