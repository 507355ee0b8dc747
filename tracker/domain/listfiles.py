"""Watchlist files: lists of URLs read from text, CSV or OPML, and a watchlist written as CSV or OPML.

Pure: text in, frozen values out (and back). What a line means (a URL we may track or not) is the
services' business; here a line is only split into its URL and tags.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

FORMATS = ("text", "csv", "opml")
MAX_LINES = 100_000
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV injection"):
# a page's title or a note could then fetch a URL with the sheet's data in it. Every cell we write
# that starts with one gets a ' before it, negative numbers included (a title such as "-5 °C" shows
# as '-5 °C in a text editor): no column we write is a number to compute with.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class ListLine:
    """One URL of an imported list: where it was (1-based line or outline number) and its tags."""

    number: int
    url: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line that holds no URL to try."""

    number: int
    text: str
    message: str


@dataclass(frozen=True, slots=True)
class WatchedArticle:
    """One row of an exported watchlist."""

    url: str
    title: str | None
    tags: tuple[str, ...]
    note: str | None
    added_at: datetime


class ListFileError(ValueError):
    """The file as a whole cannot be read (not OPML, too many lines)."""


def guess_format(content: str, filename: str = "", content_type: str = "") -> str:
    """Return text, csv or opml from the file name, the content type, or the content itself."""
    name, kind = filename.lower(), content_type.lower()
    if name.endswith((".opml", ".xml")) or "opml" in kind or "xml" in kind:
        return "opml"
    if name.endswith(".csv") or "csv" in kind:
        return "csv"
    start = content.lstrip()[:200].lower()
    if start.startswith("<?xml") or start.startswith("<opml"):
        return "opml"
    if start.startswith("url,") or start.startswith('"url"'):
        return "csv"
    return "text"


def read_list(content: str, kind: str) -> tuple[list[ListLine], list[BadLine]]:
    """Return the URLs of a list file in order, and the lines that hold none."""
    reader = {"text": read_text, "csv": read_csv, "opml": read_opml}.get(kind)
    if reader is None:
        raise ListFileError(f"the format is one of {', '.join(FORMATS)}, not {kind!r}")
    lines, bad = reader(content)
    if len(lines) + len(bad) > MAX_LINES:
        raise ListFileError(f"a list holds at most {MAX_LINES:,} URLs; split it")
    return lines, bad


def read_text(content: str) -> tuple[list[ListLine], list[BadLine]]:
    """One URL per line; blank lines and lines starting with # are skipped."""
    lines, bad = [], []
    for number, raw in enumerate(content.splitlines(), start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        if len(text.split()) > 1:
            bad.append(BadLine(number, text, "one URL per line, nothing else"))
        else:
            lines.append(ListLine(number, text))
    return lines, bad


def read_csv(content: str) -> tuple[list[ListLine], list[BadLine]]:
    """A header row naming a `url` column and optionally `tags` (separated by ; or |)."""
    rows = csv.reader(io.StringIO(content))
    header = [cell.strip().lower() for cell in next(rows, [])]
    if "url" not in header:
        raise ListFileError("the CSV's first row must name its columns, one of them url (and maybe tags)")
    url_at, tags_at = header.index("url"), header.index("tags") if "tags" in header else None
    lines, bad = [], []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        url = without_formula_guard(row[url_at]).strip() if len(row) > url_at else ""
        if not url:
            bad.append(BadLine(number, ",".join(row), "the url column is empty"))
            continue
        tags = without_formula_guard(row[tags_at]) if tags_at is not None and len(row) > tags_at else ""
        lines.append(ListLine(number, url, split_tags(tags)))
    return lines, bad


def read_opml(content: str) -> tuple[list[ListLine], list[BadLine]]:
    """Outlines with a url (or htmlUrl) attribute; their `category` attribute gives tags."""
    if "<!doctype" in content[:4096].lower() or "<!entity" in content.lower():
        # OPML never needs a DTD, and entities are how XML bombs and file reads get in
        raise ListFileError("OPML with a DOCTYPE or entity declarations is refused")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(content.encode(), parser)
    except etree.XMLSyntaxError as exc:
        raise ListFileError(f"this is not OPML (XML): {exc}") from None
    if root is None or root.tag != "opml":
        raise ListFileError("this XML is not OPML: its root element is not <opml>")
    lines, bad = [], []
    for number, outline in enumerate(root.iter("outline"), start=1):
        url = (outline.get("url") or outline.get("htmlUrl") or "").strip()
        if url:
            lines.append(ListLine(number, url, split_tags(outline.get("category") or "")))
        elif outline.get("xmlUrl"):
            bad.append(BadLine(number, outline.get("xmlUrl", ""), "a feed: add it under Feeds instead"))
    return lines, bad


def split_tags(text: str) -> tuple[str, ...]:
    """Return the tags in "a; b", "a|b" or OPML's "/a,/b" form."""
    parts = text.replace("|", ";").replace(",", ";").split(";")
    return tuple(part.strip().strip("/") for part in parts if part.strip().strip("/"))


def write_csv(rows: list[WatchedArticle]) -> str:
    """Return the watchlist as CSV: url, title, tags (separated by ;), note, added_at."""
    out = io.StringIO()
    # Every cell quoted (as OWASP also advises): unquoted, a carriage return inside a title or note
    # ended the row early for readers (ours included), since only "\n" ends a row here.
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["url", "title", "tags", "note", "added_at"])
    for row in rows:
        cells = [row.url, row.title or "", ";".join(row.tags), row.note or "", row.added_at.isoformat()]
        writer.writerow([formula_guarded(cell) for cell in cells])
    return out.getvalue()


def formula_guarded(cell: str) -> str:
    """Return the cell as text a spreadsheet shows but never runs: a ' before a formula's first
    character (OWASP's advice for CSV injection)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def without_formula_guard(cell: str) -> str:
    """Return a cell without the ' that formula_guarded put before it, so an export reads back."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def write_opml(rows: list[WatchedArticle], *, title: str) -> str:
    """Return the watchlist as OPML 2.0 link outlines, tags as categories."""
    opml = etree.Element("opml", version="2.0")
    head = etree.SubElement(opml, "head")
    etree.SubElement(head, "title").text = title
    body = etree.SubElement(opml, "body")
    for row in rows:
        outline = etree.SubElement(body, "outline", type="link", text=row.title or row.url, url=row.url)
        if row.tags:
            outline.set("category", ",".join(f"/{tag}" for tag in row.tags))
    return etree.tostring(opml, encoding="unicode", pretty_print=True)
