"""Text as search sees it: the terms of a version and of its change, queries, and snippets.

Both databases search one representation, the *terms* of a text: NFKC-folded, case-folded words
(runs of letters, digits and marks), each character of a script written without spaces (Han, Kana,
Thai ...) a word of its own, joined by single spaces, with a space before and after each paragraph
and a newline between paragraphs. A query word matches when its terms, padded with a space on each
side, occur in that text: " amazon " finds the word Amazon (never "Amazonas"), " 美 国 " finds 美国
inside any Chinese sentence, and a padded term is never shorter than three characters, which SQLite's
trigram index needs (a single Chinese character is " 美 "). On SQLite the padding and the newline keep
a match inside one paragraph; PostgreSQL's tsvector positions run on across paragraphs.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import regex

from tracker.domain.diff import ArticleText, FieldChange, TextDiff
from tracker.domain.errors import InvalidInput
from tracker.domain.textunits import SPACELESS
from tracker.domain.vocabulary import SEARCH_FIELDS, SearchField

FIELDS: dict[str, SearchField] = {name: name for name in SEARCH_FIELDS}  # what a search looks in
MAX_QUERY_WORDS = 10
MAX_QUERY_LENGTH = 200
MAX_TERMS = 200_000  # characters of terms kept per field: PostgreSQL's tsvector holds at most 1 MB
SNIPPET_WIDTH = 180  # characters of context a result shows
TERM = regex.compile(
    rf"[[{SPACELESS}]&&[\p{{L}}\p{{N}}]]\p{{M}}*|[[\p{{L}}\p{{N}}\p{{M}}]--[{SPACELESS}]]+", regex.VERSION1
)
WORD_CHAR = r"[\p{L}\p{N}\p{M}]"
NOT_WORD_CHAR = r"[^\p{L}\p{N}\p{M}]"
STARTS_SPACELESS = regex.compile(rf"[{SPACELESS}]", regex.VERSION1)
# The fast way to the terms of ASCII text (TERM takes ten times as long): its words are the runs of
# letters and digits between the other characters, which become spaces. The quotation marks and
# dashes of English typography join no words either: as spaces they keep most English text ASCII.
TYPOGRAPHY = "‘’“”–—"
ASCII_SEPARATORS = str.maketrans(
    dict.fromkeys(regex.findall(NOT_WORD_CHAR, "".join(map(chr, range(128)))), " ")
)


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """What search keeps of one version: the terms of its text and of what its change added and
    removed, and the added and removed text as written (one piece a line), for snippets."""

    terms: str
    added_terms: str
    removed_terms: str
    added: str
    removed: str


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: each word's terms (all must match), and where to look."""

    words: tuple[str, ...]  # each word's terms, space-separated ("amazon", "o brien", "美 国")
    field: SearchField = "text"

    @property
    def patterns(self) -> tuple[str, ...]:
        """Return each word as it must occur in a terms text: padded with spaces."""
        return tuple(f" {word} " for word in self.words)


@dataclass(frozen=True, slots=True)
class SnippetPart:
    text: str
    match: bool


def terms(text: str) -> str:
    """Return the terms of text: folded words and spaceless characters, space-separated."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    spaced = folded
    for mark in TYPOGRAPHY:
        spaced = spaced.replace(mark, " ")
    if spaced.isascii():
        return " ".join(spaced.translate(ASCII_SEPARATORS).split())
    return " ".join(TERM.findall(folded))


def field_terms(pieces: Iterable[str]) -> str:
    """Return the terms text of several pieces (paragraphs, changed runs): each padded, one a line."""
    lines = [f" {found} " for found in map(terms, pieces) if found]
    return "\n".join(lines)[:MAX_TERMS]


def document(text: ArticleText, change: TextDiff | None) -> SearchDocument:
    """Return what search keeps of a version; `change` is its diff from the version before (None
    for a first version or a baseline, which change nothing an editor wrote)."""
    added, removed = changed_pieces(change) if change is not None else ((), ())
    pieces = [piece for piece in (text.title, text.byline) if piece] + list(text.paragraphs)
    return SearchDocument(
        terms=field_terms(pieces),
        added_terms=field_terms(added),
        removed_terms=field_terms(removed),
        added="\n".join(added),
        removed="\n".join(removed),
    )


def changed_pieces(change: TextDiff) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return what the change added and what it removed: whole inserted or deleted paragraphs, the
    "+" and "-" runs of edited ones and of the headline and byline. Moves change no words."""
    added: list[str] = []
    removed: list[str] = []
    for block in change.blocks:
        if block.op == "insert" and block.new:
            added.append(block.new)
        elif block.op == "delete" and block.old:
            removed.append(block.old)
        elif block.op == "replace":
            add_runs(block.words, block.old, block.new, added, removed)
    for field in (change.title, change.byline):
        if field is not None:
            add_field(field, added, removed)
    return tuple(added), tuple(removed)


def add_field(field: FieldChange, added: list[str], removed: list[str]) -> None:
    add_runs(field.words, field.old, field.new, added, removed)


def add_runs(
    words: tuple[tuple[str, str], ...] | None,
    old: str | None,
    new: str | None,
    added: list[str],
    removed: list[str],
) -> None:
    """Append the runs a word diff marks; without marks, the whole old and new text."""
    if words is None:
        added.extend([new] if new else [])
        removed.extend([old] if old else [])
        return
    added.extend(text for op, text in words if op == "+" and text.strip())
    removed.extend(text for op, text in words if op == "-" and text.strip())


def parse_query(text: str, field: str = "text") -> Query:
    """Return the query's words as terms; raise InvalidInput when it holds none or is too long."""
    where = FIELDS.get(field)
    if where is None:
        raise InvalidInput(f"?in= is one of {', '.join(FIELDS)}", code="bad_in")
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidInput(f"a query is at most {MAX_QUERY_LENGTH} characters", code="bad_query")
    words = tuple(dict.fromkeys(found for found in map(terms, text.split()) if found))
    if not words:
        raise InvalidInput("type a word to search for (letters or digits)", code="bad_query")
    if len(words) > MAX_QUERY_WORDS:
        raise InvalidInput(f"a query has at most {MAX_QUERY_WORDS} words", code="bad_query")
    return Query(words=words, field=where)


def matcher(query: Query) -> regex.Pattern[str]:
    """Return a pattern finding the query's words in text as written: any case, any punctuation
    between the parts of a word, whole words in spaced scripts."""
    alternatives = [word_pattern(word.split(" ")) for word in query.words]
    return regex.compile("|".join(alternatives), regex.IGNORECASE | regex.VERSION1)


def word_pattern(parts: Sequence[str]) -> str:
    """Return the pattern of one query word from its terms: punctuation or nothing between them,
    and no letter before or after a term of a spaced script (a spaceless one may sit inside text)."""
    inner = f"{NOT_WORD_CHAR}*".join(regex.escape(part) for part in parts)
    before = "" if STARTS_SPACELESS.match(parts[0]) else rf"(?<!{WORD_CHAR})"
    after = "" if STARTS_SPACELESS.match(parts[-1]) else rf"(?!{WORD_CHAR})"
    return f"(?:{before}{inner}{after})"


def snippet(pieces: Sequence[str], query: Query, width: int = SNIPPET_WIDTH) -> tuple[SnippetPart, ...]:
    """Return a stretch of the piece holding the most of the query's words (the first of equals),
    around its first match, with the matches marked; the start of the first piece when none holds
    one (a folded form matched, such as a fullwidth letter)."""
    pattern = matcher(query)
    best, best_count = None, 0
    for piece in pieces:
        count = len({found.casefold() for found in pattern.findall(piece)})
        if count > best_count:
            best, best_count = piece, count
    if best is None:
        return marked(pieces[0], 0, width, pattern) if pieces else ()
    first = pattern.search(best)
    assert first is not None
    start = max(0, min(first.start() - width // 3, len(best) - width))
    return marked(best, start, start + width, pattern)


def marked(piece: str, start: int, end: int, pattern: regex.Pattern[str]) -> tuple[SnippetPart, ...]:
    """Return piece[start:end] cut at word edges, with an ellipsis where text was left out, in
    parts that say which are matches."""
    window = piece[start:end]
    if start > 0 and " " in window[:20]:
        window = window[window.index(" ") + 1 :]
    if end < len(piece) and " " in window[-20:]:
        window = window[: window.rindex(" ")]
    parts: list[SnippetPart] = [SnippetPart("…", False)] if start > 0 else []
    position = 0
    for found in pattern.finditer(window):
        if found.start() > position:
            parts.append(SnippetPart(window[position : found.start()], False))
        parts.append(SnippetPart(found.group(), True))
        position = found.end()
    parts.append(SnippetPart(window[position:], False))
    if end < len(piece):
        parts.append(SnippetPart("…", False))
    return tuple(part for part in parts if part.text)
