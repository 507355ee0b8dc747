"""Words in any script: what a diff compares and what a word count counts.

Scripts that separate words with spaces (Latin, Cyrillic, Greek, Arabic, Hebrew, Devanagari,
Hangul ...) are cut into words, with each punctuation mark a token of its own, so "Neuverschuldung."
and "Neuverschuldung scharf." share their word. Scripts written without spaces (Han, Hiragana,
Katakana, Thai, Lao, Khmer, Myanmar) are cut into characters: each is a token, and each counts as a
word, which is close to how their readers weigh text (a Chinese character carries about as much as
an English word). Nothing ever cuts a grapheme cluster: a base with its combining marks, a
Devanagari conjunct or an emoji sequence stays one token.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, compress
from operator import add

import regex

# Script_Extensions, so that marks shared by two of these scripts (ー, 々) belong to them too.
SPACELESS = r"\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}"
# A letter or digit of a spaceless script; CJK punctuation (。「) shares those scripts but is no word.
SPACELESS_LETTER = regex.compile(rf"[[{SPACELESS}]&&[\p{{L}}\p{{N}}]]", regex.VERSION1)
SPACED_WORD_CHAR = rf"[\w--[{SPACELESS}]]"
# A number keeps its separators ("1,200.50", "３１．２", "٣٫٥"): it changes as one token.
NUMBER = r"\d+(?:[.,．，٫٬]\d+)+"
# A word keeps an apostrophe inside it ("don't", "O'Brien", "l'État").
SPACED_WORD = regex.compile(rf"{NUMBER}|{SPACED_WORD_CHAR}+(?:['’]{SPACED_WORD_CHAR}+)*", regex.VERSION1)
# A single space belongs to the token after it (" said"): half as many tokens to compare, and a
# change keeps its own space (tracker.domain.diff moves it out of the marks again).
TOKEN = regex.compile(
    rf" ?(?:(?={SPACELESS_LETTER.pattern})\X|{SPACED_WORD.pattern}|(?!\s)\X)|\s+", regex.VERSION1
)
SPACELESS_RUN = regex.compile(rf"(?:{SPACELESS_LETTER.pattern}\p{{M}}*)+", regex.VERSION1)
# Most text needs no grapheme clusters: Latin, general punctuation and currency signs, Han and kana
# letters without combining marks, CJK and fullwidth punctuation. The standard library's engine cuts
# such text several times faster, into the same tokens (tests/test_diff_scripts.py compares them).
SIMPLE_CJK = (
    "\u3005-\u3007\u3041-\u3096\u309b-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\U00020000-\U0003134f"
)
SIMPLE_TEXT = (
    f"\x00-\u02ff\u2010-\u205f\u20a0-\u20cf\u3000-\u3004\u3008-\u3029\u3030-\u303f\uff01-\uff65{SIMPLE_CJK}"
)
NEEDS_GRAPHEMES = re.compile(f"[^{SIMPLE_TEXT}]")
SIMPLE_WORD = re.compile(rf"\d+(?:[.,．，]\d+)+|[^\W{SIMPLE_CJK}]+(?:['’][^\W{SIMPLE_CJK}]+)*")
SIMPLE_TOKEN = re.compile(rf" ?(?:[{SIMPLE_CJK}]|{SIMPLE_WORD.pattern}|\S)|\s+")
SIMPLE_RUN = re.compile(f"[{SIMPLE_CJK}]+")
# The simple tokens longer than one character, found in the same order as SIMPLE_TOKEN finds them.
SIMPLE_LONGER = re.compile(
    rf" (?:[{SIMPLE_CJK}]|{SIMPLE_WORD.pattern}|\S)|\s\s+"
    rf"|\d+(?:[.,．，]\d+)+|[^\W{SIMPLE_CJK}]+(?:['’][^\W{SIMPLE_CJK}]+)+|[^\W{SIMPLE_CJK}]{{2,}}"
)
# A diff compares texts whose tokens are one character each: a token longer than that stands for
# itself as a character of the Supplementary Private Use Areas, which text does not use (a text
# that does has those characters re-encoded too).
SYMBOLS_FROM, SYMBOLS_TO = 0xF0000, 0x110000
SYMBOL = re.compile("[\U000f0000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class Encoded:
    """Two texts with each token one character; `decode` turns any slice of them back into text."""

    old: str
    new: str
    meanings: dict[int, str]  # a symbol's code point: the token it stands for
    sparse: bool  # few symbols among plain characters (Chinese, Japanese): decoded one by one

    def decode(self, symbols: str) -> str:
        if self.sparse:
            return SYMBOL.sub(lambda found: self.meanings[ord(found.group())], symbols)
        return symbols.translate(self.meanings)


def encoded(old: str, new: str) -> Encoded | None:
    """Return old and new with every token one character, sharing one table; None when they hold
    more distinct words than there are symbols (a paragraph of over 100,000 distinct words).

    Characters of scripts without spaces stand for themselves, so Chinese is encoded by finding
    its few longer tokens (numbers, Latin words) in place; other text is cut into tokens first."""
    symbols: dict[str, str] = {}
    simple = not (NEEDS_GRAPHEMES.search(old) or NEEDS_GRAPHEMES.search(new))
    if simple and (SIMPLE_RUN.search(old) or SIMPLE_RUN.search(new)):
        try:
            old_code, new_code = (
                SIMPLE_LONGER.sub(lambda found: symbol_of(found.group(), symbols), text)
                for text in (old, new)
            )
        except ValueError:
            return None
        return Encoded(
            old_code, new_code, {ord(symbol): token for token, symbol in symbols.items()}, sparse=True
        )
    both = tokens(old) + tokens(new)
    wanted: Iterable[str] = compress(both, map((1).__lt__, map(len, both)))
    if not simple:  # only such text can hold characters of the symbols' own range
        wanted = chain(wanted, compress(both, map(chr(SYMBOLS_FROM).__le__, both)))
    distinct = dict.fromkeys(wanted)
    if len(distinct) > SYMBOLS_TO - SYMBOLS_FROM:
        return None
    symbols = dict(zip(distinct, map(chr, range(SYMBOLS_FROM, SYMBOLS_FROM + len(distinct))), strict=True))
    old_code, new_code = ("".join(map(symbols.get, tokens(text), tokens(text))) for text in (old, new))
    return Encoded(
        old_code, new_code, {ord(symbol): token for token, symbol in symbols.items()}, sparse=False
    )


def symbol_of(token: str, symbols: dict[str, str]) -> str:
    """Return token's symbol, giving it the next one when it has none (ValueError past the last)."""
    if token not in symbols:
        symbols[token] = chr(SYMBOLS_FROM + len(symbols))
    return symbols[token]


# A diff cuts each paragraph to pair it, to mark it and to count it: the two versions of one diff
# fit (1,024 paragraphs). No more: a cached English paragraph holds some 6 KB of tokens, and every
# process that counts words keeps its cache full (8,192 held 50 MB in each reading process).
@lru_cache(maxsize=1024)
def tokens(text: str) -> tuple[str, ...]:
    """Return text cut into diff tokens (words, characters of spaceless scripts, single punctuation
    marks, each with the one space before it, and other runs of whitespace); joined, they give text
    back exactly."""
    pattern = TOKEN if NEEDS_GRAPHEMES.search(text) else SIMPLE_TOKEN
    return tuple(pattern.findall(text))


def count_words(text: str) -> int:
    """Return the words in text by the rule above: words, plus each character of a spaceless script
    (a token that starts, after its space, with a letter or digit: not a mark, space or emoji)."""
    return sum(1 for token in tokens(text) if (token[1:2] if token[0] == " " else token[0]).isalnum())


def similarity_keys(text: str) -> frozenset[str]:
    """Return what two paragraphs are compared by: their words (lower-cased) and, in spaceless
    scripts, each pair of neighbouring characters, which tells two Chinese paragraphs apart where
    single characters (的, 是, 在) would make any two look alike. Keys are only compared, never
    shown, so a pair may take a mark without its base."""
    runs = (SPACELESS_RUN if NEEDS_GRAPHEMES.search(text) else SIMPLE_RUN).findall(text)
    # Words as spaces separate them, punctuation attached: close enough to compare, and fast.
    return frozenset(
        chain(text.lower().split(), *(map(add, run, run[1:]) if len(run) > 1 else (run,) for run in runs))
    )
