"""The HTML pages for reading: one version, the diff of any two, the article as of a moment,
the snapshot of the page as fetched, and recent changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from tracker.adapters.models import Article
from tracker.domain.diff import fold_unchanged
from tracker.domain.errors import NotFound
from tracker.domain.labels import LABEL_WORDS, summary_line
from tracker.domain.snapshot import safe_snapshot
from tracker.services import articles, changefeed, history
from tracker.web import access, memento
from tracker.web.context import get_session
from tracker.web.pages import account
from tracker.web.params import time_arg

bp = Blueprint("reading", __name__)
VIEWS = ("side", "inline")
# A view the reader chose by clicking it. Until 2026-12 "diff_view" held the last view shown (side by
# default, on phones too), which is no choice: that cookie is ignored.
VIEW_COOKIE = "diff_view_choice"
CONTEXT = 2  # unchanged paragraphs shown around each change; the rest fold away
SNAPSHOT_POLICY = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
)


# Numbers may be 0 or negative: versions a backfill put before the first one count down.
@bp.get("/articles/<int:article_id>/versions/<int(signed=True):number>")
def version(article_id: int, number: int) -> Response:
    """One version: a memento (RFC 7089), so it names its datetime, original, TimeGate and TimeMap."""
    access.ensure_reader(account())
    session = get_session()
    item = articles.get_article(session, article_id)
    found = history.get_version(session, article_id, number)
    response = make_response(
        render_template("version.html", article=item, version=found, as_of=None, held=held(item))
    )
    response.headers.update(memento.memento_headers(item, found))
    return response


def held(item: Article) -> int:
    return articles.versions_held(item.version_count, item.first_number)


@bp.get("/articles/<int:article_id>/as-of")
def as_of(article_id: int) -> str | tuple[str, int]:
    """The version live at a moment. Before the first one there is none to show, so the answer is a
    404, as the API's, but a page that says the article was not tracked yet and links to version 1."""
    access.ensure_reader(account())
    session = get_session()
    moment = time_arg("at") or datetime.now(UTC)
    item = articles.get_article(session, article_id)
    try:
        found, until = history.version_at(session, item, moment)
    except NotFound:
        first = history.get_version(session, article_id, item.first_number) if item.version_count else None
        return render_template("not_tracked_yet.html", article=item, moment=moment, first=first), 404
    return render_template(
        "version.html", article=item, version=found, as_of=moment, until=until, held=held(item)
    )


@bp.get("/articles/<int:article_id>/versions/<int(signed=True):number>/snapshot")
def snapshot(article_id: int, number: int) -> Response:
    """The page as fetched, cleaned, for a sandboxed frame: it can neither run code nor load anything."""
    access.ensure_reader(account())
    session = get_session()
    item = articles.get_article(session, article_id)
    found = history.get_version(session, article_id, number, with_raw=True)
    text = history.raw_html(found).decode(found.encoding or "utf-8", errors="replace")
    response = make_response(safe_snapshot(text))
    response.headers.update(memento.memento_headers(item, found))
    response.headers["Content-Security-Policy"] = SNAPSHOT_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.get("/articles/<int:article_id>/diff")
def diff(article_id: int) -> WerkzeugResponse | str:
    """The diff page; its URL names from, to and view, so it reproduces what is shown. A view link
    (`remember`) is the reader's choice, kept in a cookie; with neither, the page carries both views,
    the screen's width shows one (diff.css) and diff.js writes its name into the URL."""
    access.ensure_reader(account())
    session = get_session()
    item = articles.get_article(session, article_id)
    # Numbers may be 0 or below (captures a backfill put before version 1); anything below the oldest
    # version's number is the empty article, written as the number just below it.
    to_n = request.args.get("to", type=int)
    to_n = item.version_count if to_n is None else to_n
    from_n = request.args.get("from", type=int)
    from_n = to_n - 1 if from_n is None else from_n
    from_n = max(from_n, item.first_number - 1)
    view = request.args.get("view")
    if view not in VIEWS:
        remembered = request.cookies.get(VIEW_COOKIE)
        view = remembered if remembered in VIEWS else None
    canonical: dict[str, Any] = {"from": str(from_n), "to": str(to_n)} | ({"view": view} if view else {})
    if request.args.to_dict() != canonical:
        response = redirect(url_for("reading.diff", article_id=article_id, **canonical))
        if "remember" in request.args and request.args.get("view") in VIEWS:
            response.set_cookie(
                VIEW_COOKIE, request.args["view"], max_age=365 * 24 * 3600, samesite="Lax", httponly=True
            )
        return response
    result = history.diff_versions(session, item, from_number=from_n, to_number=to_n)
    return render_template(
        "diff.html",
        article=item,
        result=result,
        view=view,
        items=fold_unchanged(result.diff.blocks, CONTEXT, leading=0),
        summary=summary_line(result.diff.summary, ()),  # the labels follow it, each on its own
        versions=history.version_dates(session, article_id),
    )


@bp.get("/changes")
def changes() -> str:
    access.ensure_reader(account())
    user = account()
    label = request.args.get("label") or None
    since, until = time_arg("since"), time_arg("until")
    entries, next_cursor = changefeed.recent_entries(
        get_session(),
        user_id=user.id if user and request.args.get("scope") != "all" else None,
        kind=request.args.get("kind") or None,
        label=label,
        host=request.args.get("site") or None,
        since=since,
        until=until + timedelta(days=1) if until and len(request.args.get("until", "")) == 10 else until,
        limit=50,
        cursor=request.args.get("cursor") or None,
    )
    return render_template(
        "changes.html",
        entries=entries,
        next_cursor=next_cursor,
        labels=LABEL_WORDS,
        kinds=changefeed.KIND_WORDS,
        args=request.args,
    )
