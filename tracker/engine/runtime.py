"""The long-lived parts one process shares, built once from the settings: wiring, no work.

The web app, the CLI and the scheduler each hold one Runtime; nothing here opens a connection
or starts a thread until it is used.
"""

from __future__ import annotations

import functools
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from config import SettingError, Settings, archive_prefixes, user_agent
from tracker.adapters.db import make_engine, make_sessions
from tracker.adapters.fetch import FEED_ACCEPT, Client, Fetch, Fetcher, FetchLimits, fetch_resource
from tracker.adapters.netguard import AddressGuard
from tracker.adapters.render import BrowserSettings, render_page
from tracker.adapters.robots import Robots
from tracker.adapters.robotstore import load_robots_file, save_robots_file
from tracker.domain.intervals import IntervalPolicy, policy_from
from tracker.services.backfillqueue import Backfilling
from tracker.services.checking import Checking, CheckPolicy

if TYPE_CHECKING:
    from tracker.engine.poller import Poller


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker
    checking: Checking  # sessions, fetch, render, clock and policy, for the check services
    guard: AddressGuard
    http: Client  # the guarded client of webhooks and rendered pages' resources
    feed_fetch: Fetch  # feed sources: guarded and capped like article pages, any content type
    # The same for fetches made inside a request (check-now, follow, discovery): they hold a web
    # thread, so they end by TRACKER_REQUEST_FETCH_DEADLINE.
    request_checking: Checking
    request_feed_fetch: Fetch
    backfilling: Backfilling  # whether new articles' past is filled in from web archives, and the hold


def clock() -> datetime:
    return datetime.now(UTC)


def interval_policy(settings: Settings) -> IntervalPolicy:
    """Return the interval policy of the settings; raise SettingError naming a bad one."""
    try:
        return policy_from(
            settings.intervals, settings.after_change, settings.gone_interval, settings.gone_for
        )
    except ValueError as exc:
        raise SettingError(
            f"TRACKER_INTERVALS / TRACKER_AFTER_CHANGE / TRACKER_GONE_INTERVAL / TRACKER_GONE_FOR: {exc}"
        ) from None


def build_runtime(settings: Settings) -> Runtime:
    """Return the engine, session factory, guarded fetcher and check policy the settings describe."""
    engine = make_engine(settings.database_url)
    limits = fetch_limits(settings, settings.fetch_deadline)
    in_request = fetch_limits(settings, min(settings.fetch_deadline, settings.request_fetch_deadline))
    guard = AddressGuard(allow_private=settings.allow_private_networks)
    agent = user_agent(settings)
    http = Client(guard, user_agent=agent, pools=100, per_host=16)
    sessions = make_sessions(engine)
    return Runtime(
        settings=settings,
        engine=engine,
        sessions=sessions,
        guard=guard,
        http=http,
        feed_fetch=feed_fetcher(guard, agent, limits),
        checking=make_checking(settings, sessions, http, guard, limits),
        request_checking=make_checking(settings, sessions, http, guard, in_request),
        request_feed_fetch=feed_fetcher(guard, agent, in_request),
        backfilling=Backfilling(
            archives=bool(archive_prefixes(settings.archives)), hold_seconds=settings.backfill_deadline
        ),
    )


def fetch_limits(settings: Settings, deadline: float) -> FetchLimits:
    return FetchLimits(
        max_bytes=settings.max_body_bytes,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        deadline=deadline,
    )


def feed_fetcher(guard: AddressGuard, agent: str, limits: FetchLimits) -> Fetcher:
    """Return a fetcher for feeds: XML, and a page given as a feed is read for the feeds it advertises."""
    return Fetcher(guard, user_agent=agent, limits=limits, pools=100, accept=FEED_ACCEPT, html_only=False)


def make_checking(
    settings: Settings, sessions: sessionmaker, http: Client, guard: AddressGuard, limits: FetchLimits
) -> Checking:
    """Return what checks need, every fetch of a check (robots.txt, page, browser) within `limits`."""
    agent = user_agent(settings)
    fetcher = Fetcher(guard, user_agent=agent, limits=limits)
    browser = BrowserSettings(executable=settings.chromium, timeout=limits.deadline)
    return Checking(
        sessions=sessions,
        fetch=fetcher,
        render=functools.partial(
            render_page,
            resources=functools.partial(fetch_resource, http, limits=limits),
            settings=browser,
        ),
        clock=clock,
        policy=CheckPolicy(
            intervals=interval_policy(settings),
            base_url=settings.base_url.rstrip("/"),
            save_page_now=settings.save_page_now,
        ),
        robots=Robots(
            fetcher.text,
            user_agent=agent,
            load=functools.partial(load_robots_file, sessions),
            save=functools.partial(save_robots_file, sessions),
        )
        if settings.robots
        else None,
    )


def make_poller(runtime: Runtime, *, read_processes: int, host_delay: float | None = None) -> Poller:
    """Return a Poller with the runtime's settings (host delay overridable: `tracker check` skips it)."""
    # The poller brings the reading code: imported by the processes that poll, not by every command.
    from tracker.engine.poller import Poller, PollerSettings

    settings = runtime.settings
    return Poller(
        runtime.checking,
        PollerSettings(
            worker=worker_name(),
            concurrency=settings.fetch_concurrency,
            host_concurrency=settings.host_concurrency,
            host_delay=settings.host_delay if host_delay is None else host_delay,
            batch_size=settings.batch_size,
            lease_seconds=settings.lease_seconds,
            read_processes=read_processes,
            read_cpu_seconds=settings.read_cpu_seconds,
        ),
    )


def worker_name() -> str:
    """Return a name that tells which process holds a lease."""
    return f"{socket.gethostname()}:{os.getpid()}"
