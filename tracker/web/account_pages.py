"""Pages for a user's own account: API tokens, importing and exporting the watchlist; invites for admins."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user
from werkzeug.wrappers import Response

from tracker.adapters.models import User
from tracker.domain.errors import TrackerError
from tracker.domain.listfiles import ListFileError, guess_format, read_list
from tracker.services import accounts, articles, importing, watchlists
from tracker.web.auth import Account, end_sessions
from tracker.web.context import get_session, now, runtime
from tracker.web.forms import ActionForm, BackfillDefaultForm, ImportForm, PasswordForm, TokenForm
from tracker.web.nostore import no_store
from tracker.web.pages import archives_on

bp = Blueprint("account_pages", __name__)


@bp.route("/account/tokens", methods=["GET", "POST"])
@no_store
@login_required
def tokens() -> str:
    session = get_session()
    form, new_token = TokenForm(), None
    if form.validate_on_submit():
        user = session.get(User, current_user.id)
        assert user is not None  # signed in
        _row, new_token = accounts.create_token(session, user, name=form.name.data or "", now=now())
        session.commit()
        form.name.data = ""
    return account_page(form, PasswordForm(formdata=None), new_token=new_token)


def account_page(form: TokenForm, password_form: PasswordForm, *, new_token: str | None = None) -> str:
    """The account page: API tokens (a new one shown once), the password, signing out everywhere,
    and (while archives are on) whether the articles the user adds are filled in from them."""
    return render_template(
        "tokens.html",
        form=form,
        password_form=password_form,
        action=ActionForm(),
        new_token=new_token,  # shown once, on this page only
        tokens=accounts.list_tokens(get_session(), current_user.id),
        archives=archives_on(),
        backfill_form=BackfillDefaultForm(
            backfill_default=articles.backfill_default(get_session(), current_user.id)
        ),
    )


@bp.post("/account/backfill-default")
@login_required
def save_backfill_default() -> Response:
    form = BackfillDefaultForm()
    if not form.validate_on_submit():
        abort(400)
    user = accounts.set_backfill_default(get_session(), current_user.id, bool(form.backfill_default.data))
    get_session().commit()
    flash(
        "Articles you add will have their past filled in from web archives."
        if user.backfill_default
        else "Articles you add will start their history at their first check."
    )
    return redirect(url_for("account_pages.tokens"))


@bp.post("/account/password")
@no_store
@login_required
def change_password() -> Response | tuple[str, int]:
    form = PasswordForm()
    if form.validate_on_submit():
        session = get_session()
        user = session.get(User, current_user.id)
        assert user is not None  # signed in
        try:
            accounts.change_password(user, form.current.data or "", form.password.data or "")
        except TrackerError as error:
            field = form.current if error.code == "wrong_password" else form.password
            field.errors = [error.message]
        else:
            session.commit()
            login_user(Account.of(user))  # the new password ended every session; this one goes on
            flash("Password changed. Every other browser signed in as you has been signed out.")
            return redirect(url_for("account_pages.tokens"))
    return account_page(TokenForm(formdata=None), form), 400


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    end_sessions()
    flash("Signed out everywhere: every browser, this one included, must sign in again.")
    return redirect(url_for("auth.login"))


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    session = get_session()
    accounts.revoke_token(session, current_user.id, token_id)
    session.commit()
    flash("Token revoked: scripts using it now get 401.")
    return redirect(url_for("account_pages.tokens"))


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_list() -> str:
    form, report, problem = ImportForm(), None, None
    if form.validate_on_submit():
        upload = form.upload.data
        if upload and upload.filename:
            content = upload.read().decode("utf-8", errors="replace")
            kind = guess_format(content, filename=upload.filename, content_type=upload.mimetype or "")
        else:
            content = form.urls.data or ""
            kind = guess_format(content)
        session = get_session()
        try:
            lines, bad = read_list(content, kind)
            report = importing.import_list(
                session,
                current_user.id,
                lines,
                bad,
                tags=tuple(watchlists.checked_tags(form.tags.data or "")),
                allow_private=runtime().settings.allow_private_networks,
                now=now(),
                backfilling=runtime().backfilling,
            )
        except (ListFileError, TrackerError) as error:
            problem = getattr(error, "message", str(error))
        else:
            session.commit()
    return render_template("import.html", form=form, report=report, problem=problem)


@bp.route("/admin/invites", methods=["GET", "POST"])
@no_store
@login_required
def invites() -> str:
    if not current_user.is_admin:
        abort(403)
    session = get_session()
    form, code = ActionForm(), None
    if form.validate_on_submit():
        admin = session.get(User, current_user.id)
        assert admin is not None  # signed in
        _invite, code = accounts.create_invite(session, admin, now=now())
        session.commit()
    return render_template(
        "invites.html",
        form=form,
        code=code,
        mode=runtime().settings.signup,
        invites=accounts.list_invites(session),
        users=accounts.usernames(session),
    )
