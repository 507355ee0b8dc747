"""The pages people use, in a real headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.factories import article_page, story
from tests.pageserver import PageServer
from tracker.engine.runtime import Runtime
from tracker.services import articles
from tracker.services.checks import check_article

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (make test installs it)"
    ),
]
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Browser tests look at pages, not storage: SQLite is enough (storage is tested on both)."""
    import shutil

    path = tmp_path / "browser.sqlite"
    shutil.copy(request.getfixturevalue("sqlite_template"), path)
    yield f"sqlite:///{path}"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def collect_errors(tab, *, expected_url: str | None = None) -> list[str]:
    """Return a list that fills with what the tab's pages log as errors or throw uncaught; a page's
    own error status (a 404 page's, at expected_url) is expected and left out."""
    errors: list[str] = []
    tab.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and message.location.get("url") != expected_url
            else None
        ),
    )
    tab.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    return errors


@pytest.fixture
def page(browser, tmp_path: Path) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(5000)
    tab = context.new_page()
    yield tab
    tab.screenshot(path=str(tmp_path / "last.png"), full_page=True)
    context.close()


def seed_versions(runtime: Runtime, site: PageServer, pages: list[str], *, path: str = "/a") -> int:
    """Track one URL and check it once per page served; return the article id."""
    now = datetime.now(UTC)
    with runtime.sessions.begin() as session:
        article_id = articles.add_article(session, site.url(path), user_id=None, allow_private=True, now=now)[
            0
        ].id
    for html in pages:
        site.serve(path, html)
        check_article(runtime.checking, article_id)
    return article_id


def make_admin(page, live: str) -> None:
    page.goto(f"{live}/")
    page.fill("#username", "admin")
    page.fill("#password", "correct horse")
    page.fill("#confirm", "correct horse")
    page.click("text=Create the administrator")


def save(tab, name: str, folders: list[Path]) -> None:
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(folder / name), full_page=True)


def test_muo_diff_shows_the_three_inserted_paragraphs_and_nothing_else(
    page, live, runtime, site, muo, screenshot_dirs
):
    make_admin(page, live)
    article_id = seed_versions(runtime, site, [muo["v1"], muo["v1-noise"], muo["v2"]])

    page.goto(f"{live}/articles/{article_id}/diff?from=1&to=2")

    inserted = page.locator("table.diff ins").all_inner_texts()
    assert [text.split(" ")[0] for text in inserted] == ["Updated", "An", "There"]
    assert page.locator("table.diff del").count() == 0
    assert page.locator("table.diff td.gap").count() == 3  # the left column is empty beside each insert
    save(page, "diff-desktop.png", screenshot_dirs)


def test_inline_view_is_one_click_away_and_remembered(page, live, runtime, site, muo):
    make_admin(page, live)
    article_id = seed_versions(runtime, site, [muo["v1"], muo["v2"]])
    page.goto(f"{live}/articles/{article_id}/diff?from=1&to=2")
    page.click("text=Inline")
    assert "view=inline" in page.url
    assert page.locator(".diff.inline ins").count() == 3
    page.goto(f"{live}/articles/{article_id}")
    page.click("text=what changed")
    assert page.url.endswith("view=inline") and page.locator(".diff.inline").count() == 1


def long_story_edited_in_two_places(runtime, site) -> int:
    """An article of 30 paragraphs whose 5th and 25th change: two changes, three folds."""
    paragraphs = story(30)
    edited = list(paragraphs)
    edited[4] = edited[4].replace("for months", "for over a year")
    edited[24] = edited[24].replace("new housing", "4,000 new homes")
    return seed_versions(runtime, site, [article_page("Story", paragraphs), article_page("Story", edited)])


def focused_text(tab) -> str:
    return tab.evaluate("document.activeElement.innerText")


def test_j_and_k_step_through_the_changes(page, live, runtime, site):
    make_admin(page, live)
    article_id = long_story_edited_in_two_places(runtime, site)
    page.goto(f"{live}/articles/{article_id}/diff?from=1&to=2&view=side")
    page.keyboard.press("j")
    assert "over a year" in focused_text(page)
    page.keyboard.press("j")
    assert "4,000 new homes" in focused_text(page)
    page.keyboard.press("k")
    assert "over a year" in focused_text(page)
    page.click("text=↓ Next")
    assert "4,000 new homes" in focused_text(page)


def test_a_folded_stretch_expands_in_place(page, live, runtime, site):
    make_admin(page, live)
    article_id = long_story_edited_in_two_places(runtime, site)
    page.goto(f"{live}/articles/{article_id}/diff?from=1&to=2&view=side")
    fold = page.locator("tr.fold summary", has_text="15 unchanged paragraphs")
    hidden = page.get_by_text("Paragraph 12.", exact=False).first
    assert not hidden.is_visible()
    fold.click()
    assert hidden.is_visible()


def test_the_copied_link_reproduces_the_page(browser, live, runtime, site, muo):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    make_admin(tab, live)
    article_id = seed_versions(runtime, site, [muo["v1"], muo["v1-noise"], muo["v2"]])
    tab.goto(f"{live}/articles/{article_id}/diff")
    tab.click("text=Inline")
    tab.click("text=Copy link")
    tab.wait_for_selector("text=Link copied")  # the clipboard is written once the page says so
    link = tab.evaluate("navigator.clipboard.readText()")
    shown = [tab.inner_text(selector) for selector in (".summary", ".diff")]
    other = context.new_page()
    other.goto(link)
    assert link == f"{live}/articles/{article_id}/diff?from=1&to=2&view=inline"
    assert [other.inner_text(selector) for selector in (".summary", ".diff")] == shown
    context.close()


def test_the_snapshot_frame_runs_no_script_and_loads_nothing(page, live, runtime, site):
    hostile = (
        article_page("Story", story())
        .replace(
            "</head>",
            "<script>parent.__pwned = 1; top.__pwned = 1;</script><link rel='stylesheet' href='/evil.css'></head>",
        )
        .replace("<article>", "<article><img src='/evil.png' onerror='parent.__pwned = 2'>")
    )
    make_admin(page, live)
    article_id = seed_versions(runtime, site, [hostile])
    requests_seen: list[str] = []
    page.on("request", lambda request: requests_seen.append(request.url))
    page.goto(f"{live}/articles/{article_id}/versions/1")
    page.click("text=Show the page as it looked")
    frame = page.frame_locator("iframe.snapshot")
    assert "Paragraph 1." in frame.locator("body").inner_text()
    assert page.evaluate("window.__pwned") is None
    assert not [url for url in requests_seen if "evil" in url]


def test_a_newcomer_sets_up_adds_an_article_and_sees_its_first_version(page, live, site):
    url = site.serve("/story", article_page("Budget approved", story()))
    make_admin(page, live)
    page.fill("input[name=url]", url)
    page.click("button:has-text('Track')")
    page.click("button:has-text('Check now')")
    assert "first version (1) is stored" in page.inner_text("main")
    page.click("text=Version 1")
    assert page.inner_text("article.reading h1") == "Budget approved"


def test_hostile_article_text_is_shown_as_text_and_runs_nothing(page, live, runtime, site):
    hostile = [
        "&lt;script&gt;window.__pwned = 1&lt;/script&gt; appeared in the text the attackers posted on Monday.",
        "&lt;img src=x onerror=&quot;window.__pwned = 2&quot;&gt; was also in the comment section that week.",
        '<a href="javascript:window.__pwned=3">A link</a> that points at javascript was in the article as well.',
    ]
    make_admin(page, live)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    article_id = seed_versions(
        runtime,
        site,
        [
            article_page("Story", story()),
            article_page("Story", story()).replace(
                "</article>", "".join(f"<p>{text}</p>" for text in hostile) + "</article>"
            ),
        ],
    )
    for path in (f"/articles/{article_id}/diff?from=1&to=2", f"/articles/{article_id}/versions/2"):
        page.goto(f"{live}{path}")
        assert "<script>window.__pwned = 1</script>" in page.inner_text("main")
        assert page.evaluate("window.__pwned") is None
    assert dialogs == []


def test_the_phone_layout_has_no_horizontal_scroll(browser, live, runtime, site, muo, screenshot_dirs):
    article_id = seed_versions(runtime, site, [muo["v1"], muo["v2"]])
    context = browser.new_context(viewport={"width": 375, "height": 800})
    phone = context.new_page()
    make_admin(phone, live)
    for path in (
        "/",
        "/changes",
        f"/articles/{article_id}",
        f"/articles/{article_id}/versions/2",
        f"/articles/{article_id}/diff?from=1&to=2&view=side",
    ):
        phone.goto(f"{live}{path}")
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    save(phone, "diff-phone.png", screenshot_dirs)
    context.close()


RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Local desk</title><link>{base}</link>
<description>News</description>{items}</channel></rss>"""
ITEM = "<item><title>{title}</title><link>{link}</link><guid>{link}</guid></item>"


def rss(site: PageServer, paths: list[str]) -> str:
    items = "".join(ITEM.format(title=f"Story {path}", link=site.url(path)) for path in paths)
    return RSS.format(base=site.url("/"), items=items)


@pytest.fixture
def open_app(database_url: str) -> Iterator[Flask]:
    """An installation where anyone may sign up, with its administrator already set up."""
    from tracker.factory import create_app
    from tracker.services import accounts

    app = create_app(
        database_url=database_url, secret_key="b", signup="open", allow_private_networks=True, scheduler=False
    )
    with app.extensions["tracker"].sessions.begin() as session:
        accounts.create_user(session, "admin", password="correct horse", is_admin=True, now=datetime.now(UTC))
    yield app
    app.extensions["tracker"].engine.dispose()


def test_a_media_watcher_signs_up_imports_tags_follows_a_feed_and_reads_the_tag_feed(
    browser, open_app: Flask, site: PageServer, screenshot_dirs
):
    import urllib.request

    import feedparser

    server = make_server("127.0.0.1", 0, open_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    live = f"http://127.0.0.1:{server.server_port}"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(8000)
    page = context.new_page()
    try:
        for n in (1, 2, 3):
            site.serve(f"/story{n}", article_page(f"Story {n}", story(3)))
        page.goto(f"{live}/signup")
        page.fill("#username", "wendy")
        page.fill("#password", "watch carefully")
        page.fill("#confirm", "watch carefully")
        page.click("text=Create my account")
        page.click("button:has-text('Sign out')")
        page.goto(f"{live}/login")
        page.fill("#username", "wendy")
        page.fill("#password", "watch carefully")
        page.click("button:has-text('Sign in')")
        assert page.locator("nav").inner_text().count("wendy") == 1

        page.click("nav >> text=Import")
        page.fill(
            "#urls",
            "\n".join([site.url("/story1"), site.url("/story2"), "this is no URL", site.url("/story3")]),
        )
        page.click("button:has-text('Import')")
        report = page.locator(".import-report").inner_text()
        assert "3 added" in report and "1 rejected" in report and "this is no URL" in report
        save(page, "import-report.png", screenshot_dirs)

        page.goto(f"{live}/")
        page.click("a[href='/articles/1']")
        page.click("summary:has-text('Tags and note')")  # the panel starts closed
        page.fill("#tags", "local, council")
        page.click("button:has-text('Save tags and note')")
        page.goto(f"{live}/?tag=local")
        assert page.locator("table.articles tbody tr").count() == 1
        page.goto(f"{live}/")
        save(page, "watchlist.png", screenshot_dirs)

        site.serve("/feed.xml", rss(site, ["/story4"]), content_type="application/rss+xml")
        site.serve("/story4", article_page("Story 4", story(4)))
        page.click("nav >> text=Feeds")
        page.fill("#url", site.url("/feed.xml"))
        page.click("form.stack button:has-text('Follow')")
        page.goto(f"{live}/feeds")
        page.click("text=Local desk")
        assert "Story /story4" in page.locator("main").inner_text()
        site.serve("/feed.xml", rss(site, ["/story4", "/story5"]), content_type="application/rss+xml")
        site.serve("/story5", article_page("Story 5", story(5)))
        page.click("button:has-text('Check now')")
        assert "Story /story5" in page.locator("main").inner_text()
        save(page, "feed.png", screenshot_dirs)

        # the tagged article changes; its private tag feed shows the change
        runtime = open_app.extensions["tracker"]
        check_article(runtime.checking, 1)
        site.serve("/story1", article_page("Story 1", story(4)))
        check_article(runtime.checking, 1)
        page.goto(f"{live}/account/feeds")
        address = page.locator("a[type='application/atom+xml'] code").all_inner_texts()
        local = next(url for url in address if "/tags/local/" in url)
        path = local.split("://", 1)[1].split("/", 1)[1]
        parsed = feedparser.parse(urllib.request.urlopen(f"{live}/{path}", timeout=10).read())
        assert not parsed.bozo and len(parsed.entries) == 1
        assert parsed.entries[0].link.endswith("/articles/1/diff?from=1&to=2")
    finally:
        context.close()
        server.shutdown()
