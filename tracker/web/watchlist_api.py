"""The API for a user's watchlist: tags and notes, bulk import, exports, an article's full history."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from tracker.domain.errors import InvalidInput
from tracker.domain.listfiles import ListFileError, guess_format, read_list, write_csv, write_opml
from tracker.services import articles, bulk, history, importing, watchlists
from tracker.services.payloads import (
    HistoryPayload,
    TagPayload,
    bulk_payload,
    import_report_payload,
    iso,
    version_payload,
    watchlist_item_payload,
)
from tracker.web.api import authenticate, own_article_payload, require_account, require_reader
from tracker.web.bodies import BulkInput, Follow, ImportInput, json_body
from tracker.web.context import get_session, now, runtime

bp = Blueprint("watchlist_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)


@bp.put("/articles/<int:article_id>/follow")
def follow(article_id: int) -> Response:
    """Follow the article (if not yet) and set its tags and/or note."""
    account = require_account()
    fields = json_body(Follow)
    session = get_session()
    article = articles.get_article(session, article_id)
    articles.follow(session, account.id, article, now=now())
    watchlists.describe(session, account.id, article_id, dict(fields))
    session.commit()
    return jsonify(own_article_payload(article, account))


@bp.post("/articles/bulk")
def bulk_action() -> Response:
    """Check now, pause, resume, tag, untag or unfollow many of the caller's articles at once."""
    account = require_account()
    wanted = bulk.bulk_request(dict(json_body(BulkInput)))
    session = get_session()
    result = bulk.apply_bulk(session, wanted, caller=bulk.Caller(account.id, account.is_admin), now=now())
    session.commit()
    return jsonify(bulk_payload(result))


@bp.get("/tags")
def list_tags() -> Response:
    account = require_account()
    counts = watchlists.tag_counts(get_session(), account.id)
    return jsonify(items=[TagPayload(tag=tag, articles=count) for tag, count in counts], next=None)


@bp.post("/import")
def import_urls() -> Response:
    """Import a list: JSON {"urls": [...]} or {"content": "...", "format"?}, or the file itself as
    the body (text/plain, text/csv or OPML; up to 2 MB); ?tags=a,b tags every line."""
    account = require_account()
    content, kind, tags = import_request()
    try:
        lines, bad = read_list(content, kind)
    except ListFileError as error:
        raise InvalidInput(str(error), code="bad_list") from None
    session = get_session()
    report = importing.import_list(
        session,
        account.id,
        lines,
        bad,
        tags=tuple(watchlists.checked_tags(tags)),
        allow_private=runtime().settings.allow_private_networks,
        now=now(),
        backfilling=runtime().backfilling,
    )
    session.commit()
    return jsonify(import_report_payload(report))


def import_request() -> tuple[str, str, object]:
    """Return (content, format, tags) from a JSON body or a raw list body."""
    tags: object = request.args.get("tags") or None
    if request.is_json:
        data = json_body(ImportInput)
        tags = data.get("tags", tags)
        if "urls" in data:
            return "\n".join(url.replace("\n", " ") or "#" for url in data["urls"]), "text", tags
        content = data["content"]
        return content, data.get("format") or guess_format(content), tags
    content = request.get_data(as_text=True)
    return content, guess_format(content, content_type=request.content_type or ""), tags


@bp.get("/watchlist")
def export_watchlist() -> Response:
    """The caller's watchlist as ?format=json (default), csv or opml."""
    account = require_account()
    rows = importing.watchlist(get_session(), account.id)
    kind = request.args.get("format", "json")
    if kind == "csv":
        return download(write_csv(rows), "text/csv", "watchlist.csv")
    if kind == "opml":
        return download(
            write_opml(rows, title=f"{account.username}'s watchlist"), "text/x-opml", "watchlist.opml"
        )
    if kind != "json":
        raise InvalidInput("?format= is json, csv or opml", code="bad_format")
    return jsonify(items=[watchlist_item_payload(row) for row in rows], next=None)


@bp.get("/articles/<int:article_id>/history")
def article_history(article_id: int) -> Response:
    """Everything stored about the article's text: every version in full, as one JSON download."""
    account = require_reader()
    session = get_session()
    article = articles.get_article(session, article_id)
    body = HistoryPayload(
        article=own_article_payload(article, account),
        versions=[version_payload(version) for version in history.list_versions(session, article_id)],
        exported_at=iso(now()),
    )
    response = jsonify(body)
    response.headers["Content-Disposition"] = f'attachment; filename="article-{article_id}-history.json"'
    return response


def download(text: str, mimetype: str, filename: str) -> Response:
    response = Response(text, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
