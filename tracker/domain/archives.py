"""Web archives as a source of an article's past: which of their captures a backfill reads, and the
addresses it asks for them (RFC 7089 TimeMaps, Wayback-style mementos). Pure: no network."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from datetime import datetime
from urllib.parse import urlsplit

from tracker.domain.linkformat import Memento, oldest_first

# A Wayback-style URI-M: `/web/<14-digit timestamp>/<original URL>`, the timestamp bare (no `id_`,
# `im_` ... modifier yet); the first such segment, since the original URL may hold one too.
WAYBACK_MEMENTO = re.compile(r"^[a-z][a-z0-9+.-]*://[^/?#]+(?:/[^/?#]*)*?/web/\d{14}(?=/)", re.IGNORECASE)


def timemap_url(prefix: str, url: str) -> str:
    """Return the address of the TimeMap of url at an archive (TRACKER_ARCHIVES names the prefixes)."""
    return f"{prefix}{url}"


def raw_memento_url(uri: str) -> str:
    """Return the address of a memento's bytes as first captured: for a Wayback-style URI-M the
    timestamp gains `id_` (the Wayback Machine then serves the page without its replay banner and
    rewritten links); any other URI-M as it is."""
    match = WAYBACK_MEMENTO.match(uri)
    return uri if match is None else f"{uri[: match.end()]}id_{uri[match.end() :]}"


def archive_host(uri: str) -> str:
    """Return the host (and port) a request goes to: what politeness counts requests by."""
    parts = urlsplit(uri)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def merged(found: Iterable[Sequence[Memento]]) -> list[Memento]:
    """Return the mementos of several TimeMaps as one list, oldest first, each URI-M once."""
    return oldest_first(memento for mementos in found for memento in mementos)


def choose(
    mementos: Sequence[Memento], known: frozenset[str], before: datetime | None, limit: int
) -> list[Memento]:
    """Return the captures a backfill reads, oldest first: those not `known` (read before) and older
    than `before` (the oldest version held; newer captures are covered by it), at most `limit`
    spread evenly over time (the oldest and the newest always among them)."""
    wanted = [m for m in mementos if m.uri not in known and (before is None or m.at < before)]
    return spread(wanted, limit)


def spread(mementos: Sequence[Memento], limit: int) -> list[Memento]:
    """Return `limit` of the mementos (oldest first), each the one nearest an evenly spaced moment
    between the oldest and the newest; where captures crowd together (the first hours of a story),
    a moment's nearest one may be taken already and its neighbour in time stands in."""
    count = len(mementos)
    if count <= limit:
        return list(mementos)
    if limit <= 1:
        return list(mementos[-1:]) if limit == 1 else []  # the one nearest the live page
    times = [memento.at.timestamp() for memento in mementos]
    step = (times[-1] - times[0]) / (limit - 1)
    chosen: list[int] = []
    for slot in range(limit):
        index = count - 1 if slot == limit - 1 else nearest(times, times[0] + slot * step)
        # Distinct and in order, leaving enough after each for the slots still to fill.
        lowest = chosen[-1] + 1 if chosen else 0
        chosen.append(min(max(index, lowest), count - limit + slot))
    return [mementos[index] for index in chosen]


def nearest(times: Sequence[float], moment: float) -> int:
    """Return the index of the time nearest moment in sorted times."""
    index = bisect_left(times, moment)
    if index == 0:
        return 0
    if index == len(times) or moment - times[index - 1] <= times[index] - moment:
        return index - 1
    return index
