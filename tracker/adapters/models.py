"""The tables: typed columns and constraints only, no queries and no behaviour."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text, true
from sqlalchemy.orm import Mapped, mapped_column

from tracker.adapters.db import Base, UTCDateTime

# Re-exported for the modules that still import them from here.
from tracker.domain.vocabulary import (
    ArticleStatus,
    BackfillState,
    CaptureOutcome,
    CheckOutcome,
    DeliveryStatus,
    EndpointKind,
    EventType,
    LifecycleKind,
    OutboxType,
    SaveState,
    VersionSource,
)

URL_LENGTH = 2048
MAX_ID = 2**31 - 1  # ids, version numbers and counts all fit PostgreSQL's INTEGER


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None: token-only user
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The key in the user's private Atom feed URLs: it only reads those feeds, so it is kept as is
    # (the user must see the URL again); rotating it breaks old URLs.
    feed_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Sessions are signed cookies that carry this number: raising it (sign-out, "sign out everywhere",
    # a new password) ends every session and remember-me cookie handed out before.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Whether articles this user adds have their past filled in from web archives (each add may say otherwise).
    backfill_default: Mapped[bool] = mapped_column(default=True, server_default=true())


class Invite(Base):
    """A one-time sign-up code an admin handed out (TRACKER_SIGNUP=invite)."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex; the code is shown once
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex; the token is shown once
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Article(Base):
    """One tracked URL, polled once however many users follow it. Also the queue of due checks."""

    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_due", "status", "next_check_at"),
        # the order of the article lists (tracker.services.articles.list_articles)
        Index("ix_articles_recent", text("coalesce(last_changed_at, created_at) DESC"), text("id DESC")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_LENGTH), unique=True)  # normalised
    host: Mapped[str] = mapped_column(String(255), index=True)
    canonical_url: Mapped[str | None] = mapped_column(String(URL_LENGTH), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ArticleStatus] = mapped_column(String(16), default="active")
    interval_seconds: Mapped[int | None]  # None: the default policy decides
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_check_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version_count: Mapped[int] = mapped_column(default=0)
    # What the last successful fetch returned: validators for a conditional GET, and the
    # body's hash so a byte-identical page skips extraction.
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    body_hash: Mapped[str | None] = mapped_column(String(64))
    failure_count: Mapped[int] = mapped_column(default=0)  # consecutive failed checks
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the first of them
    # The last failed check, kept on the article so that lists can show and sort by it without
    # reading checks: when, its error code, and how many checks in a row ended with that code.
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error_code: Mapped[str | None] = mapped_column(String(64))
    last_error_count: Mapped[int] = mapped_column(default=0)
    gone_since: Mapped[datetime | None] = mapped_column(UTCDateTime)  # status gone from then: slower checks
    # The extractor and rules the latest version's content hash stands for; when the current ones
    # differ, the next check re-extracts the latest raw HTML first (tracker.domain.extract.extractor_name).
    baseline_extractor: Mapped[str | None] = mapped_column(String(128))
    # The lease: a worker that claimed the article owns its check until lease_until.
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Fill in the article's past from web archives (TRACKER_ARCHIVES); False: its history starts live.
    backfill: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The oldest version's number: 1, or below when a backfill found captures older than version 1
    # (numbers never change, so those count down: 0, -1, ...). Versions held: version_count - first_number + 1.
    first_number: Mapped[int] = mapped_column(default=1, server_default="1")


class Subscription(Base):
    """A user following an article."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("user_id", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    # The feed source that added the article for this user (its "stop after N days" applies).
    feed_id: Mapped[int | None] = mapped_column(
        ForeignKey("feed_sources.id", ondelete="SET NULL"), index=True
    )


class FeedSource(Base):
    """An RSS or Atom feed polled for new articles; one row however many users follow it."""

    __tablename__ = "feed_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_LENGTH), unique=True)  # normalised
    title: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_check_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    failure_count: Mapped[int] = mapped_column(default=0)
    last_error_code: Mapped[str | None] = mapped_column(String(64))
    last_error_message: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FeedFollow(Base):
    """A user following a feed source, with what to take from it."""

    __tablename__ = "feed_follows"
    __table_args__ = (UniqueConstraint("user_id", "feed_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feed_sources.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))  # the tag its articles get
    include: Mapped[list[str]] = mapped_column(JSON, default=list)  # patterns on URL and title
    exclude: Mapped[list[str]] = mapped_column(JSON, default=list)
    max_age_days: Mapped[int | None]  # skip entries older than this
    stop_after_days: Mapped[int | None]  # stop following its articles this long after they were added
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FeedEntry(Base):
    """An entry a feed source has shown, so each is taken once."""

    __tablename__ = "feed_entries"
    __table_args__ = (UniqueConstraint("feed_id", "key_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feed_sources.id", ondelete="CASCADE"))
    key_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 hex of the entry's id (or link)
    link: Mapped[str] = mapped_column(String(URL_LENGTH))
    title: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(32))  # added | filtered | too_old | rejected: <code>


class Version(Base):
    """A distinct state of an article's text, numbered from 1 per article."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    byline: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[str | None] = mapped_column(String(64))  # as the page states it
    modified_at: Mapped[str | None] = mapped_column(String(64))
    paragraphs: Mapped[list[str]] = mapped_column(JSON)
    word_count: Mapped[int]
    final_url: Mapped[str] = mapped_column(String(URL_LENGTH))
    lead_image: Mapped[str | None] = mapped_column(String(URL_LENGTH))
    language: Mapped[str | None] = mapped_column(String(35))  # BCP 47, declared or detected
    extractor: Mapped[str] = mapped_column(String(128))  # extractor version and rules fingerprint
    # A baseline re-extracts the previous version's stored page with a new extractor or new rules:
    # a change in how we read the page, not in the article.
    baseline: Mapped[bool] = mapped_column(default=False)
    # A revert or an A/B headline: the earlier version whose content this one repeats.
    matches_number: Mapped[int | None]
    # How this version differs from the one before, computed once when it is stored, so that
    # timelines, recent changes and alerts never recompute diffs.
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    change: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # the diff's summary counts
    # Evidence, kept so extraction can be rerun: zlib-compressed body as fetched, and headers.
    raw_html: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    response_headers: Mapped[dict[str, str]] = mapped_column(JSON, deferred=True)
    encoding: Mapped[str | None] = mapped_column(String(40))
    # Where the version came from: our own check ("live"), or a web archive's capture ("archive"),
    # whose URI-M is `memento` and whose Memento-Datetime is observed_at.
    source: Mapped[VersionSource] = mapped_column(String(8), default="live", server_default="live")
    memento: Mapped[str | None] = mapped_column(Text)


class Backfill(Base):
    """An article's backfill from web archives: its queue entry (due_at, lease) and how it went."""

    __tablename__ = "backfills"
    __table_args__ = (Index("ix_backfills_due", "state", "due_at"),)

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[BackfillState] = mapped_column(String(16), default="pending")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)  # runs since the last complete one
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last complete run
    captures_found: Mapped[int] = mapped_column(default=0)  # in the archives' TimeMaps, last run
    versions_added: Mapped[int] = mapped_column(default=0)  # by every run together
    requests: Mapped[int] = mapped_column(default=0)  # made to archives, last run
    last_error_code: Mapped[str | None] = mapped_column(String(64))
    last_error_message: Mapped[str | None] = mapped_column(Text)


class Capture(Base):
    """One archive capture (memento) of an article a backfill read, so that no run reads it twice."""

    __tablename__ = "captures"
    __table_args__ = (UniqueConstraint("article_id", "key_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 hex of the memento URI
    memento: Mapped[str] = mapped_column(Text)  # URI-M, as the TimeMap gives it
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime)  # its Memento-Datetime
    read_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[CaptureOutcome] = mapped_column(String(16))
    version_number: Mapped[int | None]  # stored: its version; same: the version holding its text
    error_code: Mapped[str | None] = mapped_column(String(64))


class VersionSearch(Base):
    """What search reads of one version (tracker.domain.searchtext), written with the version. Migration
    0011 indexes the terms columns: SQLite with an FTS5 trigram table kept by triggers, PostgreSQL
    with GIN full-text indexes; neither is described here, as they differ by database."""

    __tablename__ = "version_search"

    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), primary_key=True)
    terms: Mapped[str] = mapped_column(Text)  # of the headline, byline and paragraphs
    added_terms: Mapped[str] = mapped_column(Text)  # of what the change from the version before added
    removed_terms: Mapped[str] = mapped_column(Text)
    added: Mapped[str] = mapped_column(Text)  # the added text as written, one piece a line (snippets)
    removed: Mapped[str] = mapped_column(Text)


class Check(Base):
    """One attempt to check an article, whatever came of it."""

    __tablename__ = "checks"
    __table_args__ = (Index("ix_checks_article_time", "article_id", "checked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int]
    outcome: Mapped[CheckOutcome] = mapped_column(String(16))
    http_status: Mapped[int | None]
    version_number: Mapped[int | None]
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)


class Site(Base):
    """What we know about one host: until when it asked us (Retry-After) not to come back."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(255), unique=True)
    retry_after_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ExtractionRule(Base):
    """How to read a site's pages (host set) or one article's page (article_id set, overrides the site)."""

    __tablename__ = "extraction_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str | None] = mapped_column(String(255), unique=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), unique=True)
    include: Mapped[list[str]] = mapped_column(JSON, default=list)
    exclude: Mapped[list[str]] = mapped_column(JSON, default=list)
    ignore: Mapped[list[str]] = mapped_column(JSON, default=list)
    whole_page: Mapped[bool] = mapped_column(default=False)
    render: Mapped[bool] = mapped_column(default=False)
    robots: Mapped[bool] = mapped_column(default=True)  # honour the site's robots.txt
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(80))


class RuleChange(Base):
    """A note in the history of every article a rule change applies to."""

    __tablename__ = "rule_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(255), index=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_by: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text)


class ArticleAlias(Base):
    """Another URL of a tracked article (its AMP or mobile page, a duplicate merged by rel=canonical)."""

    __tablename__ = "article_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_LENGTH), unique=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    merged_article_id: Mapped[int | None]  # the id the duplicate had, so links to it still lead here
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LifecycleEvent(Base):
    """An article removed, restored or moved, with the evidence: its history and /changes show it."""

    __tablename__ = "lifecycle_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    kind: Mapped[LifecycleKind] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    http_status: Mapped[int | None]  # what the check got: 404, 410, 200, 301 ...
    url: Mapped[str] = mapped_column(String(URL_LENGTH))  # the address checked (moved: the old one)
    final_url: Mapped[str | None] = mapped_column(String(URL_LENGTH))  # where it led (moved: the new one)
    reason: Mapped[str | None] = mapped_column(String(64))  # removed: http_410, http_404, redirected_away
    version_number: Mapped[int] = mapped_column()  # the article's latest version at that moment


class Webhook(Base):
    """Where a user's alerts go: a signed webhook, or an Apprise channel (Slack, email, ntfy, ...)."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EndpointKind] = mapped_column(String(16), default="webhook")
    url: Mapped[str] = mapped_column(String(URL_LENGTH))
    # The HMAC key must be kept to sign, so it is stored as given; it is shown once and never logged.
    secret: Mapped[str | None] = mapped_column(String(128))
    previous_secret: Mapped[str | None] = mapped_column(String(128))  # still signed with until ...
    previous_secret_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Filters; None means all.
    events: Mapped[list[EventType] | None] = mapped_column(JSON)
    article_ids: Mapped[list[int] | None] = mapped_column(JSON)
    tags: Mapped[list[str] | None] = mapped_column(JSON)  # only articles the owner tagged so
    labels: Mapped[list[str] | None] = mapped_column(JSON)  # only changes with one of these labels
    min_words: Mapped[int | None]  # only changes of at least this many words
    enabled: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first failure since a success
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Digests: "each" sends every event alone; "daily" and "weekly" hold them for one message at
    # digest_hour:00 (on digest_weekday, 0 = Monday) wall-clock time in the endpoint's time zone.
    delivery: Mapped[str] = mapped_column(String(8), default="each", server_default="each")
    digest_hour: Mapped[int | None]
    digest_weekday: Mapped[int | None]
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")  # IANA name
    digest_since: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the open period's start
    next_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class Event(Base):
    """Something to tell subscribers about (article.changed, ...), written with what caused it."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)  # the webhook-id, the same on every attempt
    type: Mapped[OutboxType] = mapped_column(String(40))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    payload: Mapped[str] = mapped_column(Text)  # the exact JSON body sent
    summary: Mapped[str] = mapped_column(Text)  # a short text alert for chat and email channels
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Delivery(Base):
    """One event owed to one endpoint: the outbox row, retried until it succeeds or fails for good."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        Index("ix_deliveries_webhook_article", "webhook_id", "article_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    article_id: Mapped[int | None]  # copied from the event: one article's events go out in order
    status: Mapped[DeliveryStatus] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)  # a sentence a person can act on
    last_error_code: Mapped[str | None] = mapped_column(String(64))  # connection_refused, http_500 ...
    last_latency_ms: Mapped[int | None]
    last_response: Mapped[str | None] = mapped_column(Text)  # the first 1 KB of the answer
    # The last attempt's request headers as sent, signature included ([name, value] pairs); its body
    # is the event's payload.
    last_request_headers: Mapped[list[list[str]] | None] = mapped_column(JSON)


class WorkerHeartbeat(Base):
    """A process running the scheduler (`tracker worker`, or the run command), as of its last tick."""

    __tablename__ = "worker_heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)  # host:pid, as in leases' claimed_by
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_tick_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SiteSetting(Base):
    """A setting an admin changed at run time (the admin's page); it overrides the TRACKER_* default
    for every web process, which a variable set for one process could not."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ArchiveSave(Base):
    """A request to an archive (Save Page Now) to capture an article as a new live version of it was
    stored, so that a third party holds the evidence too: the outbox row, retried like a delivery."""

    __tablename__ = "archive_saves"
    __table_args__ = (
        UniqueConstraint("article_id", "version_number"),
        Index("ix_archive_saves_due", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    version_number: Mapped[int]
    url: Mapped[str] = mapped_column(String(URL_LENGTH))  # the article URL as the version was stored
    state: Mapped[SaveState] = mapped_column(String(16), default="pending")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    memento: Mapped[str | None] = mapped_column(Text)  # the capture's URI-M, once the archive made it
    last_status: Mapped[int | None]  # the HTTP status of the last answer; None: no answer
    last_error_code: Mapped[str | None] = mapped_column(String(64))  # http_429, timeout ...
    last_error_message: Mapped[str | None] = mapped_column(Text)


class RobotsTxt(Base):
    """A site's robots.txt as last fetched, so that a new process (`tracker check --all` from cron)
    asks the site again only once the copy is a day old. One row per origin, overwritten on refetch."""

    __tablename__ = "robots_files"

    origin: Mapped[str] = mapped_column(String(URL_LENGTH), primary_key=True)  # scheme://host[:port]
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # None: none readable (everything allowed); 512 KiB at most
    text: Mapped[str | None] = mapped_column(Text)
