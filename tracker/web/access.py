"""Who may do what, the same for pages and API: readers, followers, admins."""

from __future__ import annotations

from flask import g

from tracker.domain.errors import AuthRequired, Forbidden
from tracker.services import articles, sitesettings
from tracker.web.auth import Account
from tracker.web.context import get_session, runtime

SIGN_IN = "sign in, or for the API send 'Authorization: Bearer <token>' (`flask --app app tracker create-token NAME`)"


def signed_in(account: Account | None) -> Account:
    """Return the account; raise AuthRequired for anonymous callers."""
    if account is None:
        raise AuthRequired(f"this needs an account: {SIGN_IN}")
    return account


def ensure_reader(account: Account | None) -> None:
    """Anonymous callers may read only while public reading is on (the admin's switch, else the setting)."""
    if account is None and not is_public():
        signed_in(account)


def is_public() -> bool:
    """Return whether anonymous visitors may read now: the admin's switch, else TRACKER_PUBLIC_READ.

    Read from the database once per request that asks (anonymous reads, one primary-key lookup),
    not cached per process: turning public reading off must hold at once in every web process."""
    if "public_read" not in g:
        g.public_read = sitesettings.public_read(get_session(), default=runtime().settings.public_read)
    return bool(g.public_read)


def ensure_manager(account: Account | None, article_id: int) -> Account:
    """Return the account if it follows the article or is an admin; raise otherwise (404 if no article)."""
    account = signed_in(account)
    session = get_session()
    articles.get_article(session, article_id)
    if not account.is_admin and not articles.is_following(session, account.id, article_id):
        raise Forbidden("only followers of this article (or an admin) may do this", code="not_following")
    return account


def ensure_steward(account: Account | None, article_id: int) -> Account:
    """Return the account if it may change the article for everyone: an admin, or its only follower.

    Pausing or slowing an article changes what every follower gets, so one follower of several
    may not do it alone."""
    account = ensure_manager(account, article_id)
    if not account.is_admin and articles.follower_count(get_session(), article_id) > 1:
        raise Forbidden(
            "other users follow this article too; only an admin may pause it or change its interval",
            code="shared_article",
        )
    return account


def ensure_admin(account: Account | None) -> Account:
    """Return the account if it is an admin's; raise otherwise."""
    account = signed_in(account)
    if not account.is_admin:
        raise Forbidden("only an admin may do this", code="admin_only")
    return account
