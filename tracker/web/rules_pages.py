"""Admin pages for extraction rules: every site's, and one article's own."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from tracker.domain.errors import TrackerError
from tracker.services import articles, rules
from tracker.web import access
from tracker.web.context import get_session, now
from tracker.web.forms import ActionForm, RulesForm
from tracker.web.pages import account

bp = Blueprint("rules_pages", __name__)


@bp.route("/admin/rules", methods=["GET", "POST"])
def site_rules() -> Response | str:
    admin = access.ensure_admin(account())
    session = get_session()
    form = RulesForm()
    if form.validate_on_submit():
        host = (form.host.data or "").strip().lower()
        try:
            if not host:
                raise TrackerError("give the site's host name, such as news.example.com")
            rules.set_rules(session, form.fields_for_rules(), by=admin.username, now=now(), host=host)
        except TrackerError as error:
            flash(error.message, "error")
        else:
            session.commit()
            flash(f"Rules for {host} saved; they apply from each article's next check.")
            return redirect(url_for("rules_pages.site_rules"))
    return render_template("rules.html", rows=rules.site_rules(session), form=form, action=ActionForm())


@bp.post("/admin/rules/<host>/delete")
def delete_site_rules(host: str) -> Response:
    admin = access.ensure_admin(account())
    if ActionForm().validate_on_submit():
        session = get_session()
        rules.delete_rules(session, by=admin.username, now=now(), host=host)
        session.commit()
        flash(f"Rules for {host} removed.")
    return redirect(url_for("rules_pages.site_rules"))


@bp.route("/articles/<int:article_id>/rules", methods=["GET", "POST"])
def article_rules(article_id: int) -> Response | str:
    admin = access.ensure_admin(account())
    session = get_session()
    article = articles.get_article(session, article_id)
    current, source = rules.rules_with_source(session, article)
    form = RulesForm()
    if request.method == "GET":
        form.include.data, form.exclude.data = "\n".join(current.include), "\n".join(current.exclude)
        form.ignore_robots.data = not current.robots
        form.ignore.data, form.whole_page.data, form.render.data = (
            "\n".join(current.ignore),
            current.whole_page,
            current.render,
        )
    if form.validate_on_submit():
        try:
            rules.set_rules(session, form.fields_for_rules(), by=admin.username, now=now(), article=article)
        except TrackerError as error:
            flash(error.message, "error")
        else:
            session.commit()
            flash("This article's rules are saved; they apply from its next check.")
            return redirect(url_for("pages.article", article_id=article_id))
    return render_template("article_rules.html", article=article, form=form, source=source)
