"""Memento (RFC 7089) on our side: each article's TimeMap and TimeGate, per article and keyed by the
article's URL (so Memento clients and other trackers can use the tracker as an archive), and the
Link header that ties a version page (a memento) to them."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, redirect, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from tracker.adapters.models import Article, Version
from tracker.domain.errors import InvalidInput, NotFound
from tracker.domain.linkformat import format_link, http_date, parse_http_date
from tracker.services import articles, memento
from tracker.services.memento import MementoVersion, Selection
from tracker.web import access
from tracker.web.atom import absolute
from tracker.web.context import get_session
from tracker.web.pages import account

bp = Blueprint("memento", __name__)
LINK_FORMAT = "application/link-format"


@bp.get("/articles/<int:article_id>/timemap")
def timemap(article_id: int) -> Response:
    access.ensure_reader(account())
    return timemap_of(articles.get_article(get_session(), article_id))


# merge_slashes=False: the URL's own "//" must reach the view as sent.
@bp.get("/timemap/link/<path:url>", merge_slashes=False)
def timemap_by_url(url: str) -> Response:
    access.ensure_reader(account())
    return timemap_of(memento.article_for_url(get_session(), requested_url(url)))


@bp.get("/articles/<int:article_id>/timegate")
def timegate(article_id: int) -> WerkzeugResponse:
    access.ensure_reader(account())
    return timegate_of(articles.get_article(get_session(), article_id))


@bp.get("/timegate/<path:url>", merge_slashes=False)
def timegate_by_url(url: str) -> WerkzeugResponse:
    access.ensure_reader(account())
    return timegate_of(memento.article_for_url(get_session(), requested_url(url)))


def requested_url(path: str) -> str:
    """Return the URL a URL-keyed request names: the rest of its path, and its query string, which
    belongs to that URL (the tracker's own routes take none here)."""
    query = request.query_string.decode("utf-8", errors="replace")
    return f"{path}?{query}" if query else path


def timemap_of(article: Article) -> Response:
    """The article's TimeMap: the original, its TimeGate, itself, and one link per version."""
    found = memento.mementos_of(get_session(), article.id)
    if not found:
        raise NotFound(f"article {article.id} has no versions yet", code="version_not_found")
    first, last = found[0], found[-1]
    span = {"from": http_date(first.at), "until": http_date(last.at)}
    links = [
        format_link(article.url, "original"),
        format_link(timegate_uri(article.id), "timegate"),
        format_link(timemap_uri(article.id), "self", type=LINK_FORMAT, **span),
    ]
    for item in found:
        roles = [role for role, edge in (("first", first), ("last", last)) if item == edge]
        links.append(memento_link(article.id, item, roles))
    return Response(",\n".join(links) + "\n", mimetype=LINK_FORMAT)


def timegate_of(article: Article) -> WerkzeugResponse:
    """302 to the version live at the Accept-Datetime (the latest without one), naming the original,
    the TimeMap and the mementos around the chosen one as RFC 7089 (4.1.1) suggests."""
    selection = memento.live_at(memento.mementos_of(get_session(), article.id), accept_datetime())
    response = redirect(version_uri(article.id, selection.chosen.number), 302)
    response.vary.add("accept-datetime")
    response.headers["Link"] = ", ".join(
        [
            format_link(article.url, "original"),
            format_link(timemap_uri(article.id), "timemap", type=LINK_FORMAT),
            *neighbour_links(article.id, selection),
        ]
    )
    return response


def accept_datetime() -> datetime | None:
    """Return the request's Accept-Datetime (None without one); raise InvalidInput if unreadable."""
    text = request.headers.get("Accept-Datetime")
    if text is None:
        return None
    moment = parse_http_date(text)
    if moment is None:
        raise InvalidInput(
            f"Accept-Datetime {text!r} is not an HTTP-date; send one such as 'Tue, 20 Jun 2000 18:02:59 GMT'",
            code="bad_accept_datetime",
        )
    return moment


def neighbour_links(article_id: int, selection: Selection) -> list[str]:
    """Return the links of the chosen memento and the first, last, previous and next ones, oldest
    first, one link per memento with all its roles (`rel="first prev memento"`)."""
    roles: dict[int, tuple[MementoVersion, list[str]]] = {}
    named = (
        ("first", selection.first),
        ("prev", selection.prev),
        ("", selection.chosen),
        ("next", selection.next),
        ("last", selection.last),
    )
    for role, item in named:
        if item is not None:
            roles.setdefault(item.number, (item, []))[1].append(role)
    return [
        memento_link(article_id, item, [role for role in names if role])
        for _number, (item, names) in sorted(roles.items())
    ]


def memento_link(article_id: int, item: MementoVersion, roles: list[str]) -> str:
    return format_link(
        version_uri(article_id, item.number), " ".join([*roles, "memento"]), datetime=http_date(item.at)
    )


def memento_headers(article: Article, version: Version) -> dict[str, str]:
    """Return the headers that make a version page a memento: its datetime, and its original,
    TimeGate and TimeMap."""
    return {"Memento-Datetime": http_date(version.observed_at), "Link": article_links(article)}


def article_links(article: Article) -> str:
    """Return the Link header naming the article's original URL, its TimeGate and its TimeMap."""
    return ", ".join(
        [
            format_link(article.url, "original"),
            format_link(timegate_uri(article.id), "timegate"),
            format_link(timemap_uri(article.id), "timemap", type=LINK_FORMAT),
        ]
    )


def version_uri(article_id: int, number: int) -> str:
    return absolute(url_for("reading.version", article_id=article_id, number=number))


def timegate_uri(article_id: int) -> str:
    return absolute(url_for("memento.timegate", article_id=article_id))


def timemap_uri(article_id: int) -> str:
    return absolute(url_for("memento.timemap", article_id=article_id))
