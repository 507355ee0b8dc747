"""Digests: the schedule across daylight saving, and daily or weekly digests through the outbox to a
real local webhook consumer and a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import jsonschema
import pytest
import time_machine
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from standardwebhooks.webhooks import Webhook as Verifier

from tests.factories import auth, make_token, set_up_admin, token_in
from tests.pageserver import PageServer
from tests.test_alerts import SCHEMA, T0, changing_article, deliverer, edit, received
from tracker.adapters.models import Article, Delivery, Event, Webhook
from tracker.adapters.netguard import AddressGuard
from tracker.domain.digests import Schedule, channel_message, describe, message, next_digest
from tracker.engine.runtime import Runtime
from tracker.services import alerts
from tracker.services.payloads import article_payload

BERLIN_8 = Schedule("daily", 8, None, "Europe/Berlin")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# --- the schedule (pure) ----------------------------------------------------------------------------


def test_next_digest_keeps_8_local_across_both_daylight_saving_changes():
    moments, after = [], utc(2026, 3, 27, 12)
    for _ in range(4):  # Berlin moves to summer time on Sunday 29 March 2026
        after = next_digest(BERLIN_8, after)
        moments.append(after)
    assert moments == [utc(2026, 3, 28, 7), utc(2026, 3, 29, 6), utc(2026, 3, 30, 6), utc(2026, 3, 31, 6)]
    after = utc(2026, 10, 24, 12)  # and back on Sunday 25 October
    assert next_digest(BERLIN_8, after) == utc(2026, 10, 25, 7)
    assert next_digest(BERLIN_8, utc(2026, 10, 25, 7)) == utc(2026, 10, 26, 7)


def test_next_digest_in_a_skipped_hour_goes_out_once_when_the_clocks_jump():
    two = Schedule("daily", 2, None, "Europe/Berlin")  # 02:00-03:00 does not exist on 29 March
    assert next_digest(two, utc(2026, 3, 28, 12)) == utc(2026, 3, 29, 1)  # = 03:00 CEST
    assert next_digest(two, utc(2026, 3, 29, 1)) == utc(2026, 3, 30, 0)


def test_next_digest_in_a_repeated_hour_goes_out_the_first_time_only():
    one = Schedule("daily", 1, None, "America/New_York")  # 01:00-02:00 happens twice on 1 November
    first = next_digest(one, utc(2026, 10, 31, 12))
    assert first == utc(2026, 11, 1, 5)  # 01:00 EDT
    assert next_digest(one, first) == utc(2026, 11, 2, 6)  # not 01:00 EST an hour later: the next day


def test_next_digest_weekly_is_strictly_after_and_on_the_weekday():
    mondays = Schedule("weekly", 9, 0, "Asia/Kolkata")
    assert next_digest(mondays, utc(2026, 3, 5, 12)) == utc(2026, 3, 9, 3, 30)
    assert next_digest(mondays, utc(2026, 3, 9, 3, 30)) == utc(2026, 3, 16, 3, 30)


@settings(max_examples=300, deadline=None)
@given(
    after=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31), timezones=st.just(UTC)
    ),
    hour=st.integers(0, 23),
    weekday=st.none() | st.integers(0, 6),
    zone=st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Tehran"]),
)
def test_next_digest_is_the_next_local_hour_within_a_period(after, hour, weekday, zone):
    schedule = Schedule("daily" if weekday is None else "weekly", hour, weekday, zone)
    moment = next_digest(schedule, after)
    period = timedelta(days=1 if weekday is None else 7)
    assert after < moment <= after + period + timedelta(hours=1)
    following = next_digest(schedule, moment)
    assert period - timedelta(hours=1) <= following - moment <= period + timedelta(hours=1)


def test_schedules_and_digest_texts_read_plainly():
    assert describe(BERLIN_8) == "daily digest at 08:00 Europe/Berlin"
    assert describe(Schedule("weekly", 17, 4, "UTC")) == "weekly digest on Fridays at 17:00 UTC"
    title, body = message(
        ["A changed: +1 word. http://x/1", "B removed. http://x/2"],
        start=utc(2026, 3, 5, 7),
        end=utc(2026, 3, 6, 7),
        timezone="Europe/Berlin",
    )
    assert title == "Article revision tracker: 2 changes since Thu 5 Mar 2026, 08:00 CET"
    assert body.splitlines()[2:] == ["- A changed: +1 word. http://x/1", "- B removed. http://x/2"]
    assert channel_message("digest", f"{title}\n{body}") == (title, body)
    assert channel_message("ping", "hello") == ("Article revision tracker: ping", "hello")


# --- digests through the outbox -----------------------------------------------------------------


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on 127.0.0.1 (plain SMTP, no TLS, no login)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def register(client: FlaskClient, token: str, collection: str, url: str, **fields) -> dict:
    """Register an endpoint at T0 (its first digest is computed from then)."""
    with time_machine.travel(T0, tick=False):
        response = client.post(f"/api/v1/{collection}", json={"url": url, **fields}, headers=auth(token))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def two_changes(runtime: Runtime, site: PageServer) -> list[int]:
    """Two followed articles, each edited once after T0; return their ids."""
    ids = [changing_article(runtime, site, path) for path in ("/a", "/b")]
    for hours, (article_id, path) in enumerate(zip(ids, ("/a", "/b"), strict=True), start=1):
        edit(runtime, site, article_id, path, 1, T0 + timedelta(hours=hours))
    return ids


def statuses(runtime: Runtime) -> list[tuple[str, str]]:
    with runtime.sessions() as session:
        rows = session.execute(select(Event.type, Delivery.status).join(Event).order_by(Delivery.id))
        return [(kind, status) for kind, status in rows]


def test_a_daily_webhook_digest_holds_changes_until_8_berlin_then_sends_one_signed_digest(
    client, runtime, site, consumer
):
    token = make_token(runtime)
    hook = register(
        client,
        token,
        "webhooks",
        consumer.url("/hook"),
        delivery="daily",
        digest_hour=8,
        timezone="Europe/Berlin",
    )
    assert (hook["delivery"], hook["digest_hour"], hook["digest_weekday"], hook["timezone"]) == (
        "daily",
        8,
        None,
        "Europe/Berlin",
    )
    assert hook["next_digest_at"] == "2026-03-06T07:00:00Z"
    ids = two_changes(runtime, site)
    deliverer(runtime, clock=lambda: utc(2026, 3, 6, 6, 59)).deliver_due()
    assert received(consumer) == []
    assert statuses(runtime) == [("article.changed", "held")] * 2

    at_eight = deliverer(runtime, clock=lambda: utc(2026, 3, 6, 7))
    at_eight.deliver_due()
    at_eight.deliver_due()  # the period is cut once
    ((headers, body),) = received(consumer)
    payload = Verifier(hook["secret"]).verify(body, {k.lower(): v for k, v in headers.items()})
    jsonschema.validate(payload, SCHEMA)
    assert payload["type"] == "digest"
    assert payload["data"]["period"] == {"from": "2026-03-05T12:00:00Z", "to": "2026-03-06T07:00:00Z"}
    items = payload["data"]["items"]
    assert [item["article"]["id"] for item in items] == ids
    for item, article_id in zip(items, ids, strict=True):
        assert item["type"] == "article.changed" and item["summary"].startswith("1 paragraph added: ")
        assert item["link"] == f"http://127.0.0.1:5000/articles/{article_id}/diff?from=1&to=2"
        assert item["article"]["title"] == "Story"
    assert statuses(runtime) == [("article.changed", "digested")] * 2 + [("digest", "succeeded")]
    shown = client.get(f"/api/v1/webhooks/{hook['id']}", headers=auth(token)).get_json()
    assert shown["next_digest_at"] == "2026-03-07T07:00:00Z"
    deliverer(runtime, clock=lambda: utc(2026, 3, 7, 7)).deliver_due()  # nothing held: nothing sent
    assert len(received(consumer)) == 1


def test_a_weekly_mail_digest_reaches_a_local_smtp_server_at_8_new_york_after_dst(
    client, runtime, site, smtp
):
    inbox, port = smtp
    token = make_token(runtime)
    url = f"mailto://127.0.0.1:{port}?from=tracker@example.com&to=alice@example.com"
    channel = register(
        client,
        token,
        "channels",
        url,
        delivery="weekly",
        digest_weekday="monday",
        timezone="America/New_York",
    )
    assert channel["digest_hour"] == 8  # the default
    assert channel["next_digest_at"] == "2026-03-09T12:00:00Z"  # 08:00 EDT: New York moved on Sunday the 8th
    two_changes(runtime, site)
    deliverer(runtime, clock=lambda: utc(2026, 3, 9, 11, 59)).deliver_due()
    assert inbox.messages == []
    deliverer(runtime, clock=lambda: utc(2026, 3, 9, 12)).deliver_due()

    (mail,) = inbox.messages
    assert mail["To"] == "alice@example.com"
    assert mail["Subject"] == "Article revision tracker: 2 changes since Thu 5 Mar 2026, 07:00 EST"
    lines = mail.get_body(preferencelist=("plain",)).get_content().splitlines()
    with runtime.sessions() as session:
        summaries = list(session.scalars(select(Event.summary).where(Event.type == "article.changed")))
    assert [line for line in lines if line.startswith("- ")] == [f"- {summary}" for summary in summaries]
    assert all("/diff?from=1&to=2" in summary for summary in summaries)


def test_the_address_guard_still_judges_a_mail_digest_when_it_is_sent(client, runtime, site, smtp):
    inbox, port = smtp
    token = make_token(runtime)
    url = f"mailto://127.0.0.1:{port}?from=tracker@example.com&to=alice@example.com"
    register(client, token, "channels", url, delivery="daily", timezone="UTC")
    two_changes(runtime, site)
    moment = utc(2026, 3, 6, 8)
    guarded = deliverer(runtime, clock=lambda: moment)
    guarded.guard = AddressGuard(allow_private=False)  # as in production: loopback is refused
    guarded.deliver_due()
    assert inbox.messages == []
    with runtime.sessions() as session:
        digest = session.scalar(select(Delivery).join(Event).where(Event.type == "digest"))
        assert digest.status == "pending" and digest.last_error_code == "blocked_address"  # retried later
    deliverer(runtime, clock=lambda: moment + timedelta(minutes=5)).deliver_due()
    assert len(inbox.messages) == 1


def test_several_workers_at_the_digest_moment_cut_one_digest(client, runtime, site, consumer):
    token = make_token(runtime)
    register(client, token, "webhooks", consumer.url("/hook"), delivery="daily", digest_hour=8)
    two_changes(runtime, site)
    workers = [deliverer(runtime, clock=lambda: utc(2026, 3, 6, 8), worker=f"w{n}") for n in range(4)]
    start, made = threading.Barrier(len(workers)), []

    def cut(worker) -> None:
        start.wait()
        made.append(worker.cut_digests())

    threads = [threading.Thread(target=cut, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(made) == [0, 0, 0, 1]
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).where(Event.type == "digest")) == 1


def test_a_digest_lists_any_event_type_by_its_type_and_summary(client, runtime, site, consumer):
    token = make_token(runtime)
    register(client, token, "webhooks", consumer.url("/hook"), delivery="daily", digest_hour=8)
    (article_id, _other) = two_changes(runtime, site)
    with runtime.sessions.begin() as session:  # as the lifecycle work announces a removal
        article = session.get(Article, article_id)
        data = {"article": article_payload(article, base="http://127.0.0.1:5000")}
        alerts.enqueue(
            session,
            type="article.removed",
            article=article,
            payload={"type": "article.removed", "timestamp": "2026-03-05T15:00:00Z", "data": data},
            summary="Story was removed. http://127.0.0.1:5000/articles/1",
            now=T0 + timedelta(hours=3),
        )
    deliverer(runtime, clock=lambda: utc(2026, 3, 6, 8)).deliver_due()
    ((_headers, body),) = received(consumer)
    removed = json.loads(body)["data"]["items"][-1]
    assert (
        removed["type"] == "article.removed"
        and removed["summary"] == "Story was removed. http://127.0.0.1:5000/articles/1"
    )
    assert removed["link"] == f"http://127.0.0.1:5000/articles/{article_id}" and removed["labels"] == []


def test_going_back_to_each_sends_what_was_held_one_by_one(client, runtime, site, consumer):
    token = make_token(runtime)
    hook = register(
        client, token, "webhooks", consumer.url("/hook"), delivery="weekly", digest_weekday="friday"
    )
    two_changes(runtime, site)
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        changed = client.patch(
            f"/api/v1/webhooks/{hook['id']}", json={"delivery": "each"}, headers=auth(token)
        )
    assert changed.status_code == 200
    assert (changed.get_json()["next_digest_at"], changed.get_json()["digest_hour"]) == (None, None)
    deliverer(runtime, clock=lambda: T0 + timedelta(hours=4)).deliver_due()
    assert [json.loads(body)["type"] for _headers, body in received(consumer)] == ["article.changed"] * 2


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"delivery": "hourly"}, "bad_delivery"),
        ({"delivery": "daily", "digest_hour": 24}, "bad_digest_hour"),
        ({"delivery": "daily", "digest_hour": -1}, "bad_digest_hour"),
        ({"delivery": "daily", "digest_hour": "8"}, "bad_digest_hour"),
        ({"delivery": "daily", "digest_hour": True}, "bad_digest_hour"),
        ({"digest_hour": 8}, "bad_digest_hour"),  # each event alone has no hour
        ({"delivery": "weekly", "digest_weekday": "funday"}, "bad_digest_weekday"),
        ({"delivery": "daily", "digest_weekday": "monday"}, "bad_digest_weekday"),
        ({"delivery": "daily", "timezone": "Mars/Olympus_Mons"}, "bad_timezone"),
        ({"delivery": "daily", "timezone": "../../etc/passwd"}, "bad_timezone"),
        ({"delivery": "daily", "timezone": "localtime"}, "bad_timezone"),
        ({"timezone": 5}, "bad_timezone"),
    ],
)
def test_bad_digest_settings_are_400_naming_the_field(client, runtime, consumer, fields, code):
    token = make_token(runtime)
    response = client.post(
        "/api/v1/webhooks", json={"url": consumer.url("/hook"), **fields}, headers=auth(token)
    )
    assert response.status_code == 400 and response.get_json()["error"]["code"] == code
    hook = register(client, token, "webhooks", consumer.url("/hook"))
    patched = client.patch(f"/api/v1/webhooks/{hook['id']}", json=fields, headers=auth(token))
    assert patched.status_code == 400 and patched.get_json()["error"]["code"] == code


def test_the_alerts_form_sets_a_digest_and_its_page_says_when_the_next_goes(
    client: FlaskClient, runtime, consumer
):
    fields = {
        "url": consumer.url("/hook"),
        "delivery": "daily",
        "digest_hour": "8",
        "digest_weekday": "monday",
    }
    with time_machine.travel(T0, tick=False):  # the form's CSRF token is timed too
        set_up_admin(client)
        form = token_in(client.get("/alerts/").get_data(as_text=True))
        refused = client.post("/alerts/", data={**fields, "timezone": "Berlin", "csrf_token": form})
        client.post("/alerts/", data={**fields, "timezone": "Europe/Berlin", "csrf_token": form})
        listed = client.get("/alerts/").get_data(as_text=True)
        with runtime.sessions() as session:
            (hook,) = session.scalars(select(Webhook))
        page = client.get(f"/alerts/{hook.id}").get_data(as_text=True)
    assert "timezone is an IANA time zone name" in refused.get_data(as_text=True)
    assert "daily digest at 08:00 Europe/Berlin" in listed
    assert (hook.delivery, hook.digest_hour, hook.digest_weekday) == ("daily", 8, None)
    assert "daily digest at 08:00 Europe/Berlin · next digest Fri 6 Mar 2026, 08:00 CET" in page
