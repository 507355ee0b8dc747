"""Politeness: space the requests one worker sends to a site at least `delay` seconds apart."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

FORGET_AFTER = 10_000  # sites remembered before stale entries are dropped


class HostPacer:
    """Hands out request times per site, in monotonic seconds; thread-safe, one per worker process."""

    def __init__(self, delay_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.delay = max(0.0, delay_seconds)
        self.clock = clock
        self._free_at: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> float:
        """Return how many seconds must pass before the next request to host may go."""
        with self._lock:
            return max(0.0, self._free_at.get(host, 0.0) - self.clock())

    def reserve(self, host: str) -> None:
        """Record a request to host going now."""
        now = self.clock()
        with self._lock:
            self._free_at[host] = max(now, self._free_at.get(host, now)) + self.delay
            if len(self._free_at) > FORGET_AFTER:
                self._free_at = {name: free for name, free in self._free_at.items() if free > now}

    def rest(self, host: str) -> None:
        """Record that a request to host just ended: the next may go `delay` seconds from now, so a
        slow answer still leaves the site its pause (what the site sees between two requests)."""
        now = self.clock()
        with self._lock:
            self._free_at[host] = max(self._free_at.get(host, now), now + self.delay)
