"""Normalisation: invisible churn never changes the stored text's hash; typographic characters stay."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.normalize import clean_paragraphs, clean_text, content_hash


def test_clean_text_collapses_whitespace_and_removes_zero_width_characters():
    assert clean_text("  Budget\u00a0 approved\u200b by\t\tcouncil\n ") == "Budget approved by council"
    assert clean_text("co\u00adoperate\ufeff") == "cooperate"


def test_clean_text_composes_to_nfc_and_keeps_typographic_characters():
    assert clean_text("cafe\u0301 — “quoted” it’s") == "café — “quoted” it’s"


def test_empty_paragraphs_are_dropped():
    assert clean_paragraphs(["one", " \u200b ", "", "two"]) == ("one", "two")


def test_hash_ignores_typographic_variants_but_not_words_or_case():
    base = content_hash("Title", "Jane", ["It’s “fine” — really…"])
    assert content_hash("Title", "Jane", ['It\'s "fine" - really...']) == base
    assert content_hash("Title", "Jane", ["It’s “fine” — really!"]) != base
    assert content_hash("title", "Jane", ["It’s “fine” — really…"]) != base
    assert content_hash("Title", None, ["It’s “fine” — really…"]) != base


def test_hash_depends_on_paragraph_boundaries():
    assert content_hash("T", None, ["a b", "c"]) != content_hash("T", None, ["a", "b c"])


@given(st.text())
def test_clean_text_is_idempotent(text):
    assert clean_text(clean_text(text)) == clean_text(text)
