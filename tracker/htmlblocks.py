"""Blocks of text straight from HTML elements, for pages trafilatura does not read for us:
selected parts (include rules), whole pages, and readability's output."""

from __future__ import annotations

from lxml import etree

LEAF_BLOCKS = frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "figcaption",
        "pre",
        "dt",
        "dd",
        "caption",
        "tr",
        "summary",
        "address",
    }
)
INLINE = frozenset(
    {
        "a",
        "span",
        "em",
        "strong",
        "b",
        "i",
        "u",
        "s",
        "small",
        "sup",
        "sub",
        "mark",
        "abbr",
        "time",
        "code",
        "cite",
        "q",
        "br",
        "font",
        "label",
        "del",
        "ins",
        "bdi",
        "bdo",
        "data",
        "var",
        "kbd",
    }
)
SKIPPED = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "svg",
        "iframe",
        "object",
        "button",
        "select",
        "textarea",
        "form",
    }
)

Block = tuple[str, float]  # the text, and how much of it is link text (0..1)


def element_blocks(element: etree._Element) -> list[Block]:
    """Return the text blocks inside element in reading order: each paragraph, heading, list item,
    caption or table row one block; loose text in containers a block of its own."""
    blocks: list[Block] = []
    loose: list[str] = []

    def flush() -> None:
        text = " ".join(" ".join(loose).split())
        if text:
            blocks.append((text, 0.0))
        loose.clear()

    def walk(node: etree._Element) -> None:
        if not isinstance(node.tag, str) or node.tag in SKIPPED:
            return
        if node.tag in LEAF_BLOCKS and not has_leaf_block(node):
            flush()
            blocks.append(leaf_block(node))
            return
        block = node.tag not in INLINE
        if block:
            flush()
        if node.text:
            loose.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                loose.append(child.tail)
        if block:
            flush()

    walk(element)
    flush()
    return blocks


def has_leaf_block(node: etree._Element) -> bool:
    return any(isinstance(child.tag, str) and child.tag in LEAF_BLOCKS for child in node.iterdescendants())


def leaf_block(node: etree._Element) -> Block:
    """Return a block element's text (table cells joined with ' | ') and its share of link text."""
    if node.tag == "tr":
        text = " | ".join(" ".join(cell.itertext()).strip() for cell in node if isinstance(cell.tag, str))
    else:
        text = " ".join(part for part in text_parts(node))
    linked = sum(len(" ".join(link.itertext())) for link in node.iter("a"))
    size = len(text.strip())
    return text, (linked / size if size else 0.0)


def text_parts(node: etree._Element) -> list[str]:
    """Return the visible text pieces of node, skipping scripts and styles inside it."""
    parts: list[str] = []
    if node.text:
        parts.append(node.text)
    for child in node:
        if isinstance(child.tag, str) and child.tag not in SKIPPED:
            parts.extend(text_parts(child))
        if child.tail:
            parts.append(child.tail)
    return parts
