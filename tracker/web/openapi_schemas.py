"""The JSON shapes of the API as OpenAPI 3.1 component schemas, each defined once.

Pydantic writes the JSON Schema of each shape from its one declaration, as a TypedDict: answers in
tracker/services/payloads.py (every field always present is required, nothing else allowed), request
bodies in tracker/web/bodies.py (which the views validate against the same declaration). So neither
an answer nor a body can drift from its schema. Only the list envelope and the error answer, which
wrap those shapes, are written here.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode

from tracker.adapters.models import MAX_ID
from tracker.domain.labels import LABEL_WORDS
from tracker.domain.vocabulary import ARTICLE_STATUSES
from tracker.services import payloads
from tracker.web.bodies import BODIES

Schema = dict[str, Any]
REF = "#/components/schemas/{model}"


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    """Return the schema that also allows null (3.1: a list of types; a reference needs oneOf)."""
    if "type" not in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    return {**schema, "type": [*kinds, "null"]}


def shape(required: dict[str, Schema], optional: dict[str, Schema] | None = None, **extra: Any) -> Schema:
    """Return a closed object schema: `required` always present, `optional` sometimes, nothing else."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(required),
        "properties": {**required, **(optional or {})},
        **extra,
    }


def described(text: str, schema: Schema) -> Schema:
    return {**schema, "description": text}


def list_of(item: Schema) -> Schema:
    return {"type": "array", "items": item}


def page_of(item: str) -> Schema:
    """Return the list envelope of docs/api.md around items of one schema."""
    return shape(
        {
            "items": list_of(ref(item)),
            "next": nullable(described("pass as ?cursor= for the next page; null on the last", TEXT)),
        }
    )


# The answers: names are the TypedDicts' without "Payload" (ArticlePayload is "Article").
ANSWERS = (
    payloads.ArticlePayload,
    payloads.CheckPayload,
    payloads.VersionSummaryPayload,
    payloads.VersionPayload,
    payloads.VersionAsOfPayload,
    payloads.VersionHeadersPayload,
    payloads.DiffPayload,
    payloads.ChangePayload,
    payloads.SearchHitPayload,
    payloads.RulesPayload,
    payloads.SiteRulesPayload,
    payloads.WebhookPayload,
    payloads.NewWebhookPayload,
    payloads.SecretRotationPayload,
    payloads.DeliveryPayload,
    payloads.TokenPayload,
    payloads.AccountPayload,
    payloads.NewTokenPayload,
    payloads.InvitePayload,
    payloads.NewInvitePayload,
    payloads.TagPayload,
    payloads.ImportReportPayload,
    payloads.WatchlistItemPayload,
    payloads.BulkResultPayload,
    payloads.FeedPayload,
    payloads.FeedEntryPayload,
    payloads.FeedLinkPayload,
    payloads.FeedCheckPayload,
    payloads.HistoryPayload,
    payloads.ErrorBody,
)


class ComponentNames(GenerateJsonSchema):
    """Pydantic's JSON Schema writer, naming each shape for its TypedDict without "Payload"."""

    def normalize_name(self, name: str) -> str:
        return super().normalize_name(name).removesuffix("Payload")


def generated(
    shapes: Iterable[type] | Mapping[str, Any],
    ref_template: str = REF,
    mode: JsonSchemaMode = "serialization",
) -> dict[str, Schema]:
    """Return the JSON Schemas of these TypedDicts (or of these types by name: a union has none), in
    their order, then of the shapes they hold. Mode validation: as a request body is read."""
    named = (
        shapes
        if isinstance(shapes, Mapping)
        else {shape.__name__.removesuffix("Payload"): shape for shape in shapes}
    )
    tops, definitions = TypeAdapter.json_schemas(
        [(name, mode, TypeAdapter(shape)) for name, shape in named.items()],
        ref_template=ref_template,
        schema_generator=ComponentNames,
    )
    inline = {name: schema for (name, _mode), schema in tops.items() if "$ref" not in schema}
    found = {**definitions.get("$defs", {}), **inline}
    order = list(named)
    names = sorted(found, key=lambda name: (order.index(name) if name in order else len(order), name))
    return {name: closed(found[name]) for name in names}


def closed(schema: Any) -> Any:
    """Return the schema without pydantic's titles (the names say it), every object closed: what
    an answer holds is exactly what its TypedDict declares."""
    if isinstance(schema, list):
        return [closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    node = {
        key: {name: closed(item) for name, item in value.items()} if key == "properties" else closed(value)
        for key, value in schema.items()
        if not (key == "title" and isinstance(value, str))
    }
    if node.get("type") == "object" and "additionalProperties" not in node:
        node["additionalProperties"] = False
    return node


TEXT: Schema = {"type": "string"}
TIME: Schema = {"type": "string", "format": "date-time", "examples": ["2026-03-05T12:00:00Z"]}
ID: Schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
COUNT: Schema = {"type": "integer", "minimum": 0, "maximum": MAX_ID}
LABEL: Schema = {"type": "string", "enum": list(LABEL_WORDS)}
TAG: Schema = {"type": "string", "minLength": 1, "maxLength": 40}
ARTICLE_STATUS: Schema = {"type": "string", "enum": list(ARTICLE_STATUSES)}
# The list envelopes: "ArticlePage" holds Articles.
PAGES = {
    **{
        f"{item}Page": item
        for item in (
            "Article",
            "Check",
            "VersionSummary",
            "Change",
            "SiteRules",
            "Webhook",
            "Delivery",
            "Token",
            "Invite",
            "Tag",
            "Feed",
            "FeedEntry",
            "FeedLink",
        )
    },
    "SearchPage": "SearchHit",
    "WatchlistPage": "WatchlistItem",
}


@functools.cache
def schemas() -> dict[str, Schema]:
    """Return every component schema (generated on the first request for the document, not when
    the web layer starts)."""
    answers = generated(ANSWERS)
    return {
        # The error answer is written by tracker/web/errors.py around the ErrorBody of the payloads.
        "Error": described(
            "every error answer",
            shape(
                {
                    "error": shape(
                        answers["ErrorBody"]["properties"],
                        {
                            "feeds": described(
                                "with not_a_feed: the feeds the page advertises", list_of(ref("FeedLink"))
                            )
                        },
                    )
                }
            ),
        ),
        **answers,
        **generated(BODIES, mode="validation"),
        **{name: page_of(item) for name, item in PAGES.items()},
    }
