"""Extract the article from a page: title, byline, dates and the body's blocks in reading order.

A pure function of the HTML, built on trafilatura in its precision mode. Each heading, paragraph,
list item, blockquote paragraph and table row becomes one block; the headline is the title,
never a block.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import Document

from tracker.errors import ExtractError
from tracker.normalize import clean_paragraphs, clean_text

# Bump when extraction settings change, so stored versions say which extractor made them.
EXTRACTOR_VERSION = f"trafilatura-{trafilatura.__version__}/precision-fast/1"

PUBLISHED_KEYS = ("article:published_time", "datepublished", "og:published_time", "dc.date.issued", "date")
MODIFIED_KEYS = (
    "article:modified_time",
    "datemodified",
    "og:updated_time",
    "last-modified",
    "dc.date.modified",
)


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    """What a page says the article is; text already normalised."""

    title: str | None
    byline: str | None
    published_at: str | None
    modified_at: str | None
    canonical_url: str | None
    paragraphs: tuple[str, ...]


def extract_article(html: str, url: str | None = None) -> ExtractedArticle:
    """Return the article in html; raise ExtractError(no_article) when the page has no body text."""
    tree = parse_html(html)
    dates = page_dates(tree)
    canonical = canonical_link(tree)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=True,
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        include_formatting=False,
        deduplicate=False,  # trafilatura's dedupe cache is shared state; extraction must stay pure
        with_metadata=True,
    )
    if not isinstance(document, Document) or document.body is None:
        raise ExtractError("no article text was found on the page", code="no_article")
    title = clean_text(document.title) if document.title else None
    paragraphs = without_headline(clean_paragraphs(body_blocks(document.body)), title)
    if not paragraphs:
        raise ExtractError("no article text was found on the page", code="no_article")
    return ExtractedArticle(
        title=title,
        byline=clean_text(document.author) if document.author else None,
        published_at=dates[0] or (document.date or None),
        modified_at=dates[1],
        canonical_url=canonical,
        paragraphs=paragraphs,
    )


def parse_html(html: str) -> lxml.html.HtmlElement:
    """Return the parsed document; raise ExtractError when nothing parses."""
    try:
        return lxml.html.document_fromstring(html.replace("\x00", ""))
    except (etree.ParserError, ValueError) as exc:
        raise ExtractError(f"the page is not parseable HTML ({exc})", code="no_article") from exc


def body_blocks(body: etree._Element) -> list[str]:
    """Return the text of each block of trafilatura's body tree, in reading order."""
    blocks: list[str] = []
    for element in body:
        blocks.extend(element_blocks(element))
    return blocks


def element_blocks(element: etree._Element) -> list[str]:
    """Return one text per block inside a body element (lists, quotes and tables split up)."""
    tag = element.tag
    if tag == "list":
        return [text for item in element.iterchildren("item") for text in item_blocks(item)]
    if tag == "quote" and len(element) and all(child.tag in ("p", "list", "head") for child in element):
        return [text for child in element for text in element_blocks(child)]
    if tag == "table":
        return [
            " | ".join(cell_text(cell) for cell in row.iterchildren("cell")) for row in element.iter("row")
        ]
    if tag == "graphic":
        return []
    return [" ".join(element.itertext())]


def item_blocks(item: etree._Element) -> list[str]:
    """Return a list item's own text, then its nested list's items."""
    nested = [child for child in item if child.tag == "list"]
    for child in nested:
        item.remove(child)
    return [" ".join(item.itertext()), *(text for child in nested for text in element_blocks(child))]


def cell_text(cell: etree._Element) -> str:
    return clean_text(" ".join(cell.itertext()))


def without_headline(paragraphs: tuple[str, ...], title: str | None) -> tuple[str, ...]:
    """Return the blocks without the headline, which trafilatura repeats as the first heading."""
    if title and paragraphs and paragraphs[0] == title:
        return paragraphs[1:]
    return paragraphs


def page_dates(tree: lxml.html.HtmlElement) -> tuple[str | None, str | None]:
    """Return the page's own (published, modified) dates from meta tags and JSON-LD."""
    meta = {
        (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower(): tag.get("content")
        for tag in tree.iter("meta")
        if tag.get("content")
    }
    for item in tree.iter("time"):
        if item.get("itemprop") and item.get("datetime"):
            meta.setdefault(item.get("itemprop").lower(), item.get("datetime"))
    meta.update({key: value for key, value in json_ld_dates(tree).items() if key not in meta})
    published = next((meta[key].strip() for key in PUBLISHED_KEYS if meta.get(key)), None)
    modified = next((meta[key].strip() for key in MODIFIED_KEYS if meta.get(key)), None)
    return published, modified


def json_ld_dates(tree: lxml.html.HtmlElement) -> dict[str, str]:
    """Return datePublished / dateModified found in the page's JSON-LD blocks."""
    found: dict[str, str] = {}
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for node in json_ld_nodes(data):
            for key in ("datePublished", "dateModified"):
                if isinstance(node.get(key), str):
                    found.setdefault(key.lower(), node[key])
    return found


def json_ld_nodes(data: object) -> list[dict]:
    """Return the objects of a JSON-LD document, looking inside lists and @graph."""
    if isinstance(data, list):
        return [node for item in data for node in json_ld_nodes(item)]
    if isinstance(data, dict):
        return [data, *json_ld_nodes(data.get("@graph", []))]
    return []


def canonical_link(tree: lxml.html.HtmlElement) -> str | None:
    """Return the page's rel=canonical URL, if it names one."""
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return link.get("href").strip()
    return None
