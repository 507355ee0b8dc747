"""The admin status page: checks of the last hour, the queue, deliveries, workers and their heartbeats,
the scheduler and failing sites, for admins only, escaped; and how it looks in Chromium."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import lxml.html
import pytest
from flask.testing import FlaskClient

from tests.factories import article_page, set_up_admin, sign_in, story
from tests.pageserver import PageServer
from tests.test_browser import CHROMIUM, browser, live, make_admin, page, save  # noqa: F401 (fixtures)
from tracker.engine.runtime import Runtime
from tracker.services import accounts, articles
from tracker.services.checks import check_article
from tracker.services.heartbeats import Beat, record_heartbeat


def seed(runtime: Runtime, site: PageServer) -> None:
    """Two checks (a first version, a 404), a worker heard from now and one silent for ten minutes."""
    now = datetime.now(UTC)
    site.serve("/story", article_page("A story", story(3)))
    with runtime.sessions.begin() as session:
        ids = [
            articles.add_article(session, site.url(path), user_id=None, allow_private=True, now=now)[0].id
            for path in ("/story", "/missing")
        ]
        record_heartbeat(session, Beat("web-1:42", "web-1", 42, now - timedelta(hours=1)), now=now)
        silent = Beat("<b>old</b>:7", "old-host", 7, now - timedelta(hours=2))
        record_heartbeat(session, silent, now=now - timedelta(minutes=10))
    for article_id in ids:
        check_article(runtime.checking, article_id)


def table_after(document: lxml.html.HtmlElement, heading: str) -> lxml.html.HtmlElement:
    (table,) = document.xpath(f"//h2[normalize-space()='{heading}']/following::table[1]")
    return table


def cells(row: lxml.html.HtmlElement) -> list[str]:
    return [" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")]


def test_the_admin_sees_the_figures(client: FlaskClient, runtime: Runtime, site: PageServer):
    seed(runtime, site)
    set_up_admin(client)
    html = client.get("/admin/status").get_data(as_text=True)
    document = lxml.html.fromstring(html)

    checks = table_after(document, "Checks in the last hour")
    outcomes = [cell.text_content().strip() for cell in checks.xpath(".//th")]
    counts = [int(cell.text_content()) for cell in checks.xpath(".//td")]
    assert dict(zip(outcomes, counts, strict=True)) == {
        "first": 1,
        "changed": 0,
        "unchanged": 0,
        "not modified": 0,
        "error": 1,
    }
    statuses = table_after(document, "Articles by status")
    assert [cells(row) for row in statuses.xpath(".//tr")][:2] == [["active", "2"], ["failing", "0"]]

    workers = table_after(document, "Scheduler and workers")
    rows = [cells(row) for row in workers.xpath("./tbody/tr")]
    assert rows[0][:3] == ["web-1:42", "web-1", "42"] and rows[0][4].endswith("s ago")
    assert rows[1][:3] == ["<b>old</b>:7", "old-host", "7"] and rows[1][4].startswith("silent for 6")
    assert "&lt;b&gt;old&lt;/b&gt;:7" in html and "<b>old</b>" not in html  # escaped
    assert "This web process runs no scheduler" in html

    (failing,) = table_after(document, "Sites with errors in the last day").xpath("./tbody/tr")
    assert cells(failing)[:3] == ["127.0.0.1", "1", "http_404"]

    assert document.xpath("//nav//a[@href='/admin/status']")  # linked from the menu


def test_only_admins_see_it(client: FlaskClient, runtime: Runtime):
    set_up_admin(client)
    with runtime.sessions.begin() as session:
        user = accounts.ensure_user(session, "bob", is_admin=False, now=datetime.now(UTC))
        accounts.set_password(user, "correct horse")
    client.post("/logout", data={})
    anonymous = FlaskClient(client.application)
    assert anonymous.get("/admin/status").status_code in (302, 401, 403)
    bob = FlaskClient(client.application)
    sign_in(bob, "bob")
    response = bob.get("/admin/status")
    assert response.status_code == 403
    assert "Checks in the last hour" not in response.get_data(as_text=True)
    assert "/admin/status" not in bob.get("/").get_data(as_text=True)  # no menu link either


@pytest.mark.browser
@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (make test installs it)"
)
def test_the_page_reads_well_in_chromium(page, live, runtime, site, database_url, screenshot_dirs):  # noqa: F811
    if not database_url.startswith("sqlite"):
        pytest.skip("a look at the page: one database is enough")
    seed(runtime, site)
    make_admin(page, live)
    page.click("text=Status")
    assert page.locator("h1").inner_text() == "Status"
    assert page.locator(".figure").count() == 4
    save(page, "admin-status.png", screenshot_dirs)
