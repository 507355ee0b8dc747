"""The terms of a text (tracker.domain.searchtext.terms) take a fast way for ASCII text: it must give
exactly what the TERM pattern gives, the definition, for every script."""

from __future__ import annotations

import random
import unicodedata

import pytest

from tests.data.multilingual import load_sources
from tracker.domain.searchtext import TERM, TYPOGRAPHY, terms

# Characters the fast way meets or must leave to TERM: ASCII, typography, letters with accents and
# marks to compose them, fullwidth forms and the Kelvin sign (which fold to ASCII), ligatures,
# Cyrillic, Arabic, Hebrew, Devanagari, Thai, Chinese, Japanese, Korean, and spaces of all kinds.
ALPHABET = (
    "".join(map(chr, range(128)))
    + TYPOGRAPHY
    + "«»…•·′″\u00a0\u2009\u200b\u200d\u3000"
    + "éüßÆøİıſŉǅ\u0301\u0308\u0338"
    + "ＡＢｃ１２３\u212a\ufb01²½Ⅻ"
    + "мирЁё\u0483يعود\u064eשלום\u05bcहिंदी\u093e"
    + "ภาษาไทย\u0e31\u0e48中文美国の日本語カタカナ한국어"
)


def definition(text: str) -> str:
    return " ".join(TERM.findall(unicodedata.normalize("NFKC", text).casefold()))


@pytest.mark.parametrize("char", list(map(chr, range(128))) + list(TYPOGRAPHY))
def test_every_ascii_character_and_typographic_mark_splits_or_joins_words_as_the_pattern_does(char):
    for text in (f"ab{char}cd", f"{char}", f"X {char} Y{char}", f"1{char}2{char}{char}é"):
        assert terms(text) == definition(text)


def test_mixed_text_in_any_script_gives_the_terms_of_the_pattern():
    rng = random.Random(19)
    for _ in range(5000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 30)))
        assert terms(text) == definition(text), repr(text)


def test_the_paragraphs_of_the_multilingual_corpus_give_the_terms_of_the_pattern():
    pages = load_sources().values()
    assert {page["lang"] for page in pages} >= {"zh-CN", "ja", "th", "ar", "ru", "ko", "he", "hi", "de"}
    for page in pages:
        for text in [page["headline"], page["byline"], *page["paragraphs"], *page["edits"].values()]:
            if not isinstance(text, str):
                continue
            assert terms(text) == definition(text)


def test_english_typography_takes_the_fast_way_and_still_finds_every_word():
    assert terms("The mayor’s “plan” – approved—in 2026…") == "the mayor s plan approved in 2026"
