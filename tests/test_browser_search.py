"""The header's search box and the results page, in a real headless Chromium."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories import article_page, story
from tests.pageserver import PageServer
from tests.test_browser import browser, database_url, live, make_admin, page, pytestmark, save  # noqa: F401
from tracker.engine.runtime import Runtime
from tracker.services import accounts, articles
from tracker.services.checks import check_article

STATEMENT = "An Amazon spokesperson said the warehouse would stay open through the winter."


def seed_followed(
    runtime: Runtime, site: PageServer, path: str, pages: list[str], *, lang: str = "en"
) -> int:
    """Track a URL followed by the admin, and check it once per page served; return the article id."""
    now = datetime.now(UTC) - timedelta(hours=len(pages))
    with runtime.sessions.begin() as session:
        admin = accounts.user_named(session, "admin")
        assert admin is not None
        article_id = articles.add_article(
            session, site.url(path), user_id=admin.id, allow_private=True, now=now
        )[0].id
    for html in pages:
        site.serve(path, html)
        check_article(runtime.checking, article_id)
    return article_id


def test_header_search_finds_a_dropped_word(page, live, runtime, site, screenshot_dirs):  # noqa: F811
    make_admin(page, live)
    edited = seed_followed(
        runtime,
        site,
        "/warehouse",
        [
            article_page("Warehouse to stay open", [*story(3), STATEMENT]),
            article_page("Warehouse to stay open", story(3)),
        ],
    )
    seed_followed(
        runtime,
        site,
        "/zh",
        [
            article_page(
                "亚马逊仓库",
                ["亚马逊公司周二表示，该仓库将在整个冬季保持开放，数百名工人的工作不受影响。"] * 2,
                lang="zh",
            )
        ],
        lang="zh",
    )

    page.goto(f"{live}/")
    page.fill("header form[role=search] input[name=q]", "amazon warehouse")
    page.press("header form[role=search] input[name=q]", "Enter")
    results = page.locator("ol.results li")
    assert results.count() == 1
    assert page.locator("ol.results mark").all_inner_texts() == ["Amazon", "warehouse"]
    save(page, "search-results.png", screenshot_dirs)

    page.select_option("main form select[name=in]", "removed")
    page.click("main form button:has-text('Search')")
    assert "removed by a change" in page.inner_text("ol.results")
    page.click("ol.results li a")
    page.wait_for_url(f"**/articles/{edited}/diff?from=1&to=2&view=side")  # diff.js names the shown view
    assert "Amazon spokesperson" in page.inner_text("table.diff del")

    page.fill("header form[role=search] input[name=q]", "仓库")
    page.press("header form[role=search] input[name=q]", "Enter")
    assert page.locator("ol.results mark").first.inner_text() == "仓库"
