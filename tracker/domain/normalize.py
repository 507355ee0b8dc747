"""Text normalisation and the content hash: invisible churn must never make a new version.

Stored text is NFC with whitespace collapsed and zero-width characters removed; typographic
characters are kept. Further folding (curly quotes, dashes) happens only inside the hash.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable

from tracker.domain.textunits import count_words

# Zero-width and invisible formatting characters that publishers' CMSes sprinkle in and out.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad\u180e"), None)
# The joiners are text between two characters (Persian and Hindi spelling, emoji sequences such as
# a family), so they stay there; at a word's edge they are churn like the rest. The hash drops them.
LOOSE_JOINER = re.compile(r"(?<!\S)[\u200c\u200d]+|[\u200c\u200d]+(?!\S)")
JOINERS = dict.fromkeys(map(ord, "\u200c\u200d"), None)
WHITESPACE = re.compile(r"\s+")
# Folded only for hashing: a quote changing from ' to ’ is not an edit of the article.
HASH_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": "...",
    }
)


def clean_text(text: str) -> str:
    """Return text in NFC with invisible characters removed (joiners are kept inside words) and
    whitespace collapsed to single spaces."""
    # Removed before composing: "e\u200b\u0301" must become "é", as cleaning it again would make it.
    visible = LOOSE_JOINER.sub("", text.translate(INVISIBLE))
    return WHITESPACE.sub(" ", unicodedata.normalize("NFC", visible)).strip()


def clean_paragraphs(paragraphs: Iterable[str]) -> tuple[str, ...]:
    """Return the cleaned paragraphs, dropping those left empty."""
    return tuple(text for text in map(clean_text, paragraphs) if text)


def word_count(paragraphs: Iterable[str]) -> int:
    """Return the number of words, each character of a script written without spaces counting as one."""
    return sum(map(count_words, paragraphs))


def content_hash(title: str | None, byline: str | None, paragraphs: Iterable[str]) -> str:
    """Return the SHA-256 of the folded title, byline and paragraphs: equal hashes, same article."""
    folded = [fold(title or ""), fold(byline or ""), [fold(text) for text in paragraphs]]
    return hashlib.sha256(json.dumps(folded, ensure_ascii=False).encode()).hexdigest()


def fold(text: str) -> str:
    """Return text with typographic variants folded to plain ASCII forms (for hashing only)."""
    return clean_text(text).translate(JOINERS).translate(HASH_FOLD)
