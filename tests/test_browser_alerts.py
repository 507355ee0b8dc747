"""A webhook's page on a phone: a long log of deliveries, long addresses and long answers, and one
delivery's request, all without sideways scrolling, and clean in axe-core's eyes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.pageserver import PageServer, Reply
from tests.test_browser import (  # noqa: F401  (fixtures)
    browser,
    collect_errors,
    database_url,
    live,
    make_admin,
    pytestmark,
)
from tests.test_browser_pages import axe_faults
from tracker.engine.deliverer import make_deliverer
from tracker.engine.runtime import Runtime
from tracker.services import alerts

PHONE = {"width": 390, "height": 844}
LONG_PATH = "/hooks/" + "newsroom-integration-endpoint-" * 6 + "?token=" + "f3a9" * 30


def log_of_sends(runtime: Runtime, consumer: PageServer) -> int:
    """Give the admin a webhook at a long address with 40 deliveries, half of them failed with a long
    unbroken answer; return its id."""
    now = datetime.now(UTC)
    with runtime.sessions.begin() as session:
        hook, _secret = alerts.create_endpoint(
            session, 1, {"url": consumer.url(LONG_PATH)}, kind="webhook", allow_private=True, now=now
        )
        hook_id = hook.id
    for reply in (Reply(b"ok"), Reply(b"<p>" + b"overloaded" * 100 + b"</p>", status=503)):
        consumer.routes[LONG_PATH] = reply
        with runtime.sessions.begin() as session:
            webhook = alerts.get_endpoint(session, 1, hook_id)
            for _ in range(20):
                alerts.ping(session, webhook, now=now)
        make_deliverer(runtime).deliver_due()
    return hook_id


def test_a_webhook_with_many_deliveries_fits_a_phone(browser, live, runtime, tmp_path: Path):  # noqa: F811
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(8000)
    phone = context.new_page()
    make_admin(phone, live)
    errors = collect_errors(phone)
    consumer = PageServer()
    try:
        hook_id = log_of_sends(runtime, consumer)
    finally:
        consumer.close()

    phone.goto(f"{live}/alerts/{hook_id}")
    assert phone.locator(".deliveries > li").count() == 40
    assert phone.locator(".delivery-error").count() == 20
    phone.click("text=Change the filters and schedule")
    assert phone.locator("#timezone").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_faults(phone) == []
    phone.screenshot(path=str(tmp_path / "alert-phone.png"), full_page=True)

    phone.click(".delivery-pending a >> nth=0")
    assert phone.locator("pre.sent-headers").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_faults(phone) == []
    phone.screenshot(path=str(tmp_path / "delivery-phone.png"), full_page=True)
    assert errors == []
    context.close()
