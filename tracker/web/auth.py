"""Signing in: the first-run admin set-up, session log-in for pages, bearer tokens for the API."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from tracker.errors import AuthRequired, TrackerError
from tracker.models import User
from tracker.services import accounts
from tracker.web.context import get_session, now, runtime
from tracker.web.forms import ActionForm, LoginForm, SetupForm, SignupForm

bp = Blueprint("auth", __name__)
OPEN_ENDPOINTS = frozenset({"auth.setup", "static", "health.healthz", "health.readyz", "prometheus.metrics"})


@dataclass(frozen=True)
class Account(UserMixin):
    """The signed-in user as the web layer sees it."""

    id: int
    username: str
    is_admin: bool

    @classmethod
    def of(cls, user: User) -> Account:
        return cls(id=user.id, username=user.username, is_admin=user.is_admin)


def init_app(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = "Sign in to do that."
    manager.user_loader(load_account)
    app.before_request(require_first_account)


def load_account(user_id: str) -> Account | None:
    user = get_session().get(User, int(user_id)) if user_id.isdigit() else None
    return Account.of(user) if user is not None else None


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
    owner = accounts.token_owner(session, token.strip())
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
        logout_user()
    return redirect(url_for("pages.index"))


def safe_next(target: str | None) -> str:
    """Return a local path to go to after login; never another site (open-redirect guard)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("pages.index")
