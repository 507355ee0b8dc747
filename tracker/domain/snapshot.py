"""A page as fetched, made safe to look at: no scripts, no active content, nothing that loads.

Served to a sandboxed iframe with a Content-Security-Policy that forbids every request, so this
cleaning is the second of three locks, not the only one.
"""

from __future__ import annotations

import lxml.html
from lxml import etree
from lxml_html_clean import Cleaner

CLEANER = Cleaner(
    scripts=True,
    javascript=True,  # event handlers and javascript: URLs
    comments=True,
    style=False,  # keep the page's look; CSS cannot run code under the CSP we serve it with
    inline_style=False,
    links=True,  # <link> elements: stylesheets and preloads would be requests
    meta=True,  # <meta http-equiv=refresh> would navigate the frame
    page_structure=False,
    embedded=True,
    frames=True,
    forms=True,
    annoying_tags=True,
    remove_unknown_tags=False,
    safe_attrs_only=False,
)
URL_ATTRIBUTES = ("href", "src", "srcset", "action", "poster", "background", "data", "formaction")


def safe_snapshot(html: str) -> str:
    """Return the page without scripts, frames, forms, refreshes or any URL it could load or follow."""
    try:
        document = lxml.html.document_fromstring(html.replace("\x00", ""))
    except (etree.ParserError, ValueError):
        return "<!doctype html><p>The stored page could not be parsed.</p>"
    cleaned = CLEANER.clean_html(document)
    for element in cleaned.iter():
        if isinstance(element.tag, str):
            for name in URL_ATTRIBUTES:
                element.attrib.pop(name, None)
    for base in cleaned.iter("base"):
        base.drop_tree()
    return "<!doctype html>\n" + lxml.html.tostring(cleaned, encoding="unicode")
