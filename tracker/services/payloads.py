"""The JSON shapes of the HTTP API (docs/api.md): articles, checks, versions, diffs, alerts, feeds.

Each shape is declared once, as a TypedDict (a plain dict at run time: nothing to convert, nothing
to import for the worker, which builds webhook bodies here); the web layer generates the OpenAPI
schemas from these declarations, so an answer and its schema cannot drift. `Doc` adds what a type
cannot say (a description, a format, an enum from a table).

Shared by the HTTP API and, with absolute links (`base`), by webhooks and feeds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, NotRequired

from typing_extensions import TypedDict  # pydantic reads typing's only from Python 3.12

from tracker.adapters import models
from tracker.adapters.models import MAX_ID
from tracker.domain.diff import Block, FieldChange, Fold, Summary, fold_unchanged
from tracker.domain.digests import MODES, WEEKDAYS
from tracker.domain.feeds import MAX_DAYS, FeedLink
from tracker.domain.labels import LABEL_WORDS
from tracker.domain.listfiles import WatchedArticle
from tracker.domain.rules import ExtractionRules
from tracker.domain.timestamps import iso
from tracker.domain.trouble import error_words
from tracker.domain.vocabulary import (
    ArticleStatus,
    BackfillState,
    BlockOp,
    ChangeKind,
    CheckOutcome,
    DeliveryStatus,
    EventType,
    FeedKind,
    FeedPollOutcome,
    OutboxType,
    RemovalReason,
    RulesSource,
    SearchField,
    VersionSource,
    WordOp,
)
from tracker.services.articles import MAX_INTERVAL, MIN_INTERVAL, ListedArticle
from tracker.services.bulk import ACTIONS, BulkResult
from tracker.services.history import ChangeEntry, VersionDiff
from tracker.services.importing import ImportReport
from tracker.services.search import SearchHit

if TYPE_CHECKING:  # these services build their alerts with this module
    from tracker.services.feeds import PollResult
    from tracker.services.lifecycle import Evidence


class Doc:
    """What the API reference says of a value beyond its type: `Annotated[int, Doc("why", minimum=1)]`
    adds JSON Schema keywords. The web layer's schema generator (pydantic) calls the hook; nothing else
    reads it, so building payloads imports no schema library."""

    def __init__(self, description: str = "", **keywords: Any) -> None:
        self.keywords = {**keywords, **({"description": description} if description else {})}

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {**handler(core_schema), **self.keywords}


Id = Annotated[int, Doc(minimum=1, maximum=MAX_ID)]
Count = Annotated[int, Doc(minimum=0, maximum=MAX_ID)]
# Versions are numbered in time order from 1; captures a backfill found before version 1 are numbered
# below it (0, -1, ...), so that no number ever changes.
Number = Annotated[int, Doc(minimum=-MAX_ID, maximum=MAX_ID)]
Time = Annotated[str, Doc(format="date-time", examples=["2026-03-05T12:00:00Z"])]
Link = Annotated[str, Doc("a path on this server")]
Label = Annotated[str, Doc(enum=list(LABEL_WORDS))]
Days = Annotated[int, Doc(minimum=1, maximum=MAX_DAYS)]
WordRuns = Annotated[
    list[tuple[WordOp, str]],
    Doc(
        "runs of unchanged (=), removed (-) and added (+) text that join back to each side: words and "
        "punctuation marks, or characters in scripts written without spaces"
    ),
]
ErrorCode = Annotated[
    str, Doc("short snake_case reason, e.g. bad_url, not_found", pattern="^[a-z][a-z0-9_]*$")
]


class ErrorBody(TypedDict):
    code: ErrorCode
    message: Annotated[str, Doc("what went wrong and what to do")]


class HtmlLinks(TypedDict):
    html: Link


# --- articles and checks ------------------------------------------------------------------------


class ArticleFactsPayload(TypedDict):
    """An article as webhooks and feeds show it."""

    id: Id
    url: Annotated[str, Doc("normalised")]
    canonical_url: str | None
    title: str | None
    status: ArticleStatus
    interval_seconds: Annotated[
        int | None,
        Doc(
            "seconds between checks; null lets the default policy decide by the article's age",
            minimum=MIN_INTERVAL,
            maximum=MAX_INTERVAL,
        ),
    ]
    created_at: Time
    last_checked_at: Time | None
    next_check_at: Time
    last_changed_at: Time | None
    version_count: Annotated[Count, Doc("the latest version's number (0: none yet)")]
    backfill: Annotated[bool, Doc("its past is filled in from web archives (TRACKER_ARCHIVES)")]
    links: HtmlLinks


class LastError(TypedDict):
    code: Annotated[str, Doc("e.g. http_404, timeout, dns, redirected_away")]
    at: Time
    count: Annotated[Count, Doc("checks in a row that ended with this code")]
    message: Annotated[
        str, Doc("in plain words, e.g. 'The site answered 404 (page not found) three times in a row; ...'")
    ]


class TroublePayload(TypedDict):
    failure_count: Annotated[Count, Doc("checks in a row that failed; 0: the last one worked")]
    failing_since: Annotated[Time | None, Doc("the first of those failed checks")]
    last_error: Annotated[
        LastError | None,
        Doc("the last failed check, even when checks work again since (then failure_count is 0)"),
    ]


class ArchivePayload(TypedDict):
    """How the article's backfill from web archives went."""

    state: Annotated[BackfillState, Doc("pending: due (first or again); failed: given up until asked again")]
    versions_added: Annotated[Count, Doc("versions stored from archive captures, every run together")]
    captures_found: Annotated[Count, Doc("captures in the archives' TimeMaps at the last run")]
    requested_at: Time
    last_run_at: Time | None
    finished_at: Annotated[Time | None, Doc("the last run that read every capture it chose")]
    error: Annotated[
        ErrorBody | None, Doc("why the last run failed or stopped early, e.g. timeout, http_503")
    ]


class ArticlePayload(ArticleFactsPayload, TroublePayload):
    """An article as the API shows it to one caller."""

    following: Annotated[bool, Doc("whether the caller follows it")]
    tags: Annotated[list[str], Doc("the caller's tags")]
    note: Annotated[str | None, Doc("the caller's note")]
    archive: Annotated[ArchivePayload | None, Doc("its backfill from web archives; null: never asked")]


class CheckPayload(TypedDict):
    id: Id
    article_id: Id
    checked_at: Time
    duration_ms: Count
    outcome: CheckOutcome
    http_status: int | None
    version: Annotated[Number | None, Doc("the version the check stored")]
    error: Annotated[
        ErrorBody | None, Doc("why the check failed, e.g. timeout, dns, http_404, blocked_address")
    ]


class RulesPayload(TypedDict):
    source: Annotated[RulesSource, Doc("where the rules come from")]
    include: Annotated[list[str], Doc("CSS selectors: extract only these parts")]
    exclude: Annotated[list[str], Doc("CSS selectors: remove these parts first")]
    ignore: Annotated[list[str], Doc("regular expressions: text cut out of every block")]
    whole_page: Annotated[bool, Doc("keep all the page's text (not an article)")]
    render: Annotated[bool, Doc("fetch through a headless browser")]
    robots: Annotated[bool, Doc("honour robots.txt")]
    fingerprint: Annotated[str, Doc("names the rules on the versions they made")]


class SiteRulesPayload(RulesPayload):
    site: str


# --- versions and diffs -------------------------------------------------------------------------


class VersionSummaryPayload(TypedDict):
    """A version without its text."""

    article_id: Id
    number: Annotated[
        Number, Doc("1 for the first version; 0 and below: archive captures found later that are older")
    ]
    observed_at: Time
    content_hash: str
    title: str | None
    byline: str | None
    published_at: Annotated[str | None, Doc("as the page states it")]
    modified_at: Annotated[str | None, Doc("as the page states it")]
    language: Annotated[
        str | None, Doc("BCP 47 tag (`zh-CN`): declared by the page, or detected in the text; null: unknown")
    ]
    word_count: Count
    matches_version: Annotated[Number | None, Doc("the earlier version with the same text (a revert)")]
    baseline: Annotated[bool, Doc("re-read with new extraction rules or a new extractor; no change")]
    lead_image: str | None
    extractor: Annotated[str, Doc("the extractor version and rules that made this version")]
    labels: list[Label]
    source: Annotated[VersionSource, Doc("live: our own check; archive: a web archive's capture")]
    memento: Annotated[str | None, Doc("archive: the capture's address (URI-M); its time is observed_at")]
    links: HtmlLinks


class VersionPayload(VersionSummaryPayload):
    paragraphs: list[str]


class VersionAsOfPayload(VersionPayload):
    live_until: Annotated[Time | None, Doc("when the next version replaced it; null: still live")]


class VersionHeadersPayload(TypedDict):
    article_id: Id
    number: Number
    final_url: Annotated[str, Doc("after redirects")]
    encoding: str | None
    headers: dict[str, str]


class FieldChangePayload(TypedDict):
    """The value before and after; null when it did not change."""

    old: str | None
    new: str | None
    words: Annotated[WordRuns | None, Doc("headline and byline when both values exist")]


class DiffSummaryPayload(TypedDict):
    paragraphs_added: Count
    paragraphs_removed: Count
    paragraphs_changed: Count
    paragraphs_moved: Count
    words_added: Count
    words_removed: Count


class BlockPayload(TypedDict):
    """One paragraph's fate."""

    op: BlockOp
    old: str | None
    new: str | None
    words: Annotated[WordRuns | None, Doc("on replace blocks")]
    from_index: NotRequired[Annotated[Count, Doc("on move blocks, 0-based")]]
    to_index: NotRequired[Annotated[Count, Doc("on move blocks")]]


class FoldedBlockPayload(TypedDict):
    """With ?context=: a run of unchanged paragraphs."""

    op: Literal["equal"]
    count: Id


# "from" is a keyword: the functional form names it.
DiffPayload = TypedDict(
    "DiffPayload",
    {
        "article_id": Id,
        "from": Annotated[
            Number, Doc("below the oldest version's number (0 when that is 1): the empty article")
        ],
        "to": Number,
        "title": FieldChangePayload | None,
        "byline": FieldChangePayload | None,
        "published_at": FieldChangePayload | None,
        "modified_at": FieldChangePayload | None,
        "summary": DiffSummaryPayload,
        "blocks": list[BlockPayload | FoldedBlockPayload],
        "labels": list[Label],
        "reverted_to": Annotated[Number | None, Doc("the earlier version `to` matches")],
        "links": HtmlLinks,
    },
)


class EvidencePayload(TypedDict):
    http_status: Annotated[Count | None, Doc("404, 410, 200, or the 301/308 of a move")]
    url: Annotated[str, Doc("the address checked (moved: the old one)")]
    final_url: Annotated[str | None, Doc("where redirects led (moved: the new address)")]
    reason: Annotated[RemovalReason | None, Doc("why it counts as removed")]
    observed_at: Time


class NoSummary(TypedDict):
    """No counts: a removal, restoration or move, or a version stored before counts were kept."""


class ChangePayload(TypedDict):
    kind: Annotated[
        ChangeKind,
        Doc(
            "changed: a new version; removed, restored, moved: what happened to the article "
            "(labels and summary then empty, version the latest at that moment)"
        ),
    ]
    article_id: Id
    article_title: str | None
    url: str
    site: str
    version: Number
    observed_at: Time
    labels: list[Label]
    summary: DiffSummaryPayload | NoSummary
    links: HtmlLinks
    evidence: NotRequired[Annotated[EvidencePayload, Doc("removed, restored, moved: what the check saw")]]


class SearchLinks(TypedDict):
    html: Annotated[str, Doc("the version (in=text) or its diff: a path on this server")]


# "in" is a keyword: the functional form names it.
SearchHitPayload = TypedDict(
    "SearchHitPayload",
    {
        "article_id": Id,
        "article_title": str | None,
        "version": Number,
        "in": SearchField,
        "snippet": Annotated[str, Doc("the text around the first match, plain text")],
        "observed_at": Time,
        "links": SearchLinks,
    },
)


class HistoryPayload(TypedDict):
    article: ArticlePayload
    versions: list[VersionPayload]
    exported_at: Time


# --- alerts -------------------------------------------------------------------------------------

DeliveryMode = Annotated[
    str,
    Doc("each: every event alone; daily or weekly: one digest at digest_hour in timezone", enum=list(MODES)),
]


class EndpointLinks(TypedDict):
    deliveries: Link


class WebhookPayload(TypedDict):
    """A webhook or a channel; never its secret."""

    id: Id
    url: str
    events: Annotated[list[EventType] | None, Doc("null: every event")]
    article_ids: Annotated[list[Id] | None, Doc("null: every article the owner follows")]
    tags: Annotated[list[str] | None, Doc("only articles the owner tagged so; null: any")]
    labels: Annotated[list[Label] | None, Doc("only changes with one of these labels; null: any")]
    min_words: Annotated[Count | None, Doc("only changes of at least this many words; null: any")]
    enabled: bool
    disabled_reason: str | None
    created_at: Time
    delivery: DeliveryMode
    digest_hour: Annotated[
        int | None, Doc("the hour digests go out (local time); null: not a digest", minimum=0, maximum=23)
    ]
    digest_weekday: Annotated[
        str | None, Doc("the day weekly digests go out; null: not weekly", enum=[*WEEKDAYS, None])
    ]
    timezone: Annotated[str, Doc("an IANA time zone name, e.g. Europe/Berlin", examples=["UTC"])]
    next_digest_at: Annotated[Time | None, Doc("when the next digest goes out; null: not a digest")]
    links: EndpointLinks


class NewWebhookPayload(WebhookPayload):
    secret: Annotated[str, Doc("shown once: verifies the signatures")]


class SecretRotationPayload(TypedDict):
    secret: str
    previous_secret_valid_until: Annotated[Time | None, Doc("the old secret also signs until then")]


class DeliveryPayload(TypedDict):
    id: Id
    event: OutboxType
    webhook_id_header: Annotated[str, Doc("the webhook-id header, the same on every attempt")]
    article_id: Id | None
    created_at: Time
    status: DeliveryStatus
    attempts: Count
    next_attempt_at: Annotated[Time | None, Doc("while pending")]
    last_attempt_at: Time | None
    last_status: Annotated[int | None, Doc("the endpoint's HTTP status")]
    last_error_code: Annotated[
        str | None,
        Doc(
            "why the last attempt failed: connection_refused, dns, timeout, tls, blocked_address, "
            "redirect_refused, http_500 ..."
        ),
    ]
    last_error: Annotated[str | None, Doc("the same in a sentence a person can act on")]
    last_latency_ms: Count | None
    last_response: Annotated[str | None, Doc("the start of the endpoint's answer")]


# --- accounts and the watchlist -----------------------------------------------------------------


class TokenPayload(TypedDict):
    id: Id
    name: str
    created_at: Time
    last_used_at: Time | None


class NewTokenPayload(TokenPayload):
    token: Annotated[str, Doc("shown once")]


class AccountPayload(TypedDict):
    """The caller's own account."""

    username: str
    is_admin: bool
    backfill_default: Annotated[
        bool, Doc("articles the caller adds have their past filled in from web archives unless they say not")
    ]


def account_payload(user: models.User) -> AccountPayload:
    return {"username": user.username, "is_admin": user.is_admin, "backfill_default": user.backfill_default}


class InvitePayload(TypedDict):
    id: Id
    created_at: Time
    used: bool
    used_at: Time | None


class NewInvitePayload(InvitePayload):
    code: Annotated[str, Doc("shown once")]


class TagPayload(TypedDict):
    tag: str
    articles: Count


class WatchlistItemPayload(TypedDict):
    url: str
    title: str | None
    tags: list[str]
    note: str | None
    added_at: Time


class ImportedPayload(TypedDict):
    line: Id
    url: str
    article_id: Id


class RejectedPayload(TypedDict):
    line: Id
    url: str
    error: ErrorBody


class ImportReportPayload(TypedDict):
    added: list[ImportedPayload]
    already_tracked: Annotated[list[ImportedPayload], Doc("now followed")]
    rejected: list[RejectedPayload]


class SkippedPayload(TypedDict):
    id: Id
    error: ErrorBody


class BulkResultPayload(TypedDict):
    action: Annotated[
        str, Doc("check_now: due for the scheduler; add_tags and remove_tags need `tags`", enum=list(ACTIONS))
    ]
    matched: Annotated[Count, Doc("the caller's followed articles selected")]
    changed: Annotated[Count, Doc("those the action changed; the others were already so, or skipped")]
    skipped: Annotated[
        list[SkippedPayload],
        Doc(
            "articles the caller may not change so (shared_article: only an admin pauses or "
            "resumes an article others follow too)"
        ),
    ]


# --- feeds --------------------------------------------------------------------------------------


class FeedLinks(TypedDict):
    html: Link
    entries: Link


class FeedPayload(TypedDict):
    """The caller's follow of a feed source, with the source's last poll."""

    id: Id
    url: str
    title: str | None
    name: Annotated[str, Doc("the tag the feed's articles get")]
    include: list[str]
    exclude: list[str]
    max_age_days: Annotated[Days | None, Doc("entries older than this are skipped")]
    stop_after_days: Annotated[
        Days | None, Doc("its articles are unfollowed this long after they were added")
    ]
    created_at: Time
    last_checked_at: Time | None
    next_check_at: Time
    failure_count: Count
    error: Annotated[ErrorBody | None, Doc("why the last poll failed")]
    links: FeedLinks


class FeedEntryLinks(TypedDict):
    article: Link | None


class FeedEntryPayload(TypedDict):
    id: Id
    link: str
    title: str | None
    published_at: Time | None
    first_seen_at: Time
    outcome: Annotated[
        str,
        Doc("what the entry meant for the caller", pattern="^(added|filtered|too_old|rejected:[a-z0-9_]+)$"),
    ]
    article_id: Annotated[Id | None, Doc("when it was added for the caller")]
    links: FeedEntryLinks


class FeedLinkPayload(TypedDict):
    """A feed a page advertises."""

    url: str
    title: str | None
    type: FeedKind


class FeedPollPayload(TypedDict):
    checked_at: Time
    outcome: FeedPollOutcome
    http_status: int | None
    entries: Annotated[Count, Doc("in the document")]
    new_entries: Annotated[Count, Doc("not seen before")]
    articles_added: Annotated[Count, Doc("articles a follower newly follows")]
    error: ErrorBody | None


class FeedCheckPayload(FeedPollPayload):
    feed: FeedPayload


# --- the builders -------------------------------------------------------------------------------


def article_payload(article: models.Article | ListedArticle, *, base: str = "") -> ArticleFactsPayload:
    return {
        "id": article.id,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "title": article.title,
        "status": article.status,
        "interval_seconds": article.interval_seconds,
        "created_at": iso(article.created_at),
        "last_checked_at": iso(article.last_checked_at),
        "next_check_at": iso(article.next_check_at),
        "last_changed_at": iso(article.last_changed_at),
        "version_count": article.version_count,
        "backfill": article.backfill,
        "links": {"html": f"{base}/articles/{article.id}"},
    }


def followed_article_payload(
    article: models.Article | ListedArticle,
    *,
    following: bool,
    tags: Iterable[str],
    note: str | None,
    archive: models.Backfill | None,
) -> ArticlePayload:
    """Return an article as one caller sees it: with whether they follow it, their tags and note;
    and its backfill from web archives."""
    return {
        **article_payload(article),
        "following": following,
        "tags": list(tags),
        "note": note,
        **trouble_payload(article),
        "archive": archive_payload(archive),
    }


def archive_payload(backfill: models.Backfill | None) -> ArchivePayload | None:
    """Return how the article's backfill went; None when it was never asked for."""
    if backfill is None:
        return None
    code = backfill.last_error_code
    return {
        "state": backfill.state,
        "versions_added": backfill.versions_added,
        "captures_found": backfill.captures_found,
        "requested_at": iso(backfill.requested_at),
        "last_run_at": iso(backfill.last_run_at),
        "finished_at": iso(backfill.finished_at),
        "error": None if code is None else {"code": code, "message": backfill.last_error_message or code},
    }


def trouble_payload(article: models.Article | ListedArticle) -> TroublePayload:
    """Return the article's run of failed checks and its last error, the sentence included."""
    code, at = article.last_error_code, article.last_error_at  # written together
    return {
        "failure_count": article.failure_count,
        "failing_since": iso(article.failing_since),
        "last_error": None
        if code is None or at is None
        else {
            "code": code,
            "at": iso(at),
            "count": article.last_error_count,
            "message": error_words(code, article.last_error_count),
        },
    }


def rules_payload(rules: ExtractionRules, *, source: RulesSource) -> RulesPayload:
    """Return extraction rules; source says where they come from: article, site or default."""
    return {
        "source": source,
        "include": list(rules.include),
        "exclude": list(rules.exclude),
        "ignore": list(rules.ignore),
        "whole_page": rules.whole_page,
        "render": rules.render,
        "robots": rules.robots,
        "fingerprint": rules.fingerprint,
    }


def site_rules_payload(host: str, rules: ExtractionRules) -> SiteRulesPayload:
    return {"site": host, **rules_payload(rules, source="site")}


def check_payload(check: models.Check) -> CheckPayload:
    return {
        "id": check.id,
        "article_id": check.article_id,
        "checked_at": iso(check.checked_at),
        "duration_ms": check.duration_ms,
        "outcome": check.outcome,
        "http_status": check.http_status,
        "version": check.version_number,
        "error": error_body(check.error_code, check.error_message),
    }


def error_body(code: str | None, message: str | None) -> ErrorBody | None:
    """Return {code, message} of a failure, None when nothing failed."""
    return {"code": code, "message": message or ""} if code else None


def version_summary_payload(version: models.Version, *, base: str = "") -> VersionSummaryPayload:
    """Return a version without its text (for lists)."""
    return {
        "article_id": version.article_id,
        "number": version.number,
        "observed_at": iso(version.observed_at),
        "content_hash": version.content_hash,
        "title": version.title,
        "byline": version.byline,
        "published_at": version.published_at,
        "modified_at": version.modified_at,
        "language": version.language,
        "word_count": version.word_count,
        "matches_version": version.matches_number,
        "baseline": version.baseline,
        "lead_image": version.lead_image,
        "extractor": version.extractor,
        "labels": list(version.labels or ()),
        "source": version.source,
        "memento": version.memento,
        "links": {"html": f"{base}/articles/{version.article_id}/versions/{version.number}"},
    }


def version_payload(version: models.Version, *, base: str = "") -> VersionPayload:
    return {**version_summary_payload(version, base=base), "paragraphs": list(version.paragraphs)}


def version_as_of_payload(version: models.Version, until: datetime | None) -> VersionAsOfPayload:
    return {**version_payload(version), "live_until": iso(until)}


def version_headers_payload(version: models.Version) -> VersionHeadersPayload:
    return {
        "article_id": version.article_id,
        "number": version.number,
        "final_url": version.final_url,
        "encoding": version.encoding,
        "headers": version.response_headers or {},
    }


def diff_payload(result: VersionDiff, *, context: int | None = None, base: str = "") -> DiffPayload:
    """Return the API's diff object; with `context`, equal runs longer than 2*context are collapsed."""
    article_id = result.article.id
    from_n = result.old.number if result.old else result.article.first_number - 1
    diff = result.diff
    return {
        "article_id": article_id,
        "from": from_n,
        "to": result.new.number,
        "title": field_payload(diff.title),
        "byline": field_payload(diff.byline),
        "published_at": field_payload(diff.published_at),
        "modified_at": field_payload(diff.modified_at),
        "summary": summary_payload(diff.summary),
        "blocks": blocks_payload(diff.blocks, context),
        "labels": result.labels,
        "reverted_to": result.new.matches_number,
        "links": {"html": f"{base}/articles/{article_id}/diff?from={from_n}&to={result.new.number}"},
    }


def change_payload(entry: ChangeEntry, *, base: str = "") -> ChangePayload:
    """Return one new version of the recent-changes list."""
    return {
        "kind": "changed",
        "article_id": entry.article_id,
        "article_title": entry.article_title,
        "url": entry.url,
        "site": entry.host,
        "version": entry.number,
        "observed_at": iso(entry.observed_at),
        "labels": list(entry.labels),
        "summary": summary_payload(Summary(**entry.change)) if entry.change else {},
        "links": {
            "html": f"{base}/articles/{entry.article_id}/diff?from={entry.number - 1}&to={entry.number}"
        },
    }


def evidence_payload(evidence: Evidence) -> EvidencePayload:
    return {
        "http_status": evidence.http_status,
        "url": evidence.url,
        "final_url": evidence.final_url,
        "reason": evidence.reason,
        "observed_at": iso(evidence.at),
    }


def search_hit_payload(hit: SearchHit, *, base: str = "") -> SearchHitPayload:
    """Return one search result: the version, where the words matched, the text around them; it
    links to the version (its text matched) or to its diff (its change did)."""
    if hit.field == "text":
        link = f"{base}/articles/{hit.article_id}/versions/{hit.version}"
    else:
        link = f"{base}/articles/{hit.article_id}/diff?from={hit.version - 1}&to={hit.version}"
    return {
        "article_id": hit.article_id,
        "article_title": hit.article_title,
        "version": hit.version,
        "in": hit.field,
        "snippet": "".join(part.text for part in hit.snippet),
        "observed_at": iso(hit.observed_at),
        "links": {"html": link},
    }


def field_payload(change: FieldChange | None) -> FieldChangePayload | None:
    if change is None:
        return None
    words = list(change.words) if change.words is not None else None
    return {"old": change.old, "new": change.new, "words": words}


def summary_payload(summary: Summary) -> DiffSummaryPayload:
    return {
        "paragraphs_added": summary.paragraphs_added,
        "paragraphs_removed": summary.paragraphs_removed,
        "paragraphs_changed": summary.paragraphs_changed,
        "paragraphs_moved": summary.paragraphs_moved,
        "words_added": summary.words_added,
        "words_removed": summary.words_removed,
    }


def block_payload(block: Block) -> BlockPayload:
    payload: BlockPayload = {
        "op": block.op,
        "old": block.old,
        "new": block.new,
        "words": list(block.words) if block.words is not None else None,
    }
    if block.from_index is not None and block.to_index is not None:  # a move
        payload["from_index"], payload["to_index"] = block.from_index, block.to_index
    return payload


def blocks_payload(blocks: tuple[Block, ...], context: int | None) -> list[BlockPayload | FoldedBlockPayload]:
    """Return the blocks; with context=K, runs of unchanged paragraphs beyond K of a change are counted."""
    if context is None:
        return [block_payload(block) for block in blocks]
    return [
        {"op": "equal", "count": len(item.blocks)} if isinstance(item, Fold) else block_payload(item)
        for item in fold_unchanged(blocks, context)
    ]


def endpoint_payload(webhook: models.Webhook, *, collection: str) -> WebhookPayload:
    """Return a webhook or channel as the API shows it (never its secret)."""
    return {
        "id": webhook.id,
        "url": webhook.url,
        "events": webhook.events,
        "article_ids": webhook.article_ids,
        "tags": webhook.tags,
        "labels": webhook.labels,
        "min_words": webhook.min_words,
        "enabled": webhook.enabled,
        "disabled_reason": webhook.disabled_reason,
        "created_at": iso(webhook.created_at),
        "delivery": webhook.delivery,
        "digest_hour": webhook.digest_hour,
        "digest_weekday": None if webhook.digest_weekday is None else WEEKDAYS[webhook.digest_weekday],
        "timezone": webhook.timezone,
        "next_digest_at": iso(webhook.next_digest_at),
        "links": {"deliveries": f"/api/v1/{collection}/{webhook.id}/deliveries"},
    }


def secret_rotation_payload(secret: str, webhook: models.Webhook) -> SecretRotationPayload:
    return {"secret": secret, "previous_secret_valid_until": iso(webhook.previous_secret_until)}


def delivery_payload(delivery: models.Delivery, event: models.Event) -> DeliveryPayload:
    return {
        "id": delivery.id,
        "event": event.type,
        "webhook_id_header": event.key,
        "article_id": event.article_id,
        "created_at": iso(delivery.created_at),
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": iso(delivery.next_attempt_at) if delivery.status == "pending" else None,
        "last_attempt_at": iso(delivery.last_attempt_at),
        "last_status": delivery.last_status,
        "last_error_code": delivery.last_error_code,
        "last_error": delivery.last_error,
        "last_latency_ms": delivery.last_latency_ms,
        "last_response": delivery.last_response,
    }


def token_payload(token: models.ApiToken) -> TokenPayload:
    """Return a token's description; the token itself is only in the answer that creates it."""
    return {
        "id": token.id,
        "name": token.name,
        "created_at": iso(token.created_at),
        "last_used_at": iso(token.last_used_at),
    }


def invite_payload(invite: models.Invite) -> InvitePayload:
    return {
        "id": invite.id,
        "created_at": iso(invite.created_at),
        "used": invite.used_by is not None,
        "used_at": iso(invite.used_at),
    }


def watchlist_item_payload(row: WatchedArticle) -> WatchlistItemPayload:
    return {
        "url": row.url,
        "title": row.title,
        "tags": list(row.tags),
        "note": row.note,
        "added_at": iso(row.added_at),
    }


def import_report_payload(report: ImportReport) -> ImportReportPayload:
    return {
        "added": [{"line": i.number, "url": i.url, "article_id": i.article_id} for i in report.added],
        "already_tracked": [
            {"line": i.number, "url": i.url, "article_id": i.article_id} for i in report.already_tracked
        ],
        "rejected": [
            {"line": r.number, "url": r.url, "error": {"code": r.code, "message": r.message}}
            for r in report.rejected
        ],
    }


def bulk_payload(result: BulkResult) -> BulkResultPayload:
    return {
        "action": result.action,
        "matched": result.matched,
        "changed": result.changed,
        "skipped": [
            {"id": item.article_id, "error": {"code": item.code, "message": item.message}}
            for item in result.skipped
        ],
    }


def feed_payload(follow: models.FeedFollow, feed: models.FeedSource, *, base: str = "") -> FeedPayload:
    """Return a user's follow of a feed source: their options and the source's last poll."""
    return {
        "id": follow.id,
        "url": feed.url,
        "title": feed.title,
        "name": follow.name,
        "include": list(follow.include or ()),
        "exclude": list(follow.exclude or ()),
        "max_age_days": follow.max_age_days,
        "stop_after_days": follow.stop_after_days,
        "created_at": iso(follow.created_at),
        "last_checked_at": iso(feed.last_checked_at),
        "next_check_at": iso(feed.next_check_at),
        "failure_count": feed.failure_count,
        "error": error_body(feed.last_error_code, feed.last_error_message),
        "links": {"html": f"{base}/feeds/{follow.id}", "entries": f"{base}/api/v1/feeds/{follow.id}/entries"},
    }


def feed_entry_payload(entry: models.FeedEntry, *, outcome: str, base: str = "") -> FeedEntryPayload:
    """Return a feed entry with its outcome for the caller (the article only when it was theirs)."""
    article_id = entry.article_id if outcome == "added" else None
    return {
        "id": entry.id,
        "link": entry.link,
        "title": entry.title,
        "published_at": iso(entry.published_at),
        "first_seen_at": iso(entry.first_seen_at),
        "outcome": outcome,
        "article_id": article_id,
        "links": {"article": f"{base}/articles/{article_id}" if article_id else None},
    }


def feed_link_payload(link: FeedLink) -> FeedLinkPayload:
    """Return a feed a page advertises."""
    return {"url": link.url, "title": link.title, "type": link.kind}


def feed_poll_payload(result: PollResult) -> FeedPollPayload:
    """Return what polling a feed now did."""
    error = result.error
    return {
        "checked_at": iso(result.checked_at),
        "outcome": result.outcome,
        "http_status": result.http_status,
        "entries": result.entries,
        "new_entries": result.new_entries,
        "articles_added": result.added,
        "error": {"code": error.code, "message": error.message} if error else None,
    }
