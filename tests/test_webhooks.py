"""One signed webhook POST through the one client: what the delivery log keeps, and the deadline."""

from __future__ import annotations

import time

from tests.hostileserver import Dripping, head, raw
from tests.pageserver import PageServer, Reply
from tracker.adapters.fetch import Client
from tracker.adapters.netguard import AddressGuard
from tracker.adapters.webhooks import ANSWER_READ, RESPONSE_KEPT, post_webhook

SECRETS = ["whsec_" + "A" * 32]


def client() -> Client:
    return Client(AddressGuard(allow_private=True), user_agent="Test/1")


def send(url: str, http: Client | None = None, timeout: float = 2.0):
    return post_webhook(
        http or client(), url, message_id="msg_1", body='{"a": 1}', secrets_in_use=SECRETS, timeout=timeout
    )


def test_the_log_keeps_the_headers_as_the_endpoint_received_them(consumer: PageServer):
    attempt = send(consumer.url("/hook"))
    assert attempt.succeeded and attempt.response == "thanks"
    [(_path, received)] = consumer.requests
    assert dict(attempt.request_headers) == received
    assert received["Host"] == f"127.0.0.1:{consumer.port}" and received["Content-Length"] == "8"
    assert received["User-Agent"] == "Test/1" and received["webhook-signature"].startswith("v1,")


def test_a_failed_send_still_logs_what_it_tried_to_send():
    attempt = send("http://127.0.0.1:9/hook")  # nothing listens on the discard port
    assert attempt.error_code == "connection_refused"
    assert dict(attempt.request_headers)["webhook-id"] == "msg_1"


def test_a_long_answer_keeps_its_first_kilobyte_and_the_next_send_still_works(consumer: PageServer):
    consumer.routes["/hook"] = Reply(b"x" * (2 * ANSWER_READ), content_type="text/plain")
    http = client()
    attempt = send(consumer.url("/hook"), http)
    assert attempt.succeeded and attempt.response == "x" * RESPONSE_KEPT
    consumer.routes["/hook"] = Reply(b"thanks", content_type="text/plain")
    assert send(consumer.url("/hook"), http).response == "thanks"  # the cut connection was not reused


def test_an_answer_dripping_in_is_cut_at_the_deadline(consumer: PageServer):
    """Each read within the timeout is not enough: a byte every 0.2 s would hold the sender for 20 s."""
    consumer.routes["/hook"] = raw(head(("Content-Length", "100")), Dripping(b"x" * 100, 0.2))
    started = time.monotonic()
    attempt = send(consumer.url("/hook"), timeout=0.5)
    assert (attempt.status, attempt.error_code) == (None, "timeout"), attempt
    assert time.monotonic() - started < 2.5  # three timeouts, and the watchdog's period
