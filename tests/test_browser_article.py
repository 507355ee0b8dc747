"""The article page on a phone (390 × 844) in Debian's chromium: the versions on the first screen,
nothing wider than the screen, and a version stored while the page is open announced in place (a
check without one ends the watch, quietly)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from tests.factories import article_page, story
from tests.test_baselines import promo_page, set_site_rules
from tests.test_browser import (  # noqa: F401  (fixtures)
    browser,
    collect_errors,
    database_url,
    live,
    make_admin,
    pytestmark,
    save,
    seed_versions,
)
from tracker.adapters.models import Article
from tracker.services.checks import check_article


def test_on_a_phone_the_versions_come_first_and_a_new_version_is_announced(
    browser,  # noqa: F811  (fixtures)
    live,  # noqa: F811
    runtime,
    site,
    screenshot_dirs,
):
    paragraphs = story(12)
    edited = [*paragraphs[:5], paragraphs[5].replace("Tuesday", "Thursday"), *paragraphs[6:]]
    pages = [article_page("Council approves the budget", text) for text in (paragraphs, edited)]
    article_id = seed_versions(runtime, site, pages)
    make_due(runtime, article_id)  # as after "Check now" from the list
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(8000)
    phone = context.new_page()
    errors = collect_errors(phone)
    make_admin(phone, live)

    phone.goto(f"{live}/articles/{article_id}")
    newest = phone.locator("ul.timeline li.version").first
    assert newest.bounding_box()["y"] + newest.bounding_box()["height"] <= 844  # on the first screen
    assert "2 words changed" in newest.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.locator("details.describe").count() == 0  # no follower yet: a Follow button, no form

    site.serve("/a", article_page("Council approves the budget", [*edited, "Update: the vote was 7 to 2."]))
    assert check_article(runtime.checking, article_id).version_number == 3  # a check run elsewhere
    banner = phone.locator("#refresh[role=status]")
    banner.get_by_text("Version 3 is stored").wait_for()
    save(phone, "article-new-version-phone.png", screenshot_dirs)
    banner.get_by_role("link", name="Show it").click()
    phone.wait_for_load_state()
    assert phone.locator("ul.timeline li.version").first.inner_text().startswith("Version 3")
    assert errors == []
    context.close()


def test_a_check_that_stores_no_new_version_ends_the_watch(
    browser,  # noqa: F811  (fixtures)
    live,  # noqa: F811
    runtime,
    site,
):
    article_id = seed_versions(runtime, site, [promo_page(story(4))])
    make_due(runtime, article_id)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(8000)
    tab = context.new_page()
    errors = collect_errors(tab)
    polls: list[str] = []
    tab.on("request", lambda request: polls.append(request.url) if "state.json" in request.url else None)
    tab.clock.install()  # the page's four seconds between polls pass when the test says
    make_admin(tab, live)
    tab.goto(f"{live}/articles/{article_id}")

    set_site_rules(runtime, "127.0.0.1", exclude=[".promo"])
    check_article(runtime.checking, article_id)  # re-reads the page under the new rules: a baseline
    tab.clock.run_for(4000)
    banner = tab.locator("#refresh[role=status]")
    banner.get_by_text("Checked: no new version.").wait_for()  # not "Version 2 is stored"
    watched = len(polls)
    tab.clock.run_for(60_000)
    tab.wait_for_timeout(300)  # real time, for any poll's request to be seen
    assert len(polls) == watched == 1
    assert errors == []
    context.close()


def make_due(runtime, article_id: int) -> None:
    """Make the article due now: its page then watches for the check's result."""
    with runtime.sessions.begin() as session:
        session.execute(
            update(Article).where(Article.id == article_id).values(next_check_at=datetime.now(UTC))
        )
