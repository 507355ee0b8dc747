"""robots.txt: fetched once a day per site, asked before each scheduled fetch of an article."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from protego import Protego

from tracker.domain.errors import CheckError

DAY = 24 * 3600
MAX_SITES = 10_000


class Robots:
    """A cache of robots.txt rules, one per Checking (the scheduler's, and the web's for check-now with
    its shorter deadline); thread-safe. Unreadable files allow everything."""

    def __init__(
        self,
        get_text: Callable[[str], str | None],
        *,
        user_agent: str,
        ttl: float = DAY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.get_text = get_text
        self.agent = user_agent.split("/", 1)[0]
        self.ttl = ttl
        self.clock = clock
        self.cache: dict[str, tuple[float, Protego | None]] = {}
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
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        now = self.clock()
        with self.lock:
            cached = self.cache.get(origin)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        rules = self.download(origin)
        with self.lock:
            if len(self.cache) >= MAX_SITES:
                self.cache.clear()
            self.cache[origin] = (now, rules)
        return rules

    def download(self, origin: str) -> Protego | None:
        try:
            text = self.get_text(f"{origin}/robots.txt")
        except CheckError:
            return None  # no readable robots.txt: nothing is forbidden
        return Protego.parse(text) if text else None
