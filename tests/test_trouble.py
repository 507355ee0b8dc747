"""An article's trouble in plain words: the badge and the last error's sentence (pure)."""

from __future__ import annotations

import pytest

from tracker.domain.trouble import SENTENCES, Trouble, error_words, times, trouble


@pytest.mark.parametrize(
    ("count", "words"),
    [(0, ""), (1, ""), (2, " twice in a row"), (3, " three times in a row"), (12, " 12 times in a row")],
)
def test_times_says_how_often_in_a_row(count: int, words: str):
    assert times(count) == words


@pytest.mark.parametrize(
    ("code", "count", "sentence"),
    [
        (
            "http_404",
            3,
            "The site answered 404 (page not found) three times in a row; the article may have been taken down.",
        ),
        ("http_404", 1, "The site answered 404 (page not found); the article may have been taken down."),
        ("http_410", 1, "The site answered 410: the page is gone for good."),
        (
            "http_503",
            2,
            "The site's server failed (503) twice in a row; this is usually temporary, and checks go on.",
        ),
        ("http_418", 1, "The site answered 418 instead of the page."),
        (
            "timeout",
            5,
            "The site did not answer in time five times in a row; it may be slow or down, and checks go on.",
        ),
        (
            "dns",
            1,
            "The site's name could not be found (DNS); check the address, or whether the site still exists.",
        ),
        (
            "redirected_away",
            3,
            "The address now leads elsewhere (such as the home page) three times in a row; "
            "the article may have been taken down.",
        ),
        ("paywalled", 1, "The site showed a paywall instead of the article."),
        (
            "no_article",
            2,
            "No article text was found on the page twice in a row; a site rule (CSS selectors, or whole "
            "page text) may help.",
        ),
        ("blocked_address", 1, "The address leads to a private network, which is never fetched."),
        ("too_large", 1, "The page is larger than the size limit (TRACKER_MAX_BODY_BYTES)."),
        ("something_new", 2, "The last check failed (something_new) twice in a row."),
    ],
)
def test_error_words_say_what_happened_how_often_and_what_to_do(code: str, count: int, sentence: str):
    assert error_words(code, count) == sentence


@pytest.mark.parametrize("code", sorted(SENTENCES))
def test_every_known_code_reads_as_one_sentence(code: str):
    sentence = error_words(code, 4)
    assert sentence[0].isupper() and sentence.endswith(".") and "{" not in sentence


def test_trouble_shows_the_error_only_while_checks_keep_failing_or_the_article_is_gone():
    assert trouble("active", 0, None, 0) == Trouble(badge=None, error=None)
    assert trouble("active", 0, "timeout", 3) == Trouble(badge=None, error=None)  # recovered since
    assert trouble("active", 2, "timeout", 2).error == error_words("timeout", 2)
    assert trouble("failing", 40, "http_500", 40) == Trouble("failing", error_words("http_500", 40))
    assert trouble("gone", 0, "http_410", 1) == Trouble("gone", error_words("http_410"))
    assert trouble("paused", 0, None, 0) == Trouble("paused", None)
