"""Atom feeds of changes: the document (feedgen) and each entry's compact, escaped HTML diff excerpt.

Pure: the web layer hands over frozen values with absolute links; nothing here reads the database.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from feedgen.feed import FeedGenerator

from tracker.domain.diff import Block, FieldChange, TextDiff
from tracker.domain.labels import LABEL_WORDS
from tracker.domain.textunits import tokens

EXCERPT_CHANGES = 6  # changed paragraphs an entry shows; its link opens the whole diff
PARAGRAPH_CHARS = 500  # of one inserted, removed or moved paragraph (or one run inside a changed one)
CONTEXT_CHARS = 80  # unchanged words kept on each side of a change inside a paragraph
AUTHOR = "Article revision tracker"  # Atom wants an author; the feed's, not the article's
# Characters XML 1.0 cannot carry at all: lxml refuses them, and article text is whatever a page had.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class AtomEntry:
    """One change; `id` must never change (readers deduplicate on it), e.g. the diff page's URL."""

    id: str
    title: str
    link: str  # absolute: the diff page
    updated: datetime
    summary: str  # the one-line account of the change
    labels: tuple[str, ...]  # become <category term="stealth_edit" label="stealth edit">
    content_html: str  # escaped HTML, sent as type="html"


@dataclass(frozen=True, slots=True)
class AtomFeed:
    id: str
    title: str
    link: str  # absolute: the HTML page the feed follows
    self_link: str  # absolute: the feed's own URL
    updated: datetime  # timezone-aware
    entries: tuple[AtomEntry, ...]  # newest first


def atom_document(feed: AtomFeed) -> bytes:
    """Return the feed as an Atom 1.0 document (UTF-8 bytes)."""
    generator = FeedGenerator()
    generator.id(xml_text(feed.id))
    generator.title(xml_text(feed.title))
    generator.updated(feed.updated)
    generator.author({"name": AUTHOR})
    generator.link(href=feed.link, rel="alternate", type="text/html")
    generator.link(href=feed.self_link, rel="self", type="application/atom+xml")
    for entry in feed.entries:
        item = generator.add_entry(order="append")
        item.id(xml_text(entry.id))
        item.title(xml_text(entry.title))
        item.updated(entry.updated)
        item.link(href=entry.link, rel="alternate", type="text/html")
        item.summary(xml_text(entry.summary))
        for label in entry.labels:
            item.category(term=label, label=LABEL_WORDS.get(label, label.replace("_", " ")))
        item.content(xml_text(entry.content_html), type="html")
    document: bytes = generator.atom_str(pretty=True)
    return document


def xml_text(text: str) -> str:
    return NOT_XML.sub("", text)


def diff_excerpt(diff: TextDiff, *, summary: str, link: str) -> str:
    """Return the change as short HTML: the summary, headline and byline changes, then the first
    changed paragraphs (<ins>/<del>), each clipped; every piece of article text is escaped."""
    parts = [f"<p><strong>{escape(summary)}</strong></p>"]
    for name, field in (("Headline", diff.title), ("Byline", diff.byline)):
        if field is not None:
            parts.append(f"<p>{name}: <bdi>{field_html(field)}</bdi></p>")
    changed = [block for block in diff.blocks if block.op != "equal"]
    # dir="auto": an Arabic or Hebrew paragraph reads right to left in any feed reader
    parts.extend(f'<p dir="auto">{block_html(block)}</p>' for block in changed[:EXCERPT_CHANGES])
    hidden = len(changed) - EXCERPT_CHANGES
    more = f"{hidden} more changed paragraph{'' if hidden == 1 else 's'} in the diff" if hidden > 0 else ""
    parts.append(f'<p><a href="{escape(link)}">{more or "Open the diff"}</a></p>')
    return "\n".join(parts)


def block_html(block: Block) -> str:
    """Return one changed paragraph: inserted, removed, moved, or its word changes in context."""
    if block.op == "insert":
        return marked("+", clip(block.new or "", PARAGRAPH_CHARS, 0))
    if block.op == "delete":
        return marked("-", clip(block.old or "", PARAGRAPH_CHARS, 0))
    if block.op == "move":
        assert block.from_index is not None and block.to_index is not None
        note = f"Moved from paragraph {block.from_index + 1} to {block.to_index + 1}:"
        return f"<em>{note}</em> {escape(clip(block.new or '', PARAGRAPH_CHARS, 0))}"
    runs = block.words or ()
    return "".join(
        escape(clip(text, CONTEXT_CHARS if n > 0 else 0, CONTEXT_CHARS if n < len(runs) - 1 else 0))
        if op == "="
        else marked(op, clip(text, PARAGRAPH_CHARS, 0))
        for n, (op, text) in enumerate(runs)
    )


def field_html(field: FieldChange) -> str:
    """Return a headline or byline change: its word marks, or the old and the new value whole."""
    if field.words:
        return "".join(escape(text) if op == "=" else marked(op, text) for op, text in field.words)
    return f"{marked('-', field.old or '')} {marked('+', field.new or '')}"


def marked(op: str, text: str) -> str:
    tag = "ins" if op == "+" else "del"
    return f"<{tag}>{escape(text)}</{tag}>"


def clip(text: str, head: int, tail: int) -> str:
    """Return text with its middle cut to "…", keeping at most `head` characters of its start and
    `tail` of its end, cut between words (or characters, in scripts without spaces)."""
    if len(text) <= head + tail:
        return text
    parts = tokens(text)
    start = "".join(at_most_chars(parts, head)).rstrip() + " " if head else ""
    end = " " + "".join(reversed(at_most_chars(parts[::-1], tail))).lstrip() if tail else ""
    return f"{start}…{end}"


def at_most_chars(parts: Sequence[str], limit: int) -> list[str]:
    """Return the leading parts that together hold at most `limit` characters."""
    taken, length = [], 0
    for part in parts:
        length += len(part)
        if length > limit:
            break
        taken.append(part)
    return taken
