"""Pages for feed sources: follow a feed, its options and the entries it brought."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker.adapters.models import FeedFollow, FeedSource
from tracker.domain.errors import TrackerError
from tracker.domain.feeds import FeedLink, NotAFeed
from tracker.engine.feedpoller import make_feed_poller
from tracker.services import feeds
from tracker.services.feeds import PollResult
from tracker.web import outbound_limits
from tracker.web.context import get_session, runtime
from tracker.web.forms import ActionForm, FeedOptionsForm, FollowFeedForm

bp = Blueprint("feeds_pages", __name__, url_prefix="/feeds")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index() -> Response | str:
    form = FollowFeedForm()
    discovered: tuple[FeedLink, ...] = ()
    if form.validate_on_submit():
        try:
            follow_id, created = make_feed_poller(runtime(), in_request=True).follow(
                current_user.id, form.url.data or "", form.options()
            )
        except NotAFeed as error:
            discovered = error.feeds
            form.url.errors = [
                "That is a web page, not a feed. It offers the feeds below: pick one."
                if discovered
                else f"{error.message}, and the page advertises none."
            ]
        except TrackerError as error:
            show_error(form, error)
        else:
            flash(
                "Following the feed." if created else "You already follow this feed; its options are saved."
            )
            return redirect(url_for("feeds_pages.feed", follow_id=follow_id))
    return render_template(
        "feeds.html",
        form=form,
        discovered=discovered,
        follows=feeds.list_follows(get_session(), current_user.id),
    )


@bp.route("/<int:follow_id>", methods=["GET", "POST"])
@login_required
def feed(follow_id: int) -> Response | str:
    session = get_session()
    follow, source = owned(follow_id)
    form = FeedOptionsForm(data=options_data(follow))
    if form.validate_on_submit():
        try:
            feeds.update_follow(session, follow, form.options())
        except TrackerError as error:  # raised before anything changed
            show_error(form, error)
        else:
            session.commit()
            flash("Saved. New entries are judged by these options.")
            return redirect(url_for("feeds_pages.feed", follow_id=follow_id))
    return render_feed(follow, source, form)


@bp.post("/<int:follow_id>/check")
@login_required
def check(follow_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    _follow, source = owned(follow_id)
    outbound_limits.pause_site(source.url)
    try:
        result = make_feed_poller(runtime(), in_request=True).check(source.id)
    except TrackerError as error:
        flash(error.message, "error")
    else:
        flash(*poll_message(result))
    return redirect(url_for("feeds_pages.feed", follow_id=follow_id))


@bp.post("/<int:follow_id>/delete")
@login_required
def unfollow(follow_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    session = get_session()
    follow, source = owned(follow_id)
    feeds.unfollow_feed(session, follow)
    session.commit()
    flash(f"You no longer follow {source.title or source.url}; the articles it added stay in your list.")
    return redirect(url_for("feeds_pages.index"))


def render_feed(follow: FeedFollow, source: FeedSource, form: FeedOptionsForm) -> str:
    session = get_session()
    entries = feeds.list_entries(session, follow, limit=100)
    return render_template(
        "feed.html",
        follow=follow,
        feed=source,
        form=form,
        action=ActionForm(),
        entries=entries,
        titles=feeds.article_titles(session, [entry for entry, _outcome in entries]),
    )


def owned(follow_id: int) -> tuple[FeedFollow, FeedSource]:
    """Return the signed-in user's follow and its feed; 404 for anyone else's."""
    return feeds.get_follow(get_session(), current_user.id, follow_id)


def options_data(follow: FeedFollow) -> dict[str, object]:
    return {
        "name": follow.name,
        "include": "\n".join(follow.include or ()),
        "exclude": "\n".join(follow.exclude or ()),
        "max_age_days": follow.max_age_days,
        "stop_after_days": follow.stop_after_days,
    }


def show_error(form: FeedOptionsForm, error: TrackerError) -> None:
    """Put the error on the field it is about (bad_include on include, ...), else on the URL."""
    name = error.code.removeprefix("bad_")
    field = form[name] if name in form else form["url"] if "url" in form else form["name"]
    field.errors = [*field.errors, error.message]


def poll_message(result: PollResult) -> tuple[str, str]:
    """Return the flash message, and its category, for a poll done now."""
    if result.error is not None:
        return f"The check failed ({result.error.code}): {result.error.message}", "error"
    if result.outcome == "not_modified":
        return "Checked: the feed has not changed since the last poll.", "message"
    return f"Checked: {result.new_entries} new entries, {result.added} articles added.", "message"
