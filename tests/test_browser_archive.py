"""The article page of an article whose past a backfill filled in from web archives, in Debian's
chromium on a phone (390 × 844) and a laptop (1366 × 900): where each version came from, the count,
links to versions and diffs that work, a clean console and no serious axe fault.

`pytest tests/test_browser_archive.py --screenshots` also saves docs/screenshots/article-archive-<phone|laptop>.png."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask

from tests.factories import make_test_app
from tests.test_browser import (  # noqa: F401  (fixtures)
    browser,
    collect_errors,
    database_url,
    live,
    make_admin,
    pytestmark,
    save,
)
from tests.test_browser_pages import SIZES, axe_faults, sideways
from tests.test_pages import ARCHIVE, archived_then_live


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:  # noqa: F811  (the fixture)
    """The app with web archives on, so that followers are offered to fill an article in."""
    app = make_test_app(database_url, archives=ARCHIVE)
    yield app
    app.extensions["tracker"].engine.dispose()


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_an_article_filled_in_from_web_archives_shows_where_each_version_came_from(
    browser,  # noqa: F811  (fixtures)
    live,  # noqa: F811
    runtime,
    site,
    screenshot_dirs,
    size: str,
):
    article_id = archived_then_live(runtime, site)
    context = browser.new_context(viewport=SIZES[size])
    context.set_default_timeout(8000)
    tab = context.new_page()
    errors = collect_errors(tab)
    make_admin(tab, live)

    tab.goto(f"{live}/articles/{article_id}")
    assert "· 3 versions" in " ".join(tab.locator(".article-meta").inner_text().split())
    rows = tab.locator("ul.timeline li.version")
    assert [row.inner_text().split()[1] for row in rows.all()] == ["3", "2", "1"]
    assert rows.nth(0).get_by_text("first seen live").is_visible()
    for n in (1, 2):
        capture = rows.nth(n).get_by_role("link", name="Internet Archive capture")
        assert capture.get_attribute("href").startswith("https://web.archive.org/web/")
        assert {"nofollow", "noopener"} <= set(capture.get_attribute("rel").split())
    assert rows.nth(0).get_by_role("link", name="Internet Archive capture").count() == 0
    assert tab.locator(".backfill").inner_text().startswith("2 versions from web archives, filled in ")
    assert tab.get_by_role("button", name="Fill in from web archives").is_visible()
    assert sideways(tab, SIZES[size]["width"]) == []
    assert axe_faults(tab) == []
    save(tab, f"article-archive-{size}.png", screenshot_dirs)

    rows.nth(2).get_by_role("link", name="Version 1").click()  # the oldest capture
    tab.wait_for_load_state()
    banner = " ".join(tab.locator(".banner").inner_text().split())
    assert banner.startswith("Version 1 of 3, captured ") and "Internet Archive capture" in banner
    assert tab.get_by_role("link", name="What changed").count() == 0  # nothing before it
    assert axe_faults(tab) == []

    tab.go_back()
    rows.nth(0).get_by_role("link", name="what changed").click()  # from the newest capture to live
    tab.wait_for_load_state()
    assert re.search(r"/diff\?from=2&to=3", tab.url)
    assert tab.locator("h1").inner_text() == "What changed"
    assert axe_faults(tab) == []
    tab.get_by_role("link", name=re.compile("^← ")).click()
    tab.wait_for_load_state()
    rows.nth(1).get_by_role("link", name="what changed").click()  # between the two captures
    tab.wait_for_load_state()
    assert re.search(r"/diff\?from=1&to=2", tab.url)
    assert errors == []
    context.close()
