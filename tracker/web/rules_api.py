"""The API for extraction rules: per site and per article. Anyone may read them; admins change them."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from tracker.domain.errors import InvalidInput
from tracker.services import articles, rules
from tracker.services.payloads import rules_payload, site_rules_payload
from tracker.web import access
from tracker.web.api import authenticate, current_account, require_reader
from tracker.web.bodies import RulesInput, json_body
from tracker.web.context import get_session, now

bp = Blueprint("rules_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)
MAX_HOST = 255


@bp.get("/sites")
def list_site_rules() -> Response:
    require_reader()
    rows = rules.site_rules(get_session())
    return jsonify(
        items=[site_rules_payload(row.host, rules.rules_of(row)) for row in rows if row.host],
        next=None,
    )


@bp.get("/sites/<host>/rules")
def get_site_rules(host: str) -> Response:
    require_reader()
    row = rules.rule_row(get_session(), host=host.lower())
    return jsonify(rules_payload(rules.rules_of(row), source="site" if row else "default"))


@bp.put("/sites/<host>/rules")
def put_site_rules(host: str) -> Response:
    admin = access.ensure_admin(current_account())
    if len(host) > MAX_HOST:  # the column's limit; no site has a longer name
        raise InvalidInput(f"a host name has at most {MAX_HOST} characters", code="bad_host")
    session = get_session()
    saved = rules.set_rules(
        session, dict(json_body(RulesInput)), by=admin.username, now=now(), host=host.lower()
    )
    session.commit()
    return jsonify(rules_payload(saved, source="site"))


@bp.delete("/sites/<host>/rules")
def delete_site_rules(host: str) -> tuple[str, int]:
    admin = access.ensure_admin(current_account())
    session = get_session()
    rules.delete_rules(session, by=admin.username, now=now(), host=host.lower())
    session.commit()
    return "", 204


@bp.get("/articles/<int:article_id>/rules")
def get_article_rules(article_id: int) -> Response:
    """The rules that apply to the article, and whether they are its own, its site's or the defaults."""
    require_reader()
    session = get_session()
    found, source = rules.rules_with_source(session, articles.get_article(session, article_id))
    return jsonify(rules_payload(found, source=source))


@bp.put("/articles/<int:article_id>/rules")
def put_article_rules(article_id: int) -> Response:
    admin = access.ensure_admin(current_account())
    session = get_session()
    article = articles.get_article(session, article_id)
    saved = rules.set_rules(
        session, dict(json_body(RulesInput)), by=admin.username, now=now(), article=article
    )
    session.commit()
    return jsonify(rules_payload(saved, source="article"))


@bp.delete("/articles/<int:article_id>/rules")
def delete_article_rules(article_id: int) -> tuple[str, int]:
    admin = access.ensure_admin(current_account())
    session = get_session()
    rules.delete_rules(
        session, by=admin.username, now=now(), article=articles.get_article(session, article_id)
    )
    session.commit()
    return "", 204
