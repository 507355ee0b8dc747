"""The JSON API under /api/v1 (docs/api.md): bearer tokens for writes, JSON errors."""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request, url_for
from flask_login import current_user

from tracker.adapters.models import Article
from tracker.domain.errors import Conflict
from tracker.services import articles, backfill, backfillqueue, changefeed, checks, history, watchlists
from tracker.services.payloads import (
    ArticlePayload,
    archive_payload,
    check_payload,
    diff_payload,
    followed_article_payload,
    version_as_of_payload,
    version_headers_payload,
    version_payload,
    version_summary_payload,
)
from tracker.web import access, outbound_limits
from tracker.web.auth import Account, bearer_account
from tracker.web.bodies import ArticleChanges, NewArticle, json_body
from tracker.web.context import get_session, now, runtime
from tracker.web.params import article_filter, int_arg, limit_arg, signed_arg, sort_arg, time_arg

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def authenticate() -> None:
    g.account = bearer_account() or signed_in_reader()


def signed_in_reader() -> Account | None:
    """Let the pages' own signed-in user read through the API (the version page links its evidence
    downloads here). Reads only: a write needs a token, so no other site can make a browser write."""
    if request.method in ("GET", "HEAD") and current_user.is_authenticated:
        return Account(id=current_user.id, username=current_user.username, is_admin=current_user.is_admin)
    return None


@bp.post("/articles")
def create_article() -> tuple[Response, int, dict[str, str]]:
    account = require_account()
    body = json_body(NewArticle)
    session = get_session()
    article, created = articles.add_article(
        session,
        body["url"],
        user_id=account.id,
        allow_private=runtime().settings.allow_private_networks,
        interval_seconds=body.get("interval_seconds"),
        now=now(),
        backfill=body.get("backfill"),
        backfilling=runtime().backfilling,
    )
    session.commit()
    location = url_for("api.get_article", article_id=article.id)
    return jsonify(own_article_payload(article, account)), 201 if created else 200, {"Location": location}


@bp.get("/articles")
def list_articles() -> Response:
    account = require_reader()
    session = get_session()
    page = articles.list_articles(
        session,
        user_id=account.id if account else None,
        where=article_filter(),
        limit=limit_arg(),
        cursor=request.args.get("cursor"),
        sort=sort_arg(),
    )
    archives = backfill.backfills_of(session, [item.id for item in page.items])
    return jsonify(
        items=[
            followed_article_payload(
                item, following=item.following, tags=item.tags, note=item.note, archive=archives.get(item.id)
            )
            for item in page.items
        ],
        next=page.next_cursor,
    )


@bp.get("/articles/<int:article_id>")
def get_article(article_id: int) -> Response:
    account = require_reader()
    return jsonify(own_article_payload(articles.get_article(get_session(), article_id), account))


@bp.patch("/articles/<int:article_id>")
def update_article(article_id: int) -> Response:
    access.ensure_steward(current_account(), article_id)
    session = get_session()
    article = articles.update_article(
        session, articles.get_article(session, article_id), dict(json_body(ArticleChanges)), now=now()
    )
    session.commit()
    return jsonify(own_article_payload(article, current_account()))


@bp.delete("/articles/<int:article_id>")
def delete_article(article_id: int) -> tuple[str, int]:
    session = get_session()
    articles.unfollow(session, require_account().id, article_id)
    session.commit()
    return "", 204


@bp.post("/articles/<int:article_id>/check")
def check_article(article_id: int) -> Response:
    require_manager(article_id)
    outbound_limits.pause_site(articles.get_article(get_session(), article_id).url)
    check = checks.check_article(runtime().request_checking, article_id)
    return jsonify(check_payload(check))


@bp.post("/articles/<int:article_id>/backfill")
def backfill_article(article_id: int) -> tuple[Response, int]:
    """Queue the article's backfill from web archives, due now (the worker runs it); 202 with its state."""
    require_manager(article_id)
    if not runtime().backfilling.archives:
        raise Conflict("no web archives are configured (TRACKER_ARCHIVES is empty)", code="backfill_off")
    session = get_session()
    queued = backfillqueue.queue_backfill(
        session, articles.get_article(session, article_id), now=now(), hold_seconds=0
    )
    payload = archive_payload(queued)
    session.commit()
    return jsonify(payload), 202


@bp.get("/articles/<int:article_id>/checks")
def list_checks(article_id: int) -> Response:
    require_reader()
    articles.get_article(get_session(), article_id)
    limit = limit_arg()
    rows = history.list_checks(get_session(), article_id, before=int_arg("cursor"), limit=limit + 1)
    return jsonify(
        items=[check_payload(check) for check in rows[:limit]],
        next=str(rows[limit - 1].id) if len(rows) > limit else None,
    )


@bp.get("/articles/<int:article_id>/versions")
def list_versions(article_id: int) -> Response:
    require_reader()
    articles.get_article(get_session(), article_id)
    limit = limit_arg()
    rows = history.list_versions(get_session(), article_id, after=signed_arg("cursor"), limit=limit + 1)
    return jsonify(
        items=[version_summary_payload(version) for version in rows[:limit]],
        next=str(rows[limit - 1].number) if len(rows) > limit else None,
    )


@bp.get("/articles/<int:article_id>/versions/<int(signed=True):number>")
def get_version(article_id: int, number: int) -> Response:
    require_reader()
    return jsonify(version_payload(history.get_version(get_session(), article_id, number)))


@bp.get("/articles/<int:article_id>/versions/<int(signed=True):number>/raw")
def get_raw(article_id: int, number: int) -> Response:
    """The body exactly as fetched, as a download; never rendered on our origin."""
    require_reader()
    version = history.get_version(get_session(), article_id, number, with_raw=True)
    response = Response(history.raw_html(version), mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="article-{article_id}-v{number}.html"'
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    for name, value in (version.response_headers or {}).items():
        response.headers[f"X-Tracker-{name}"] = " ".join(str(value).split())
    return response


@bp.get("/articles/<int:article_id>/versions/<int(signed=True):number>/headers")
def get_headers(article_id: int, number: int) -> Response:
    require_reader()
    version = history.get_version(get_session(), article_id, number, with_raw=True)
    return jsonify(version_headers_payload(version))


@bp.get("/articles/<int:article_id>/diff")
def get_diff(article_id: int) -> Response:
    require_reader()
    session = get_session()
    result = history.diff_versions(
        session,
        articles.get_article(session, article_id),
        from_number=signed_arg("from"),
        to_number=signed_arg("to"),
    )
    return jsonify(diff_payload(result, context=int_arg("context")))


@bp.get("/articles/<int:article_id>/as-of")
def get_as_of(article_id: int) -> Response:
    """The version that was live at ?at= (default now), with until when."""
    require_reader()
    session = get_session()
    moment = time_arg("at") or now()
    found, until = history.version_at(session, articles.get_article(session, article_id), moment)
    return jsonify(version_as_of_payload(found, until))


@bp.get("/changes")
def list_changes() -> Response:
    """New versions, removals, restorations and moves, newest first (?kind= one of them): the
    caller's articles (all with ?scope=all, or anonymously)."""
    account = require_reader()
    entries, next_cursor = changefeed.recent_entries(
        get_session(),
        user_id=account.id if account and request.args.get("scope") != "all" else None,
        kind=request.args.get("kind") or None,
        label=request.args.get("label") or None,
        host=request.args.get("site") or None,
        since=time_arg("since"),
        until=time_arg("until"),
        limit=limit_arg(),
        cursor=request.args.get("cursor") or None,
    )
    return jsonify(items=[changefeed.entry_payload(entry) for entry in entries], next=next_cursor)


def own_article_payload(article: Article, account: Account | None) -> ArticlePayload:
    """Return the article as this caller sees it (with their tags and note)."""
    followed = watchlists.subscription(get_session(), account.id, article.id) if account else None
    return followed_article_payload(
        article,
        following=followed is not None,
        tags=followed.tags if followed else (),
        note=followed.note if followed else None,
        archive=backfill.backfill_of(get_session(), article.id),
    )


def current_account() -> Account | None:
    return g.get("account")


def require_account() -> Account:
    return access.signed_in(current_account())


def require_reader() -> Account | None:
    account = current_account()
    access.ensure_reader(account)
    return account


def require_manager(article_id: int) -> Account:
    return access.ensure_manager(current_account(), article_id)
