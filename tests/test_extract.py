"""Extraction: title, byline, dates and the body's blocks in reading order, from the page alone."""

from __future__ import annotations

import pytest

from tests.factories import FILLER, article_page, story
from tracker.domain.errors import ExtractError
from tracker.domain.extract import clean_byline, extract_article


def test_muo_example_extracts_title_byline_dates_and_blocks(muo):
    article = extract_article(muo["v1"])
    assert article.title == "Parler Sues Amazon Again, This Time Alleging Defamation and Breach of Contract"
    assert article.byline == "MUO Staff"
    assert article.published_at == "2021-03-03T17:00:00Z"
    assert article.canonical_url == "https://www.makeuseof.com/parler-sues-amazon-defamation/"
    assert article.paragraphs[0].startswith("Parler has dropped its previous lawsuit")
    assert article.title not in article.paragraphs  # the headline is the title, never a paragraph
    assert "Parler Seeks Revenge Against Amazon" in article.paragraphs  # a heading is its own block
    assert any(
        text.startswith("The true reason why AWS") for text in article.paragraphs
    )  # blockquote paragraph
    assert not any("Trending" in text or "minutes ago" in text for text in article.paragraphs)


def test_sidebar_and_navigation_never_reach_the_body():
    html = article_page(
        "Title", story(), sidebar="<h3>Most read</h3><ul><li><a href='/x'>Other story</a></li></ul>"
    )
    article = extract_article(html)
    assert article.paragraphs == tuple(story())


def with_raw_html(html: str) -> str:
    """Return an article page whose story ends with html, as written."""
    return article_page("T", [*story(), "END"]).replace("<p>END</p>", html)


def test_link_text_joins_the_words_around_it_as_the_page_wrote_them():
    paragraph = (
        'According to <a href="https://ft.com/x">a report by the <b>Financial</b> Times</a>, officials'
        ' had been warned in October.<br>The plan, <a href="/y">rejected in 2015</a>, cost more.'
    )
    article = extract_article(with_raw_html(f"<p>{paragraph}</p>"))
    assert article.paragraphs[-1] == (
        "According to a report by the Financial Times, officials had been warned in October."
        " The plan, rejected in 2015, cost more."
    )


def test_a_sentence_that_is_one_link_is_kept_even_at_the_end_of_the_body():
    sentence = (
        '<p><a href="/local/the-full-report">The full report, published on May 2, runs to 40 pages</a>.</p>'
    )
    teaser = '<p><a href="/local/other-story">Council leader quits after budget row</a></p>'
    article = extract_article(with_raw_html(teaser + sentence))
    assert article.paragraphs[-1] == "The full report, published on May 2, runs to 40 pages."
    assert "Council leader quits after budget row" not in article.paragraphs


def test_a_newsletter_sign_up_box_between_paragraphs_is_not_article_text():
    box = (
        '<div class="cmu"><h3>Get the best of the magazine</h3><p>Sign up for our daily newsletter.</p>'
        '<form><input type="email" placeholder="Your email"><button>Sign up</button></form></div>'
    )
    article = extract_article(with_raw_html(box + "<p>The council will meet again in May.</p>"))
    assert article.paragraphs[-1] == "The council will meet again in May."
    assert not any(
        "newsletter" in paragraph or "Get the best" in paragraph for paragraph in article.paragraphs
    )


def test_list_items_are_separate_blocks():
    html = article_page("Title", story(3)).replace(
        "</article>", f"<ul><li>First point: {FILLER}</li><li>Second point: {FILLER}</li></ul></article>"
    )
    blocks = extract_article(html).paragraphs
    assert blocks[-2].startswith("First point:") and blocks[-1].startswith("Second point:")


def test_modified_date_comes_from_meta_or_json_ld():
    meta = '<meta property="article:modified_time" content="2021-03-05T09:00:00Z">'
    assert extract_article(article_page("T", story(), extra_head=meta)).modified_at == "2021-03-05T09:00:00Z"
    json_ld = '<script type="application/ld+json">{"@graph": [{"dateModified": "2021-03-06"}]}</script>'
    assert extract_article(article_page("T", story(), extra_head=json_ld)).modified_at == "2021-03-06"


@pytest.mark.parametrize(
    ("byline", "lang", "names"),
    [
        ("<div class='byline'>By Kevin O'Brien ·</div>", "en", "Kevin O'Brien"),
        ("<div class='author'>· Kevin O'Brien</div>", "en", "Kevin O'Brien"),
        ("<div class='author'>— Jane Doe,</div>", "en", "Jane Doe"),
        ("<span class='author'>Par Marie Dupont |</span>", "fr", "Marie Dupont"),
        ("<span class='author'>作者：张伟</span>", "zh", "张伟"),
        ("<span class='author'>文：山田太郎</span>", "ja", "山田太郎"),
        ("<span class='author'>Автор: Иван Петров</span>", "ru", "Иван Петров"),
        ("<span class='author'>بقلم محمد علي</span>", "ar", "محمد علي"),
        ("<span class='author'>Door Kickers Staff</span>", "en", "Door Kickers Staff"),  # not Dutch "by"
        ("<span class='author'>Door Anne de Vries</span>", "nl", "Anne de Vries"),
    ],
)
def test_a_byline_keeps_its_names_without_separators_or_the_word_before_them(byline, lang, names):
    html = article_page("Title", story(), lang=lang).replace(
        '<div class="byline">By Jane Reporter</div>', byline
    )
    assert extract_article(html).byline == names


@pytest.mark.parametrize(
    ("byline", "language", "names"),
    [
        ("Jane Doe and John Roe ·", "en", "Jane Doe and John Roe"),  # a list of names stays as written
        ("Kevin O'Brien · Staff writer", "en", "Kevin O'Brien · Staff writer"),  # a separator inside stays
        ("Von Anna Schmidt · vor 3 Minuten", "de", "Anna Schmidt"),
        ("Por Fernanda Kowalski", "pt-BR", "Fernanda Kowalski"),
        ("BY JANE DOE", None, "JANE DOE"),  # English "By" opens a byline on any page
        ("Text: Anna Schmidt", "en", "Anna Schmidt"),  # a colon marks the opener in any language
        ("Von: Max Muster", None, "Max Muster"),
        ("Автор: Иван Петров", None, "Иван Петров"),
        ("作者：张伟", None, "张伟"),
        ("بقلم محمد علي", None, "محمد علي"),  # a word no Arabic name starts with
        ("文在寅", "ko", "文在寅"),  # 文 opens a byline only before a colon: here it is a surname
        # Words that open a byline in one language start names in others: only the page's own counts.
        ("Par Olsson", "sv", "Par Olsson"),
        ("Par Olsson", None, "Par Olsson"),
        ("Door Kickers Staff", "en", "Door Kickers Staff"),
        ("Von Trapp Family Singers", "en", "Von Trapp Family Singers"),
        ("Text und Fotos: Anna Schmidt", "de", "Text und Fotos: Anna Schmidt"),  # no one-word opener
        ("·", None, None),
    ],
)
def test_byline_cleaning_leaves_the_names_alone(byline, language, names):
    assert clean_byline(byline, language) == names


@pytest.mark.parametrize(
    "html",
    ["", "<html><body></body></html>", "<html><body><nav>Home</nav></body></html>", "\x00\x00\x00", "<<<>>>"],
)
def test_pages_without_article_text_are_no_article(html: str):
    with pytest.raises(ExtractError) as caught:
        extract_article(html)
    assert caught.value.code == "no_article"


def test_extraction_is_pure_the_same_page_gives_the_same_result():
    html = article_page("Title", story())
    assert extract_article(html) == extract_article(html)
