"""Feeds as data: RSS and Atom documents read from bytes, the feeds a web page advertises, and which
entries a follower takes.

feedparser only ever sees bytes we downloaded ourselves, wrapped in a stream: given a string it
would fetch URLs or open local files. It drops DOCTYPE entity declarations that could expand or
reach out, and expat refuses external entities and entity amplification, so a hostile document
costs a bounded parse and nothing more. It is imported by read_feed, the one function that parses:
the processes that only name feeds (`tracker check`, through the API's shapes) skip its 35 ms.
"""

from __future__ import annotations

import calendar
import contextlib
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from time import struct_time
from typing import Any
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from tracker.domain import rules, urls
from tracker.domain.charsets import decode_html
from tracker.domain.errors import CheckError, InvalidInput
from tracker.domain.vocabulary import FeedKind

MAX_ENTRIES = 200  # a feed lists its latest entries; a document with thousands is not read whole
MAX_TITLE = 500
MAX_ADVERTISED = 20
MAX_DAYS = 3650
FEED_TYPES: dict[str, FeedKind] = {"application/rss+xml": "rss", "application/atom+xml": "atom"}
SPACES = re.compile(r"\s+")
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")  # lxml refuses one in text it is given decoded


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed: its link as given (checked only when it is taken), title and date."""

    key: str  # SHA-256 hex of the entry's id, or of its link when it has none
    link: str
    title: str | None
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class Feed:
    title: str | None
    kind: FeedKind
    items: tuple[FeedItem, ...]  # in the document's order, usually newest first


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed a page advertises with <link rel="alternate">."""

    url: str
    title: str | None
    kind: FeedKind


class NotAFeed(InvalidInput):
    """A URL given as a feed serves something else; `feeds` are the ones the page advertises."""

    def __init__(self, url: str, feeds: tuple[FeedLink, ...]) -> None:
        found = "; it advertises " + ", ".join(link.url for link in feeds) if feeds else ""
        super().__init__(f"{url} is not an RSS or Atom feed{found}", code="not_a_feed")
        self.feeds = feeds


def read_feed(body: bytes, *, url: str, content_type: str | None) -> Feed:
    """Return the feed in body (relative links resolved against url); raise CheckError(not_a_feed)."""
    import feedparser

    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    if not parsed.get("version"):
        raise CheckError(
            f"{url} serves {content_type or 'a document'} that is not an RSS or Atom feed",
            code="not_a_feed",
        )
    items = (item_of(entry) for entry in parsed.entries[:MAX_ENTRIES])
    return Feed(
        title=title_of(parsed.feed),
        kind="atom" if str(parsed.version).startswith("atom") else "rss",
        items=tuple(item for item in items if item is not None),
    )


def item_of(entry: Any) -> FeedItem | None:
    """Return the entry as a FeedItem; None when it has neither an id nor a link to remember it by."""
    link = str(entry.get("link") or "").strip()
    key = str(entry.get("id") or "").strip() or link
    if not key:
        return None
    return FeedItem(
        key=hashlib.sha256(key.encode("utf-8", "replace")).hexdigest(),
        link=link,
        title=title_of(entry),
        published_at=moment(entry.get("published_parsed") or entry.get("updated_parsed")),
    )


def title_of(node: Any) -> str | None:
    """Return a title as plain text on one line (feeds may put HTML in it), at most MAX_TITLE long."""
    title = str(node.get("title") or "")
    if "html" in str(node.get("title_detail", {}).get("type", "")) and "<" in title:
        with contextlib.suppress(etree.ParserError, ValueError):
            title = lxml.html.fragment_fromstring(title, create_parent="div").text_content()
    title = SPACES.sub(" ", title).strip()[:MAX_TITLE]
    return title or None


def moment(parsed: struct_time | None) -> datetime | None:
    """Return feedparser's UTC time tuple as a datetime; None when absent or out of range."""
    if parsed is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def advertised_feeds(body: bytes, *, url: str, content_type: str | None) -> tuple[FeedLink, ...]:
    """Return the RSS and Atom feeds an HTML page links to, as absolute, checked URLs (none when the
    body is not HTML)."""
    try:
        text, _encoding = decode_html(body, content_type)
        document = lxml.html.document_fromstring(XML_DECLARATION.sub("", text, count=1), base_url=url)
        document.resolve_base_href()
    except (CheckError, etree.ParserError, ValueError):
        return ()
    found: dict[str, FeedLink] = {}
    for element in document.iter("link"):
        kind = FEED_TYPES.get(str(element.get("type") or "").split(";")[0].strip().lower())
        if kind is None or "alternate" not in str(element.get("rel") or "").lower().split():
            continue
        try:
            feed_url = urls.normalize_url(urljoin(url, str(element.get("href") or "")))
        except InvalidInput:
            continue  # javascript:, data: and other non-web links are not feeds
        title = SPACES.sub(" ", str(element.get("title") or "")).strip()[:MAX_TITLE] or None
        found.setdefault(feed_url, FeedLink(url=feed_url, title=title, kind=kind))
    return tuple(found.values())[:MAX_ADVERTISED]


# --- what a follower takes -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntryOptions:
    """What a follower takes from a feed: patterns on an entry's URL and title, and a maximum age."""

    include: tuple[str, ...] = ()  # when given, only entries matching one of these
    exclude: tuple[str, ...] = ()
    max_age_days: int | None = None

    def verdict(self, link: str, title: str | None, published_at: datetime | None, *, now: datetime) -> str:
        """Return 'added' when the entry is taken, else why not: 'filtered' or 'too_old'."""
        texts = (link.casefold(), (title or "").casefold())
        if self.include and not any(matches(pattern, text) for pattern in self.include for text in texts):
            return "filtered"
        if any(matches(pattern, text) for pattern in self.exclude for text in texts):
            return "filtered"
        if (
            self.max_age_days is not None
            and published_at is not None
            and published_at < now - timedelta(days=self.max_age_days)
        ):
            return "too_old"
        return "added"


def matches(pattern: str, text: str) -> bool:
    """Return True when the pattern occurs in text (case-folded), '*' standing for any run of characters.

    Patterns come from any user and run in the shared worker, so they are matched piece by piece
    with str.find (linear) instead of as regular expressions, which can take exponential time.
    """
    position = 0
    for piece in pattern.casefold().split("*"):
        found = text.find(piece, position)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def checked_patterns(name: str, value: object) -> tuple[str, ...]:
    """Return include or exclude patterns (a list, or lines of text), checked like extraction rules;
    raise InvalidInput(bad_include / bad_exclude)."""
    if value is None:
        return ()
    try:
        patterns = rules.cleaned(name, value)  # type: ignore[arg-type]  # checked inside
    except InvalidInput as error:
        raise InvalidInput(f"{error.message} (patterns: text, * for anything)", code=f"bad_{name}") from None
    if any(not pattern.strip("*") for pattern in patterns):
        raise InvalidInput(f"{name}: a pattern of only * would match every entry", code=f"bad_{name}")
    return tuple(dict.fromkeys(patterns))


def checked_days(name: str, value: object) -> int | None:
    """Return a number of days from 1 to MAX_DAYS, or None; raise InvalidInput(bad_<name>)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DAYS:
        raise InvalidInput(
            f"{name} is a whole number of days from 1 to {MAX_DAYS}, or null", code=f"bad_{name}"
        )
    return value
