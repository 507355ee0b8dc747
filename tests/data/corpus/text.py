"""Plain text from inline HTML, exactly as the manifest spells block texts."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

TAG = re.compile(r"<[^>]*>")
SPLIT_TAGS = re.compile(r"(<[^>]*>)")


def plain(fragment: str) -> str:
    """Return the text a reader sees in an inline HTML fragment: no tags, entities decoded,
    whitespace (including no-break spaces) collapsed to single spaces."""
    return " ".join(html.unescape(TAG.sub("", fragment)).split())


def sub_in_text(fragment: str, change: Callable[[str], str]) -> str:
    """Return fragment with change applied to its text segments only (never inside a tag)."""
    parts = SPLIT_TAGS.split(fragment)
    return "".join(part if part.startswith("<") else change(part) for part in parts)


def esc(text: str) -> str:
    """Escape text for an element's content or an attribute value."""
    return html.escape(text, quote=True)


def stable(text: str) -> int:
    """Return a hash of text that is the same in every process (str hashes are salted)."""
    import zlib

    return zlib.crc32(text.encode())
