"""Atom feeds of changes: per article, per tag of a user (private key in the URL), recent changes;
and the account page that hands out the private feed addresses."""

from __future__ import annotations

from html import escape
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as WerkzeugResponse

from tracker.adapters.models import User
from tracker.domain.atom import AtomEntry, AtomFeed, atom_document, diff_excerpt
from tracker.domain.errors import NotFound
from tracker.domain.labels import LABEL_WORDS, summary_line
from tracker.services import accounts, articles, atomfeeds, watchlists
from tracker.services.atomfeeds import FeedItem, moment
from tracker.services.changefeed import LifecycleEntry
from tracker.services.history import VersionDiff
from tracker.services.lifecycle import HEADLINES
from tracker.web import access
from tracker.web.context import get_session, now, runtime
from tracker.web.forms import ActionForm
from tracker.web.nostore import no_store
from tracker.web.pages import account

bp = Blueprint("atom", __name__)
ENTRIES = 20  # changes per feed: readers poll often, so the newest are enough


@bp.get("/articles/<int:article_id>/changes.atom")
def article_feed(article_id: int) -> Response:
    access.ensure_reader(account())
    session = get_session()
    item = articles.get_article(session, article_id)
    return feed(
        f"Changes to {item.title or item.url}",
        url_for("pages.article", article_id=article_id),
        atomfeeds.article_changes(session, article_id, limit=ENTRIES),
    )


@bp.get("/changes.atom")
def recent_feed() -> Response:
    """Every article's changes, filtered like /changes by ?label= and ?site=."""
    access.ensure_reader(account())
    label, site = request.args.get("label") or None, request.args.get("site") or None
    changes = atomfeeds.recent_changes(get_session(), user_id=None, label=label, host=site, limit=ENTRIES)
    title = "Recent changes" + (f", {LABEL_WORDS[label]}" if label else "") + (f", on {site}" if site else "")
    return feed(title, url_for("reading.changes", label=label, site=site, scope="all"), changes)


@bp.get("/tags/<path:tag>/changes.atom")
def tag_feed(tag: str) -> Response:
    """The changes of the articles a user tagged so; the key stands for the user (readers send no cookies)."""
    user = key_owner()
    changes = atomfeeds.tag_changes(get_session(), user.id, tag, limit=ENTRIES)
    return feed(f"Changes tagged {tag} ({user.username})", url_for("pages.index", tag=tag), changes)


@bp.get("/me/changes.atom")
def followed_feed() -> Response:
    """The changes of every article a user follows; the key stands for the user."""
    user = key_owner()
    changes = atomfeeds.recent_changes(get_session(), user_id=user.id, label=None, host=None, limit=ENTRIES)
    return feed(f"Changes to the articles {user.username} follows", url_for("reading.changes"), changes)


@bp.get("/account/feeds")
@no_store  # the addresses carry the feed key
@login_required
def account_feeds() -> str:
    session = get_session()
    key = accounts.feed_key(own_user(session))
    session.commit()  # the key is made on first use, and the addresses shown must keep working
    return render_template(
        "account_feeds.html",
        followed=absolute(url_for("atom.followed_feed", key=key)),
        tags=[
            (tag, count, absolute(url_for("atom.tag_feed", tag=tag, key=key)))
            for tag, count in watchlists.tag_counts(session, current_user.id)
        ],
        recent=absolute(url_for("atom.recent_feed")) if access.is_public() else None,
        action=ActionForm(),
    )


@bp.post("/account/feeds/rotate")
@login_required
def rotate_key() -> WerkzeugResponse:
    if not ActionForm().validate_on_submit():
        abort(400)
    session = get_session()
    accounts.rotate_feed_key(own_user(session))
    session.commit()
    flash("New feed addresses: the old ones no longer work, so update your feed reader.")
    return redirect(url_for("atom.account_feeds"))


def own_user(session: Session) -> User:
    user = session.get(User, current_user.id)
    assert user is not None  # signed in
    return user


def key_owner() -> User:
    """Return the user whose feed key is ?key=; a wrong key is a 404 that says nothing about the tag."""
    user = accounts.user_for_feed_key(get_session(), request.args.get("key", ""))
    if user is None:
        raise NotFound(
            "no such feed; copy its address again from your account's feeds page", code="feed_not_found"
        )
    return user


def feed(title: str, page: str, changes: list[FeedItem]) -> Response:
    """Return the Atom document of the changes, newest first; `page` is the HTML page it follows."""
    self_link = absolute(request.full_path.removesuffix("?"))
    document = AtomFeed(
        id=self_link,
        title=title,
        link=absolute(page),
        self_link=self_link,
        updated=max((moment(change) for change in changes), default=now()),
        entries=tuple(
            entry(change) if isinstance(change, VersionDiff) else event_entry(change) for change in changes
        ),
    )
    return Response(atom_document(document), mimetype="application/atom+xml")


def entry(change: VersionDiff) -> AtomEntry:
    number = change.new.number
    versions: dict[str, Any] = {"from": number - 1, "to": number}  # `from` is a keyword in Python
    link = absolute(url_for("reading.diff", article_id=change.article.id, **versions))
    summary = summary_line(change.diff.summary, change.labels)
    return AtomEntry(
        id=link,  # the diff of two versions never changes, so neither does its address
        title=f"{change.new.title or change.article.url} (version {number})",
        link=link,
        updated=change.new.observed_at,
        summary=summary,
        labels=tuple(change.labels),
        content_html=diff_excerpt(change.diff, summary=summary, link=link),
    )


def event_entry(event: LifecycleEntry) -> AtomEntry:
    """Return the Atom entry of an article's removal, restoration or move, linking to its history."""
    link = absolute(url_for("pages.article", article_id=event.article_id))
    summary = f"{event.kind.capitalize()}: {event.text}"
    return AtomEntry(
        id=f"{link}#{event.kind}-{event.id}",  # one entry per event, never reused
        title=f"{event.article_title or event.evidence.url} {HEADLINES[event.kind]}",
        link=link,
        updated=event.observed_at,
        summary=summary,
        labels=(event.kind,),
        content_html=f'<p dir="auto">{escape(summary)}</p>',
    )


def absolute(path: str) -> str:
    """Return the path as a link that works outside the tracker (feed readers), from TRACKER_BASE_URL."""
    return runtime().settings.base_url.rstrip("/") + path
