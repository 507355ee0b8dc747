"""The API for feed sources: follow an RSS or Atom feed, its options, its entries, discovery.

Everything here is private to the caller: reads need a token too, and another user's follow is a 404.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from tracker.domain.errors import InvalidInput
from tracker.domain.feeds import NotAFeed
from tracker.engine.feedpoller import make_feed_poller
from tracker.services import feeds
from tracker.services.payloads import (
    FeedPayload,
    feed_entry_payload,
    feed_link_payload,
    feed_payload,
    feed_poll_payload,
)
from tracker.web import outbound_limits
from tracker.web.api import authenticate, require_account
from tracker.web.bodies import FeedChanges, FeedInput, json_body
from tracker.web.context import get_session, runtime
from tracker.web.params import int_arg, limit_arg

bp = Blueprint("feeds_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)


@bp.errorhandler(NotAFeed)
def not_a_feed(error: NotAFeed) -> tuple[Response, int]:
    """A page instead of a feed: the error names the feeds the page advertises, as a list too."""
    body = {
        "code": error.code,
        "message": error.message,
        "feeds": [feed_link_payload(f) for f in error.feeds],
    }
    return jsonify(error=body), 400


@bp.post("/feeds")
def create_feed() -> tuple[Response, int, dict[str, str]]:
    account = require_account()
    body = json_body(FeedInput)
    url = body["url"]
    if not url.strip():
        raise InvalidInput("give the feed's url", code="bad_url")
    options = {name: value for name, value in body.items() if name != "url"}
    follow_id, created = make_feed_poller(runtime(), in_request=True).follow(account.id, url, options)
    location = url_for("feeds_api.get_feed", follow_id=follow_id)
    return jsonify(follow_payload(follow_id)), 201 if created else 200, {"Location": location}


@bp.get("/feeds")
def list_feeds() -> Response:
    rows = feeds.list_follows(get_session(), require_account().id)
    return jsonify(items=[feed_payload(follow, feed) for follow, feed in rows], next=None)


@bp.get("/feeds/discover")
def discover_feeds() -> Response:
    require_account()
    links = make_feed_poller(runtime(), in_request=True).discover(request.args.get("url") or "")
    return jsonify(items=[feed_link_payload(link) for link in links], next=None)


@bp.get("/feeds/<int:follow_id>")
def get_feed(follow_id: int) -> Response:
    return jsonify(follow_payload(follow_id))


@bp.patch("/feeds/<int:follow_id>")
def update_feed(follow_id: int) -> Response:
    session = get_session()
    follow, _feed = feeds.get_follow(session, require_account().id, follow_id)
    feeds.update_follow(session, follow, dict(json_body(FeedChanges)))
    session.commit()
    return jsonify(follow_payload(follow_id))


@bp.delete("/feeds/<int:follow_id>")
def delete_feed(follow_id: int) -> tuple[str, int]:
    session = get_session()
    follow, _feed = feeds.get_follow(session, require_account().id, follow_id)
    feeds.unfollow_feed(session, follow)
    session.commit()
    return "", 204


@bp.get("/feeds/<int:follow_id>/entries")
def list_entries(follow_id: int) -> Response:
    session = get_session()
    follow, _feed = feeds.get_follow(session, require_account().id, follow_id)
    limit = limit_arg()
    rows = feeds.list_entries(session, follow, before=int_arg("cursor"), limit=limit + 1)
    return jsonify(
        items=[feed_entry_payload(entry, outcome=outcome) for entry, outcome in rows[:limit]],
        next=str(rows[limit - 1][0].id) if len(rows) > limit else None,
    )


@bp.post("/feeds/<int:follow_id>/check")
def check_feed(follow_id: int) -> Response:
    """Poll the feed now and answer with what the poll did, and the feed as it stands after it."""
    _follow, feed = feeds.get_follow(get_session(), require_account().id, follow_id)
    outbound_limits.pause_site(feed.url)
    result = make_feed_poller(runtime(), in_request=True).check(feed.id)
    return jsonify({**feed_poll_payload(result), "feed": follow_payload(follow_id)})


def follow_payload(follow_id: int) -> FeedPayload:
    """Return the caller's follow as stored now (the engine writes in sessions of its own)."""
    session = get_session()
    session.expire_all()
    follow, feed = feeds.get_follow(session, require_account().id, follow_id)
    return feed_payload(follow, feed)
