"""The articles list in a real browser: trouble badges, the last error in words, and bulk actions on
the filtered list (select all matching, pause, resume, tag), on a desktop and a phone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from tests.test_browser import (  # noqa: F401  (fixtures)
    browser,
    database_url,
    live,
    make_admin,
    pytestmark,
    save,
)
from tracker.adapters.models import Article
from tracker.engine.runtime import Runtime
from tracker.services import articles

NOW = datetime.now(UTC).replace(microsecond=0)
FOUR = {
    "active": ("Council approves the 2026 budget after a late-night session", {}),
    "failing": (
        "Harbour bridge repairs to start in spring",
        {
            "status": "failing",
            "failure_count": 9,
            "failing_since": NOW - timedelta(days=8),
            "last_error_at": NOW - timedelta(hours=2),
            "last_error_code": "timeout",
            "last_error_count": 9,
        },
    ),
    "gone": (
        "Mayor's statement on the library closures",
        {
            "status": "gone",
            "failure_count": 3,
            "failing_since": NOW - timedelta(days=2),
            "last_error_at": NOW - timedelta(hours=5),
            "last_error_code": "http_404",
            "last_error_count": 3,
        },
    ),
    "paused": ("School bus routes change from Monday", {"status": "paused"}),
}


def seed_four(runtime: Runtime, base: str) -> dict[str, int]:
    """The admin (user 1) follows an active, a failing, a gone and a paused article."""
    ids = {}
    with runtime.sessions.begin() as session:
        for name, (title, values) in FOUR.items():
            article, _ = articles.add_article(
                session, f"{base}/news/{name}", user_id=1, allow_private=True, now=NOW - timedelta(days=9)
            )
            ids[name] = article.id
            session.execute(
                update(Article)
                .where(Article.id == article.id)
                .values(title=title, last_checked_at=NOW - timedelta(hours=1), **values)
            )
    return ids


def rows(page) -> list[str]:
    return page.locator("table.articles tbody tr").all_inner_texts()


def test_the_list_shows_trouble_and_acts_on_the_filtered_articles(browser, live, runtime, screenshot_dirs):  # noqa: F811  (fixtures)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(8000)
    page = context.new_page()
    make_admin(page, live)
    seed_four(runtime, "https://news.example.com")
    page.goto(f"{live}/?sort=last_error")

    texts = rows(page)
    assert [text.split("\n")[0].strip() for text in texts[:2]] == [
        "Harbour bridge repairs to start in spring",
        "Mayor's statement on the library closures",
    ]
    assert "The site did not answer in time 9 times in a row" in texts[0]
    assert "The site answered 404 (page not found) three times in a row" in texts[1]
    badges = page.locator("table.articles .status").all_inner_texts()
    assert sorted(badge.strip() for badge in badges) == ["active", "‖ paused", "⚠ failing", "✕ gone"]
    assert page.locator(".bulk-actions button:disabled").count() == 6  # nothing selected yet
    save(page, "list-desktop.png", screenshot_dirs)

    page.select_option("#status", "failing")
    page.click("button:has-text('Filter')")
    assert len(rows(page)) == 1
    page.check("#everything")
    assert page.locator("#picked").inner_text() == "all 1 selected"
    page.fill("#bulk-tags", "bridge, broken")
    page.click("button:has-text('Add tags')")
    assert "Tagged: 1 of 1 article." in page.locator(".flash").inner_text()
    assert page.locator("table.articles a.tag").all_inner_texts() == ["bridge", "broken"]
    save(page, "list-tagged.png", screenshot_dirs)

    page.check("input[name=ids]")
    assert page.locator("#picked").inner_text() == "1 selected"
    page.click("button:has-text('Pause')")
    assert "Paused: 1 of 1 article." in page.locator(".flash").inner_text()
    assert rows(page) == []  # it is paused now, so no longer failing

    page.goto(f"{live}/?status=paused")
    assert len(rows(page)) == 2
    page.check("#pick-page")  # every row shown
    assert page.locator("#picked").inner_text() == "2 selected"
    page.click("button:has-text('Resume')")
    assert "Resumed: 2 of 2 articles." in page.locator(".flash").inner_text()
    page.goto(f"{live}/")
    badges = page.locator("table.articles .status").all_inner_texts()
    assert sorted(badge.strip() for badge in badges) == ["active", "active", "active", "✕ gone"]
    context.close()


def test_the_list_fits_a_phone_with_its_badges_errors_and_action_bar(browser, live, runtime, screenshot_dirs):  # noqa: F811  (fixtures)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(8000)
    phone = context.new_page()
    make_admin(phone, live)
    seed_four(runtime, "https://news.example.com")
    phone.goto(f"{live}/?sort=last_error")
    phone.check("input[name=ids] >> nth=0")
    assert phone.locator("#picked").inner_text() == "1 selected"
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert phone.locator(".last-error").count() == 2
    save(phone, "list-phone.png", screenshot_dirs)
    context.close()
