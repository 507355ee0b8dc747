"""A request body the API refuses for its shape (tracker/web/bodies.py) is a 400 with the code the
services give the same field, as docs/api.md lists them: bad_<field> or the field's own code, and
bad_field for a field the body does not have."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.factories import add_article, auth, make_token
from tracker.engine.runtime import Runtime

REFUSED = [
    ("PATCH", "/articles/1", {"interval_seconds": "3600"}, "bad_interval"),
    ("PATCH", "/articles/1", {"interval_seconds": 59}, "bad_interval"),
    ("PATCH", "/articles/1", {"interval_seconds": 3600.0}, "bad_interval"),
    ("PATCH", "/articles/1", {"status": "failing"}, "bad_status"),
    ("PATCH", "/articles/1", {"url": "https://example.com/other"}, "bad_field"),
    ("POST", "/articles", {}, "bad_url"),
    ("POST", "/articles", {"url": 5}, "bad_url"),
    ("POST", "/articles", {"url": "https://example.com/a", "tags": ["x"]}, "bad_field"),
    ("PUT", "/articles/1/follow", {"tags": [1]}, "bad_tags"),
    ("PUT", "/articles/1/follow", {"tags": ["x"] * 21}, "bad_tags"),
    ("PUT", "/articles/1/follow", {"note": ["x"]}, "bad_note"),
    ("PUT", "/articles/1/follow", {"notes": "x"}, "bad_field"),
    ("POST", "/articles/bulk", {"action": "pause"}, "bad_selection"),
    ("POST", "/articles/bulk", {"ids": [1], "filter": {}, "action": "pause"}, "bad_selection"),
    ("POST", "/articles/bulk", {"ids": [1], "action": "archive"}, "bad_action"),
    ("POST", "/articles/bulk", {"ids": [0], "action": "pause"}, "bad_ids"),
    ("POST", "/articles/bulk", {"ids": "1", "action": "pause"}, "bad_ids"),
    ("POST", "/articles/bulk", {"filter": {"status": 5}, "action": "pause"}, "bad_status"),
    ("POST", "/articles/bulk", {"filter": {"q": 5}, "action": "pause"}, "bad_filter"),
    ("POST", "/articles/bulk", {"filter": {"host": "x"}, "action": "pause"}, "bad_filter"),
    ("POST", "/articles/bulk", {"ids": [1], "action": "pause", "why": "x"}, "bad_field"),
    ("PUT", "/articles/1/rules", {"whole_page": "yes"}, "bad_rules"),
    ("PUT", "/articles/1/rules", {"exclude": [".a", 5]}, "bad_rules"),
    ("PUT", "/articles/1/rules", {"exclude": ["x" * 301]}, "bad_rules"),
    ("PUT", "/articles/1/rules", {"selectors": []}, "bad_field"),
    ("POST", "/webhooks", {}, "bad_url"),
    ("POST", "/webhooks", {"url": "http://127.0.0.1:9/", "events": ["article.gone"]}, "bad_events"),
    ("POST", "/webhooks", {"url": "http://127.0.0.1:9/", "labels": "reverted"}, "bad_labels"),
    ("POST", "/webhooks", {"url": "http://127.0.0.1:9/", "article_ids": [0]}, "bad_article_ids"),
    ("POST", "/webhooks", {"url": "http://127.0.0.1:9/", "min_words": -1}, "bad_min_words"),
    ("POST", "/webhooks", {"url": "http://127.0.0.1:9/", "enabled": 1}, "bad_enabled"),
    ("POST", "/webhooks", {"url": "http://127.0.0.1:9/", "delivery": "hourly"}, "bad_delivery"),
    ("POST", "/webhooks", {"url": "http://127.0.0.1:9/", "digest_hour": 24}, "bad_digest_hour"),
    ("POST", "/webhooks", {"url": "http://127.0.0.1:9/", "digest_weekday": "sun"}, "bad_digest_weekday"),
    ("POST", "/webhooks", {"url": "http://127.0.0.1:9/", "timezone": 1}, "bad_timezone"),
    ("POST", "/webhooks", {"url": "http://127.0.0.1:9/", "secret": "mine"}, "bad_field"),
    ("POST", "/tokens", {"name": "x" * 81}, "bad_name"),
    ("POST", "/import", {"urls": "https://example.com/a"}, "bad_urls"),
    ("POST", "/import", {"content": 5}, "bad_json"),
    ("POST", "/import", {"format": "csv"}, "bad_json"),
    ("POST", "/import", {"content": "https://example.com/a", "format": "xml"}, "bad_format"),
    ("POST", "/feeds", {}, "bad_url"),
    ("POST", "/feeds", {"url": "http://127.0.0.1:9/feed", "include": 5}, "bad_include"),
    ("POST", "/feeds", {"url": "http://127.0.0.1:9/feed", "max_age_days": 0}, "bad_max_age_days"),
    ("POST", "/feeds", {"url": "http://127.0.0.1:9/feed", "title": "x"}, "bad_field"),
]


@pytest.mark.parametrize(("method", "path", "body", "code"), REFUSED)
def test_a_body_of_the_wrong_shape_is_refused_with_the_code_of_its_field(
    client: FlaskClient, runtime: Runtime, method: str, path: str, body: dict[str, object], code: str
):
    token = make_token(runtime, admin=True)
    add_article(client, token, "https://example.com/story")
    response = client.open(f"/api/v1{path}", method=method, json=body, headers=auth(token))
    error = response.get_json()["error"]
    assert (response.status_code, error["code"]) == (400, code), error["message"]


def test_the_message_names_the_field_and_what_it_takes(client: FlaskClient, runtime: Runtime):
    token = make_token(runtime)
    added = add_article(client, token, "https://example.com/story")
    answers = [
        client.patch(f"/api/v1/articles/{added['id']}", json=body, headers=auth(token)).get_json()["error"]
        for body in ({"interval_seconds": 59}, {"interval": 60})
    ]
    assert answers[0]["message"] == "interval_seconds: input should be greater than or equal to 60"
    assert answers[1]["message"] == "cannot read interval: it is not a field of this body"
