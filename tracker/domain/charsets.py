"""Turning a fetched body into text: BOM, Content-Type charset, <meta charset>, UTF-8, then detection."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from tracker.domain.errors import FetchError

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# WHATWG Encoding: these labels mean windows-1252 in every browser.
WINDOWS_1252_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii"})
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)


def is_html_type(content_type: str | None) -> bool:
    """Return True for HTML media types; a missing type is judged later by the body."""
    if not content_type:
        return True
    return content_type.split(";", 1)[0].strip().lower() in HTML_TYPES


def not_html(content_type: str | None) -> FetchError:
    return FetchError(
        f"the URL serves {content_type or 'no content type'}, not an HTML page; track the article's web page",
        code="not_html",
    )


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Return the body as text and the encoding used: BOM, header, meta tag, UTF-8, then detection."""
    if not content_type and not looks_like_html(body):
        raise not_html(None)
    for label in (bom_encoding(body), header_charset(content_type), meta_charset(body)):
        codec = codec_name(label)
        if codec:
            try:
                text = body.decode(codec)
            except (UnicodeError, LookupError):  # LookupError: a codec that is not a text encoding (rot13)
                continue  # a lying label: fall through to detection
            # Markup the bytes spell in ASCII survives a true label; a lie can still decode (UTF-16 on ASCII).
            if "<" in text or b"<" not in body:
                return text, codec
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(body).best()
    if best is None or best.encoding is None:
        raise FetchError("the page's bytes are in no character encoding we can recognise", code="undecodable")
    return str(best), best.encoding


def looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--")) or b"<html" in head


def bom_encoding(body: bytes) -> str | None:
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            return name
    return None


def header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def meta_charset(body: bytes) -> str | None:
    match = META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii") if match else None


def codec_name(label: str | None) -> str | None:
    """Return the Python codec for a charset label, or None when the label is unknown."""
    if not label:
        return None
    label = label.strip().lower()
    if label in WINDOWS_1252_LABELS:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None
