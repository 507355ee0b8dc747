"""robots.txt: fetched once a day per site, asked before each scheduled fetch of an article."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from protego import Protego

from tracker.domain.errors import CheckError
from tracker.domain.urls import DEFAULT_PORTS

DAY = timedelta(days=1)
MAX_SITES = 10_000


@dataclass(frozen=True, slots=True)
class RobotsFile:
    """A site's robots.txt as fetched: origin is scheme://host[:port], lowercase, the port only when
    not the scheme's own; text is None when there was none to read (everything is allowed)."""

    origin: str
    fetched_at: datetime
    text: str | None


def no_memory(_origin: str) -> RobotsFile | None:
    return None


def forget(_file: RobotsFile) -> None:
    pass


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Entry:
    fetched_at: datetime
    rules: Protego | None


class Robots:
    """A cache of robots.txt rules, one per Checking (the scheduler's, and the web's for check-now with
    its shorter deadline); thread-safe. Unreadable files allow everything.

    `load` and `save` remember files beyond the process (the database): `tracker check --all` from
    cron is a new process every few minutes, and a site's file is fetched once a day all the same."""

    def __init__(
        self,
        get_text: Callable[[str], str | None],
        *,
        user_agent: str,
        load: Callable[[str], RobotsFile | None] = no_memory,
        save: Callable[[RobotsFile], None] = forget,
        ttl: timedelta = DAY,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.get_text = get_text
        self.agent = user_agent.split("/", 1)[0]
        self.load = load
        self.save = save
        self.ttl = ttl
        self.clock = clock
        self.cache: dict[str, Entry] = {}
        self.loading: dict[str, threading.Event] = {}  # origins one thread is loading, for the others to wait
        self.lock = threading.Lock()

    def check(self, url: str) -> None:
        """Raise CheckError(robots_disallowed) when the site's robots.txt forbids fetching url."""
        rules = self.rules_for(url)
        if rules is not None and not rules.can_fetch(url, self.agent):
            raise CheckError(
                "the site's robots.txt does not allow fetching this page; an admin can switch robots.txt "
                "off for this site in its extraction rules",
                code="robots_disallowed",
            )

    def rules_for(self, url: str) -> Protego | None:
        origin = origin_of(url)
        while True:
            with self.lock:
                cached = self.cache.get(origin)
                if cached is not None and self.fresh(cached.fetched_at):
                    return cached.rules
                loading = self.loading.get(origin)
                if loading is None:
                    loading = self.loading[origin] = threading.Event()
                    break
            # Another thread is loading this origin (a site's first articles start together): one
            # request, not one per thread. If it fails, the loop makes this thread try in turn.
            loading.wait()
        downloaded: RobotsFile | None = None
        try:
            file = self.load(origin)
            if file is None or not self.fresh(file.fetched_at):
                file = downloaded = RobotsFile(origin, self.clock(), self.download(origin))
            entry = Entry(file.fetched_at, Protego.parse(file.text) if file.text else None)
            with self.lock:
                if len(self.cache) >= MAX_SITES:
                    self.cache.clear()
                self.cache[origin] = entry
        finally:
            with self.lock:
                del self.loading[origin]
            loading.set()
        if downloaded is not None:
            self.save(downloaded)  # once the waiting threads went on: they need the rules, not the row
        return entry.rules

    def download(self, origin: str) -> str | None:
        try:
            return self.get_text(f"{origin}/robots.txt")
        except CheckError:
            return None  # no readable robots.txt: nothing is forbidden

    def fresh(self, fetched_at: datetime) -> bool:
        return self.clock() - fetched_at < self.ttl


def origin_of(url: str) -> str:
    """Return url's origin, the key of its robots.txt: scheme://host[:port], lowercase, without
    credentials or the scheme's own port."""
    parts = urlsplit(url)
    scheme, host, port = parts.scheme.lower(), parts.hostname or "", parts.port
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    return f"{scheme}://{host}" if port in (None, DEFAULT_PORTS.get(scheme)) else f"{scheme}://{host}:{port}"
