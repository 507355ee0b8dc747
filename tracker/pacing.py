"""Politeness: space the requests one worker sends to a host at least `delay` seconds apart."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

FORGET_AFTER = 10_000  # hosts remembered before stale entries are dropped


class HostPacer:
    """Hands out request times per host; thread-safe, in memory, one per worker process."""

    def __init__(self, delay_seconds: float) -> None:
        self.delay = timedelta(seconds=max(0.0, delay_seconds))
        self._free_at: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def ready_at(self, host: str, now: datetime) -> datetime:
        """Return the earliest time a request to host may go, without reserving it."""
        with self._lock:
            return max(now, self._free_at.get(host, now))

    def reserve(self, host: str, now: datetime) -> datetime:
        """Reserve and return the earliest time a request to host may go."""
        with self._lock:
            slot = max(now, self._free_at.get(host, now))
            self._free_at[host] = slot + self.delay
            if len(self._free_at) > FORGET_AFTER:
                self._free_at = {name: free for name, free in self._free_at.items() if free > now}
            return slot
