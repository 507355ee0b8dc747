"""The manifest: what every version of every page is, as JSON-ready data."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from tests.data.corpus.model import Corpus, Version

CONVENTIONS = {
    "paragraphs": "The article body's blocks in reading order, as plain text (no HTML, entities decoded, whitespace "
    "collapsed to single spaces). Each paragraph, heading, list item and blockquote paragraph is one block. "
    "Never included: the headline, the standfirst/dek, image captions and credits, teasers to other stories "
    "(READ MORE:, Related:, ...), ad labels, relative times, counters, share bars, newsletter and subscription "
    "boxes, comments. Update notes, corrections and editor's notes, wire datelines and sign-offs are article text.",
    "title": "The headline as shown in the page's h1.",
    "byline": "The author names as a reader sees them, without 'By': 'A', 'A and B', or 'A, B and C'.",
    "change": "For real edits, relative to the previous version's expected article (noise never changes it): "
    "title/byline [old, new] or null; inserted/deleted/moved: block texts; changed: [old, new] pairs of one block.",
    "split": "Nobody may tune extraction rules on held_out pages.",
}


def version_file(version: Version) -> str:
    return f"{version.number}-{version.kind or 'original'}-{version.edit or 'original'}.html"


def manifest(corpus: Corpus) -> dict[str, Any]:
    return {
        "conventions": CONVENTIONS,
        "pages": [
            {
                "name": page.name,
                "template": page.template,
                "split": page.split,
                "url": page.url,
                "topic": page.topic,
                "versions": [
                    {
                        "number": v.number,
                        "file": version_file(v),
                        "kind": v.kind,
                        "edit": v.edit,
                        "detail": v.detail,
                        "bytes": len(v.html.encode()),
                        "expected": {
                            "title": v.expected.title,
                            "byline": v.expected.byline,
                            "paragraphs": list(v.expected.paragraphs),
                        },
                        "change": None
                        if v.change is None
                        else {
                            key: (list(value) if isinstance(value, tuple) else value)
                            for key, value in asdict(v.change).items()
                        },
                    }
                    for v in page.versions
                ],
            }
            for page in corpus.pages
        ],
    }
