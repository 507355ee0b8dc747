"""The JSON bodies the API reads, each declared once: a view validates its request against the
declaration (json_body) and the OpenAPI document shows the schema pydantic writes from the same
declaration (tracker/web/openapi_schemas.py), so what is accepted and what is documented cannot drift.

A declaration says the shape: the fields, which are required, their types and documented limits.
Every body is closed (a field it does not declare is refused) and strict (no "60" for 60, no true
for 1). What only a parser or the database can tell (a URL, a CSS selector, a time zone, a tag's
letters) the services check, as before. A refused field answers 400 with the code the services use
for it: bad_<field>, or the Code its declaration names; an undeclared field is bad_field.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Literal,
    NotRequired,
    TypeAlias,
    TypeVar,
    Union,
    get_args,
    get_origin,
    get_type_hints,
    overload,
)

from flask import request
from pydantic import ConfigDict, Discriminator, Field, Tag, TypeAdapter, ValidationError, with_config
from pydantic_core import ErrorDetails
from typing_extensions import TypedDict  # pydantic reads typing's only from Python 3.12

from tracker.adapters.models import MAX_ID
from tracker.domain.digests import MODES, WEEKDAYS
from tracker.domain.errors import InvalidInput
from tracker.domain.feeds import MAX_DAYS
from tracker.domain.labels import LABEL_WORDS
from tracker.domain.listfiles import FORMATS
from tracker.domain.rules import MAX_ITEMS, MAX_LENGTH
from tracker.domain.vocabulary import ArticleStatus, EventType, UserSetStatus
from tracker.services.articles import MAX_INTERVAL, MIN_INTERVAL
from tracker.services.bulk import ACTIONS, MAX_IDS
from tracker.services.watchlists import MAX_NOTE, MAX_TAGS

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Code:
    """The error code of a refused field, where the services use another than bad_<field>."""

    code: str


def closed(*examples: dict[str, Any]) -> Any:
    """Declare a body closed and strict, with the examples the document shows."""
    extra = {"json_schema_extra": {"examples": list(examples)}} if examples else {}
    return with_config(ConfigDict(extra="forbid", strict=True, **extra))  # type: ignore[typeddict-item]


def one_of(code: str, **shapes: type) -> Any:
    """Return the body that is one of these shapes, chosen by the one key of theirs it holds (each
    shape requires its key); holding none or several is refused with code."""

    def chosen(value: object) -> str | None:
        keys = [key for key in shapes if isinstance(value, dict) and key in value]
        return keys[0] if len(keys) == 1 else None

    choices = tuple(Annotated[shape, Tag(key)] for key, shape in shapes.items())
    message = f"send exactly one of {' or '.join(map(repr, shapes))}"
    return Annotated[
        Union[choices],  # noqa: UP007  # built from a tuple: no | spelling
        Discriminator(chosen, custom_error_type=code, custom_error_message=message),
    ]


def words(values: Iterable[str]) -> Any:
    """Return the Literal of the words a table of the domain keeps as a tuple."""
    return Literal[tuple(values)]


if TYPE_CHECKING:  # mypy cannot read a Literal built from a table; each is a str to it
    Action: TypeAlias = str
    Label: TypeAlias = str
    Mode: TypeAlias = str
    Weekday: TypeAlias = str
    Format: TypeAlias = str
else:
    Action, Label, Mode, Weekday, Format = map(words, (ACTIONS, LABEL_WORDS, MODES, WEEKDAYS, FORMATS))

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=MAX_ID)]
Time = Annotated[str, Field(json_schema_extra={"format": "date-time", "examples": ["2026-03-05T12:00:00Z"]})]
TagWord = Annotated[str, Field(min_length=1, max_length=40)]
Interval = Annotated[
    Annotated[int, Field(ge=MIN_INTERVAL, le=MAX_INTERVAL)] | None,
    Field(description="seconds between checks; null lets the default policy decide by the article's age"),
    Code("bad_interval"),
]
Tags = Annotated[
    Annotated[list[TagWord], Field(max_length=MAX_TAGS)]
    | Annotated[str, Field(description="tags separated by commas")]
    | None,
    Field(description="letters, digits, spaces and . : / + - ; lower-cased, repeats dropped"),
]
Lines = (
    Annotated[list[Annotated[str, Field(max_length=MAX_LENGTH)]], Field(max_length=MAX_ITEMS)]
    | Annotated[str, Field(description="one entry per line")]
)
Days = Annotated[int, Field(ge=1, le=MAX_DAYS)] | None
Patterns = Annotated[
    Lines | None,
    Field(
        description="text that must (include) or must not (exclude) occur in the link or title; * stands for anything"
    ),
]
RULES = Code("bad_rules")


# --- articles ------------------------------------------------------------------------------------


@closed({"url": "https://news.example.com/2026/03/council-vote", "interval_seconds": 3600})
class NewArticle(TypedDict):
    url: Annotated[str, Field(description="http or https")]
    interval_seconds: NotRequired[Interval]
    backfill: NotRequired[
        Annotated[
            bool,
            Field(
                description="fill in its past from web archives' captures before its first check "
                "(default: the caller's backfill_default)"
            ),
        ]
    ]


@closed({"status": "paused"})
class ArticleChanges(TypedDict, total=False):
    interval_seconds: Interval
    status: Annotated[UserSetStatus, Field(description="pause or resume checking")]
    backfill: Annotated[bool, Field(description="whether its past is filled in from web archives")]


@closed({"tags": ["council", "local politics"], "note": "watch the vote"})
class Follow(TypedDict, total=False):
    tags: Tags
    note: Annotated[str, Field(max_length=MAX_NOTE)] | None


@closed()
class BulkFilter(TypedDict, total=False):
    """the filters of GET /articles; {} selects every article the caller follows"""

    status: Annotated[
        list[ArticleStatus]
        | Annotated[str, Field(description="one status, or several separated by commas")]
        | None,
        Code("bad_status"),
    ]
    tag: TagWord | None
    site: str | None
    q: str | None
    changed_since: Time | None


BulkAction = Annotated[
    Action, Field(description="check_now: due for the scheduler; add_tags and remove_tags need `tags`")
]


@closed({"ids": [1], "action": "pause"})
class BulkByIds(TypedDict):
    ids: Annotated[list[Id], Field(max_length=MAX_IDS)]
    action: BulkAction
    tags: NotRequired[Tags]


@closed({"filter": {"status": ["failing"]}, "action": "add_tags", "tags": ["broken"]})
class BulkByFilter(TypedDict):
    filter: BulkFilter
    action: BulkAction
    tags: NotRequired[Tags]


BulkInput = one_of("bad_selection", ids=BulkByIds, filter=BulkByFilter)


@closed({"exclude": [".related", "aside"], "ignore": ["^Advertisement$"]})
class RulesInput(TypedDict, total=False):
    """absent fields take their defaults (nothing included, excluded or ignored; robots on)"""

    include: Annotated[Lines, RULES]
    exclude: Annotated[Lines, RULES]
    ignore: Annotated[Lines, RULES]
    whole_page: Annotated[bool, RULES]
    render: Annotated[bool, RULES]
    robots: Annotated[bool, RULES]


# --- alerts --------------------------------------------------------------------------------------


@closed()
class EndpointChanges(TypedDict, total=False):
    events: list[EventType] | None
    article_ids: list[Id] | None
    tags: Tags
    labels: list[Label] | None
    min_words: Count | None
    enabled: Annotated[bool, Field(description="true also clears the reason it was disabled")]
    delivery: Annotated[
        Mode,
        Field(
            description="each: every event alone; daily or weekly: one digest at digest_hour in "
            "timezone; back to each sends what was held at once"
        ),
    ]
    digest_hour: Annotated[
        Annotated[int, Field(ge=0, le=23)] | None,
        Field(description="the hour digests go out (local time), 0-23; default 8 (08:00) for a new digest"),
    ]
    digest_weekday: Annotated[
        Weekday | None, Field(description="the day weekly digests go out (weekly only); default monday")
    ]
    timezone: Annotated[str, Field(description="an IANA time zone name; default UTC")]


@closed({"url": "https://hooks.example.com/tracker", "labels": ["stealth_edit", "headline_changed"]})
class WebhookInput(EndpointChanges):
    url: Annotated[str, Field(description="http or https; redirects are not followed")]


@closed()
class ChannelInput(EndpointChanges):
    url: Annotated[str, Field(description="an Apprise URL (slack://, mailto://, ntfy://, ...)")]


# --- watchlist, account, feeds -------------------------------------------------------------------


@closed({"name": "newsroom script"})
class TokenInput(TypedDict, total=False):
    name: Annotated[str, Field(max_length=80)] | None


@closed({"backfill_default": False})
class AccountChanges(TypedDict, total=False):
    backfill_default: Annotated[
        bool,
        Field(description="whether articles the caller adds have their past filled in from web archives"),
    ]


@closed()
class ImportUrls(TypedDict):
    urls: list[str]
    tags: NotRequired[Tags]


@closed()
class ImportContent(TypedDict):
    content: Annotated[str, Field(description="the list as text, CSV or OPML"), Code("bad_json")]
    format: NotRequired[Annotated[Format, Field(description="guessed from the content when absent")]]
    tags: NotRequired[Tags]


ImportInput = one_of("bad_json", urls=ImportUrls, content=ImportContent)


@closed()
class FeedChanges(TypedDict, total=False):
    name: TagWord
    include: Patterns
    exclude: Patterns
    max_age_days: Days
    stop_after_days: Days


@closed({"url": "https://news.example.com/feed.xml", "name": "example news", "exclude": ["/sport/"]})
class FeedInput(TypedDict):
    url: Annotated[str, Field(description="the feed, or a page: not_a_feed names the feeds it advertises")]
    name: NotRequired[
        Annotated[
            TagWord | None, Field(description="the tag its articles get; default: from the feed's title")
        ]
    ]
    include: NotRequired[Patterns]
    exclude: NotRequired[Patterns]
    max_age_days: NotRequired[Days]
    stop_after_days: NotRequired[Days]


# The request bodies of the document, by schema name.
BODIES: dict[str, Any] = {
    "NewArticle": NewArticle,
    "BulkInput": BulkInput,
    "ArticleChanges": ArticleChanges,
    "Follow": Follow,
    "RulesInput": RulesInput,
    "WebhookInput": WebhookInput,
    "ChannelInput": ChannelInput,
    "EndpointChanges": EndpointChanges,
    "TokenInput": TokenInput,
    "AccountChanges": AccountChanges,
    "ImportInput": ImportInput,
    "FeedInput": FeedInput,
    "FeedChanges": FeedChanges,
}


# --- reading a body ------------------------------------------------------------------------------


@overload
def json_body(shape: type[T]) -> T: ...
@overload
def json_body(shape: Any) -> Any: ...
def json_body(shape: Any) -> Any:
    """Return the request's JSON object, validated against its declaration; raise InvalidInput with
    the code of the first field refused (an undeclared one first: it is usually a misspelling)."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput("send a JSON object with Content-Type: application/json", code="bad_json")
    try:
        return adapter(shape).validate_python(data)
    except ValidationError as error:
        problem = min(error.errors(), key=lambda problem: problem["type"] != "extra_forbidden")
        raise refusal(shape, problem) from None


@functools.cache
def adapter(shape: Any) -> TypeAdapter[Any]:
    """Return the validator of a body, built on its first request (web start-up does not pay it)."""
    return TypeAdapter(shape)


def refusal(shape: Any, problem: ErrorDetails) -> InvalidInput:
    """Return the error that names what is wrong with the body and the code of the field refused."""
    if not problem["loc"]:  # no one_of member chosen: the error is the one_of's own
        return InvalidInput(problem["msg"], code=problem["type"])
    code, path = code_of(shape, problem["loc"])
    where = ".".join(path) or "the body"
    if problem["type"] == "extra_forbidden":
        return InvalidInput(f"cannot read {where}: it is not a field of this body", code=code)
    if problem["type"] == "missing":
        return InvalidInput(f"{where} is required", code=code)
    message = problem["msg"]
    return InvalidInput(f"{where}: {message[:1].lower()}{message[1:]}", code=code)


def code_of(shape: Any, loc: tuple[int | str, ...]) -> tuple[str, list[str]]:
    """Return the error code for a problem at loc (pydantic's path, which also names the union member
    it tried) and the fields on that path."""
    path: list[str] = []
    code = "bad_json"
    for key in loc:
        choices = choices_of(shape)
        if key in choices:
            shape = choices[key]  # a member of a one_of, not a field
            continue
        hints = fields_of(shape)
        if hints is None:
            break
        if not isinstance(key, str) or key not in hints:
            return ("bad_field" if not path else code), [*path, str(key)]
        path.append(key)
        declared = [meta.code for meta in metadata(hints[key]) if isinstance(meta, Code)]
        code = declared[0] if declared else code if len(path) > 1 else f"bad_{key}"
        shape = hints[key]
    return code, path


def fields_of(shape: Any) -> dict[str, Any] | None:
    """Return the annotations of a TypedDict's fields (None: not a TypedDict)."""
    plain = unwrapped(shape)
    if isinstance(plain, type) and hasattr(plain, "__total__"):
        return get_type_hints(plain, include_extras=True)
    return None


def choices_of(shape: Any) -> dict[str, Any]:
    """Return the members of a one_of by their key (empty: not a one_of)."""
    return {
        str(meta.tag): unwrapped(member)
        for member in get_args(unwrapped(shape))
        for meta in metadata(member)
        if isinstance(meta, Tag)
    }


def unwrapped(annotation: Any) -> Any:
    """Return the type under NotRequired and Annotated."""
    while get_origin(annotation) in (NotRequired, Annotated):
        annotation = get_args(annotation)[0]
    return annotation


def metadata(annotation: Any) -> tuple[Any, ...]:
    """Return what Annotated adds to a type (under NotRequired too)."""
    while get_origin(annotation) is NotRequired:
        annotation = get_args(annotation)[0]
    return getattr(annotation, "__metadata__", ())
