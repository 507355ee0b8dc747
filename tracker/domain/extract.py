"""Extract the article from a page: title, byline, dates, lead image and the body's blocks in order.

A pure function of the HTML and the site's rules. By default trafilatura (in recall mode: see
`found_article` for why) finds the article, and readability-lxml is tried when it finds none; a
site's rules can instead pick the article's parts with CSS selectors, or keep the whole page's
text. Each heading, paragraph, list item, blockquote paragraph, figure caption and table row becomes
one block; the headline is the title, never a block; churn inside the body (tracker.domain.noise)
is removed.

trafilatura (some 0.1 s to import) is imported by `load_extractors`, which the functions that run
it call first and the reading processes' fork server runs as it starts (tracker.domain.extractors),
and readability-lxml by the fallback that runs it, so that processes which only hand pages to the
reading processes never load them.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.metadata
import re
from dataclasses import dataclass

import lxml.html
import regex
from lxml import etree

from tracker.domain import noise
from tracker.domain.errors import ExtractError
from tracker.domain.htmlblocks import INLINE, Block, element_blocks, link_share, visible_text
from tracker.domain.languages import article_language, detector_hidden
from tracker.domain.normalize import clean_paragraphs, clean_text, word_count
from tracker.domain.pagemeta import PageMeta, page_meta
from tracker.domain.pages import at_most
from tracker.domain.rules import DEFAULT_RULES, ExtractionRules
from tracker.domain.textunits import NEEDS_GRAPHEMES, count_words
from tracker.domain.urls import MAX_URL_LENGTH, web_address

# Bump when extraction changes in a way that may change versions: the next check of every
# article then re-extracts its latest version first, so an upgrade never looks like an edit.
EXTRACTOR_VERSION = f"trafilatura-{importlib.metadata.version('trafilatura')}/8"
MIN_ARTICLE_WORDS = 30
NEVER_TEXT = ("script", "style", "noscript", "svg", "iframe", "template", "link", "meta")
SIGNUP_BOX_MAX_WORDS = 60  # a sign-up box says a line or two; more text around the field is the page
# Control characters no XML text may hold: lxml refuses them wherever trafilatura copies text around.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
CUT_MARKS = regex.compile(r"\p{M}*")
SENTENCE_BLOCKS = frozenset({"p", "li", "blockquote", "dd", "td", "figcaption"})
SENTENCE_MIN_WORDS = 4  # other words around a <time> that make it part of a sentence
MAX_DATE_CHARS = 64  # a page's own date as it writes it; versions store no more (tracker.adapters.models)
# Separators a byline's names may be left with at either end: "Kevin O'Brien ·", "— Jane Doe,".
BYLINE_EDGES = re.compile(r"^[\s·|•｜—–\-,;:：/／、،]+|[\s·|•｜—–\-,;:：/／、،]+$")
# The word a byline opens with before the names. On any page: English "By" and words of scripts in
# which no name starts so, before a space or a colon (a one-letter word needs the colon or slash,
# "文：山田太郎", as 文 is also a surname), and the other words before a colon ("Text: Anna Schmidt").
# Without the colon a Latin-script word opens the byline only in the page's own language, as it
# starts names elsewhere ("Par Olsson", "Door Kickers Staff"), and only a word for "by": a word for
# the text goes on with more of the work ("Text und Fotos: Anna Schmidt" stays whole).
BYLINE_BY = {  # the word for "by", by the page's language
    "de": "von",
    "fr": "par",
    "es": "por",
    "pt": "por",
    "nl": "door",
    "sv": "av",
    "no": "av",
    "nb": "av",
    "nn": "av",
    "da": "af",
    "pl": "przez",
    "cs": "autor",
    "ro": "autor",
    "tr": "yazan",
    "id": "oleh",
    "ms": "oleh",
}
BYLINE_OPENERS = (
    noise.words(
        "by written_by words_by story_by",  # English
        "автор автора",  # Russian
        "作者 记者 記者 撰文 撰稿 图文 圖文",  # Chinese
        "執筆 筆者",  # Japanese
        "بقلم كتب كتبت",  # Arabic
        "מאת",  # Hebrew
        "लेखक",  # Hindi
    )
    + r"(?:\s*[:：/／・]\s*|\s+)",
    noise.words("text texte texto tekst текст", *BYLINE_BY.values()) + r"\s*[:：]\s*",
    r"(?:文|글)\s*[:：/／・]\s*",
)
BYLINE_OPENING = noise.compiled("^" + noise.either(*BYLINE_OPENERS))
BYLINE_OPENING_IN = {
    language: noise.compiled("^" + noise.either(*BYLINE_OPENERS, rf"{word}\s+"))
    for language, word in BYLINE_BY.items()
}


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    """What a page says the article is; text already normalised."""

    title: str | None
    byline: str | None
    published_at: str | None
    modified_at: str | None
    canonical_url: str | None
    lead_image: str | None
    paragraphs: tuple[str, ...]
    words: int  # in the paragraphs (tracker.domain.normalize.word_count): counted once, where they are read
    method: str  # trafilatura | readability | include | whole_page
    language: str | None = None  # BCP 47: as the page declares it, or detected (tracker.domain.languages)


@functools.cache
def load_extractors() -> None:
    """Import trafilatura (once), which extracts nearly every page: what a reading process does
    before its first page, so that it is ready to read. It comes without the language detector it
    would import and we never let it use (tracker.domain.languages.detector_hidden). readability-lxml,
    tried on the few pages trafilatura finds nothing on, is imported when first needed (0.02 s,
    with chardet)."""
    with detector_hidden():
        importlib.import_module("trafilatura")


def extractor_name(rules: ExtractionRules) -> str:
    """Return the name recorded on versions: the extractor's version and the rules' fingerprint."""
    return f"{EXTRACTOR_VERSION}+rules:{rules.fingerprint}"


def extract_article(
    html: str, url: str | None = None, rules: ExtractionRules = DEFAULT_RULES
) -> ExtractedArticle:
    """Return the article in html; raise ExtractError(no_article) when the page has no body text."""
    tree = parse_html(html)
    meta = page_meta(tree)
    prepare(tree, rules)
    if rules.include:
        title, byline, blocks, method = meta.title, None, selected_blocks(tree, rules), "include"
    elif rules.whole_page:
        title, byline, blocks, method = meta.title, None, element_blocks(tree.body), "whole_page"
    else:
        title, byline, blocks, method = found_article(tree, url, meta)
        if not blocks:
            title, byline, blocks, method = meta.title, None, readability_blocks(html, rules), "readability"
    paragraphs = without_headline(clean_paragraphs(noise.clean_blocks(blocks, rules.ignore_patterns)), title)
    if not paragraphs:
        raise ExtractError("no article text was found on the page", code="no_article")
    language = article_language(meta.language, "\n".join(paragraphs))
    return ExtractedArticle(
        title=title,
        byline=with_cut_marks_restored(clean_byline(byline, language), html),
        published_at=at_most(meta.published_at, MAX_DATE_CHARS),
        modified_at=at_most(meta.modified_at, MAX_DATE_CHARS),
        canonical_url=at_most(meta.canonical_url, MAX_URL_LENGTH),
        # Never shown as an image here, but API and webhook readers may: only web addresses pass.
        lead_image=at_most(web_address(meta.lead_image, base=url), MAX_URL_LENGTH),
        paragraphs=paragraphs,
        words=word_count(paragraphs),
        method=method,
        language=language,
    )


def parse_html(html: str) -> lxml.html.HtmlElement:
    """Return the parsed document; raise ExtractError when nothing parses."""
    try:
        # \x0c is whitespace in HTML; the other control characters are never text.
        return lxml.html.document_fromstring(NOT_XML.sub("", html.replace("\x0c", " ")))
    except (etree.ParserError, ValueError) as exc:
        raise ExtractError(f"the page is not parseable HTML ({exc})", code="no_article") from exc


def prepare(tree: lxml.html.HtmlElement, rules: ExtractionRules) -> None:
    """Remove what the rules exclude and sign-up boxes, unlink linked sentences, and make figure captions paragraphs (trafilatura drops figures)."""
    for xpath in rules.exclude_xpaths:
        for element in tree.xpath(xpath):
            if element.getparent() is not None:
                element.drop_tree()
    drop_signup_boxes(tree)
    unlink_linked_sentences(tree)
    unwrap_times_in_sentences(tree)
    for element in tree.iter("figcaption"):
        element.tag = "p"
    for element in tree.iter("figure"):
        element.tag = "div"


def unwrap_times_in_sentences(tree: lxml.html.HtmlElement) -> None:
    """Make a <time> inside a sentence ("He said <time>on Monday</time> that ...") plain text:
    trafilatura deletes every <time> with its text, which cut words out of the article. A <time>
    in a byline or dateline ("Jane Doe · <time>3 hours ago</time>"), which is no sentence, is left
    to trafilatura: that deletion is what keeps such churn out of the body."""
    for element in list(tree.iter("time")):
        block = element.getparent()
        while block is not None and block.tag in INLINE:
            block = block.getparent()
        if block is None or block.tag not in SENTENCE_BLOCKS:
            continue
        text = visible_text(block)
        if (
            noise.is_sentence(text)
            and count_words(text) - count_words(visible_text(element)) >= SENTENCE_MIN_WORDS
        ):
            element.drop_tag()


def drop_signup_boxes(tree: lxml.html.HtmlElement) -> None:
    """Remove newsletter and sign-up boxes: the largest short container around each e-mail field.
    Publishers place them between paragraphs, and they move with the ad slots on every load."""
    for field in tree.xpath('//input[@type="email"]'):
        box = field
        for ancestor in field.iterancestors():
            if ancestor.tag in ("body", "article", "main") or (
                count_words(visible_text(ancestor)) > SIGNUP_BOX_MAX_WORDS
            ):
                break
            box = ancestor
        if box is not field and box.getparent() is not None:
            box.drop_tree()


def unlink_linked_sentences(tree: lxml.html.HtmlElement) -> None:
    """Make a sentence that is mostly one link ("<a>The full report runs to 40 pages</a>.") plain
    prose: trafilatura drops such a paragraph when it ends the body, and noise.py judges teasers by
    their link text only when they are not sentences."""
    for paragraph in tree.xpath("//p[a]"):
        text = visible_text(paragraph)
        if noise.is_sentence(text) and link_share(paragraph, text, "a") >= noise.TEASER_LINK_SHARE:
            for link in paragraph.findall("a"):
                link.drop_tag()


def selected_blocks(tree: lxml.html.HtmlElement, rules: ExtractionRules) -> list[Block]:
    """Return the blocks of the elements the include selectors pick, in page order."""
    chosen = {element for xpath in rules.include_xpaths for element in tree.xpath(xpath)}
    outermost = [
        element for element in tree.iter() if element in chosen and not chosen_ancestor(element, chosen)
    ]
    return [block for element in outermost for block in element_blocks(element)]


def chosen_ancestor(element: etree._Element, chosen: set[etree._Element]) -> bool:
    return any(ancestor in chosen for ancestor in element.iterancestors())


def clean_byline(byline: str | None, language: str | None = None) -> str | None:
    """Return the names of a byline: without relative times or counters ("Jane Doe · 3 hours ago"),
    separators left at either end ("Kevin O'Brien ·") or the word that opens it ("By", "作者：", and
    "Par" on a page in French: `language`, a BCP 47 tag)."""
    if not byline:
        return None
    names = BYLINE_EDGES.sub("", clean_text(noise.without_noise_phrases(byline)))
    opening = BYLINE_OPENING_IN.get(language.split("-")[0], BYLINE_OPENING) if language else BYLINE_OPENING
    return BYLINE_EDGES.sub("", opening.sub("", names)) or None


def with_cut_marks_restored(byline: str | None, html: str) -> str | None:
    """Return the byline with the combining marks that trafilatura's author clean-up cut off the end
    of a name ("प्रियंका त्रिपाठी" became "प्रियंका त्रिपाठ": its pattern for trailing punctuation takes a
    vowel sign for one) taken back from the page: only where every occurrence of the cut word on
    the page goes on with marks."""
    if not byline or not NEEDS_GRAPHEMES.search(byline):  # Latin, Han, kana: no marks to lose
        return byline

    def restored(match: regex.Match[str]) -> str:
        word = match.group()
        endings = {html[found.end() : found.end() + 8] for found in regex.finditer(regex.escape(word), html)}
        marks = {mark.group() if (mark := CUT_MARKS.match(ending)) else "" for ending in endings}
        return word + marks.pop() if len(marks) == 1 else word

    return regex.sub(r"\w+", restored, byline)


def found_article(
    tree: lxml.html.HtmlElement, url: str | None, meta: PageMeta
) -> tuple[str | None, str | None, list[Block], str]:
    """Return (title, byline, blocks, method) as trafilatura finds them; no blocks when it finds none."""
    load_extractors()
    import trafilatura
    from trafilatura.settings import Document

    title, author = headline_and_author(tree, meta)
    # trafilatura deletes these too, but only after copying the whole tree twice: cheaper gone first
    etree.strip_elements(tree, *NEVER_TEXT, etree.Comment, with_tail=False)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=True,
        # Recall mode: precision mode drops real sentences that hold a link (noise.py judges teasers
        # itself), and the default mode re-extracts short articles in recall mode anyway, at twice
        # the cost. Measured on the corpus: bench/extraction.py.
        favor_recall=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=True,  # to tell a teaser (all link) from a paragraph that cites a source
        include_formatting=False,
        deduplicate=False,  # trafilatura's dedupe cache is shared state; extraction must stay pure
        with_metadata=False,  # its date search (htmldate) costs more than the rest; see headline_and_author
    )
    if isinstance(document, Document) and document.body is not None:
        blocks = body_blocks(document.body)
        if enough_words(blocks):
            return title, author, blocks, "trafilatura"
    return title, author, [], "trafilatura"


def headline_and_author(tree: lxml.html.HtmlElement, meta: PageMeta) -> tuple[str | None, str | None]:
    """Return the headline and author as trafilatura's metadata step finds them, without its date
    search: our own meta tags and JSON-LD give the page's dates at a fraction of the cost."""
    load_extractors()
    from trafilatura import metadata as trafilatura_metadata

    found = trafilatura_metadata.examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None  # a single word is a site name more often than a person
    with contextlib.suppress(Exception):  # as trafilatura itself does: its JSON-LD reader has bugs
        found = trafilatura_metadata.extract_meta_json(tree, found)
    title = found.title or trafilatura_metadata.extract_title(tree) or meta.title
    author = found.author or trafilatura_metadata.extract_author(tree)
    return (clean_text(title) or None if title else None), author


def readability_blocks(html: str, rules: ExtractionRules) -> list[Block]:
    """Return the blocks readability-lxml finds in the page (empty when it finds none).

    Parses the page again: trafilatura has changed the first tree, and this path is rare.
    """
    from readability import Document as Readability
    from readability.readability import Unparseable

    tree = parse_html(html)
    prepare(tree, rules)
    try:
        summary = Readability(lxml.html.tostring(tree, encoding="unicode")).summary(html_partial=True)
    except (Unparseable, ValueError, TypeError, etree.ParserError):
        return []
    # Parsed as a document: a fragment cannot hold control characters, nor be an empty <html></html>.
    blocks = element_blocks(parse_html(summary))
    return blocks if enough_words(blocks) else []


def enough_words(blocks: list[Block]) -> bool:
    """Both extractors return *something* for any page (a menu, a footer); below this they found no
    article (words as tracker.domain.textunits counts them, so a Chinese article is no shorter than its
    English translation)."""
    return sum(count_words(text) for text, _share in blocks) >= MIN_ARTICLE_WORDS


def body_blocks(body: etree._Element) -> list[Block]:
    """Return the blocks of trafilatura's body tree, in reading order, with their share of link text."""
    return [block for element in body for block in trafilatura_blocks(element)]


def trafilatura_blocks(element: etree._Element) -> list[Block]:
    """Return one block per text unit inside a trafilatura element (lists, quotes, tables split up)."""
    tag = element.tag
    if tag == "list":
        return [block for item in element.iterchildren("item") for block in item_blocks(item)]
    if tag == "quote" and len(element) and all(child.tag in ("p", "list", "head") for child in element):
        return [block for child in element for block in trafilatura_blocks(child)]
    if tag == "table":
        return [
            (" | ".join(visible_text(cell) for cell in row.iterchildren("cell")), 0.0)
            for row in element.iter("row")
        ]
    if tag == "graphic":
        return []
    return [with_link_share(element)]


def item_blocks(item: etree._Element) -> list[Block]:
    """Return a list item's own text, then its nested list's items."""
    nested = [child for child in item if child.tag == "list"]
    for child in nested:
        item.remove(child)
    return [with_link_share(item), *(block for child in nested for block in trafilatura_blocks(child))]


def with_link_share(element: etree._Element) -> Block:
    text = visible_text(element)
    return text, link_share(element, text, "ref")


def without_headline(paragraphs: tuple[str, ...], title: str | None) -> tuple[str, ...]:
    """Return the blocks without the headline, which pages repeat as their first heading."""
    if title and paragraphs and paragraphs[0] == title:
        return paragraphs[1:]
    return paragraphs
