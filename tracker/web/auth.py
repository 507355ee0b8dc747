"""Signing in: the first-run admin set-up, session log-in for pages, bearer tokens for the API."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from tracker.adapters.models import User
from tracker.domain.errors import AuthRequired, TrackerError
from tracker.services import accounts
from tracker.web.context import get_session, now, request_token_owner, runtime
from tracker.web.forms import ActionForm, LoginForm, SetupForm, SignupForm

bp = Blueprint("auth", __name__)
OPEN_ENDPOINTS = frozenset({"auth.setup", "static", "health.healthz", "health.readyz", "prometheus.metrics"})


@dataclass(frozen=True)
class Account(UserMixin):
    """The signed-in user as the web layer sees it."""

    id: int
    username: str
    is_admin: bool
    generation: int = 0  # the user's session generation at sign-in; API callers never sign in

    @classmethod
    def of(cls, user: User) -> Account:
        return cls(
            id=user.id, username=user.username, is_admin=user.is_admin, generation=user.session_generation
        )

    def get_id(self) -> str:
        """Return what the session and remember-me cookies keep: "id:generation", so that raising the
        user's generation makes every cookie handed out before name nobody (load_account)."""
        return f"{self.id}:{self.generation}"


def init_app(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = "Sign in to do that."
    manager.user_loader(load_account)
    app.before_request(require_first_account)


def load_account(session_id: str) -> Account | None:
    """Return the account a session or remember-me cookie names, None once its generation has ended
    (or for a cookie from before generations, which had the bare id)."""
    user_id, _, generation = session_id.partition(":")
    if not (user_id.isdigit() and generation.isdigit()):
        return None
    user = get_session().get(User, int(user_id))
    if user is None or user.session_generation != int(generation):
        return None
    return Account.of(user)


def require_first_account() -> Response | None:
    """Send every page to the set-up form until the first account exists."""
    if current_app.extensions.get("tracker_has_users") or request.endpoint in OPEN_ENDPOINTS:
        return None
    if accounts.has_users(get_session()):
        current_app.extensions["tracker_has_users"] = True
        return None
    if request.path.startswith("/api/"):
        return None  # the API answers on its own terms (tokens come from `tracker create-token`)
    return redirect(url_for("auth.setup"))


def bearer_account() -> Account | None:
    """Return the account of the request's bearer token, None without one; raise AuthRequired if invalid."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthRequired("use the header 'Authorization: Bearer <token>'", code="bad_token")
    session = get_session()
    owner = request_token_owner()
    if owner is None:
        raise AuthRequired(
            "the token is unknown or revoked; create one with `tracker create-token`", code="bad_token"
        )
    if accounts.note_token_use(session, owner, now=now()):
        session.commit()
    return Account(id=owner.user_id, username=owner.username, is_admin=owner.is_admin)


@bp.route("/setup", methods=["GET", "POST"])
def setup() -> Response | str:
    session = get_session()
    if accounts.can_anyone_sign_in(session):  # token-only users from `create-token` cannot use pages
        return redirect(url_for("auth.login"))
    form = SetupForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                session, form.username.data or "", password=form.password.data, is_admin=True, now=now()
            )
        except TrackerError as error:
            form.username.errors = [error.message]
        else:
            session.commit()
            login_user(Account.of(user))
            flash("Welcome! Add the first article to track.")
            return redirect(url_for("pages.index"))
    return render_template("setup.html", form=form)


@bp.route("/signup", methods=["GET", "POST"])
def signup() -> Response | str | tuple[str, int]:
    mode = signup_mode()
    form = SignupForm()
    if mode == "closed":
        return render_template("signup.html", form=form, mode=mode), 403
    if form.validate_on_submit():
        session = get_session()
        try:
            user = accounts.sign_up(
                session,
                form.username.data or "",
                form.password.data or "",
                mode=mode,
                invite_code=(form.invite.data or "").strip() or None,
                now=now(),
            )
        except TrackerError as error:
            field = form.invite if error.code == "bad_invite" else form.username
            field.errors = [error.message]
        else:
            session.commit()
            login_user(Account.of(user))
            flash(f"Welcome, {user.username}! Add an article, import a list, or follow a feed.")
            return redirect(url_for("pages.index"))
    return render_template("signup.html", form=form, mode=mode)


def signup_mode() -> str:
    return runtime().settings.signup


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str:
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(get_session(), form.username.data or "", form.password.data or "")
        if user is not None:
            login_user(Account.of(user))
            return redirect(safe_next(request.args.get("next")))
        form.password.errors = ["Wrong user name or password."]
    return render_template(
        "login.html",
        form=form,
        signup=signup_mode() != "closed",
        setup=not accounts.can_anyone_sign_in(get_session()),  # only token users (`create-token`) so far
    )


@bp.post("/logout")
@login_required
def logout() -> Response:
    if ActionForm().validate_on_submit():
        end_sessions()
    return redirect(url_for("pages.index"))


def end_sessions() -> None:
    """Sign the user out here and everywhere. Sessions are signed cookies, so a copy saved before
    would outlive logout_user(); raising the generation is what makes every copy worthless."""
    session = get_session()
    user = session.get(User, current_user.id)
    if user is not None:
        accounts.end_sessions(user)
        session.commit()
    logout_user()


def safe_next(target: str | None) -> str:
    """Return a path of this site to go to after login, else the list (open-redirect guard).

    Decided on the parsed URL, not the raw string: browsers drop tabs and newlines inside a URL
    and read a backslash as "/", so "/<tab>/evil.example" or "/<backslash>evil.example" would lead to
    another site."""
    default = url_for("pages.index")
    if not target or has_control_characters(target) or "\\" in target:
        return default  # never a link anyone meant (and CR/LF would break the Location header)
    try:
        parts = urlsplit(target)
    except ValueError:  # "//[" is an unfinished IPv6 host
        return default
    local = (
        not (parts.scheme or parts.netloc) and parts.path.startswith("/") and not parts.path.startswith("//")
    )
    # Read back, the parsed URL must be exactly what was asked: "///evil.example" parses as a path
    # here but a browser goes to evil.example.
    return target if local and urlunsplit(parts) == target else default


def has_control_characters(text: str) -> bool:
    return any(ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F for char in text)
