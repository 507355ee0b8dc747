"""A fetched page and the validators of a conditional fetch: plain values, so that the processes
that read pages (tracker.domain.reading) get them without the network library that fetched them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Validators:
    """What we saw last time, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page: status 200 with its body as bytes, or 304 (not modified, empty)."""

    url: str
    final_url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    duration_ms: int
    # Where the first answer permanently (301/308) sent us; None when it was not such a redirect.
    moved_to: str | None = None
    moved_status: int | None = None  # 301 or 308, with moved_to

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def at_most(value: str | None, longest: int) -> str | None:
    """Return value, or None when it is longer than a real date, address or validator ever is: the
    page says nothing usable, and the column that stores it would refuse it."""
    return value if value is None or len(value) <= longest else None
