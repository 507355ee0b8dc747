"""The search page: the header's search box leads here; each result links to its version or diff."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from tracker.domain.errors import InvalidInput
from tracker.domain.searchtext import FIELDS, parse_query
from tracker.services import search
from tracker.services.payloads import search_hit_payload
from tracker.web import access
from tracker.web.context import get_session
from tracker.web.pages import account
from tracker.web.search_api import search_filter

bp = Blueprint("search_pages", __name__)
PAGE_SIZE = 50


@bp.get("/search")
def results() -> str:
    """The results of ?q= (none asked: just the form); a query without words says so on the page."""
    access.ensure_reader(account())
    user = account()
    text, field = request.args.get("q", "").strip(), request.args.get("in") or "text"
    page, problem = None, None
    if text:
        try:
            page = search.search_versions(
                get_session(),
                parse_query(text, field),
                user_id=user.id if user else None,
                where=search_filter(),
                limit=PAGE_SIZE,
                cursor=request.args.get("cursor"),
            )
        except InvalidInput as error:
            problem = str(error)
    hits = [(hit, search_hit_payload(hit)["links"]["html"]) for hit in page.hits] if page else []
    return render_template(
        "search.html",
        q=text,
        field=field,
        fields=FIELDS,
        hits=hits,
        page=page,
        problem=problem,
        args=request.args,
    )
