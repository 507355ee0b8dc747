"""Users, passwords and API tokens."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.errors import Conflict, InvalidInput
from tracker.models import ApiToken, User

USERNAME = re.compile(r"[A-Za-z0-9_.-]{1,80}")
MIN_PASSWORD = 8
TOKEN_PREFIX = "trk_"
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


def create_token(session: Session, user: User, *, name: str, now: datetime) -> str:
    """Store a new API token for user and return it; only its hash is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(user_id=user.id, name=name[:80] or "token", token_hash=token_hash(token), created_at=now)
    )
    session.flush()
    return token


def user_for_token(session: Session, token: str, *, now: datetime) -> User | None:
    """Return the owner of a valid token and note its use, else None."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is None:
        return None
    row.last_used_at = now
    return session.get(User, row.user_id)


def token_hash(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough (unlike passwords).
    return hashlib.sha256(token.encode()).hexdigest()


@functools.cache
def dummy_hash() -> str:
    """Return a hash to verify against when the user is unknown, so timing does not tell."""
    return hasher.hash(secrets.token_hex(16))
