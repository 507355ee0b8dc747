"""Per-site rules: include and exclude selectors, ignore patterns, whole-page mode; checked input."""

from __future__ import annotations

import pytest

from tests.factories import FILLER, article_page, story
from tracker.domain.errors import InvalidInput
from tracker.domain.extract import extract_article, extractor_name
from tracker.domain.rules import DEFAULT_RULES, make_rules

PROMO = "Listen to our podcast every morning on the way to work, wherever you get your podcasts."
PAGE = article_page("Budget approved", story(4)).replace(
    "</article>", f"<p class='promo'>{PROMO}</p></article>"
)


def test_the_default_extraction_keeps_a_promotion_inside_the_article():
    assert PROMO in extract_article(PAGE).paragraphs


def test_exclude_removes_matching_parts_before_extracting():
    paragraphs = extract_article(PAGE, rules=make_rules(exclude=[".promo"])).paragraphs
    assert paragraphs == tuple(story(4))


def test_include_extracts_only_the_chosen_parts():
    page = article_page("T", story(2)).replace(
        "<main>", f"<main><div id='live'><h2>Live</h2><p>{FILLER}</p></div>"
    )
    paragraphs = extract_article(page, rules=make_rules(include=["#live"])).paragraphs
    assert paragraphs == ("Live", FILLER)


def test_ignore_patterns_cut_text_out_of_every_block():
    rules = make_rules(ignore=[r"Paragraph \d+\. "])
    assert extract_article(article_page("T", story(2)), rules=rules).paragraphs == (FILLER, FILLER)


def test_whole_page_mode_keeps_all_the_text():
    page = "<html><head><title>Opening hours</title></head><body><nav>Home</nav><ul><li>Mon 9-5</li><li>Tue 9-5</li></ul></body></html>"
    assert extract_article(page, rules=make_rules(whole_page=True)).paragraphs == (
        "Home",
        "Mon 9-5",
        "Tue 9-5",
    )


def test_readability_is_tried_when_trafilatura_finds_no_body():
    # trafilatura discards any container whose id names comments, even one that wraps the article.
    page = (
        '<html><body><div id="comments-and-article">'
        + "".join(f"<div>{FILLER} Part {n}.</div>" for n in range(8))
        + "</div></body></html>"
    )
    article = extract_article(page)
    assert article.method == "readability" and "Part 7." in article.paragraphs[-1]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"include": ["div[["]}, "bad_selector"),
        ({"ignore": ["(unclosed"]}, "bad_pattern"),
        ({"exclude": ["p"] * 21}, "bad_rules"),
        ({"whole_page": "yes"}, "bad_rules"),
        ({"include": 5}, "bad_rules"),
    ],
)
def test_bad_rules_are_refused_with_a_code(fields, code):
    with pytest.raises(InvalidInput) as caught:
        make_rules(**fields)
    assert caught.value.code == code


def test_the_rules_are_part_of_the_extractor_name_recorded_on_versions():
    assert extractor_name(DEFAULT_RULES).endswith("+rules:default")
    assert extractor_name(make_rules(exclude=[".ad"])) != extractor_name(make_rules(exclude=[".ads"]))
    assert make_rules(exclude=[" .ad ", ""]) == make_rules(exclude=[".ad"])
