"""Link-format (RFC 6690, as RFC 7089's TimeMaps use it, and HTTP Link headers, RFC 8288): reading
the mementos an archive's TimeMap lists, and writing our own TimeMaps and Link headers.

A link is `<URI>` followed by `; name="value"` parameters; links are separated by commas. `rel` is a
space-separated list (`rel="first memento"`), links may span lines, come in any order, and URIs and
quoted values may hold commas and semicolons, so the text is read character by character, not split.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

MAX_LINKS = 100_000  # a TimeMap of a much-captured front page; more is not a TimeMap we read


@dataclass(frozen=True, slots=True)
class Link:
    uri: str
    rels: frozenset[str]
    params: tuple[tuple[str, str], ...] = ()  # every other parameter, in order, names lower-cased

    def param(self, name: str) -> str | None:
        return next((value for key, value in self.params if key == name), None)


@dataclass(frozen=True, slots=True)
class Memento:
    """One capture a TimeMap lists: its URI-M and its Memento-Datetime."""

    uri: str
    at: datetime


def parse_links(text: str) -> list[Link]:
    """Return the links of a link-format text; what cannot be read as a link is skipped."""
    return list(_links(text))


def _links(text: str) -> Iterator[Link]:
    position, end, count = 0, len(text), 0
    while count < MAX_LINKS:
        start = text.find("<", position)
        if start < 0:
            return
        close = text.find(">", start + 1)
        if close < 0:
            return
        uri = text[start + 1 : close].strip()
        params, position = _params(text, close + 1, end)
        rels = frozenset(value.lower() for key, value in params if key == "rel" for value in value.split())
        others = tuple((key, value) for key, value in params if key != "rel")
        if uri:
            count += 1
            yield Link(uri=uri, rels=rels, params=others)


def _params(text: str, position: int, end: int) -> tuple[list[tuple[str, str]], int]:
    """Read `; name=value` parameters from position up to the comma that ends the link (or a `<` that
    starts the next one); return them and where reading stopped."""
    params: list[tuple[str, str]] = []
    while position < end:
        char = text[position]
        if char in ",<":
            return params, position + (char == ",")
        if char != ";":
            position += 1
            continue
        name_end = position + 1
        while name_end < end and text[name_end] not in "=;,<":
            name_end += 1
        name = text[position + 1 : name_end].strip().lower()
        if name_end < end and text[name_end] == "=":
            value, position = _value(text, name_end + 1, end)
        else:
            value, position = "", name_end
        if name:
            params.append((name, value))
    return params, position


def _value(text: str, position: int, end: int) -> tuple[str, int]:
    """Read a quoted string (with backslash escapes) or a token; return it and the position after it."""
    while position < end and text[position] in " \t\r\n":
        position += 1
    if position < end and text[position] == '"':
        chars: list[str] = []
        position += 1
        while position < end and text[position] != '"':
            if text[position] == "\\" and position + 1 < end:
                position += 1
            chars.append(text[position])
            position += 1
        return "".join(chars), position + 1
    token_end = position
    while token_end < end and text[token_end] not in ";,<":
        token_end += 1
    return text[position:token_end].strip(), token_end


def mementos(links: Iterable[Link]) -> list[Memento]:
    """Return the mementos among links (rel memento, with a datetime we can read), oldest first, each
    URI once."""
    placed = ((link.uri, parse_http_date(link.param("datetime"))) for link in links if "memento" in link.rels)
    return oldest_first(Memento(uri=uri, at=at) for uri, at in placed if at is not None)


def oldest_first(found: Iterable[Memento]) -> list[Memento]:
    """Return mementos oldest first, each URI-M once (one TimeMap's, or several archives' merged)."""
    unique: dict[str, Memento] = {}
    for memento in found:
        unique.setdefault(memento.uri, memento)
    return sorted(unique.values(), key=lambda memento: (memento.at, memento.uri))


def parse_http_date(text: str | None) -> datetime | None:
    """Return an HTTP-date (`Tue, 20 Jun 2000 18:02:59 GMT`) as an aware UTC datetime; None if unreadable."""
    if not text:
        return None
    try:
        moment = parsedate_to_datetime(text.strip())
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):  # year 9999 at -0100 overflows too
        return None


def http_date(moment: datetime) -> str:
    """Return moment as an HTTP-date, as Memento-Datetime and TimeMaps write it."""
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def format_link(uri: str, rel: str, **params: str) -> str:
    """Return one link: `<uri>; rel="..."; name="value"` (quotes and backslashes in values escaped)."""
    parts = [f"<{uri}>", f'rel="{rel}"']
    parts += [f'{name}="{_quoted(value)}"' for name, value in params.items()]
    return "; ".join(parts)


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')
