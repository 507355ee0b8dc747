"""The API's shapes are declared once (tracker/services/payloads.py); the OpenAPI schemas are generated
from them, and the webhook payload schema (docs/webhook-payload.schema.json) must agree with them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tracker.domain.vocabulary import ARTICLE_STATUSES, CHECK_OUTCOMES, DELIVERY_STATUSES
from tracker.services import payloads
from tracker.web.openapi import document
from tracker.web.openapi_schemas import generated

WEBHOOK_SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "docs" / "webhook-payload.schema.json").read_text()
)
SHAPES = generated((payloads.ArticleFactsPayload, payloads.DiffPayload, payloads.EvidencePayload))


def enum_of(schema: dict[str, Any]) -> set[Any] | None:
    """Return the allowed values of a property, null included, or None when any value of its type goes."""
    for choice in schema.get("anyOf", [schema]):
        if "enum" in choice:
            return {*choice["enum"], *([None] if len(schema.get("anyOf", ())) > 1 else [])}
    return None


@pytest.mark.parametrize(
    ("webhook_name", "shape_name"),
    [("article", "ArticleFacts"), ("diff", "Diff"), ("block", "Block"), ("evidence", "Evidence")],
)
def test_the_webhook_schema_holds_the_fields_the_payloads_declare(webhook_name: str, shape_name: str):
    written, declared = WEBHOOK_SCHEMA["$defs"][webhook_name], SHAPES[shape_name]
    assert list(written["properties"]) == list(declared["properties"])
    assert written["required"] == declared["required"]
    for name, prop in declared["properties"].items():
        assert enum_of(written["properties"][name]) == enum_of(prop), name


def test_every_answer_object_is_closed_and_titles_are_left_out():
    schemas = document()["components"]["schemas"]
    article = schemas["Article"]
    assert article["additionalProperties"] is False
    assert "title" not in article and "title" in article["properties"]  # the field, not pydantic's title
    assert schemas["Block"]["required"] == ["op", "old", "new", "words"]  # from_index, to_index: moves only


def test_the_stored_words_are_the_documented_ones():
    schemas = document()["components"]["schemas"]
    assert schemas["Article"]["properties"]["status"]["enum"] == list(ARTICLE_STATUSES)
    assert schemas["Check"]["properties"]["outcome"]["enum"] == list(CHECK_OUTCOMES)
    assert schemas["Delivery"]["properties"]["status"]["enum"] == list(DELIVERY_STATUSES)
