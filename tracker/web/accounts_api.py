"""The API for the caller's own account: its settings, API tokens; invite codes for administrators."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from tracker.adapters.models import User
from tracker.domain.errors import Forbidden
from tracker.services import accounts
from tracker.services.payloads import (
    NewInvitePayload,
    NewTokenPayload,
    account_payload,
    invite_payload,
    token_payload,
)
from tracker.web.api import authenticate, require_account
from tracker.web.auth import Account
from tracker.web.bodies import AccountChanges, TokenInput, json_body
from tracker.web.context import get_session, now
from tracker.web.nostore import no_store

bp = Blueprint("accounts_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)


@bp.get("/account")
def get_account() -> Response:
    return jsonify(account_payload(own_user()))


@bp.patch("/account")
def update_account() -> Response:
    """Change the caller's settings: backfill_default (whether articles they add are backfilled)."""
    user = own_user()  # who asks first: an anonymous caller gets 401, not a verdict on the body
    changes = json_body(AccountChanges)
    if "backfill_default" in changes:
        user = accounts.set_backfill_default(get_session(), user.id, changes["backfill_default"])
    get_session().commit()
    return jsonify(account_payload(user))


def own_user() -> User:
    user = get_session().get(User, require_account().id)
    assert user is not None  # the token just authenticated it
    return user


@bp.get("/tokens")
def list_tokens() -> Response:
    account = require_account()
    rows = accounts.list_tokens(get_session(), account.id)
    return jsonify(items=[token_payload(row) for row in rows], next=None)


@bp.post("/tokens")
@no_store
def create_token() -> tuple[Response, int]:
    account = require_account()
    name = json_body(TokenInput).get("name")
    session = get_session()
    user = session.get(User, account.id)
    assert user is not None  # the token just authenticated it
    row, token = accounts.create_token(session, user, name=str(name or "api"), now=now())
    session.commit()
    return jsonify(NewTokenPayload(**token_payload(row), token=token)), 201  # the token is shown once


@bp.delete("/tokens/<int:token_id>")
def revoke_token(token_id: int) -> tuple[str, int]:
    account = require_account()
    session = get_session()
    accounts.revoke_token(session, account.id, token_id)
    session.commit()
    return "", 204


@bp.get("/invites")
def list_invites() -> Response:
    require_admin()
    return jsonify(items=[invite_payload(row) for row in accounts.list_invites(get_session())], next=None)


@bp.post("/invites")
@no_store
def create_invite() -> tuple[Response, int]:
    account = require_admin()
    session = get_session()
    admin = session.get(User, account.id)
    assert admin is not None
    row, code = accounts.create_invite(session, admin, now=now())
    session.commit()
    return jsonify(NewInvitePayload(**invite_payload(row), code=code)), 201  # the code is shown once


def require_admin() -> Account:
    account = require_account()
    if not account.is_admin:
        raise Forbidden("only administrators manage invites", code="admin_only")
    return account
