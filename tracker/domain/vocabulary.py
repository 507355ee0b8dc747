"""The words the tracker stores and the API shows: statuses, outcomes, kinds and event types.

Literal types, so the type checker reads them and the stored values and JSON stay plain strings
(no migration, no conversion); each tuple beside its type lists the words in order, for checks
and for the API's schemas. Error codes are not here: `http_<status>` makes them an open set (the
fixed ones and their sentences are tracker.domain.trouble's table).
"""

from __future__ import annotations

from typing import Literal, get_args

ArticleStatus = Literal["active", "failing", "paused", "gone"]
ARTICLE_STATUSES: tuple[ArticleStatus, ...] = get_args(ArticleStatus)
UserSetStatus = Literal["active", "paused"]  # what a user sets: resume or pause checking
USER_SET_STATUSES: tuple[UserSetStatus, ...] = get_args(UserSetStatus)

CheckOutcome = Literal["first", "changed", "unchanged", "not_modified", "error"]
CHECK_OUTCOMES: tuple[CheckOutcome, ...] = get_args(CheckOutcome)

# "held": waiting for its endpoint's digest; "digested": went out in one
DeliveryStatus = Literal["pending", "succeeded", "failed", "held", "digested"]
DELIVERY_STATUSES: tuple[DeliveryStatus, ...] = get_args(DeliveryStatus)

EventType = Literal[
    "article.changed",
    "article.failing",
    "article.added",
    "article.removed",
    "article.restored",
    "article.moved",
    "article.backfilled",
    "ping",
]
EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)
DigestType = Literal["digest"]  # the event type of a digest: never chosen as a filter
OutboxType = EventType | DigestType  # what an outbox row holds

LifecycleKind = Literal["removed", "restored", "moved"]
LIFECYCLE_KINDS: tuple[LifecycleKind, ...] = get_args(LifecycleKind)
ChangeKind = Literal["changed", LifecycleKind]  # an item of the recent-changes list
CHANGE_KINDS: tuple[ChangeKind, ...] = get_args(ChangeKind)
RemovalReason = Literal["http_410", "http_404", "redirected_away"]
REMOVAL_REASONS: dict[str, RemovalReason] = {reason: reason for reason in get_args(RemovalReason)}

EndpointKind = Literal["webhook", "apprise"]
ENDPOINT_KINDS: tuple[EndpointKind, ...] = get_args(EndpointKind)

FeedPollOutcome = Literal["updated", "not_modified", "error"]  # what polling a feed did
RulesSource = Literal["article", "site", "default"]  # where the rules an article gets come from
FeedKind = Literal["rss", "atom"]  # a feed a page advertises
BlockOp = Literal["equal", "insert", "delete", "replace", "move"]  # a paragraph's fate in a diff
WordOp = Literal["=", "-", "+"]  # a run of words unchanged, removed or added
SearchField = Literal["text", "added", "removed"]  # where a search looks: a version's text or its change
SEARCH_FIELDS: tuple[SearchField, ...] = get_args(SearchField)

VersionSource = Literal["live", "archive"]  # seen by our own check, or read from a web archive's capture
VERSION_SOURCES: tuple[VersionSource, ...] = get_args(VersionSource)
# An article's backfill from web archives: due (first or again), finished, or given up until asked again.
BackfillState = Literal["pending", "done", "failed"]
BACKFILL_STATES: tuple[BackfillState, ...] = get_args(BackfillState)
# What became of one archive capture: a version of its own, the same text as its neighbour, or not read.
CaptureOutcome = Literal["stored", "same", "error"]
CAPTURE_OUTCOMES: tuple[CaptureOutcome, ...] = get_args(CaptureOutcome)
SaveState = Literal["pending", "succeeded", "failed"]  # a request that an archive capture a new version
