"""The OpenAPI 3.1 document of /api/v1, served as JSON and as a readable page (/api/docs).

One source of truth: the operations are declared here with small helpers, the shapes they
exchange in tracker/web/openapi_schemas.py (generated from the answers of tracker/services/payloads.py
and the request bodies of tracker/web/bodies.py); tests/test_openapi.py holds both to the app (every
/api/v1 route documented, every documented operation routed, answers fuzzed against the shapes).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, jsonify, render_template
from markupsafe import Markup, escape

from tracker.adapters.models import MAX_ID
from tracker.domain.searchtext import FIELDS
from tracker.domain.vocabulary import CHANGE_KINDS
from tracker.services.bulk import MAX_IDS
from tracker.web.openapi_schemas import (
    ARTICLE_STATUS,
    COUNT,
    ID,
    LABEL,
    TAG,
    TEXT,
    TIME,
    Schema,
    ref,
    schemas,
)
from tracker.web.params import DEFAULT_LIMIT, MAX_LIMIT

bp = Blueprint("openapi", __name__)
KEY = {**ID, "examples": [1]}  # larger numbers match no route (404)
BASE = "/api/v1"
SPEC_PATH = f"{BASE}/openapi.json"
BEARER = "bearer"
WRITES = ("post", "put", "patch", "delete")
CODE = re.compile(r"`([^`]+)`")
ERRORS = {
    400: ("BadRequest", "the request is malformed: the error's code names what to fix"),
    401: ("Unauthorized", "a token is needed, or the one sent is unknown or revoked"),
    403: ("Forbidden", "the token's user may not do this"),
    404: ("NotFound", "there is no such thing, or it is not the caller's"),
    409: ("Conflict", "the request clashes with what is stored"),
    413: ("TooLarge", "the body is over 2 MB"),
    429: (
        "TooManyRequests",
        "too many writes or checks from this user or address (`rate_limited`), fetches of theirs already "
        "in flight (`busy`), or the site was checked moments ago (`site_paused`); see Retry-After",
    ),
    503: (
        "Unavailable",
        "the database is away or full (`database_unavailable`, `storage_full`); see Retry-After",
    ),
}
DESCRIPTION = """\
Watch article URLs, read every version of each article and what changed between any two, and
get alerts when they change. JSON in and out; times are ISO 8601 in UTC with a `Z`; ids are
integers. Lists are `{"items": [...], "next": cursor or null}`: pass `next` as `?cursor=` for
the following page, `?limit=` (1-500, default 50) sets its size.

Authenticate with `Authorization: Bearer <token>` (create one with `flask --app app tracker
create-token NAME` or `POST /tokens`). Operations marked as open to anonymous callers answer
without a token while public reading is on (off by default: TRACKER_PUBLIC_READ, or the switch on
the admin's status page); a browser signed in to the web pages may also read (GET) with its session
cookie, never write. Errors are
`{"error": {"code", "message"}}` with the matching HTTP status. A failed check is not an HTTP
error: check-now answers 200 with the check, whose `error.code` says why. A JSON body holds only
the fields its schema lists, of the types it gives: another field is refused with 400 `bad_field`,
a value of the wrong type or out of bounds with the field's code: `bad_<field>`, except
`bad_interval` (interval_seconds), `bad_rules` (every field of extraction rules), `bad_status` (a
bulk filter's status) and `bad_json` (an import's content). A bulk action or an import holding
neither or both of its two forms (`ids` or `filter`; `urls` or `content`) is `bad_selection` or
`bad_json`."""


# --- helpers -------------------------------------------------------------------------------------


def json_body(schema: Schema) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def path_param(name: str, description: str, schema: Schema = KEY) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema}


def query(name: str, description: str, schema: Schema = TEXT) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


ARTICLE_ID = path_param("article_id", "the article's id")
# Version numbers: 1 for the first version; archive captures older than it, found later, are numbered 0, -1, ...
SIGNED: Schema = {"type": "integer", "minimum": -MAX_ID, "maximum": MAX_ID}
NUMBER = path_param(
    "number", "the version's number: 1 for the first; 0 and below: archive versions older than it", SIGNED
)
WEBHOOK_ID = path_param("webhook_id", "the endpoint's id")
HOST = path_param(
    "host",
    "the site's host name, e.g. www.example.com",
    {
        "type": "string",
        "pattern": "^[^/]+$",
        "minLength": 1,
        "maxLength": 255,
        "examples": ["news.example.com"],
    },
)
LIMIT = query(
    "limit",
    f"items per page (default {DEFAULT_LIMIT})",
    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
)
CURSOR = query("cursor", "the `next` of the page before", {"type": "string", "pattern": "^[0-9]+$"})
PAGED = (LIMIT, CURSOR)


def operation(
    operation_id: str,
    summary: str,
    ok: Schema | None = None,
    *,
    status: int = 200,
    existing: str = "",
    params: tuple[dict[str, Any], ...] = (),
    body: dict[str, Any] | None = None,
    errors: tuple[int, ...] = (),
    anonymous: bool = False,
    description: str = "",
    ok_content: dict[str, Any] | None = None,
    location: str = "",
) -> dict[str, Any]:
    """Return one operation: its success answer (JSON `ok`, other `ok_content`, or none for 204; a
    create that found the thing `existing` answers 200 alike; a `location` header), and its error
    answers (401 always: a bad token is refused everywhere; 503 always: any answer needs the
    database; 400 and 413 with a body)."""
    success: dict[str, Any] = {
        "description": {200: "success", 201: "created", 202: "accepted", 204: "no content"}[status]
    }
    if ok is not None:
        success["content"] = json_body(ok)
    if ok_content is not None:
        success["content"] = ok_content
    if location:
        success["headers"] = {"Location": {"description": location, "schema": TEXT}}
    codes = {401, 503, *errors, *((400, 413) if body else ())}
    return {
        "operationId": operation_id,
        "summary": summary,
        **({"description": description} if description else {}),
        **({"parameters": list(params)} if params else {}),
        **({"requestBody": {"required": True, "content": body}} if body else {}),
        "responses": {
            **({"200": {**success, "description": existing}} if existing else {}),
            str(status): success,
            **{str(code): {"$ref": f"#/components/responses/{ERRORS[code][0]}"} for code in sorted(codes)},
        },
        # Anonymous: either the bearer token or nothing (the empty requirement).
        "security": [{BEARER: []}, {}] if anonymous else [{BEARER: []}],
    }


def tagged(tag: str, paths: dict[str, dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Return the paths with every operation under `tag`; writes may also answer 429."""
    for methods in paths.values():
        for method, spec in methods.items():
            spec["tags"] = [tag]
            if method in WRITES:
                spec["responses"]["429"] = {"$ref": f"#/components/responses/{ERRORS[429][0]}"}
    return paths


# --- the operations ------------------------------------------------------------------------------


def article_paths() -> dict[str, dict[str, Any]]:
    return {
        "/articles": {
            "post": operation(
                "createArticle",
                "Track a URL and follow it",
                ref("Article"),
                status=201,
                existing="the article already tracked under the normalised URL, now followed",
                body=json_body(ref("NewArticle")),
                description="Adding never fetches: the article is due at once, or, when web archives "
                "are configured and `backfill` (default: the caller's `backfill_default`, see "
                "`PATCH /account`) is on, once its past was filled in from their captures (at most "
                "TRACKER_BACKFILL_DEADLINE seconds later). 400 `bad_url` for a malformed URL, "
                "`blocked_address` for a private address.",
                location="the article's API path",
            ),
            "get": operation(
                "listArticles",
                "The caller's articles (anonymously: all), most recently changed first",
                ref("ArticlePage"),
                params=(
                    query("q", "in the title or URL"),
                    query("changed_since", "changed at or after", TIME),
                    query("tag", "only articles the caller tagged so", TAG),
                    query("site", "host name, with or without www."),
                    {
                        **query(
                            "status",
                            "only in these states: repeat it (`?status=failing&status=gone`) or "
                            "separate them with commas",
                            {"type": "array", "items": ARTICLE_STATUS},
                        ),
                        "style": "form",
                        "explode": True,
                    },
                    query(
                        "sort",
                        "`last_change` (the default: most recently changed first) or `last_error` "
                        "(most recent failed check first; articles that never failed last)",
                        {"type": "string", "enum": ["last_change", "last_error"]},
                    ),
                    *PAGED,
                ),
                errors=(400,),
                anonymous=True,
            ),
        },
        "/articles/bulk": {
            "post": operation(
                "bulkArticles",
                "Check now, pause, resume, tag, untag or unfollow many articles",
                ref("BulkResult"),
                body=json_body(ref("BulkInput")),
                description="Acts on the caller's followed articles only: those of `ids` (at most "
                f"{MAX_IDS}), or all that `GET /articles` shows with `filter`. `check_now` makes them due "
                "for the scheduler (never fetched in the request; one checked in the last minute is not "
                "queued again). Pausing or resuming an article other users follow too is for admins: "
                "others see it in `skipped` (`shared_article`).",
            )
        },
        "/articles/{article_id}": {
            "get": operation(
                "getArticle",
                "One article",
                ref("Article"),
                params=(ARTICLE_ID,),
                errors=(404,),
                anonymous=True,
            ),
            "patch": operation(
                "updateArticle",
                "Change the interval, pause or resume, turn backfill from web archives on or off",
                ref("Article"),
                params=(ARTICLE_ID,),
                body=json_body(ref("ArticleChanges")),
                errors=(403, 404),
                description="Admins, or the article's only follower: it changes the article for "
                "everyone who follows it (403 `shared_article` otherwise).",
            ),
            "delete": operation(
                "unfollowArticle",
                "Stop following the article",
                status=204,
                params=(ARTICLE_ID,),
                errors=(404,),
                description="It stops being checked when nobody follows it any more.",
            ),
        },
        "/articles/{article_id}/check": {
            "post": operation(
                "checkArticle",
                "Check now",
                ref("Check"),
                params=(ARTICLE_ID,),
                errors=(403, 404),
                description="Synchronous; 200 with the check whatever its outcome. Followers and admins only.",
            )
        },
        "/articles/{article_id}/backfill": {
            "post": operation(
                "backfillArticle",
                "Fill in the article's past from web archives",
                ref("Archive"),
                status=202,
                params=(ARTICLE_ID,),
                errors=(403, 404, 409),
                description="Queues the backfill, due now: the worker reads the archives' TimeMaps and "
                "stores captures older than the oldest version as versions with `source` `archive`, "
                "numbered below it (0, -1, ...) so that no number changes. 202 with the backfill's "
                "state (poll `GET /articles/{article_id}`'s `archive`). 409 `backfill_off` when no "
                "archive is configured (TRACKER_ARCHIVES). Followers and admins only.",
            )
        },
        "/articles/{article_id}/checks": {
            "get": operation(
                "listChecks",
                "Recent checks, newest first",
                ref("CheckPage"),
                params=(ARTICLE_ID, *PAGED),
                errors=(400, 404),
                anonymous=True,
            )
        },
    }


def reading_paths() -> dict[str, dict[str, Any]]:
    version = "/articles/{article_id}/versions/{number}"
    return {
        "/articles/{article_id}/versions": {
            "get": operation(
                "listVersions",
                "Versions without their text, oldest first",
                ref("VersionSummaryPage"),
                params=(
                    ARTICLE_ID,
                    LIMIT,
                    query(
                        "cursor", "the `next` of the page before", {"type": "string", "pattern": "^-?[0-9]+$"}
                    ),
                ),
                errors=(400, 404),
                anonymous=True,
            )
        },
        version: {
            "get": operation(
                "getVersion",
                "One version with its text",
                ref("Version"),
                params=(ARTICLE_ID, NUMBER),
                errors=(404,),
                anonymous=True,
            )
        },
        f"{version}/raw": {
            "get": operation(
                "getRawVersion",
                "The page exactly as fetched, as a download",
                params=(ARTICLE_ID, NUMBER),
                errors=(404,),
                anonymous=True,
                description="The response headers stored with it come back as `X-Tracker-<name>` headers.",
                ok_content={
                    "application/octet-stream": {
                        "schema": {"type": "string", "contentMediaType": "text/html"}
                    }
                },
            )
        },
        f"{version}/headers": {
            "get": operation(
                "getVersionHeaders",
                "The response headers stored with a version",
                ref("VersionHeaders"),
                params=(ARTICLE_ID, NUMBER),
                errors=(404,),
                anonymous=True,
            )
        },
        "/articles/{article_id}/diff": {
            "get": operation(
                "getDiff",
                "What changed between two versions",
                ref("Diff"),
                params=(
                    ARTICLE_ID,
                    query(
                        "from",
                        "the older version; default: the one before `to`; below the oldest version "
                        "(0 when that is 1): the empty article",
                        SIGNED,
                    ),
                    query("to", "the newer version; default: the latest", SIGNED),
                    query("context", "fold unchanged runs longer than twice this into one block", COUNT),
                ),
                errors=(400, 404),
                anonymous=True,
            )
        },
        "/articles/{article_id}/warc": {
            "get": operation(
                "getWarc",
                "Every version as a WARC 1.1 file (gzip members), as a download",
                params=(ARTICLE_ID,),
                errors=(404,),
                anonymous=True,
                description="One `response` record per version (the status line and headers as "
                "fetched, the body exactly as stored) and a `metadata` record with its extracted text "
                "and source (live or archive). Readable by warcio, replayable in pywb.",
                ok_content={
                    "application/warc": {"schema": {"type": "string", "contentMediaType": "application/warc"}}
                },
            )
        },
        "/articles/{article_id}/as-of": {
            "get": operation(
                "getVersionAsOf",
                "The version that was live at a moment",
                ref("VersionAsOf"),
                params=(ARTICLE_ID, query("at", "ISO date or time (default now; no zone: UTC)", TIME)),
                errors=(400, 404),
                anonymous=True,
            )
        },
        "/articles/{article_id}/history": {
            "get": operation(
                "exportHistory",
                "The article and every version in full, as one JSON download",
                ref("History"),
                params=(ARTICLE_ID,),
                errors=(404,),
                anonymous=True,
            )
        },
        "/changes": {
            "get": operation(
                "listChanges",
                "New versions (not first ones) and articles removed, restored or moved, newest first",
                ref("ChangePage"),
                params=(
                    query(
                        "scope",
                        "all: every article, not only the caller's",
                        {"type": "string", "enum": ["all"]},
                    ),
                    query(
                        "kind",
                        "only this kind: changed (new versions), removed, restored or moved",
                        {"type": "string", "enum": list(CHANGE_KINDS)},
                    ),
                    query("label", "only changes with this label (new versions only)", LABEL),
                    query("site", "host name, with or without www."),
                    query("since", "observed at or after", TIME),
                    query("until", "observed before", TIME),
                    LIMIT,
                    query(
                        "cursor",
                        "the `next` of the page before",
                        {"type": "string", "pattern": "^[0-9]*(-[0-9]*)?$"},
                    ),
                ),
                errors=(400,),
                anonymous=True,
            )
        },
        "/search": {
            "get": operation(
                "searchVersions",
                "Versions whose text, or whose change, holds every word; newest first",
                ref("SearchPage"),
                params=(
                    query("q", "the words; all must match, in any case", {"type": "string", "minLength": 1}),
                    query(
                        "in",
                        "text (default): the version's text; added / removed: what its change from "
                        "the version before added / removed",
                        {"type": "string", "enum": list(FIELDS)},
                    ),
                    query("tag", "only articles the caller tagged so"),
                    query("site", "host name, with or without www."),
                    query("since", "observed at or after", TIME),
                    *PAGED,
                ),
                errors=(400,),
                anonymous=True,
                description="Over the articles the caller follows (every article for anonymous "
                "readers while public reading is on). 400 `bad_query` when `q` holds no letter or digit.",
            )
        },
    }


def rules_paths() -> dict[str, dict[str, Any]]:
    paths: dict[str, dict[str, Any]] = {
        "/sites": {
            "get": operation(
                "listSiteRules", "Every site that has rules", ref("SiteRulesPage"), anonymous=True
            )
        }
    }
    for owner, param, lookup in (("Site", HOST, ()), ("Article", ARTICLE_ID, (404,))):
        path = "/sites/{host}/rules" if owner == "Site" else "/articles/{article_id}/rules"
        paths[path] = {
            "get": operation(
                f"get{owner}Rules",
                f"The extraction rules that apply to the {owner.lower()}",
                ref("Rules"),
                params=(param,),
                errors=lookup,
                anonymous=True,
            ),
            "put": operation(
                f"set{owner}Rules",
                f"Set the {owner.lower()}'s rules (admins); they apply from the next check",
                ref("Rules"),
                params=(param,),
                body=json_body(ref("RulesInput")),
                errors=(403, *lookup),
            ),
            "delete": operation(
                f"delete{owner}Rules",
                f"Remove the {owner.lower()}'s rules (admins)",
                status=204,
                params=(param,),
                errors=(403, 404),
            ),
        }
    return paths


def endpoint_paths(collection: str) -> dict[str, dict[str, Any]]:
    """Webhooks and channels share their routes; only what creating one takes and gives differs."""
    kind = "Webhook" if collection == "webhooks" else "Channel"
    one = f"/{collection}/{{webhook_id}}"
    delivery = path_param("delivery_id", "the delivery's id")
    return {
        f"/{collection}": {
            "post": operation(
                f"create{kind}",
                f"Register a {kind.lower()}",
                ref("NewWebhook" if kind == "Webhook" else "Webhook"),
                status=201,
                body=json_body(ref(f"{kind}Input")),
            ),
            "get": operation(f"list{kind}s", f"The caller's {collection}", ref("WebhookPage")),
        },
        one: {
            "get": operation(
                f"get{kind}", f"One {kind.lower()}", ref("Webhook"), params=(WEBHOOK_ID,), errors=(404,)
            ),
            "patch": operation(
                f"update{kind}",
                "Change its filters or digest schedule, enable or disable it",
                ref("Webhook"),
                params=(WEBHOOK_ID,),
                body=json_body(ref("EndpointChanges")),
                errors=(404,),
            ),
            "delete": operation(
                f"delete{kind}", f"Remove a {kind.lower()}", status=204, params=(WEBHOOK_ID,), errors=(404,)
            ),
        },
        f"{one}/deliveries": {
            "get": operation(
                f"list{kind}Deliveries",
                "Deliveries, newest first",
                ref("DeliveryPage"),
                params=(WEBHOOK_ID, *PAGED),
                errors=(400, 404),
            )
        },
        f"{one}/deliveries/{{delivery_id}}/retry": {
            "post": operation(
                f"retry{kind}Delivery",
                "Send a delivery again now",
                ref("Delivery"),
                params=(WEBHOOK_ID, delivery),
                errors=(404,),
            )
        },
        f"{one}/ping": {
            "post": operation(
                f"ping{kind}", "Send a ping event now", ref("Delivery"), params=(WEBHOOK_ID,), errors=(404,)
            )
        },
    }


def secret_paths() -> dict[str, dict[str, Any]]:
    return {
        "/webhooks/{webhook_id}/rotate-secret": {
            "post": operation(
                "rotateWebhookSecret",
                "Replace the signing secret",
                ref("SecretRotation"),
                params=(WEBHOOK_ID,),
                errors=(404,),
                description="The old secret keeps signing next to the new one for 24 hours.",
            )
        }
    }


def watchlist_paths() -> dict[str, dict[str, Any]]:
    return {
        "/articles/{article_id}/follow": {
            "put": operation(
                "followArticle",
                "Follow the article and set the caller's tags and note",
                ref("Article"),
                params=(ARTICLE_ID,),
                body=json_body(ref("Follow")),
                errors=(404,),
                description="Absent fields keep their value.",
            )
        },
        "/tags": {
            "get": operation("listTags", "The caller's tags and how many articles carry each", ref("TagPage"))
        },
        "/import": {
            "post": operation(
                "importList",
                "Track and follow a list of URLs",
                ref("ImportReport"),
                params=(query("tags", "tags for every line, separated by commas"),),
                body={
                    **json_body(ref("ImportInput")),
                    **{kind: {"schema": TEXT} for kind in ("text/plain", "text/csv", "text/x-opml")},
                },
                description="JSON, or the list itself as the body: one URL a line, CSV with `url` "
                "(and `tags`) columns, or OPML. One bad line never stops the others.",
            )
        },
        "/watchlist": {
            "get": operation(
                "exportWatchlist",
                "The caller's watchlist as JSON, CSV or OPML",
                params=(
                    query("format", "default json", {"type": "string", "enum": ["json", "csv", "opml"]}),
                ),
                errors=(400,),
                ok_content={
                    **json_body(ref("WatchlistPage")),
                    "text/csv": {"schema": TEXT},
                    "text/x-opml": {"schema": TEXT},
                },
            )
        },
    }


def account_paths() -> dict[str, dict[str, Any]]:
    return {
        "/account": {
            "get": operation("getAccount", "The caller's account and settings", ref("Account")),
            "patch": operation(
                "updateAccount",
                "Change the caller's settings",
                ref("Account"),
                body=json_body(ref("AccountChanges")),
                description="`backfill_default`: whether articles the caller adds have their past "
                "filled in from web archives (each `POST /articles` may say otherwise).",
            ),
        },
        "/tokens": {
            "get": operation(
                "listTokens", "The caller's API tokens (never the tokens themselves)", ref("TokenPage")
            ),
            "post": operation(
                "createToken",
                "Create an API token",
                ref("NewToken"),
                status=201,
                body=json_body(ref("TokenInput")),
            ),
        },
        "/tokens/{token_id}": {
            "delete": operation(
                "revokeToken",
                "Revoke one of the caller's tokens",
                status=204,
                params=(path_param("token_id", "the token's id"),),
                errors=(404,),
            )
        },
        "/invites": {
            "get": operation("listInvites", "Invite codes (admins)", ref("InvitePage"), errors=(403,)),
            "post": operation(
                "createInvite", "Create an invite code (admins)", ref("NewInvite"), status=201, errors=(403,)
            ),
        },
    }


def feed_paths() -> dict[str, dict[str, Any]]:
    one = "/feeds/{follow_id}"
    follow_id = path_param("follow_id", "the id of the caller's follow of the feed")
    return {
        "/feeds": {
            "post": operation(
                "followFeed",
                "Follow an RSS or Atom feed: its new entries become followed articles",
                ref("Feed"),
                status=201,
                existing="the caller followed it already: its options changed",
                body=json_body(ref("FeedInput")),
                description="A feed nobody followed yet is fetched first: a page that is not a feed is "
                "400 `not_a_feed` with the feeds it advertises, a failed fetch 400 with the fetch's code.",
                location="the follow's API path",
            ),
            "get": operation("listFeeds", "The feeds the caller follows", ref("FeedPage")),
        },
        "/feeds/discover": {
            "get": operation(
                "discoverFeeds",
                "The feeds a page advertises (or the feed itself, given one)",
                ref("FeedLinkPage"),
                params=({**query("url", "a site's home page or any page of it"), "required": True},),
                errors=(400, 429),
            )
        },
        one: {
            "get": operation("getFeed", "One followed feed", ref("Feed"), params=(follow_id,), errors=(404,)),
            "patch": operation(
                "updateFeed",
                "Change the follow's options; new entries are judged by them",
                ref("Feed"),
                params=(follow_id,),
                body=json_body(ref("FeedChanges")),
                errors=(404,),
            ),
            "delete": operation(
                "unfollowFeed",
                "Stop following the feed; the articles it added stay followed",
                status=204,
                params=(follow_id,),
                errors=(404,),
            ),
        },
        f"{one}/entries": {
            "get": operation(
                "listFeedEntries",
                "The feed's entries, newest first, with what each meant for the caller",
                ref("FeedEntryPage"),
                params=(follow_id, *PAGED),
                errors=(400, 404),
            )
        },
        f"{one}/check": {
            "post": operation(
                "checkFeed",
                "Poll the feed now",
                ref("FeedCheck"),
                params=(follow_id,),
                errors=(404, 409),
                description="409 `feed_busy` while a worker is polling it.",
            )
        },
    }


@functools.cache
def document() -> dict[str, Any]:
    """Return the OpenAPI document of /api/v1 (built once: it depends on nothing at run time)."""
    groups = [
        ("Articles", "Track, follow, check", article_paths()),
        ("Reading", "Versions, diffs, the article as of a moment, recent changes", reading_paths()),
        ("Watchlist", "Tags and notes, import and export", watchlist_paths()),
        ("Rules", "Extraction rules per site and per article", rules_paths()),
        (
            "Webhooks",
            "Signed JSON alerts (Standard Webhooks): article.changed, article.failing, article.added, "
            "article.removed, article.restored, article.moved and ping; bodies as in "
            "docs/webhook-payload.schema.json",
            {**endpoint_paths("webhooks"), **secret_paths()},
        ),
        ("Channels", "Short alerts through Apprise (chat, mail, push)", endpoint_paths("channels")),
        ("Feeds", "RSS and Atom feeds whose new entries are tracked and followed", feed_paths()),
        ("Account", "API tokens and invite codes", account_paths()),
    ]
    paths: dict[str, dict[str, Any]] = {}
    for tag, _about, group in groups:
        for path, methods in tagged(tag, group).items():
            paths.setdefault(path, {}).update(methods)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Article revision tracker", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": BASE}],
        "tags": [{"name": tag, "description": about} for tag, about, _group in groups],
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "responses": {
                name: {
                    "description": about,
                    "content": json_body(ref("Error")),
                    **(
                        {"headers": {"Retry-After": {"description": "seconds to wait", "schema": TEXT}}}
                        if code in (429, 503)
                        else {}
                    ),
                }
                for code, (name, about) in ERRORS.items()
            },
            "securitySchemes": {BEARER: {"type": "http", "scheme": "bearer", "description": "an API token"}},
        },
    }


# --- serving -------------------------------------------------------------------------------------


@bp.get(SPEC_PATH)
def spec() -> Response:
    return jsonify(document())


@bp.get("/api/docs")
def docs() -> str:
    spec = document()
    return render_template(
        "api_docs.html",
        spec=spec,
        base=BASE,
        spec_path=SPEC_PATH,
        sections=[(tag, list(operations_tagged(spec, tag["name"]))) for tag in spec["tags"]],
        type_label=type_label,
        rows=rows,
        prose=prose,
    )


def operations_tagged(spec: dict[str, Any], tag: str) -> Iterator[dict[str, Any]]:
    """Yield the operations under tag, each with its method and path."""
    for path, methods in spec["paths"].items():
        for method, details in methods.items():
            if tag in details["tags"]:
                yield {"method": method.upper(), "path": path, **details}


def prose(text: str) -> Markup:
    """Return text as HTML with its `backticked` words as code."""
    return Markup(CODE.sub(r"<code>\1</code>", str(escape(text))))


def type_label(schema: Schema) -> Markup:
    """Return a short readable type, e.g. 'string | null', 'array of Article' (linked), with its limits."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return Markup('<a href="#schema-{0}">{0}</a>').format(name)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return Markup(" | ").join(type_label(choice) for choice in schema[key])
    kinds = schema.get("type", "any")
    parts = [
        Markup("array of ") + type_label(schema.get("items", {}))
        if kind == "array" and "items" in schema
        else escape(kind)
        for kind in (kinds if isinstance(kinds, list) else [kinds])
    ]
    label = Markup(" | ").join(parts)
    if "enum" in schema or "const" in schema:
        label += Markup(": ") + escape(", ".join(map(str, schema.get("enum", [schema.get("const")]))))
    if "prefixItems" in schema:
        label += (
            Markup(" [") + Markup(", ").join(type_label(item) for item in schema["prefixItems"]) + Markup("]")
        )
    return label + limits(schema)


def limits(schema: Schema) -> str:
    """Return the schema's bounds and format as words, e.g. ' (≥ 1, ≤ 500)'."""
    words = [
        f"{word} {schema[key]}"
        for key, word in (
            ("minimum", "≥"),
            ("maximum", "≤"),
            ("minLength", "length ≥"),
            ("maxLength", "length ≤"),
            ("maxItems", "items ≤"),
            ("pattern", "matching"),
            ("format", "format"),
        )
        if key in schema
    ]
    return f" ({', '.join(words)})" if words else ""


def rows(schema: Schema, prefix: str = "") -> Iterator[dict[str, Any]]:
    """Yield one row per property of an object schema, nested inline objects as dotted names."""
    required = set(schema.get("required", ()))
    for name, prop in schema.get("properties", {}).items():
        yield {
            "name": prefix + name,
            "type": type_label(prop),
            "required": name in required,
            "description": prop.get("description", ""),
        }
        if "properties" in prop:
            yield from rows(prop, f"{prefix}{name}.")
