"""What a page says about itself in its head: dates, canonical URL, lead image, title, language."""

from __future__ import annotations

import json
from dataclasses import dataclass

import lxml.html

from tracker.domain.languages import language_tag
from tracker.domain.normalize import clean_text

PUBLISHED_KEYS = ("article:published_time", "datepublished", "og:published_time", "dc.date.issued", "date")
MODIFIED_KEYS = (
    "article:modified_time",
    "datemodified",
    "og:updated_time",
    "last-modified",
    "dc.date.modified",
)
IMAGE_KEYS = ("og:image", "og:image:url", "twitter:image", "twitter:image:src", "image")
TITLE_KEYS = ("og:title", "twitter:title")
MAX_JSON_LD_DEPTH = 4
# After <html lang> and Content-Language, in this order; inlanguage is JSON-LD's (or an itemprop's).
LANGUAGE_KEYS = ("content-language", "language", "dc.language", "og:locale", "inlanguage")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True, slots=True)
class PageMeta:
    title: str | None
    published_at: str | None
    modified_at: str | None
    canonical_url: str | None
    lead_image: str | None
    language: str | None  # BCP 47, as the page declares it


def page_meta(tree: lxml.html.HtmlElement) -> PageMeta:
    """Return the page's own metadata from meta tags, <time itemprop>, JSON-LD and <link rel>."""
    meta = meta_values(tree)
    for key, value in json_ld_values(tree).items():
        meta.setdefault(key, value)
    title_tag = tree.find(".//title")
    return PageMeta(
        title=first(meta, TITLE_KEYS)
        or (clean_text(title_tag.text_content()) if title_tag is not None else None),
        published_at=first(meta, PUBLISHED_KEYS),
        modified_at=first(meta, MODIFIED_KEYS),
        canonical_url=link_href(tree, "canonical"),
        lead_image=first(meta, IMAGE_KEYS),
        language=declared_language(tree, meta),
    )


def declared_language(tree: lxml.html.HtmlElement, meta: dict[str, str]) -> str | None:
    """Return the first language tag the page declares: <html lang> (or xml:lang), Content-Language,
    then its meta tags, og:locale and JSON-LD inLanguage; values that are no tag are skipped."""
    declared = [
        tree.get("lang"),
        tree.get("xml:lang") or tree.get(XML_LANG),
        http_equiv(tree, "content-language"),
        *(meta.get(key) for key in LANGUAGE_KEYS),
    ]
    return next((tag for value in declared if value and (tag := language_tag(value))), None)


def http_equiv(tree: lxml.html.HtmlElement, name: str) -> str | None:
    """Return the content of the page's first <meta http-equiv=name>."""
    for tag in tree.iter("meta"):
        if (tag.get("http-equiv") or "").strip().lower() == name:
            return tag.get("content")
    return None


def first(meta: dict[str, str], keys: tuple[str, ...]) -> str | None:
    return next((meta[key].strip() for key in keys if meta.get(key, "").strip()), None)


def meta_values(tree: lxml.html.HtmlElement) -> dict[str, str]:
    """Return {property/name/itemprop: content} of the page's meta tags and <time itemprop>."""
    values: dict[str, str] = {}
    for tag in tree.iter("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        if key and tag.get("content"):
            values.setdefault(key, tag.get("content"))
    for item in tree.iter("time"):
        if item.get("itemprop") and item.get("datetime"):
            values.setdefault(item.get("itemprop").lower(), item.get("datetime"))
    return values


def json_ld_values(tree: lxml.html.HtmlElement) -> dict[str, str]:
    """Return datePublished, dateModified, image and inLanguage found in the page's JSON-LD blocks."""
    found: dict[str, str] = {}
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):  # a page's JSON-LD may be broken, or nested to no end
            continue
        for node in json_ld_nodes(data):
            for key in ("datePublished", "dateModified", "image", "inLanguage"):
                value = node.get(key)
                if isinstance(value, dict):  # an ImageObject's url; a Language's code, else its name
                    value = (
                        value.get("url")
                        if key == "image"
                        else value.get("alternateName") or value.get("name")
                    )
                if isinstance(value, list) and value and isinstance(value[0], str):
                    value = value[0]
                if isinstance(value, str):
                    found.setdefault(key.lower(), value)
    return found


def json_ld_nodes(data: object, depth: int = 0) -> list[dict]:
    """Return the objects of a JSON-LD document, looking inside lists and @graph (a few levels deep:
    real documents nest no further, and a hostile one may nest a list a thousand times)."""
    if depth > MAX_JSON_LD_DEPTH:
        return []
    if isinstance(data, list):
        return [node for item in data for node in json_ld_nodes(item, depth + 1)]
    if isinstance(data, dict):
        return [data, *json_ld_nodes(data.get("@graph", []), depth + 1)]
    return []


def link_href(tree: lxml.html.HtmlElement, rel: str) -> str | None:
    """Return the href of the first <link rel=...> naming rel."""
    for link in tree.iter("link"):
        if rel in (link.get("rel") or "").lower().split() and link.get("href"):
            return link.get("href").strip()
    return None
