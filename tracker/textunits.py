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

from itertools import pairwise

import regex

# Script_Extensions, so that marks shared by two of these scripts (ー, 々) belong to them too.
SPACELESS = r"\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}"
# A letter or digit of a spaceless script; CJK punctuation (。「) shares those scripts but is no word.
SPACELESS_LETTER = rf"[[{SPACELESS}]&&[\p{{L}}\p{{N}}]]"
SPACED_WORD_CHAR = rf"[\w--[{SPACELESS}]]"
# A number keeps its separators ("1,200.50", "３１．２", "٣٫٥"): it changes as one token.
NUMBER = r"\d+(?:[.,．，٫٬]\d+)+"
# A word keeps an apostrophe inside it ("don't", "O'Brien", "l'État").
WORD = rf"{NUMBER}|{SPACED_WORD_CHAR}+(?:['’]{SPACED_WORD_CHAR}+)*"
TOKEN = regex.compile(rf"\s+|(?={SPACELESS_LETTER})\X|{WORD}|\X", regex.VERSION1)
# Whitespace and other clusters are matched too, only to step over them whole (an emoji's joiner is no word).
COUNTED = regex.compile(rf"((?={SPACELESS_LETTER})\X|{WORD})|\s+|\X", regex.VERSION1)
SPACELESS_RUN = regex.compile(rf"(?:(?={SPACELESS_LETTER})\X)+", regex.VERSION1)


def tokens(text: str) -> list[str]:
    """Return text cut into diff tokens (words, characters of spaceless scripts, single punctuation
    marks and runs of whitespace); joined, they give text back exactly."""
    return TOKEN.findall(text)


def count_words(text: str) -> int:
    """Return the words in text by the rule above: words, plus each character of a spaceless script."""
    return sum(1 for word in COUNTED.findall(text) if word)


def similarity_keys(text: str) -> frozenset[str]:
    """Return what two paragraphs are compared by: their words (lower-cased) and, in spaceless
    scripts, each pair of neighbouring characters, which tells two Chinese paragraphs apart where
    single characters (的, 是, 在) would make any two look alike."""
    keys = {word.lower() for word in COUNTED.findall(SPACELESS_RUN.sub(" ", text)) if word}
    for run in SPACELESS_RUN.findall(text):
        characters = regex.findall(r"\X", run)
        keys.update(characters if len(characters) == 1 else map("".join, pairwise(characters)))
    return frozenset(keys)
