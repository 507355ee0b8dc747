"""The JSON shapes of the API as OpenAPI 3.1 component schemas, each defined once.

Answers mirror tracker/services/payloads.py field for field (every field always present is
required, nothing else allowed); request bodies state the limits the services enforce, taken
from the code that enforces them where it exposes them.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from tracker.adapters.models import ARTICLE_STATUSES, DELIVERY_STATUSES, MAX_ID
from tracker.domain.diff import Summary
from tracker.domain.digests import DIGEST, MODES, WEEKDAYS
from tracker.domain.feeds import MAX_DAYS
from tracker.domain.labels import LABEL_WORDS
from tracker.domain.rules import MAX_ITEMS, MAX_LENGTH
from tracker.domain.searchtext import FIELDS
from tracker.services.alerts import EVENTS
from tracker.services.articles import MAX_INTERVAL, MIN_INTERVAL, STATUSES_USERS_SET
from tracker.services.bulk import ACTIONS, MAX_IDS
from tracker.services.changefeed import KIND_WORDS
from tracker.services.watchlists import MAX_NOTE, MAX_TAGS

Schema = dict[str, Any]


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


def list_of_at_most(item: Schema, most: int) -> Schema:
    return {"type": "array", "items": item, "maxItems": most}


def page_of(item: str) -> Schema:
    """Return the list envelope of docs/api.md around items of one schema."""
    return shape(
        {
            "items": list_of(ref(item)),
            "next": nullable(described("pass as ?cursor= for the next page; null on the last", TEXT)),
        }
    )


TEXT: Schema = {"type": "string"}
TIME: Schema = {"type": "string", "format": "date-time", "examples": ["2026-03-05T12:00:00Z"]}
ID: Schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
COUNT: Schema = {"type": "integer", "minimum": 0, "maximum": MAX_ID}
FLAG: Schema = {"type": "boolean"}
LABEL: Schema = {"type": "string", "enum": list(LABEL_WORDS)}
EVENT: Schema = {"type": "string", "enum": list(EVENTS)}
DELIVERY_MODE: Schema = described(
    "each: every event alone; daily or weekly: one digest at digest_hour in timezone",
    {"type": "string", "enum": list(MODES)},
)
DIGEST_HOUR: Schema = described(
    "the hour digests go out (local time); null: not a digest",
    {"type": ["integer", "null"], "minimum": 0, "maximum": 23},
)
WEEKDAY: Schema = described(
    "the day weekly digests go out; null: not weekly", {"type": ["string", "null"], "enum": [*WEEKDAYS, None]}
)
TIME_ZONE: Schema = described(
    "an IANA time zone name, e.g. Europe/Berlin", {"type": "string", "examples": ["UTC"]}
)
TAG: Schema = {"type": "string", "minLength": 1, "maxLength": 40}
LINK: Schema = described("a path on this server", TEXT)
ARTICLE_STATUS: Schema = {"type": "string", "enum": list(ARTICLE_STATUSES)}
INTERVAL: Schema = described(
    "seconds between checks; null lets the default policy decide by the article's age",
    nullable({"type": "integer", "minimum": MIN_INTERVAL, "maximum": MAX_INTERVAL}),
)
TAGS_INPUT: Schema = {
    "oneOf": [
        {"type": "array", "items": TAG, "maxItems": MAX_TAGS},
        described("tags separated by commas", TEXT),
    ],
    "description": "letters, digits, spaces and . : / + - ; lower-cased, repeats dropped",
}
LINES: Schema = {
    "oneOf": [
        {"type": "array", "items": {"type": "string", "maxLength": MAX_LENGTH}, "maxItems": MAX_ITEMS},
        described("one entry per line", TEXT),
    ]
}
ERROR_BODY = shape(
    {
        "code": described(
            "short snake_case reason, e.g. bad_url, not_found",
            {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
        ),
        "message": described("what went wrong and what to do", TEXT),
    }
)
FEED_LINK = shape({"url": TEXT, "title": nullable(TEXT), "type": {"type": "string", "enum": ["rss", "atom"]}})
DAYS: Schema = nullable({"type": "integer", "minimum": 1, "maximum": MAX_DAYS})
PATTERNS: Schema = described(
    "text that must (include) or must not (exclude) occur in the link or title; * stands for anything",
    nullable(LINES),
)
WORD_RUNS: Schema = described(
    "runs of unchanged (=), removed (-) and added (+) text that join back to each side: words and "
    "punctuation marks, or characters in scripts written without spaces",
    list_of(
        {
            "type": "array",
            "prefixItems": [{"type": "string", "enum": ["=", "-", "+"]}, TEXT],
            "minItems": 2,
            "maxItems": 2,
        }
    ),
)
FIELD_CHANGE = described(
    "the value before and after; null when it did not change",
    nullable(
        shape(
            {
                "old": nullable(TEXT),
                "new": nullable(TEXT),
                "words": described(
                    "headline and byline when both values exist: " + WORD_RUNS["description"],
                    nullable(WORD_RUNS),
                ),
            }
        )
    ),
)
VERSION_FIELDS: dict[str, Schema] = {
    "article_id": ID,
    "number": described("1 for the first version", ID),
    "observed_at": TIME,
    "content_hash": TEXT,
    "title": nullable(TEXT),
    "byline": nullable(TEXT),
    "published_at": described("as the page states it", nullable(TEXT)),
    "modified_at": described("as the page states it", nullable(TEXT)),
    "language": described(
        "BCP 47 tag (`zh-CN`): declared by the page, or detected in the text; null: unknown", nullable(TEXT)
    ),
    "word_count": COUNT,
    "matches_version": described("the earlier version with the same text (a revert)", nullable(ID)),
    "baseline": described("re-read with new extraction rules or a new extractor; no change", FLAG),
    "lead_image": nullable(TEXT),
    "extractor": described("the extractor version and rules that made this version", TEXT),
    "labels": list_of(LABEL),
    "links": shape({"html": LINK}),
}
WEBHOOK_FIELDS: dict[str, Schema] = {
    "id": ID,
    "url": TEXT,
    "events": described("null: every event", nullable(list_of(EVENT))),
    "article_ids": described("null: every article the owner follows", nullable(list_of(ID))),
    "tags": described("only articles the owner tagged so; null: any", nullable(list_of(TEXT))),
    "labels": described("only changes with one of these labels; null: any", nullable(list_of(LABEL))),
    "min_words": described("only changes of at least this many words; null: any", nullable(COUNT)),
    "enabled": FLAG,
    "disabled_reason": nullable(TEXT),
    "created_at": TIME,
    "delivery": DELIVERY_MODE,
    "digest_hour": DIGEST_HOUR,
    "digest_weekday": WEEKDAY,
    "timezone": TIME_ZONE,
    "next_digest_at": described("when the next digest goes out; null: not a digest", nullable(TIME)),
    "links": shape({"deliveries": LINK}),
}
FILTER_INPUTS: dict[str, Schema] = {
    "events": nullable(list_of(EVENT)),
    "article_ids": nullable(list_of(ID)),
    "tags": nullable(TAGS_INPUT),
    "labels": nullable(list_of(LABEL)),
    "min_words": nullable(COUNT),
    "enabled": described("true also clears the reason it was disabled", FLAG),
    "delivery": described(
        DELIVERY_MODE["description"] + "; back to each sends what was held at once", DELIVERY_MODE
    ),
    "digest_hour": described("0-23; default 8 (08:00) for a new digest", DIGEST_HOUR),
    "digest_weekday": described("weekly only; default monday", WEEKDAY),
    "timezone": described("an IANA time zone name; default UTC", TEXT),
}
RULES_FIELDS: dict[str, Schema] = {
    "source": described(
        "where the rules come from", {"type": "string", "enum": ["article", "site", "default"]}
    ),
    "include": described("CSS selectors: extract only these parts", list_of(TEXT)),
    "exclude": described("CSS selectors: remove these parts first", list_of(TEXT)),
    "ignore": described("regular expressions: text cut out of every block", list_of(TEXT)),
    "whole_page": described("keep all the page's text (not an article)", FLAG),
    "render": described("fetch through a headless browser", FLAG),
    "robots": described("honour robots.txt", FLAG),
    "fingerprint": described("names the rules on the versions they made", TEXT),
}
ARTICLE = shape(
    {
        "id": ID,
        "url": described("normalised", TEXT),
        "canonical_url": nullable(TEXT),
        "title": nullable(TEXT),
        "status": ARTICLE_STATUS,
        "interval_seconds": INTERVAL,
        "created_at": TIME,
        "last_checked_at": nullable(TIME),
        "next_check_at": TIME,
        "last_changed_at": nullable(TIME),
        "version_count": COUNT,
        "links": shape({"html": LINK}),
        "following": described("whether the caller follows it", FLAG),
        "tags": described("the caller's tags", list_of(TEXT)),
        "note": described("the caller's note", nullable(TEXT)),
        "failure_count": described("checks in a row that failed; 0: the last one worked", COUNT),
        "failing_since": described("the first of those failed checks", nullable(TIME)),
        "last_error": described(
            "the last failed check, even when checks work again since (then failure_count is 0)",
            nullable(
                shape(
                    {
                        "code": described("e.g. http_404, timeout, dns, redirected_away", TEXT),
                        "at": TIME,
                        "count": described("checks in a row that ended with this code", COUNT),
                        "message": described(
                            "in plain words, e.g. 'The site answered 404 (page not found) three times "
                            "in a row; ...'",
                            TEXT,
                        ),
                    }
                )
            ),
        ),
    }
)
BULK_ACTION: Schema = described(
    "check_now: due for the scheduler; add_tags and remove_tags need `tags`",
    {"type": "string", "enum": list(ACTIONS)},
)
BULK_FILTER = described(
    "the filters of GET /articles; {} selects every article the caller follows",
    shape(
        {},
        {
            "status": nullable({"oneOf": [ARTICLE_STATUS, {"type": "array", "items": ARTICLE_STATUS}]}),
            "tag": nullable(TAG),
            "site": nullable(TEXT),
            "q": nullable(TEXT),
            "changed_since": nullable(TIME),
        },
    ),
)
BLOCK = shape(
    {
        "op": {"type": "string", "enum": ["equal", "insert", "delete", "replace", "move"]},
        "old": nullable(TEXT),
        "new": nullable(TEXT),
        "words": described("on replace blocks: " + WORD_RUNS["description"], nullable(WORD_RUNS)),
    },
    {
        "from_index": described("on move blocks, 0-based", COUNT),
        "to_index": described("on move blocks", COUNT),
    },
)
DELIVERY = shape(
    {
        "id": ID,
        "event": {"type": "string", "enum": [*EVENTS, DIGEST]},
        "webhook_id_header": described("the webhook-id header, the same on every attempt", TEXT),
        "article_id": nullable(ID),
        "created_at": TIME,
        "status": {"type": "string", "enum": list(DELIVERY_STATUSES)},
        "attempts": COUNT,
        "next_attempt_at": described("while pending", nullable(TIME)),
        "last_attempt_at": nullable(TIME),
        "last_status": described("the endpoint's HTTP status", nullable({"type": "integer"})),
        "last_error_code": described(
            "why the last attempt failed: connection_refused, dns, timeout, tls, blocked_address, "
            "redirect_refused, http_500 ...",
            nullable(TEXT),
        ),
        "last_error": described("the same in a sentence a person can act on", nullable(TEXT)),
        "last_latency_ms": nullable(COUNT),
        "last_response": described("the start of the endpoint's answer", nullable(TEXT)),
    }
)
TOKEN_FIELDS: dict[str, Schema] = {"id": ID, "name": TEXT, "created_at": TIME, "last_used_at": nullable(TIME)}
INVITE_FIELDS: dict[str, Schema] = {"id": ID, "created_at": TIME, "used": FLAG, "used_at": nullable(TIME)}
FEED_OPTIONS: dict[str, Schema] = {
    "name": described("the tag its articles get; default: from the feed's title", nullable(TAG)),
    "include": PATTERNS,
    "exclude": PATTERNS,
    "max_age_days": DAYS,
    "stop_after_days": DAYS,
}
SUMMARY_FIELDS: dict[str, Schema] = {field.name: COUNT for field in fields(Summary)}
IMPORTED = shape({"line": ID, "url": TEXT, "article_id": ID})

SCHEMAS: dict[str, Schema] = {
    "Error": described(
        "every error answer",
        shape(
            {
                "error": shape(
                    ERROR_BODY["properties"],
                    {
                        "feeds": described(
                            "with not_a_feed: the feeds the page advertises", list_of(FEED_LINK)
                        )
                    },
                )
            }
        ),
    ),
    "Article": ARTICLE,
    "ArticlePage": page_of("Article"),
    "NewArticle": shape(
        {"url": described("http or https", TEXT)},
        {"interval_seconds": INTERVAL},
        examples=[{"url": "https://news.example.com/2026/03/council-vote", "interval_seconds": 3600}],
    ),
    "BulkInput": {
        "oneOf": [
            shape(
                {"ids": list_of_at_most(ID, MAX_IDS), "action": BULK_ACTION},
                {"tags": nullable(TAGS_INPUT)},
                examples=[{"ids": [1], "action": "pause"}],
            ),
            shape(
                {"filter": BULK_FILTER, "action": BULK_ACTION},
                {"tags": nullable(TAGS_INPUT)},
                examples=[{"filter": {"status": ["failing"]}, "action": "add_tags", "tags": ["broken"]}],
            ),
        ]
    },
    "BulkResult": shape(
        {
            "action": BULK_ACTION,
            "matched": described("the caller's followed articles selected", COUNT),
            "changed": described("those the action changed; the others were already so, or skipped", COUNT),
            "skipped": described(
                "articles the caller may not change so (shared_article: only an admin pauses or "
                "resumes an article others follow too)",
                list_of(shape({"id": ID, "error": ERROR_BODY})),
            ),
        }
    ),
    "ArticleChanges": shape(
        {},
        {
            "interval_seconds": INTERVAL,
            "status": described(
                "pause or resume checking", {"type": "string", "enum": list(STATUSES_USERS_SET)}
            ),
        },
        examples=[{"status": "paused"}],
    ),
    "Follow": shape(
        {},
        {
            "tags": nullable(TAGS_INPUT),
            "note": nullable({"type": "string", "maxLength": MAX_NOTE}),
        },
        examples=[{"tags": ["council", "local politics"], "note": "watch the vote"}],
    ),
    "Check": shape(
        {
            "id": ID,
            "article_id": ID,
            "checked_at": TIME,
            "duration_ms": COUNT,
            "outcome": {"type": "string", "enum": ["first", "changed", "unchanged", "not_modified", "error"]},
            "http_status": nullable({"type": "integer"}),
            "version": described("the version the check stored", nullable(ID)),
            "error": described(
                "why the check failed, e.g. timeout, dns, http_404, blocked_address", nullable(ERROR_BODY)
            ),
        }
    ),
    "CheckPage": page_of("Check"),
    "VersionSummary": described("a version without its text", shape(VERSION_FIELDS)),
    "VersionSummaryPage": page_of("VersionSummary"),
    "Version": shape({**VERSION_FIELDS, "paragraphs": list_of(TEXT)}),
    "VersionAsOf": shape(
        {
            **VERSION_FIELDS,
            "paragraphs": list_of(TEXT),
            "live_until": described("when the next version replaced it; null: still live", nullable(TIME)),
        }
    ),
    "VersionHeaders": shape(
        {
            "article_id": ID,
            "number": ID,
            "final_url": described("after redirects", TEXT),
            "encoding": nullable(TEXT),
            "headers": {"type": "object", "additionalProperties": TEXT},
        }
    ),
    "Diff": shape(
        {
            "article_id": ID,
            "from": described("0: the empty article", COUNT),
            "to": ID,
            "title": FIELD_CHANGE,
            "byline": FIELD_CHANGE,
            "published_at": FIELD_CHANGE,
            "modified_at": FIELD_CHANGE,
            "summary": ref("DiffSummary"),
            "blocks": list_of({"oneOf": [ref("Block"), ref("FoldedBlock")]}),
            "labels": list_of(LABEL),
            "reverted_to": described("the earlier version `to` matches", nullable(ID)),
            "links": shape({"html": LINK}),
        }
    ),
    "DiffSummary": shape(SUMMARY_FIELDS),
    "Block": described("one paragraph's fate", BLOCK),
    "FoldedBlock": described(
        "with ?context=: a run of unchanged paragraphs",
        shape({"op": {"type": "string", "const": "equal"}, "count": ID}),
    ),
    "Change": shape(
        {
            "kind": described(
                "changed: a new version; removed, restored, moved: what happened to the article "
                "(labels and summary then empty, version the latest at that moment)",
                {"type": "string", "enum": list(KIND_WORDS)},
            ),
            "article_id": ID,
            "article_title": nullable(TEXT),
            "url": TEXT,
            "site": TEXT,
            "version": ID,
            "observed_at": TIME,
            "labels": list_of(LABEL),
            "summary": described(
                "the DiffSummary counts; empty for versions stored before counts were kept",
                shape({}, SUMMARY_FIELDS),
            ),
            "links": shape({"html": LINK}),
        },
        {"evidence": described("removed, restored, moved: what the check saw", ref("Evidence"))},
    ),
    "Evidence": shape(
        {
            "http_status": nullable(described("404, 410, 200, or the 301/308 of a move", COUNT)),
            "url": described("the address checked (moved: the old one)", TEXT),
            "final_url": nullable(described("where redirects led (moved: the new address)", TEXT)),
            "reason": nullable(
                described(
                    "why it counts as removed",
                    {"type": "string", "enum": ["http_410", "http_404", "redirected_away"]},
                )
            ),
            "observed_at": TIME,
        }
    ),
    "ChangePage": page_of("Change"),
    "SearchHit": shape(
        {
            "article_id": ID,
            "article_title": nullable(TEXT),
            "version": ID,
            "in": {"type": "string", "enum": list(FIELDS)},
            "snippet": described("the text around the first match, plain text", TEXT),
            "observed_at": TIME,
            "links": shape({"html": described("the version (in=text) or its diff", LINK)}),
        }
    ),
    "SearchPage": page_of("SearchHit"),
    "Rules": shape(RULES_FIELDS),
    "SiteRules": shape({"site": TEXT, **RULES_FIELDS}),
    "SiteRulesPage": page_of("SiteRules"),
    "RulesInput": shape(
        {},
        {
            "include": LINES,
            "exclude": LINES,
            "ignore": LINES,
            "whole_page": FLAG,
            "render": FLAG,
            "robots": FLAG,
        },
        description="absent fields take their defaults (nothing included, excluded or ignored; robots on)",
        examples=[{"exclude": [".related", "aside"], "ignore": ["^Advertisement$"]}],
    ),
    "Webhook": described("a webhook or a channel; never its secret", shape(WEBHOOK_FIELDS)),
    "WebhookPage": page_of("Webhook"),
    "NewWebhook": shape({**WEBHOOK_FIELDS, "secret": described("shown once: verifies the signatures", TEXT)}),
    "WebhookInput": shape(
        {"url": described("http or https; redirects are not followed", TEXT)},
        FILTER_INPUTS,
        examples=[
            {"url": "https://hooks.example.com/tracker", "labels": ["stealth_edit", "headline_changed"]}
        ],
    ),
    "ChannelInput": shape(
        {"url": described("an Apprise URL (slack://, mailto://, ntfy://, ...)", TEXT)}, FILTER_INPUTS
    ),
    "EndpointChanges": shape({}, FILTER_INPUTS),
    "SecretRotation": shape(
        {
            "secret": TEXT,
            "previous_secret_valid_until": described("the old secret also signs until then", nullable(TIME)),
        }
    ),
    "Delivery": DELIVERY,
    "DeliveryPage": page_of("Delivery"),
    "Token": shape(TOKEN_FIELDS),
    "TokenPage": page_of("Token"),
    "NewToken": shape({**TOKEN_FIELDS, "token": described("shown once", TEXT)}),
    "TokenInput": shape(
        {}, {"name": nullable({"type": "string", "maxLength": 80})}, examples=[{"name": "newsroom script"}]
    ),
    "Invite": shape(INVITE_FIELDS),
    "InvitePage": page_of("Invite"),
    "NewInvite": shape({**INVITE_FIELDS, "code": described("shown once", TEXT)}),
    "Tag": shape({"tag": TEXT, "articles": COUNT}),
    "TagPage": page_of("Tag"),
    "ImportInput": {
        "oneOf": [
            shape({"urls": list_of(TEXT)}, {"tags": nullable(TAGS_INPUT)}),
            shape(
                {"content": described("the list as text, CSV or OPML", TEXT)},
                {
                    "format": described(
                        "guessed from the content when absent",
                        {"type": "string", "enum": ["text", "csv", "opml"]},
                    ),
                    "tags": nullable(TAGS_INPUT),
                },
            ),
        ]
    },
    "ImportReport": shape(
        {
            "added": list_of(IMPORTED),
            "already_tracked": described("now followed", list_of(IMPORTED)),
            "rejected": list_of(shape({"line": ID, "url": TEXT, "error": ERROR_BODY})),
        }
    ),
    "WatchlistItem": shape(
        {
            "url": TEXT,
            "title": nullable(TEXT),
            "tags": list_of(TEXT),
            "note": nullable(TEXT),
            "added_at": TIME,
        }
    ),
    "WatchlistPage": page_of("WatchlistItem"),
    "Feed": described(
        "the caller's follow of a feed source, with the source's last poll",
        shape(
            {
                "id": ID,
                "url": TEXT,
                "title": nullable(TEXT),
                "name": described("the tag the feed's articles get", TEXT),
                "include": list_of(TEXT),
                "exclude": list_of(TEXT),
                "max_age_days": described("entries older than this are skipped", DAYS),
                "stop_after_days": described(
                    "its articles are unfollowed this long after they were added", DAYS
                ),
                "created_at": TIME,
                "last_checked_at": nullable(TIME),
                "next_check_at": TIME,
                "failure_count": COUNT,
                "error": described("why the last poll failed", nullable(ERROR_BODY)),
                "links": shape({"html": LINK, "entries": LINK}),
            }
        ),
    ),
    "FeedPage": page_of("Feed"),
    "FeedInput": shape(
        {"url": described("the feed, or a page: not_a_feed names the feeds it advertises", TEXT)},
        FEED_OPTIONS,
        examples=[
            {"url": "https://news.example.com/feed.xml", "name": "example news", "exclude": ["/sport/"]}
        ],
    ),
    "FeedChanges": shape({}, {**FEED_OPTIONS, "name": TAG}),
    "FeedEntry": shape(
        {
            "id": ID,
            "link": TEXT,
            "title": nullable(TEXT),
            "published_at": nullable(TIME),
            "first_seen_at": TIME,
            "outcome": described(
                "what the entry meant for the caller",
                {"type": "string", "pattern": "^(added|filtered|too_old|rejected:[a-z0-9_]+)$"},
            ),
            "article_id": described("when it was added for the caller", nullable(ID)),
            "links": shape({"article": nullable(LINK)}),
        }
    ),
    "FeedEntryPage": page_of("FeedEntry"),
    "FeedLink": described("a feed a page advertises", FEED_LINK),
    "FeedLinkPage": page_of("FeedLink"),
    "FeedCheck": shape(
        {
            "checked_at": TIME,
            "outcome": {"type": "string", "enum": ["updated", "not_modified", "error"]},
            "http_status": nullable({"type": "integer"}),
            "entries": described("in the document", COUNT),
            "new_entries": described("not seen before", COUNT),
            "articles_added": described("articles a follower newly follows", COUNT),
            "error": nullable(ERROR_BODY),
            "feed": ref("Feed"),
        }
    ),
    "History": shape({"article": ref("Article"), "versions": list_of(ref("Version")), "exported_at": TIME}),
}
