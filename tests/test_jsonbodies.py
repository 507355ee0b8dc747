"""JSON bodies are written by orjson, and say what Flask's own json would have said."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import add_article, auth, make_token
from tracker.engine.runtime import Runtime


def test_api_bodies_are_compact_utf8_in_the_documented_field_order(client: FlaskClient, runtime: Runtime):
    token = make_token(runtime)
    added = add_article(client, token, "https://example.com/story")
    response = client.put(f"/api/v1/articles/{added['id']}/follow", json={"note": "Été"}, headers=auth(token))
    assert response.mimetype == "application/json"
    assert response.data.endswith(b"}\n") and b'": ' not in response.data  # compact, one line
    assert "Été".encode() in response.data  # UTF-8, not \u escapes
    assert list(response.get_json())[:3] == ["id", "url", "canonical_url"]  # not sorted


@dataclass(frozen=True)
class Point:
    x: int


def test_what_orjson_refuses_is_written_as_flask_writes_it(app: Flask):
    """Dates as HTTP dates, Decimals as strings, integer keys as strings, a lone surrogate (which
    a request body may carry, and an error may repeat) escaped: no 500 for any of them."""
    with app.test_request_context():
        for value, expected in (
            ({"when": date(2026, 12, 3)}, {"when": "Thu, 03 Dec 2026 00:00:00 GMT"}),
            ({"amount": Decimal("1.50")}, {"amount": "1.50"}),
            ({7: "seven"}, {"7": "seven"}),
            ({"text": "bad \ud800 half"}, {"text": "bad \ud800 half"}),
            ({"point": Point(3)}, {"point": {"x": 3}}),
        ):
            response = app.json.response(value)  # type: ignore[attr-defined]
            assert json.loads(response.data) == expected


DEEP_ARRAY = "[" * 5_000 + "]" * 5_000
DEEP_OBJECT = '{"a":' * 1_000 + "1" + "}" * 1_000


@pytest.mark.parametrize("path", ["/healthz", "/login", "/api/v1/articles"])
@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT], ids=["array", "object"])
def test_deeply_nested_json_is_a_400_with_one_log_line(
    client: FlaskClient, caplog: pytest.LogCaptureFixture, path: str, body: str
):
    """json's parser recursed once per level: a RecursionError, a 500 and a traceback before."""
    with caplog.at_level(logging.WARNING):
        response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.get_json()["error"]["code"] == "bad_json"
    records = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [record.getMessage() for record in records] == [
        f"bad_json on POST {path}: nested deeper than 64 levels"
    ]
    assert records[0].exc_info is None


def test_a_deep_body_in_utf16_is_refused_too(client: FlaskClient):
    """json reads UTF-16 bodies; scanned as bytes, their brackets would not be seen."""
    body = DEEP_ARRAY.encode("utf-16")
    response = client.post("/api/v1/articles", data=body, content_type="application/json")
    assert response.get_json()["error"]["code"] == "bad_json"


def test_brackets_inside_strings_and_nesting_up_to_the_limit_are_fine(client: FlaskClient, runtime: Runtime):
    token = make_token(runtime)
    added = add_article(client, token, "https://example.com/" + "%5B" * 10)
    note = {"note": "[{" * 800 + '\\"[' * 100}
    response = client.put(f"/api/v1/articles/{added['id']}/follow", json=note, headers=auth(token))
    assert response.status_code == 200, response.get_json()
    nested: object = "x"
    for _ in range(63):  # with the outer object: 64 levels
        nested = [nested]
    response = client.post(
        "/api/v1/articles", json={"url": "https://example.com/", "extra": nested}, headers=auth(token)
    )
    assert response.get_json()["error"]["code"] == "bad_field"  # parsed and read: only the field is refused


def test_the_json_provider_refuses_deep_text_as_malformed(app: Flask):
    """What reads a body without the before-request check (get_json anywhere) gets a ValueError."""
    with app.test_request_context():
        with pytest.raises(ValueError, match="nested deeper than 64"):
            app.json.loads(DEEP_ARRAY)
        assert app.json.loads("[" * 64 + "]" * 64) is not None
