"""Removed, restored and moved articles: real pages that start answering 404, 410 or redirects,
checked now (the full path) and by the poller (the bulk path), with a real webhook consumer."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook as Verifier

from tests.factories import add_article, article_page, auth, make_token
from tests.pageserver import PageServer, Reply
from tracker.adapters.models import Article, Version
from tracker.domain.intervals import IntervalPolicy, after_check
from tracker.engine.deliverer import Deliverer, DelivererSettings
from tracker.engine.poller import Poller, PollerSettings
from tracker.engine.runtime import Runtime
from tracker.services.checks import check_article

SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "docs" / "webhook-payload.schema.json").read_text()
)
T0 = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
JAPANESE = [
    "東京都は五日、新しい防災計画を発表した。計画では、大規模な地震に備えて避難所の数を増やす。",
    "知事は記者会見で「都民の安全を最優先に考えた」と述べ、来年度の予算に関連費用を盛り込む方針を示した。",
    "専門家からは、計画の実効性を高めるために地域住民との連携が欠かせないとの声が上がっている。",
]
Check = Callable[[datetime], None]


@pytest.fixture(params=["check_now", "poller"])
def checker(request: pytest.FixtureRequest, runtime: Runtime) -> Callable[[int], Check]:
    """Check an article at a moment: by check-now (one check recorded in full) or by a poller pass
    (checks that add no version are written in bulk)."""

    def by_check_now(article_id: int) -> Check:
        return lambda at: check_now_at(runtime, article_id, at)

    def by_poller(article_id: int) -> Check:
        def poll(at: datetime) -> None:
            checking = replace(runtime.checking, clock=lambda: at)
            poller = Poller(checking, PollerSettings(worker="w1", host_delay=0.0))
            try:
                poller.poll()
            finally:
                poller.close()

        return poll

    return by_check_now if request.param == "check_now" else by_poller


def check_now_at(runtime: Runtime, article_id: int, at: datetime) -> None:
    check_article(replace(runtime.checking, clock=lambda: at), article_id)


def days(n: int) -> datetime:
    return T0 + timedelta(days=n)


def tracked(client: FlaskClient, runtime: Runtime, site: PageServer, consumer: PageServer, **hook) -> tuple:
    """Alice follows a Japanese article with a webhook to the consumer; the first check stores version 1."""
    token = make_token(runtime)
    response = client.post(
        "/api/v1/webhooks", json={"url": consumer.url("/hook"), **hook}, headers=auth(token)
    )
    assert response.status_code == 201, response.get_json()
    secret = response.get_json()["secret"]
    url = site.serve(
        "/news/2026/03/05/tokyo-disaster-plan", article_page("防災計画を発表", JAPANESE, lang="ja")
    )
    article_id = add_article(client, token, url)["id"]
    check_now_at(runtime, article_id, T0)
    return token, secret, article_id, url


def alerts(runtime: Runtime, consumer: PageServer, secret: str) -> list[dict]:
    """Deliver what is due and return every payload the consumer got so far, verified and checked
    against the published schema."""
    deliverer = Deliverer(
        runtime.sessions,
        runtime.http,
        runtime.guard,
        runtime.checking.clock,
        DelivererSettings(worker="test", timeout=2.0),
    )
    while deliverer.deliver_due():  # one article's next event goes out once the one before succeeded
        pass
    hooks = [headers for path, headers in consumer.requests if path == "/hook"]
    payloads = []
    for headers, body in zip(hooks, consumer.bodies, strict=True):
        payload = Verifier(secret).verify(body, {k.lower(): v for k, v in headers.items()})
        jsonschema.validate(payload, SCHEMA)
        payloads.append(payload)
    return payloads


def article_row(runtime: Runtime, article_id: int) -> Article:
    with runtime.sessions() as session:
        return session.get_one(Article, article_id)


def test_three_404s_in_a_row_make_the_article_gone_with_one_alert_and_a_history_entry(
    client, runtime, site, consumer, checker
):
    _token, secret, article_id, url = tracked(client, runtime, site, consumer)
    check = checker(article_id)
    site.serve("/news/2026/03/05/tokyo-disaster-plan", "<html><body>見つかりません</body></html>", status=404)
    check(days(1))
    check(days(2))
    assert article_row(runtime, article_id).status == "active"
    assert alerts(runtime, consumer, secret) == []  # two 404s may be an outage

    check(days(3))

    assert article_row(runtime, article_id).status == "gone"
    (removed,) = alerts(runtime, consumer, secret)
    assert removed["type"] == "article.removed"
    assert removed["data"]["article"]["status"] == "gone"
    assert removed["data"]["evidence"] == {
        "http_status": 404,
        "url": url,
        "final_url": url,
        "reason": "http_404",
        "observed_at": "2026-03-08T12:00:00Z",
    }
    changes = client.get("/api/v1/changes?kind=removed&scope=all").get_json()["items"]
    assert [(item["kind"], item["article_id"], item["evidence"]["http_status"]) for item in changes] == [
        ("removed", article_id, 404)
    ]
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "Removed:" in page and "answers 404" in page and 'datetime="2026-03-08T12:00:00Z"' in page


def test_a_410_makes_the_article_gone_at_once(client, runtime, site, consumer, checker):
    _token, secret, article_id, _url = tracked(client, runtime, site, consumer)
    site.serve("/news/2026/03/05/tokyo-disaster-plan", "gone for good", status=410)

    checker(article_id)(days(1))

    assert article_row(runtime, article_id).status == "gone"
    assert [(p["type"], p["data"]["evidence"]["http_status"]) for p in alerts(runtime, consumer, secret)] == [
        ("article.removed", 410)
    ]


def test_a_redirect_to_a_section_front_on_three_checks_makes_the_article_gone(
    client, runtime, site, consumer, checker
):
    _token, secret, article_id, _url = tracked(client, runtime, site, consumer)
    site.serve("/news", article_page("News", ["Today's stories, in a list."] * 3))
    site.routes["/news/2026/03/05/tokyo-disaster-plan"] = Reply(status=302, headers={"Location": "/news"})
    check = checker(article_id)
    check(days(1))
    check(days(2))
    assert article_row(runtime, article_id).status == "active"

    check(days(3))

    assert article_row(runtime, article_id).status == "gone"
    (removed,) = alerts(runtime, consumer, secret)
    assert removed["data"]["evidence"]["reason"] == "redirected_away"
    assert removed["data"]["evidence"]["final_url"] == site.url("/news")


def test_a_gone_article_is_checked_slowly_and_restored_without_a_version_when_its_text_is_back(
    client, runtime, site, consumer, checker
):
    _token, secret, article_id, _url = tracked(client, runtime, site, consumer)
    page = article_page("防災計画を発表", JAPANESE, lang="ja")
    site.serve("/news/2026/03/05/tokyo-disaster-plan", "gone", status=410)
    check = checker(article_id)
    check(days(1))
    gone = article_row(runtime, article_id)
    assert gone.status == "gone"
    assert timedelta(hours=5, minutes=24) <= gone.next_check_at - days(1) <= timedelta(hours=6, minutes=36)

    site.serve("/news/2026/03/05/tokyo-disaster-plan", page)
    check(days(2))

    back = article_row(runtime, article_id)
    assert (back.status, back.version_count) == ("active", 1)
    assert [p["type"] for p in alerts(runtime, consumer, secret)] == ["article.removed", "article.restored"]
    page_text = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert page_text.index("Restored:") < page_text.index("Removed:")  # newest first
    kinds = [item["kind"] for item in client.get("/api/v1/changes?scope=all").get_json()["items"]]
    assert kinds == ["restored", "removed"]


def test_a_restored_article_with_new_text_gets_a_version_and_article_changed_after_article_restored(
    client, runtime, site, consumer, checker
):
    _token, secret, article_id, _url = tracked(client, runtime, site, consumer)
    site.serve("/news/2026/03/05/tokyo-disaster-plan", "gone", status=410)
    check = checker(article_id)
    check(days(1))
    edited = [*JAPANESE, "訂正：当初の記事で避難所の数を誤って記載していました。"]
    site.serve("/news/2026/03/05/tokyo-disaster-plan", article_page("防災計画を発表", edited, lang="ja"))

    check(days(2))

    assert (article_row(runtime, article_id).status, article_row(runtime, article_id).version_count) == (
        "active",
        2,
    )
    types = [p["type"] for p in alerts(runtime, consumer, secret)]
    assert types == ["article.removed", "article.restored", "article.changed"]


def test_a_permanent_redirect_to_another_article_moves_tracking_to_the_new_address(
    client, runtime, site, consumer, checker
):
    token, secret, article_id, old_url = tracked(client, runtime, site, consumer)
    new_url = site.serve(
        "/news/2026/03/05/tokyo-disaster-plan-revised", article_page("防災計画を発表", JAPANESE, lang="ja")
    )
    site.routes["/news/2026/03/05/tokyo-disaster-plan"] = Reply(status=301, headers={"Location": new_url})

    checker(article_id)(days(1))

    moved = article_row(runtime, article_id)
    assert (moved.url, moved.status) == (new_url, "active")
    (event,) = alerts(runtime, consumer, secret)
    assert event["type"] == "article.moved"
    assert (event["data"]["old_url"], event["data"]["new_url"]) == (old_url, new_url)
    assert event["data"]["evidence"]["http_status"] == 301
    assert add_article(client, token, old_url)["id"] == article_id  # the old address is an alias
    assert "Moved:" in client.get(f"/articles/{article_id}").get_data(as_text=True)
    before = site.hits("/news/2026/03/05/tokyo-disaster-plan")
    check_now_at(runtime, article_id, days(2))
    assert site.hits("/news/2026/03/05/tokyo-disaster-plan") == before  # checked at the new address


def test_a_temporary_redirect_or_one_to_the_home_page_moves_nothing(client, runtime, site, consumer):
    _token, secret, article_id, url = tracked(client, runtime, site, consumer)
    other = site.serve(
        "/news/2026/03/05/tokyo-plan-live", article_page("防災計画を発表", JAPANESE, lang="ja")
    )
    site.routes["/news/2026/03/05/tokyo-disaster-plan"] = Reply(status=302, headers={"Location": other})
    check_now_at(runtime, article_id, days(1))
    site.serve("/", article_page("Home", ["All the news of the day, in one list for you."] * 3))
    site.routes["/news/2026/03/05/tokyo-disaster-plan"] = Reply(status=301, headers={"Location": "/"})
    check_now_at(runtime, article_id, days(2))

    assert article_row(runtime, article_id).url == url
    assert alerts(runtime, consumer, secret) == []


def test_an_article_never_seen_is_gone_without_an_alert(client, runtime, site, consumer):
    token = make_token(runtime)
    response = client.post("/api/v1/webhooks", json={"url": consumer.url("/hook")}, headers=auth(token))
    article_id = add_article(client, token, site.serve("/news/missing-story-here", "no", status=410))["id"]

    check_now_at(runtime, article_id, T0)

    assert article_row(runtime, article_id).status == "gone"
    assert alerts(runtime, consumer, response.get_json()["secret"]) == []


def test_webhook_filters_take_the_new_events(client, runtime, site, consumer):
    token, secret, article_id, _url = tracked(
        client, runtime, site, consumer, events=["article.removed", "article.restored"]
    )
    site.serve("/news/2026/03/05/tokyo-disaster-plan", "gone", status=410)
    check_now_at(runtime, article_id, days(1))
    site.serve(
        "/news/2026/03/05/tokyo-disaster-plan",
        article_page("防災計画を発表", [*JAPANESE, "追記：詳細"], lang="ja"),
    )
    check_now_at(runtime, article_id, days(2))

    assert [p["type"] for p in alerts(runtime, consumer, secret)] == ["article.removed", "article.restored"]
    refused = client.post(
        "/api/v1/webhooks",
        json={"url": consumer.url("/hook"), "events": ["article.vanished"]},
        headers=auth(token),
    )
    assert refused.status_code == 400


def test_atom_feeds_carry_removals(client, runtime, site, consumer):
    _token, _secret, article_id, _url = tracked(client, runtime, site, consumer)
    site.serve("/news/2026/03/05/tokyo-disaster-plan", "gone", status=410)
    check_now_at(runtime, article_id, days(1))

    for path in (f"/articles/{article_id}/changes.atom", "/changes.atom"):
        feed = client.get(path).get_data(as_text=True)
        assert "防災計画を発表 was removed" in feed, path
        assert 'term="removed"' in feed and "answers 410" in feed


def test_the_changes_page_filters_by_kind(client, runtime, site, consumer):
    _token, _secret, article_id, _url = tracked(client, runtime, site, consumer)
    site.serve("/news/2026/03/05/tokyo-disaster-plan", "gone", status=410)
    check_now_at(runtime, article_id, days(1))

    assert "answers 410" in client.get("/changes?kind=removed&scope=all").get_data(as_text=True)
    assert "answers 410" not in client.get("/changes?kind=moved&scope=all").get_data(as_text=True)
    assert client.get("/api/v1/changes?kind=vanished").status_code == 400


def test_changes_pages_through_versions_and_lifecycle_events_without_repeats(client, runtime, site, consumer):
    _token, _secret, article_id, _url = tracked(client, runtime, site, consumer)
    path = "/news/2026/03/05/tokyo-disaster-plan"
    for n in range(1, 4):
        site.serve(
            path, article_page("防災計画を発表", [*JAPANESE, f"追記{n}：詳細を加えました。"], lang="ja")
        )
        check_now_at(runtime, article_id, days(2 * n))
        site.serve(path, "gone", status=410)
        check_now_at(runtime, article_id, days(2 * n + 1))
    seen, cursor = [], None
    while True:
        query = "/api/v1/changes?scope=all&limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(query).get_json()
        seen += [(item["kind"], item["observed_at"]) for item in body["items"]]
        if not (cursor := body["next"]):
            break
    assert [kind for kind, _ in seen] == ["removed", "changed", "restored"] * 2 + ["removed", "changed"]
    assert seen == sorted(seen, key=lambda item: item[1], reverse=True)


def test_gone_articles_are_checked_every_six_hours_for_thirty_days_then_daily():
    policy = IntervalPolicy(jitter=0.0)
    gone = after_check(replace_timing(gone_since=T0), "gone", days(29), policy, failed=True, http_status=410)
    later = after_check(replace_timing(gone_since=T0), "gone", days(31), policy, failed=True, http_status=410)
    assert gone.next_check_at - days(29) == timedelta(hours=6)
    assert later.next_check_at - days(31) == timedelta(days=1)


def replace_timing(**values):
    from tracker.domain.intervals import ArticleTiming

    return ArticleTiming(
        **{
            "created_at": T0 - timedelta(days=60),
            "last_changed_at": None,
            "interval_seconds": None,
            "failure_count": 5,
            "failing_since": None,
            **values,
        }
    )


def test_versions_are_untouched_by_removal(client, runtime, site, consumer):
    _token, _secret, article_id, _url = tracked(client, runtime, site, consumer)
    site.serve("/news/2026/03/05/tokyo-disaster-plan", "gone", status=410)
    check_now_at(runtime, article_id, days(1))
    with runtime.sessions() as session:
        assert session.scalars(select(Version.number).where(Version.article_id == article_id)).all() == [1]
