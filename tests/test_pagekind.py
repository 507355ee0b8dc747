"""Pages that are not the article never become versions: each gets its own error code."""

from __future__ import annotations

import pytest

from tracker.domain.pagekind import PageFacts, not_the_article

ARTICLE = "https://news.example.com/2026/03/05/budget-approved"


def facts(
    html: str = "<p>text</p>",
    *,
    final_url: str = ARTICLE,
    title: str | None = "Budget approved",
    words: int | None = 600,
    previous: int | None = 600,
) -> PageFacts:
    return PageFacts(
        url=ARTICLE, final_url=final_url, html=html, title=title, words=words, previous_words=previous
    )


def code(page: PageFacts) -> str | None:
    problem = not_the_article(page)
    return problem.code if problem else None


def test_a_normal_article_is_the_article():
    assert (
        code(facts("<p>The council approved the budget.</p><footer>We value your privacy</footer>")) is None
    )


@pytest.mark.parametrize(
    "home", ["https://news.example.com/", "https://news.example.com", "https://news.example.com/index.html"]
)
def test_a_redirect_to_the_home_page_is_redirected_away(home: str):
    assert code(facts(final_url=home)) == "redirected_away"


def test_a_redirect_to_a_login_page_is_paywalled():
    assert code(facts(final_url="https://news.example.com/login?next=/2026/03/05")) == "paywalled"


def test_a_consent_wall_instead_of_the_article():
    wall = (
        "<div id='onetrust-banner'>We value your privacy. Accept all cookies or manage cookie settings.</div>"
    )
    assert code(facts(wall, words=None)) == "consent_wall"
    assert code(facts(wall, words=40)) == "consent_wall"  # much shorter than before


def test_a_paywall_teaser():
    teaser = "<p>The council met on Tuesday.</p><div class='paywall'>Subscribe to continue reading.</div>"
    assert code(facts(teaser, words=60)) == "paywalled"


def test_json_ld_not_accessible_for_free_with_a_cut_text_is_paywalled():
    html = '<script type="application/ld+json">{"isAccessibleForFree": false}</script><p>Short.</p>'
    assert code(facts(html, words=80)) == "paywalled"
    assert code(facts(html, words=590)) is None  # the whole article is there: we may be a subscriber


def test_a_soft_404():
    assert (
        code(facts("<h1>Page not found</h1><p>Sorry.</p>", title="Page not found", words=None)) == "soft_404"
    )
    assert (
        code(facts("<h1>Oops</h1><p>We couldn't find that page.</p>", title="Oops", words=12)) == "soft_404"
    )


def test_a_maintenance_page():
    html = "<h1>We'll be right back</h1><p>The site is down for maintenance.</p>"
    assert code(facts(html, title="Maintenance", words=10)) == "maintenance"


def test_a_short_article_that_mentions_walls_in_passing_is_still_the_article():
    html = "<p>The newspaper said readers who reach the limit will be asked to subscribe.</p>"
    assert code(facts(html, words=120, previous=None)) is None
