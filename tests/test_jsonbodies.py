"""JSON bodies are written by orjson, and say what Flask's own json would have said."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import add_article, auth, make_token
from tracker.runtime import Runtime


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
