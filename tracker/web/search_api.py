"""The search API: every version of the caller's articles whose text, or whose change, holds the words."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from tracker.domain.searchtext import parse_query
from tracker.services import search
from tracker.services.payloads import search_hit_payload
from tracker.web.api import authenticate, require_reader
from tracker.web.context import get_session
from tracker.web.params import limit_arg, time_arg

bp = Blueprint("search_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)


@bp.get("/search")
def search_versions() -> Response:
    """Matching versions, newest first: the caller's articles (all articles for anonymous readers)."""
    account = require_reader()
    page = search.search_versions(
        get_session(),
        parse_query(request.args.get("q", ""), request.args.get("in") or "text"),
        user_id=account.id if account else None,
        where=search_filter(),
        limit=limit_arg(),
        cursor=request.args.get("cursor"),
    )
    return jsonify(items=[search_hit_payload(hit) for hit in page.hits], next=page.next_cursor)


def search_filter() -> search.SearchFilter:
    """Return the filters in ?tag=, ?site= and ?since= (shared with the search page)."""
    return search.SearchFilter(
        tag=request.args.get("tag") or None,
        site=request.args.get("site") or None,
        since=time_arg("since"),
    )
