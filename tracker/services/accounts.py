"""Users, sign-up and invites, passwords, API tokens and private feed keys."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from tracker.adapters.models import ApiToken, Invite, User
from tracker.domain.errors import Conflict, Forbidden, InvalidInput, NotFound

USERNAME = re.compile(r"[A-Za-z0-9_.-]{1,80}")
MIN_PASSWORD = 8
TOKEN_PREFIX = "trk_"
# A token's last use is kept to the minute: a write on every request would make each API read a
# write transaction, all of one client's requests queueing on its token's row.
TOKEN_USE_PRECISION = timedelta(minutes=1)
SIGNUP_MODES = ("open", "invite", "closed")
hasher = PasswordHasher()


def has_users(session: Session) -> bool:
    """Return True once any account exists."""
    return bool(session.scalar(select(func.count()).select_from(User)))


def create_user(
    session: Session, username: str, *, password: str | None, is_admin: bool, now: datetime
) -> User:
    """Store a new user; the first user ever is an admin whatever is asked."""
    if not USERNAME.fullmatch(username or ""):
        raise InvalidInput(
            "a user name is 1-80 letters, digits, dots, dashes or underscores", code="bad_username"
        )
    if password is not None and len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters", code="weak_password")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"the user name {username!r} is taken", code="username_taken")
    user = User(
        username=username,
        password_hash=hasher.hash(password) if password is not None else None,
        is_admin=is_admin or not has_users(session),
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """Store a new password and end every session of the user: whoever knew the old one is out."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters", code="weak_password")
    user.password_hash = hasher.hash(password)
    end_sessions(user)


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password for a user who proves the current one; raise InvalidInput otherwise."""
    try:
        hasher.verify(user.password_hash or dummy_hash(), current)
    except (VerifyMismatchError, InvalidHashError):
        raise InvalidInput("the current password is wrong", code="wrong_password") from None
    set_password(user, new)


def end_sessions(user: User) -> None:
    """End every session and remember-me cookie of the user (they carry the old generation)."""
    user.session_generation = (user.session_generation or 0) + 1  # None until a new user is flushed


def set_backfill_default(session: Session, user_id: int, wanted: bool) -> User:
    """Set whether the articles the user adds have their past filled in from web archives."""
    user = session.get_one(User, user_id)
    user.backfill_default = wanted
    return user


def can_anyone_sign_in(session: Session) -> bool:
    """Return True once a user with a password exists (token-only users cannot use the pages)."""
    return session.scalar(select(User.id).where(User.password_hash.is_not(None)).limit(1)) is not None


def user_named(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def ensure_user(session: Session, username: str, *, is_admin: bool, now: datetime) -> User:
    """Return the user with this name, creating a token-only user if there is none."""
    user = user_named(session, username)
    if user is None:
        return create_user(session, username, password=None, is_admin=is_admin, now=now)
    if is_admin and not user.is_admin:
        user.is_admin = True
    return user


def usernames(session: Session) -> dict[int, str]:
    return {user_id: name for user_id, name in session.execute(select(User.id, User.username))}


def first_admin(session: Session) -> User | None:
    """Return the oldest admin, who follows articles added without a user."""
    return session.scalar(select(User).where(User.is_admin.is_(True)).order_by(User.id).limit(1))


def authenticate(session: Session, username: str, password: str) -> User | None:
    """Return the user when the password matches, else None (same cost whether or not the user exists)."""
    user = user_named(session, username)
    stored = user.password_hash if user is not None and user.password_hash else None
    try:
        hasher.verify(stored or dummy_hash(), password)
    except (VerifyMismatchError, InvalidHashError):
        return None
    return user if stored else None


def create_token(session: Session, user: User, *, name: str, now: datetime) -> tuple[ApiToken, str]:
    """Store a new API token for user; return it and its text, which only the caller ever sees
    (just its hash is kept)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name[:80] or "token", token_hash=token_hash(token), created_at=now)
    session.add(row)
    session.flush()
    return row, token


def list_tokens(session: Session, user_id: int) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)))


def revoke_token(session: Session, user_id: int, token_id: int) -> None:
    """Delete one of the user's tokens; NotFound for anyone else's (without saying it exists)."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user_id:
        raise NotFound(f"you have no token {token_id}", code="token_not_found")
    session.delete(row)
    session.flush()


TOKENS, USERS = ApiToken.__table__, User.__table__
# A Core statement built once: through ORM attributes, building and running it cost 2.5 times more.
TOKEN_OWNER = (
    select(TOKENS.c.id, TOKENS.c.last_used_at, USERS.c.id, USERS.c.username, USERS.c.is_admin)
    .join(USERS, USERS.c.id == TOKENS.c.user_id)
    .where(TOKENS.c.token_hash == bindparam("token_hash"))
)


@dataclass(frozen=True, slots=True)
class TokenOwner:
    """Who holds a token, and when the token was last used."""

    token_id: int
    last_used_at: datetime | None
    user_id: int
    username: str
    is_admin: bool


def token_owner(session: Session, token: str) -> TokenOwner | None:
    """Return the owner of a valid token, else None. Reads plain columns, not ORM objects: this runs
    before every API request."""
    row = session.execute(TOKEN_OWNER, {"token_hash": token_hash(token)}).first()
    return TokenOwner(*row) if row is not None else None


def note_token_use(session: Session, owner: TokenOwner, *, now: datetime) -> bool:
    """Store when the token was used, at most once a minute (a write per read would double a read's
    cost); return whether it wrote."""
    if owner.last_used_at is not None and now - owner.last_used_at < TOKEN_USE_PRECISION:
        return False
    session.execute(update(ApiToken).where(ApiToken.id == owner.token_id).values(last_used_at=now))
    return True


def sign_up(
    session: Session, username: str, password: str, *, mode: str, invite_code: str | None, now: datetime
) -> User:
    """Create an account as TRACKER_SIGNUP allows: anyone (open), with an unused invite code
    (invite), or nobody (closed). The first account is always made by the set-up page instead."""
    if mode not in SIGNUP_MODES:
        raise ValueError(f"TRACKER_SIGNUP is one of {', '.join(SIGNUP_MODES)}, not {mode!r}")
    if mode == "closed":
        raise Forbidden("sign-up is closed here; ask the administrator for an account", code="signup_closed")
    invite = None
    if mode == "invite":
        invite = session.scalar(select(Invite).where(Invite.code_hash == token_hash(invite_code or "")))
        if invite is None or invite.used_by is not None:
            raise InvalidInput(
                "this invite code is unknown or already used; ask the administrator for one",
                code="bad_invite",
            )
    user = create_user(session, username, password=password, is_admin=False, now=now)
    if invite is not None:
        invite.used_by, invite.used_at = user.id, now
    return user


def create_invite(session: Session, admin: User, *, now: datetime) -> tuple[Invite, str]:
    """Store a one-time sign-up code; return it and its text (only its hash is kept)."""
    if not admin.is_admin:
        raise Forbidden("only administrators invite people", code="admin_only")
    code = secrets.token_urlsafe(12)
    row = Invite(code_hash=token_hash(code), created_by=admin.id, created_at=now)
    session.add(row)
    session.flush()
    return row, code


def list_invites(session: Session) -> list[Invite]:
    return list(session.scalars(select(Invite).order_by(Invite.id.desc())))


def token_hash(token: str) -> str:
    # Tokens and invite codes are random (96-256 bits), so a fast hash is enough (unlike passwords).
    return hashlib.sha256(token.encode()).hexdigest()


@functools.cache
def dummy_hash() -> str:
    """Return a hash to verify against when the user is unknown, so timing does not tell."""
    return hasher.hash(secrets.token_hex(16))


def feed_key(user: User) -> str:
    """Return the key of the user's private Atom feed URLs, making one on first use."""
    if user.feed_key is None:
        user.feed_key = secrets.token_urlsafe(24)
    return user.feed_key


def rotate_feed_key(user: User) -> str:
    """Give the user a new feed key: every private feed URL handed out before stops working."""
    user.feed_key = secrets.token_urlsafe(24)
    return user.feed_key


def user_for_feed_key(session: Session, key: str) -> User | None:
    return session.scalar(select(User).where(User.feed_key == key)) if key else None
