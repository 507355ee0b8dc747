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
        "ref",  # trafilatura's link
        "hi",  # trafilatura's emphasis
        "lb",  # trafilatura's line break
    }
)
LINE_BREAKS = frozenset({"br", "lb"})
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
        text = " ".join("".join(loose).split())
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
        elif node.tag in LINE_BREAKS:
            loose.append(" ")
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
        text = " | ".join(visible_text(cell) for cell in node if isinstance(cell.tag, str))
    else:
        text = visible_text(node)
    return text, link_share(node, text, "a")


def link_share(node: etree._Element, text: str, link_tag: str) -> float:
    """Return how much of text (node's visible text) is the text of links (0..1)."""
    linked = sum(len(visible_text(link)) for link in node.iter(link_tag))
    return linked / len(text) if text else 0.0


def visible_text(node: etree._Element) -> str:
    """Return node's visible text with whitespace collapsed: inline pieces joined as the page wrote
    them ("<a>Times</a>, officials" stays "Times, officials"), block elements and line breaks apart;
    scripts and styles inside it skipped."""
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        if element.text:
            parts.append(element.text)
        for child in element:
            if isinstance(child.tag, str) and child.tag not in SKIPPED:
                apart = child.tag not in INLINE or child.tag in LINE_BREAKS
                parts.append(" " if apart else "")
                walk(child)
                parts.append(" " if apart else "")
            if child.tail:
                parts.append(child.tail)

    walk(node)
    return " ".join("".join(parts).split())
