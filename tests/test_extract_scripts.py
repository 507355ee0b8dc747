"""Extraction that loses no text in any script: a <time> inside a sentence, a name's final vowel sign."""

from __future__ import annotations

import pytest

from tracker.domain.extract import extract_article

FILLER = "This paragraph holds enough ordinary words to count as the body of a real news article."


def page(body: str, head: str = "") -> str:
    paragraphs = "".join(f"<p>{n}. {FILLER}</p>" for n in range(4))
    return f"<html><head>{head}</head><body><article><h1>A headline</h1>{paragraphs}{body}</article></body></html>"


def test_a_time_inside_a_sentence_keeps_its_words():
    article = extract_article(
        page('<p>He said <time datetime="2026-03-02">on Monday</time> that it was agreed.</p>')
    )
    assert article.paragraphs[-1] == "He said on Monday that it was agreed."


def test_a_time_in_a_byline_line_is_still_left_out():
    article = extract_article(
        page(
            '<p class="meta">Von Anna Schmidt · <time datetime="2026-03-02">gestern</time> · 12 Kommentare</p>'
        )
    )
    assert not any("gestern" in paragraph for paragraph in article.paragraphs)


@pytest.mark.parametrize("name", ["प्रियंका त्रिपाठी", "สุภาพร แก้วมณี", "Анна Каренина"])
def test_a_name_ending_in_a_vowel_sign_keeps_it(name):
    article = extract_article(page("", head=f'<meta name="author" content="{name}">'))
    assert article.byline == name
