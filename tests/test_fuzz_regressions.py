"""What bench/fuzz.py and the hardening review (issue 18) found in pages, each with its minimal
example; and short runs of fuzz.py's invariants for the targets that had no property test of
their own (extract, the URL normaliser)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings

from bench.fuzz import PAGE, URL, check_extract, check_url
from tests.factories import article_page, auth, make_token, story
from tracker.domain.errors import ExtractError, InvalidInput
from tracker.domain.extract import extract_article
from tracker.domain.normalize import clean_text
from tracker.domain.urls import normalize_url


@pytest.mark.parametrize(
    "page",
    [
        "<html>",  # readability's summary of it was an empty <html></html>: an AssertionError in lxml
        "\x1b",  # readability kept the control character, which no lxml fragment may hold: ValueError
        "<h1>\x1f",  # trafilatura copied the headline's control character into a new element: ValueError
    ],
)
def test_pages_of_nothing_but_markup_and_control_characters_hold_no_article(page: str):
    with pytest.raises(ExtractError) as error:
        extract_article(page)
    assert error.value.code == "no_article"


def test_control_characters_in_a_page_are_dropped_and_its_article_kept():
    paragraphs = story()
    page = article_page("Budget\x1f approved", [paragraphs[0] + "\x08", *paragraphs[1:]])
    article = extract_article(page.replace("<p>", "<p>\x0b"))
    assert article.title == "Budget approved"
    assert article.paragraphs == tuple(paragraphs)


def test_an_invisible_character_between_a_letter_and_its_accent_is_removed_before_composing():
    cleaned = clean_text("A\u200b\u0300")  # was "A\u0300", which cleaning again made "À"
    assert cleaned == "\u00c0" and clean_text(cleaned) == cleaned


def test_a_host_that_idna_maps_to_a_bracket_is_a_bad_url_not_a_server_error(client: FlaskClient, runtime):
    with pytest.raises(InvalidInput) as error:
        normalize_url("http://\uff3b")  # a fullwidth "[": IDNA made it "http://[/", which urlsplit refuses
    assert error.value.code == "bad_url"
    answer = client.post("/api/v1/articles", json={"url": "http://\uff3b"}, headers=auth(make_token(runtime)))
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "bad_url"


def test_a_fullwidth_trailing_dot_is_dropped_like_an_ascii_one():
    assert (
        normalize_url("http://example.com\uff0e/")
        == normalize_url("http://example.com./")
        == "http://example.com/"
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PAGE)
def test_extraction_invariants_hold_for_arbitrary_pages(page: str | bytes):
    check_extract(page)


@settings(max_examples=200, deadline=None)
@given(URL)
def test_url_normaliser_invariants_hold_for_arbitrary_text(raw: str):
    check_url(raw)


@pytest.mark.parametrize("depth", [900, 5000])
def test_json_ld_nested_without_end_is_ignored(depth: int):
    # found by the hardening review (issue 18): json.loads overflowed the stack at 5,000 levels, and
    # walking 900 levels of lists overflowed it too
    script = f'<script type="application/ld+json">{"[" * depth}{"]" * depth}</script>'
    article = extract_article(article_page("Story", story(3), extra_head=script))
    assert article.paragraphs


@pytest.mark.parametrize(
    ("image", "kept"),
    [
        ("javascript:alert(1)", None),
        ("data:image/png;base64,AAAA", None),
        ("/img/lead.jpg", "https://news.example/img/lead.jpg"),
        (
            "https://cdn.example/i.jpg?sig=a%2Fb&utm_source=x",
            "https://cdn.example/i.jpg?sig=a%2Fb&utm_source=x",
        ),
    ],
)
def test_only_web_addresses_become_a_lead_image(image: str, kept: str | None):
    # the hardening review (issue 18) found javascript: canonicals; og:image was passed on the same way
    head = f'<meta property="og:image" content="{image}">'
    article = extract_article(
        article_page("Story", story(3), extra_head=head), "https://news.example/a/story"
    )
    assert article.lead_image == kept
