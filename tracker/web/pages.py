"""The HTML pages for watching articles: the list, adding, an article's history, check-now, unfollow."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker.adapters.models import Article
from tracker.domain.errors import TrackerError
from tracker.domain.timeline import Note, notes_between, timeline
from tracker.domain.timestamps import iso
from tracker.domain.vocabulary import ARTICLE_STATUSES
from tracker.services import (
    articles,
    backfill,
    backfillqueue,
    bulk,
    changefeed,
    checks,
    history,
    rules,
    watchlists,
)
from tracker.services.queue import CHECKED_STATUSES
from tracker.web import access, outbound_limits
from tracker.web.auth import Account
from tracker.web.context import get_session, now, runtime
from tracker.web.forms import ActionForm, AddArticleForm, BulkForm, DescribeForm
from tracker.web.nostore import no_store
from tracker.web.params import article_filter, sort_arg

bp = Blueprint("pages", __name__)
TIMELINE_PAGE = 100  # versions on one page of an article's timeline: rendering 1,000 took 260 ms of CPU
CHECK_SOON = timedelta(minutes=2)  # a check due this soon: the article page watches for its version


def account() -> Account | None:
    return current_user if current_user.is_authenticated else None


@bp.get("/")
def index() -> str:
    access.ensure_reader(account())
    user = account()
    session = get_session()
    where, sort = article_filter(), sort_arg()
    user_id = user.id if user else None
    listing = articles.list_articles(session, user_id=user_id, where=where, limit=200, sort=sort)
    return render_template(
        "articles.html",
        articles=listing.items,
        total=articles.count_articles(session, user_id=user_id, where=where),
        tags=watchlists.tag_counts(session, user.id) if user else [],
        where=where,
        sort=sort,
        statuses=ARTICLE_STATUSES,
        form=AddArticleForm(backfill=articles.backfill_default(get_session(), user.id) if user else True),
        archives=archives_on(),
        bulk=BulkForm(),
    )


@bp.post("/articles/bulk")
@login_required
def bulk_action() -> Response:
    """Apply an action of the list's bar to the ticked articles, or to all the filters match."""
    form = BulkForm()
    if not form.validate_on_submit():
        abort(400)
    back = url_for("pages.index", **list_args())  # type: ignore[arg-type]  # query values
    try:
        wanted = bulk.bulk_request(bulk_fields(form))
    except TrackerError as error:
        flash(error.message, "error")
        return redirect(back)
    session = get_session()
    result = bulk.apply_bulk(
        session, wanted, caller=bulk.Caller(current_user.id, current_user.is_admin), now=now()
    )
    session.commit()
    flash(bulk_message(result), "error" if result.skipped else "info")
    return redirect(back)


def list_args() -> dict[str, object]:
    """Return the filters and order the list was shown with (hidden fields of its bulk form)."""
    args: dict[str, object] = {
        name: request.form.get(name) for name in ("q", "tag", "site", "changed_since", "sort")
    }
    args["status"] = request.form.getlist("status")
    return {name: value for name, value in args.items() if value}


def bulk_fields(form: BulkForm) -> dict[str, object]:
    """Return the bulk request the form makes, in the API's JSON shape."""
    fields: dict[str, object] = {"action": form.action.data, "tags": form.tags.data or None}
    if form.everything.data:
        shown = list_args()
        shown.pop("sort", None)
        fields["filter"] = shown
    else:
        ids = request.form.getlist("ids")
        fields["ids"] = [int(value) for value in ids if value.isascii() and value.isdigit()]
    return fields


BULK_DONE = {
    "check_now": "Queued for a check now",
    "pause": "Paused",
    "resume": "Resumed",
    "add_tags": "Tagged",
    "remove_tags": "Untagged",
    "unfollow": "Unfollowed",
}


def bulk_message(result: bulk.BulkResult) -> str:
    """Return what a bulk action did, in a sentence (and why some articles were left alone)."""
    noun = "article" if result.matched == 1 else "articles"
    message = f"{BULK_DONE[result.action]}: {result.changed} of {result.matched} {noun}."
    if result.action == "check_now" and result.changed < result.matched:
        message += " The others were already due, checked in the last minute, paused or gone."
    if result.skipped:
        message += f" {len(result.skipped)} left as they were: {result.skipped[0].message}."
    return message


@bp.post("/articles")
@login_required
def add_article() -> Response | str:
    form = AddArticleForm()
    if not form.validate_on_submit():
        flash("Give the full address of an article, such as https://example.com/news/story.", "error")
        return redirect(url_for("pages.index"))
    session = get_session()
    archiving = runtime().backfilling
    # The box is only shown while archives are on; otherwise the user's default stands.
    wanted = (
        bool(form.backfill.data)
        if archiving.archives
        else articles.backfill_default(get_session(), current_user.id)
    )
    try:
        article, created = articles.add_article(
            session,
            form.url.data or "",
            user_id=None,  # followed below, once we know whether the user already did
            allow_private=runtime().settings.allow_private_networks,
            now=now(),
            backfill=wanted,
            backfilling=archiving,
        )
    except TrackerError as error:
        flash(error.message, "error")
        return redirect(url_for("pages.index"))
    already = articles.is_following(session, current_user.id, article.id)
    articles.follow(session, current_user.id, article, now=now())
    session.commit()
    if created and archiving.archives and wanted:
        flash("Tracking it: its past is read from web archives first, then the first check runs.")
    elif created:
        flash("Tracking it: the first check comes within seconds.")
    else:
        flash("You already follow this article." if already else "Already tracked; you now follow it.")
    return redirect(url_for("pages.article", article_id=article.id))


@bp.get("/articles/<int:article_id>")
def article(article_id: int) -> str:
    access.ensure_reader(account())
    session = get_session()
    item = articles.get_article(session, article_id)
    user = account()
    # Numbers run from first_number (0 or below after a backfill behind version 1) to version_count;
    # a `before` beyond either end shows the page at that end.
    before = request.args.get("before", type=int)
    first = item.first_number
    newest = item.version_count if before is None else max(min(before - 1, item.version_count), first)
    # One version newer than the page shows, to know where the page's notes end.
    entries = history.version_entries(
        session, article_id, after=max(newest - TIMELINE_PAGE, first - 1), upto=newest + 1
    )
    newer = entries.pop() if entries and entries[-1].number > newest else None
    older = entries[0].number if entries and entries[0].number > first else None
    subscription = watchlists.subscription(session, user.id, article_id) if user else None
    notes = [
        Note(change.changed_at, f"{change.description} (by {change.changed_by})")
        for change in rules.rule_changes_for(session, item)
    ] + changefeed.history_notes(session, article_id)
    notes = notes_between(
        notes, since=entries[0].observed_at if older else None, until=newer.observed_at if newer else None
    )
    moment = now()
    return render_template(
        "article.html",
        article=item,
        held=articles.versions_held(item.version_count, item.first_number),
        backfill=backfill.backfill_of(session, article_id),
        archives=archives_on(),
        latest=history.latest_change(session, article_id),
        watch=check_due_soon(item, moment),
        checked_at=iso(item.last_checked_at),  # as state.json writes it: article.js compares the two
        # "next check 3 hours ago" would read as a fault; a paused article is not checked at all.
        overdue=item.status in CHECKED_STATUSES and item.next_check_at <= moment,
        timeline=timeline(entries, notes),
        older=older,
        newer=newer is not None,
        checks=history.list_checks(session, article_id, limit=30),
        language=history.latest_language(session, item),
        subscription=subscription,
        describe=DescribeForm(
            tags=", ".join(subscription.tags) if subscription else "",
            note=subscription.note if subscription else "",
        ),
        action=ActionForm(),
    )


def archives_on() -> bool:
    """Return True when this tracker fills in articles' past from web archives (TRACKER_ARCHIVES)."""
    return runtime().backfilling.archives


def check_due_soon(item: Article, moment: datetime) -> bool:
    """Return True when a check of the article should store a version within minutes: the article
    page then watches for it (tracker/web/static/article.js)."""
    due = item.version_count == 0 or item.next_check_at <= moment + CHECK_SOON
    return due and item.status in CHECKED_STATUSES


@bp.get("/articles/<int:article_id>/state.json")
@no_store
def article_state(article_id: int) -> Response:
    """What the article page polls while a check is due: a few columns of the article's row and
    whether its latest version is a baseline, never cached."""
    access.ensure_reader(account())
    session = get_session()
    item = articles.get_article(session, article_id)
    return jsonify(
        version_count=item.version_count,
        latest_baseline=history.latest_is_baseline(session, item),  # a re-read, not a new version
        status=item.status,
        last_checked_at=iso(item.last_checked_at),
        next_check_at=iso(item.next_check_at),
    )


@bp.post("/articles/<int:article_id>/check")
def check_now(article_id: int) -> Response:
    access.ensure_manager(account(), article_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    outbound_limits.pause_site(articles.get_article(get_session(), article_id).url)
    check = checks.check_article(runtime().request_checking, article_id)
    flash(
        check_message(check.outcome, check.version_number, check.error_message),
        "error" if check.outcome == "error" else "info",
    )
    return redirect(url_for("pages.article", article_id=article_id))


@bp.post("/articles/<int:article_id>/backfill")
def fill_in(article_id: int) -> Response:
    """Queue a backfill of the article's past from web archives; the worker runs it."""
    access.ensure_manager(account(), article_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not archives_on():
        abort(404)  # no archive to ask: the page shows no button
    session = get_session()
    item = articles.get_article(session, article_id)
    backfillqueue.queue_backfill(session, item, now=now(), hold_seconds=0)
    session.commit()
    flash("Filling in its past from web archives: the versions they hold appear here as they are read.")
    return redirect(url_for("pages.article", article_id=article_id))


def check_message(outcome: str, version: int | None, error: str | None) -> str:
    first = "the first version (1)" if version in (None, 1) else f"version {version}, the first seen live,"
    return {
        "first": f"Checked: {first} is stored.",
        "changed": f"Checked: the article changed; version {version} is stored.",
        "unchanged": "Checked: no change.",
        "not_modified": "Checked: the site says nothing changed (304).",
    }.get(outcome, f"The check failed: {error}")


@bp.post("/articles/<int:article_id>/follow")
@login_required
def follow(article_id: int) -> Response:
    """Follow the article, or set the tags and note of one already followed."""
    form = DescribeForm()
    if not form.validate_on_submit():
        abort(400)
    session = get_session()
    already = articles.is_following(session, current_user.id, article_id)
    articles.follow(session, current_user.id, articles.get_article(session, article_id), now=now())
    # Only the fields the form sent: the bare Follow button keeps the tags and note a follower has.
    fields = {name: form[name].data or "" for name in ("tags", "note") if name in request.form}
    try:
        watchlists.describe(session, current_user.id, article_id, fields)
    except TrackerError as error:
        flash(error.message, "error")
        return redirect(url_for("pages.article", article_id=article_id))
    session.commit()
    if not already:
        flash("You now follow this article.")
    else:
        flash("Tags and note saved." if fields else "You already follow this article.")
    return redirect(url_for("pages.article", article_id=article_id))


@bp.post("/articles/<int:article_id>/unfollow")
@login_required
def unfollow(article_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    session = get_session()
    articles.unfollow(session, current_user.id, article_id)
    session.commit()
    flash("You no longer follow this article.")
    return redirect(url_for("pages.index"))
