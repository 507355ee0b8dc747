"""The diff page puts the change first, on a 390 x 844 phone and a 1366 x 900 laptop: the first change
on the first screen under the summary, the view the screen suits named in the URL, no sideways scroll."""

from __future__ import annotations

import pytest

from tests.factories import article_page, story
from tests.test_browser import (  # noqa: F401  (fixtures)
    browser,
    collect_errors,
    database_url,
    live,
    long_story_edited_in_two_places,
    make_admin,
    pytestmark,
    seed_versions,
)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
FIRST_CHANGE_BOX = """() => {
  const first = Array.from(document.querySelectorAll("[data-change]")).find((e) => e.getClientRects().length);
  const box = first.getBoundingClientRect();
  return {top: box.top, bottom: box.bottom, text: first.innerText};
}"""


def edited(paragraphs: list[str], index: int) -> list[str]:
    """The paragraphs with the one at `index` (0-based) reworded."""
    return [
        *paragraphs[:index],
        paragraphs[index].replace("for months", "for over a year"),
        *paragraphs[index + 1 :],
    ]


@pytest.fixture
def tab(browser, request):  # noqa: F811  (fixtures)
    """A page at the viewport the test names; `tab.errors` collects what its pages log as errors."""
    context = browser.new_context(viewport=request.param)
    context.set_default_timeout(8000)
    page = context.new_page()
    page.errors = collect_errors(page)
    yield page
    context.close()


def fits_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize(
    ("tab", "view"), [(PHONE, "inline"), (LAPTOP, "side")], indirect=["tab"], ids=["phone", "laptop"]
)
def test_the_first_change_is_on_the_first_screen(tab, view, live, runtime, site, muo, screenshot_dirs):  # noqa: F811
    make_admin(tab, live)
    thirty, sixty = story(30), story(60)
    # versions 1→2 change the first paragraph, 2→3 the 25th of 30, 4→5 the 50th of 60
    pages = [thirty, edited(thirty, 0), edited(edited(thirty, 0), 24), sixty, edited(sixty, 49)]
    article_id = seed_versions(runtime, site, [article_page("Story", paragraphs) for paragraphs in pages])
    muo_id = seed_versions(runtime, site, [muo["v1"], muo["v2"]], path="/muo")
    cases = [
        (article_id, 1, 2, "Paragraph 1."),
        (article_id, 2, 3, "Paragraph 25."),
        (article_id, 4, 5, "Paragraph 50."),
    ]
    for shown, old, new, first_words in [*cases, (muo_id, 1, 2, "Updated")]:
        tab.goto(f"{live}/articles/{shown}/diff?from={old}&to={new}")
        tab.wait_for_url(f"**/diff?from={old}&to={new}&view={view}")  # the shown view, named by diff.js
        first = tab.evaluate(FIRST_CHANGE_BOX)
        assert first_words in first["text"], first["text"]
        assert first["top"] >= 0 and first["bottom"] <= tab.viewport_size["height"], (shown, old, first)
        assert tab.locator(".summary").bounding_box()["y"] >= 0
        assert tab.evaluate("window.scrollY") == 0  # folding, not scrolling, brought the change up
        assert fits_sideways(tab)
    for folder in screenshot_dirs:  # the MUO diff's first screen
        tab.screenshot(path=str(folder / f"diff-first-{tab.viewport_size['width']}.png"))
    assert tab.errors == []


@pytest.mark.parametrize("tab", [PHONE], indirect=True, ids=["phone"])
def test_a_phone_reads_inline_until_side_by_side_is_chosen(tab, live, runtime, site):  # noqa: F811
    make_admin(tab, live)
    article_id = long_story_edited_in_two_places(runtime, site)
    tab.goto(f"{live}/articles/{article_id}/diff?from=1&to=2")
    tab.wait_for_url("**/diff?from=1&to=2&view=inline")
    assert (
        tab.locator(".diff.inline").is_visible()
        and not tab.locator("table.diff.side:not(.nested)").is_visible()
    )
    assert tab.input_value(".permalink") == tab.url
    steps = []
    for key in ("j", "j", "k"):
        tab.keyboard.press(key)
        steps.append(
            tab.evaluate(
                "[document.activeElement.closest('.diff').dataset.view, document.activeElement.innerText]"
            )
        )
    assert [(view, "over a year" in text, "4,000 new homes" in text) for view, text in steps] == [
        ("inline", True, False),
        ("inline", False, True),
        ("inline", True, False),
    ]
    assert fits_sideways(tab)

    tab.click("text=Side by side")
    tab.wait_for_url("**/diff?from=1&to=2&view=side")
    tab.click("text=↓ Next")
    assert "over a year" in tab.evaluate("document.activeElement.innerText")
    assert fits_sideways(tab)
    tab.goto(f"{live}/articles/{article_id}/diff?from=1&to=2")  # a later visit: the choice is remembered
    assert tab.url.endswith("view=side") and tab.locator("table.diff.side:not(.nested)").is_visible()
    assert tab.locator(".diff.inline").count() == 0
    assert tab.errors == []


@pytest.mark.parametrize("tab", [{"width": 844, "height": 260}], indirect=True, ids=["short-window"])
def test_a_first_change_below_the_first_screen_is_scrolled_to(tab, live, runtime, site):  # noqa: F811
    make_admin(tab, live)
    paragraphs = story(30)
    article_id = seed_versions(
        runtime, site, [article_page("Story", paragraphs), article_page("Story", edited(paragraphs, 24))]
    )
    tab.goto(f"{live}/articles/{article_id}/diff?from=1&to=2")
    tab.wait_for_url("**/diff?from=1&to=2&view=side")
    first = tab.evaluate(FIRST_CHANGE_BOX)
    assert first["top"] >= 0 and first["bottom"] <= 260 and tab.evaluate("window.scrollY") > 0
    tab.goto(f"{live}/articles/{article_id}/diff?from=1&to=2&view=inline#elsewhere")  # the reader's place
    assert tab.evaluate("window.scrollY") == 0
    assert tab.errors == []
