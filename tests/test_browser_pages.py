"""Every page as a phone (390 × 844) and a laptop (1366 × 900) show it, in Debian's chromium: nothing
scrolls sideways, axe-core finds no serious or critical fault (in the light and the dark scheme), the
console stays clean, and times read in the reader's zone. One realistic tracker is built for the whole
module; each page is a test of its own.

`pytest tests/test_browser_pages.py --screenshots` also saves every page at both sizes as
docs/screenshots/<page>-<phone|laptop>.png."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from tests import test_browser
from tests.factories import article_page, auth, make_test_app, story
from tests.pageserver import PageServer, Reply
from tests.test_browser import browser, collect_errors  # noqa: F401  (fixture)
from tracker.engine.deliverer import make_deliverer
from tracker.engine.runtime import Runtime
from tracker.services import accounts, alerts, articles, heartbeats, rules, watchlists
from tracker.services.checks import check_article

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
DOCS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
pytestmark = [
    *test_browser.pytestmark,
]
if not AXE.exists() and os.environ.get("CI"):
    raise RuntimeError("axe-core is not installed: `make test` runs `make axe`, which installs it")
SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 900}}
NOW = datetime.now(UTC).replace(second=0, microsecond=0)
PASSWORD = "correct horse"
# Every page a person opens, by the name its screenshot gets. The first three are seen signed out.
PAGES = [
    "setup",
    "login",
    "signup",
    "articles",
    "article",
    "version",
    "as-of",
    "as-of-before",
    "diff-side",
    "diff-inline",
    "changes",
    "search",
    "alerts",
    "alert",
    "delivery",
    "feeds",
    "feed",
    "account-feeds",
    "import",
    "rules",
    "article-rules",
    "tokens",
    "invites",
    "status",
    "api-docs",
    "not-found",
]
SIGNED_OUT = {"setup", "login", "signup"}
STATUS = {"not-found": 404, "as-of-before": 404}  # every other page answers 200


@dataclass(frozen=True)
class Tracker:
    """A running tracker with a history, a new installation beside it, and the admin's browser state."""

    base: str
    new_installation: str  # no account yet: its first page is the set-up page
    paths: dict[str, str]  # page name -> path
    admin: dict[str, Any]  # Playwright storage state of a browser signed in as the admin

    def url(self, name: str) -> str:
        return (self.new_installation if name == "setup" else self.base) + self.paths[name]


def make_app(database: Path, template: Path) -> Flask:
    shutil.copy(template, database)
    return make_test_app(f"sqlite:///{database}", connect_timeout=1.0, signup="invite")


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        app.extensions["tracker"].engine.dispose()


def track(
    runtime: Runtime, site: PageServer, path: str, user_id: int, history: list[tuple[datetime, str]]
) -> int:
    """Follow site's path as user_id and check it once per (time, page) of its history."""
    with runtime.sessions.begin() as session:
        article_id = articles.add_article(
            session, site.url(path), user_id=user_id, allow_private=True, now=history[0][0]
        )[0].id
    for at, html in history:
        if html:
            site.serve(path, html)
        else:
            site.routes.pop(path, None)  # the page is gone: the check fails with a 404
        check_article(replace(runtime.checking, clock=lambda at=at: at), article_id)
    return article_id


BUDGET = [
    "The city council approved the 2026 budget shortly after midnight on Wednesday, ending a session "
    "that ran for more than seven hours.",
    "The plan sets aside £4.2m for road repairs, most of it for the harbour bridge, and keeps the "
    "library opening hours as they are.",
    "Councillor Amira Haddad, who chairs the finance committee, said the vote was the hardest of her "
    "two terms.",
    "Opposition members argued that the rise in parking fees would hurt small shops in the old town.",
    "A public meeting on the details is planned for next month at the town hall.",
]


def budget_history() -> list[tuple[datetime, str]]:
    """Four versions: a figure corrected, an update note added, a paragraph dropped and the headline changed."""
    title = "Council approves the 2026 budget after a late-night session"
    corrected = [BUDGET[0], BUDGET[1].replace("£4.2m", "£4.8m"), *BUDGET[2:]]
    noted = ["Update: this article was corrected to give the final figure for road repairs.", *corrected]
    return [
        (NOW - timedelta(days=12), article_page(title, BUDGET)),
        (NOW - timedelta(days=10), article_page(title, corrected)),
        (NOW - timedelta(days=1, hours=2), article_page(title, noted)),
        (NOW - timedelta(hours=3), article_page("Council passes the 2026 budget", noted[:4] + noted[5:])),
    ]


def long_history() -> list[tuple[datetime, str]]:
    """Forty paragraphs; the 33rd changes: the first change is far down the page."""
    paragraphs = story(40)
    edited = list(paragraphs)
    edited[32] = edited[32].replace("new housing", "4,000 new homes")
    title = "Harbour district plan: what the forty-page report says, section by section"
    return [
        (NOW - timedelta(days=8), article_page(title, paragraphs)),
        (NOW - timedelta(hours=2), article_page(title, edited)),
    ]


def arabic_history() -> list[tuple[datetime, str]]:
    first = ["وافق المجلس البلدي على ميزانية عام 2026 بعد جلسة استمرت حتى منتصف الليل."] * 2
    second = [first[0], "وقالت رئيسة لجنة المالية إن التصويت كان الأصعب خلال ولايتين."]
    title = "المجلس يوافق على الميزانية"
    return [
        (NOW - timedelta(days=2), article_page(title, first, lang="ar")),
        (NOW - timedelta(hours=5), article_page(title, second, lang="ar")),
    ]


RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Local desk</title><link>{base}</link>
<description>News from the local desk</description>{items}</channel></rss>"""


def people(runtime: Runtime) -> tuple[int, str]:
    """The admin (with two tokens), robin (signed up with an invite), an unused invite and a worker;
    return the admin's id and a token of theirs."""
    with runtime.sessions.begin() as session:
        admin = accounts.create_user(
            session, "admin", password=PASSWORD, is_admin=True, now=NOW - timedelta(days=30)
        )
        token = accounts.create_token(session, admin, name="newsroom script", now=NOW - timedelta(days=20))[1]
        accounts.create_token(session, admin, name="laptop", now=NOW - timedelta(days=2))
        _, code = accounts.create_invite(session, admin, now=NOW - timedelta(days=14))
        accounts.sign_up(
            session, "robin", PASSWORD, mode="invite", invite_code=code, now=NOW - timedelta(days=13)
        )
        accounts.create_invite(session, admin, now=NOW - timedelta(hours=1))
        heartbeats.record_heartbeat(
            session,
            heartbeats.Beat(
                name="worker-1:4242", host="worker-1", pid=4242, started_at=NOW - timedelta(days=1)
            ),
            now=NOW - timedelta(seconds=20),
        )
        return admin.id, token


def follow_feed(client: FlaskClient, site: PageServer, token: str) -> int:
    """Follow a local desk's RSS feed of two stories; return the follow's id."""
    items = "".join(
        f"<item><title>{title}</title><link>{site.url(path)}</link><guid>{site.url(path)}</guid></item>"
        for title, path in [
            ("Ferry timetable changes from May", "/desk/ferry"),
            ("Library opening hours", "/desk/library"),
        ]
    )
    feed_url = site.serve(
        "/desk/feed.xml", RSS.format(base=site.url("/"), items=items), content_type="application/rss+xml"
    )
    return client.post("/api/v1/feeds", json={"url": feed_url}, headers=auth(token)).get_json()["id"]


def deliver_then_fail(runtime: Runtime, consumer: PageServer, admin_id: int, hook_id: int) -> int:
    """Deliver every alert so far; then the consumer goes down and a ping fails. Return the id of the
    newest article.changed delivery."""
    make_deliverer(runtime).deliver_due()
    consumer.routes["/hook"] = Reply(b"down for maintenance", status=503, content_type="text/plain")
    with runtime.sessions.begin() as session:
        delivery = alerts.ping(session, alerts.get_endpoint(session, admin_id, hook_id), now=NOW)
    make_deliverer(runtime).deliver_one(delivery.id)
    with runtime.sessions() as session:
        return next(
            sent.id
            for sent, event in alerts.list_deliveries(session, hook_id)
            if event.type == "article.changed"
        )


def fill(runtime: Runtime, client: FlaskClient, site: PageServer, consumer: PageServer) -> dict[str, str]:
    """Make the history a tracker has after a few weeks of use; return each page's path."""
    admin_id, token = people(runtime)
    hooks = [
        client.post("/api/v1/webhooks", json={"url": url}, headers=auth(token)).get_json()["id"]
        for url in (consumer.url("/hook"), "http://127.0.0.1:9/hook")  # the second refuses connections
    ]
    budget = track(runtime, site, "/news/2026/council-budget", admin_id, budget_history())
    long = track(
        runtime,
        site,
        "/news/2026/03/05/harbour-district-plan-what-the-forty-page-report-says-section-by-section-"
        "with-maps-figures-and-the-full-list-of-sites",
        admin_id,
        long_history(),
    )
    track(runtime, site, "/ar/budget", admin_id, arabic_history())
    track(
        runtime,
        site,
        "/news/2026/bridge-repairs",
        admin_id,
        [
            (NOW - timedelta(days=5), article_page("Bridge repairs to start in spring", story(3))),
            (NOW - timedelta(minutes=30), ""),
        ],
    )
    with runtime.sessions.begin() as session:
        watchlists.describe(
            session,
            admin_id,
            budget,
            {"tags": ["council", "budget"], "note": "Watch the final figure: the draft said £4.2m."},
        )
        rules.set_rules(
            session,
            {"include": ["article"], "exclude": [".related", "aside"]},
            by="admin",
            now=NOW,
            host="news.example.com",
        )
        rules.set_rules(
            session,
            {"exclude": [".newsletter-signup"]},
            by="admin",
            now=NOW,
            article=articles.get_article(session, long),
        )

    feed = follow_feed(client, site, token)
    delivery = deliver_then_fail(runtime, consumer, admin_id, hooks[0])
    at = (NOW - timedelta(days=2)).strftime("%Y-%m-%dT%H:%MZ")
    before = (NOW - timedelta(days=20)).strftime("%Y-%m-%dT%H:%MZ")
    return {
        "setup": "/setup",
        "login": "/login",
        "signup": "/signup",
        "articles": "/",
        "article": f"/articles/{budget}",
        "version": f"/articles/{long}/versions/2",
        "as-of": f"/articles/{budget}/as-of?at={at}",
        "as-of-before": f"/articles/{budget}/as-of?at={before}",
        "diff-side": f"/articles/{budget}/diff?from=1&to=4&view=side",
        "diff-inline": f"/articles/{long}/diff?from=1&to=2&view=inline",
        "changes": "/changes",
        "search": "/search?q=budget",
        "alerts": "/alerts/",
        "alert": f"/alerts/{hooks[0]}",
        "delivery": f"/alerts/{hooks[0]}/deliveries/{delivery}",
        "feeds": "/feeds/",
        "feed": f"/feeds/{feed}",
        "account-feeds": "/account/feeds",
        "import": "/import",
        "rules": "/admin/rules",
        "article-rules": f"/articles/{budget}/rules",
        "tokens": "/account/tokens",
        "invites": "/admin/invites",
        "status": "/admin/status",
        "api-docs": "/api/docs",
        "not-found": "/articles/999999",
    }


def signed_in(chromium, base: str) -> dict[str, Any]:
    """Sign in as the admin through the sign-in page; return the browser's state (its cookie)."""
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    state = context.storage_state()
    context.close()
    return state


@contextmanager
def running_tracker(chromium, folder: Path, template: Path) -> Iterator[Tracker]:
    with ExitStack() as stack:
        site, consumer = PageServer(), PageServer()
        stack.callback(site.close)
        stack.callback(consumer.close)
        consumer.routes["/hook"] = Reply(b"thanks", content_type="text/plain")
        app = make_app(folder / "tracker.sqlite", template)
        base = stack.enter_context(serving(app))
        new_installation = stack.enter_context(serving(make_app(folder / "new.sqlite", template)))
        paths = fill(app.extensions["tracker"], app.test_client(), site, consumer)
        yield Tracker(base, new_installation, paths, signed_in(chromium, base))


@pytest.fixture(scope="module")
def installation(
    browser,  # noqa: F811
    sqlite_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Tracker]:
    with running_tracker(browser, tmp_path_factory.mktemp("pages"), sqlite_template) as running:
        yield running


@contextmanager
def opened(chromium, installation: Tracker, name: str, **options: Any) -> Iterator[tuple[Any, list[str]]]:
    """Open a page in a new browser context; yield it and the errors its console reports."""
    state = None if name in SIGNED_OUT else installation.admin
    context = chromium.new_context(storage_state=state, **options)
    context.set_default_timeout(10000)
    page = context.new_page()
    url = installation.url(name)
    errors = collect_errors(page, expected_url=url if name in STATUS else None)  # a 404 page's own status
    try:
        response = page.goto(url)
        assert response is not None and response.status == STATUS.get(name, 200), (
            name,
            response and response.status,
        )
        yield page, errors
    finally:
        context.close()


@functools.cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_faults(page) -> list[str]:
    """Run axe-core on the page; return its serious and critical violations, one line each."""
    if not AXE.exists():  # outside `make test` (which installs it, and CI fails without it)
        pytest.skip("axe-core is not installed (`make axe`, run by `make test`)")
    # Evaluated, not added as a <script>: the pages' Content-Security-Policy refuses inline scripts.
    page.evaluate(axe_source())
    found = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"axe {fault['id']} ({fault['impact']}): {fault['help']}: "
        + "; ".join(" >> ".join(node["target"]) for node in fault["nodes"][:8])
        for fault in found["violations"]
        if fault["impact"] in ("serious", "critical")
    ]


def sideways(page, width: int) -> list[str]:
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide <= width:
        return []
    culprits = page.evaluate(  # what sticks out, and is not inside a box that scrolls or clips
        """width => [...document.querySelectorAll('body *')].filter(e => {
             if (e.getBoundingClientRect().right <= width + 1) return false;
             for (let box = e.parentElement; box !== document.body; box = box.parentElement)
               if (getComputedStyle(box).overflowX !== 'visible') return false;
             return true;
           }).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""",
        width,
    )
    return [f"scrolls sideways: {wide} px wide on a {width} px screen; too wide: {', '.join(culprits)}"]


def tall_header(page, size: str) -> list[str]:
    """On a phone the site's header (brand, search, menu) leaves the screen to the page."""
    height = page.locator("header.site").bounding_box()["height"]
    if size == "phone" and height > 120:
        return [f"the site's header is {height:.0f} px tall (at most 120 on a phone)"]
    return []


def save_screens(page, path: Path, viewport: dict[str, int]) -> None:
    """Save the page's first three screens (the whole of most pages; the API's is 40 screens long)."""
    height = min(page.evaluate("document.documentElement.scrollHeight"), 3 * viewport["height"])
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": viewport["width"], "height": height}
    )


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("size", SIZES)
def test_the_page_fits_passes_axe_and_logs_no_error(browser, installation, size, name, request):  # noqa: F811
    with opened(browser, installation, name, viewport=SIZES[size]) as (page, errors):
        if request.config.getoption("--screenshots"):
            save_screens(page, DOCS / f"{name}-{size}.png", SIZES[size])
        problems = (
            sideways(page, SIZES[size]["width"])
            + tall_header(page, size)
            + axe_faults(page)
            + [f"console: {e}" for e in errors]
        )
    assert not problems, f"{name} on a {size}:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", PAGES)
def test_the_page_passes_axe_in_the_dark_scheme(browser, installation, name):  # noqa: F811
    with opened(browser, installation, name, viewport=SIZES["laptop"], color_scheme="dark") as (page, errors):
        problems = axe_faults(page) + [f"console: {e}" for e in errors]
    assert not problems, f"{name} in the dark:\n" + "\n".join(problems)


def times_shown(page) -> dict[str, str]:
    return dict(
        page.evaluate("[...document.querySelectorAll('main time')].map(t => [t.title, t.textContent])")
    )


def test_times_read_in_the_readers_zone_and_language_with_the_utc_time_on_hover(browser, installation):  # noqa: F811
    three_hours_ago, ten_days_ago = NOW - timedelta(hours=3), NOW - timedelta(days=10)
    utc = "%Y-%m-%d %H:%M UTC"
    # The tracker was built when the module started; under -n 2 this test may run long after.
    hours = round((datetime.now(UTC) - three_hours_ago).total_seconds() / 3600)
    tokyo = {"timezone_id": "Asia/Tokyo", "locale": "en-GB"}
    with opened(browser, installation, "changes", **tokyo) as (page, _):
        shown = times_shown(page)
    assert shown[three_hours_ago.strftime(utc)] == f"{hours} hours ago"
    in_tokyo, older = ten_days_ago + timedelta(hours=9), shown[ten_days_ago.strftime(utc)]
    assert older.startswith(f"{in_tokyo.day} ") and older.endswith(f"{in_tokyo:%Y, %H:%M}"), (
        older
    )  # 5 Mar 2026, 21:02
    with opened(browser, installation, "changes", locale="de-DE") as (page, _):
        assert times_shown(page)[three_hours_ago.strftime(utc)] == f"vor {hours} Stunden"
    with opened(browser, installation, "changes", java_script_enabled=False) as (page, _):
        shown = times_shown(page)
    assert shown[three_hours_ago.strftime(utc)] == three_hours_ago.strftime(utc)  # without JavaScript: UTC


def test_a_time_typed_for_as_of_is_in_the_readers_zone_as_the_times_shown(browser, installation):  # noqa: F811
    with opened(browser, installation, "article", timezone_id="Asia/Tokyo") as (page, errors):
        assert page.inner_text(".as-of label") == "The article as of (your time)"
        page.fill("#at", f"{NOW + timedelta(hours=9):%Y-%m-%dT%H:%M}")  # Tokyo is 9 hours ahead of UTC
        page.click(".as-of button")
        page.wait_for_url("**/as-of?at=*")
        sent = page.url
        assert errors == []
    assert sent.endswith(f"/as-of?at={NOW:%Y-%m-%dT%H}%3A{NOW:%M}%3A00.000Z"), sent
