"""What checks need from the process they run in, as the runtime wires it: the types alone, so that
the runtime (built by every command) does not import the checking and storing code itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from tracker.domain.intervals import IntervalPolicy

if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker

    from tracker.adapters.fetch import Fetch
    from tracker.adapters.robots import Robots

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class CheckPolicy:
    """Settings a check needs."""

    intervals: IntervalPolicy = field(default_factory=IntervalPolicy)
    base_url: str = ""  # for the absolute links in alerts
    save_page_now: bool = False  # ask the archive to capture each new live version (tracker.services.saves)


@dataclass(frozen=True)
class Checking:
    """What checks need from the process they run in: sessions, fetchers, the clock, the policy."""

    sessions: sessionmaker
    fetch: Fetch
    clock: Clock
    policy: CheckPolicy
    render: Fetch | None = None  # through a browser, for sites whose rules ask for one
    robots: Robots | None = None  # None: robots.txt is not consulted
