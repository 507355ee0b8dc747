"""Extraction rules per site and per article, and the notes their changes leave in histories."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tracker.adapters.models import Article, ExtractionRule, RuleChange
from tracker.domain.errors import NotFound
from tracker.domain.rules import DEFAULT_RULES, ExtractionRules, make_rules
from tracker.domain.vocabulary import RulesSource


def rules_of(row: ExtractionRule | None) -> ExtractionRules:
    if row is None:
        return DEFAULT_RULES
    return ExtractionRules(
        include=tuple(row.include),
        exclude=tuple(row.exclude),
        ignore=tuple(row.ignore),
        whole_page=row.whole_page,
        render=row.render,
        robots=row.robots,
    )


def effective_rules(session: Session, article: Article) -> ExtractionRules:
    """Return the article's own rules if it has some, else its site's, else the defaults."""
    return rules_with_source(session, article)[0]


def rules_for_articles(session: Session, articles: list[Article]) -> dict[int, ExtractionRules]:
    """Return {article id: the rules that apply to it} for many articles in one query."""
    rows = list(
        session.scalars(
            select(ExtractionRule).where(
                or_(
                    ExtractionRule.article_id.in_([article.id for article in articles]),
                    ExtractionRule.host.in_({article.host for article in articles}),
                )
            )
        )
    )
    own = {row.article_id: row for row in rows if row.article_id}
    site = {row.host: row for row in rows if row.host}
    return {article.id: rules_of(own.get(article.id) or site.get(article.host)) for article in articles}


def rules_with_source(session: Session, article: Article) -> tuple[ExtractionRules, RulesSource]:
    """Return the rules that apply to article and where they come from: article, site or default."""
    rows = {
        "article" if row.article_id else "site": row
        for row in session.scalars(
            select(ExtractionRule).where(
                or_(ExtractionRule.article_id == article.id, ExtractionRule.host == article.host)
            )
        )
    }
    source: RulesSource = "article" if "article" in rows else "site" if "site" in rows else "default"
    return rules_of(rows.get(source)), source


def rule_row(
    session: Session, *, host: str | None = None, article_id: int | None = None
) -> ExtractionRule | None:
    column = ExtractionRule.host == host if host is not None else ExtractionRule.article_id == article_id
    return session.scalar(select(ExtractionRule).where(column))


def site_rules(session: Session) -> list[ExtractionRule]:
    """Return every site's rules, by host."""
    return list(
        session.scalars(
            select(ExtractionRule).where(ExtractionRule.host.is_not(None)).order_by(ExtractionRule.host)
        )
    )


def set_rules(
    session: Session,
    fields: dict[str, object],
    *,
    by: str,
    now: datetime,
    host: str | None = None,
    article: Article | None = None,
) -> ExtractionRules:
    """Store the rules of a site (host) or of one article; they apply from the next check."""
    rules = make_rules(**{key: value for key, value in fields.items() if key in RULE_FIELDS})  # type: ignore[arg-type]
    row = rule_row(session, host=host, article_id=article.id if article else None)
    if row is None:
        row = ExtractionRule(host=host, article_id=article.id if article else None)
        session.add(row)
    row.include, row.exclude, row.ignore = list(rules.include), list(rules.exclude), list(rules.ignore)
    row.whole_page, row.render, row.robots = rules.whole_page, rules.render, rules.robots
    row.updated_at, row.updated_by = now, by
    note_change(
        session,
        host=host or (article.host if article else ""),
        article=article,
        by=by,
        now=now,
        description=f"extraction rules set: {describe(rules)}",
    )
    session.flush()
    return rules


def delete_rules(
    session: Session, *, by: str, now: datetime, host: str | None = None, article: Article | None = None
) -> None:
    """Remove a site's or an article's rules; raise NotFound when there are none."""
    row = rule_row(session, host=host, article_id=article.id if article else None)
    if row is None:
        raise NotFound("there are no rules to remove here", code="rules_not_found")
    session.delete(row)
    note_change(
        session,
        host=host or (article.host if article else ""),
        article=article,
        by=by,
        now=now,
        description="extraction rules removed: " + ("site defaults apply" if article else "defaults apply"),
    )
    session.flush()


def note_change(
    session: Session, *, host: str, article: Article | None, by: str, now: datetime, description: str
) -> None:
    session.add(
        RuleChange(
            host=host,
            article_id=article.id if article else None,
            changed_at=now,
            changed_by=by,
            description=description,
        )
    )


def rule_changes_for(session: Session, article: Article) -> list[RuleChange]:
    """Return the rule changes that applied to this article: its site's and its own, oldest first."""
    return list(
        session.scalars(
            select(RuleChange)
            .where(
                or_(
                    RuleChange.article_id == article.id,
                    (RuleChange.host == article.host) & RuleChange.article_id.is_(None),
                )
            )
            .order_by(RuleChange.changed_at)
        )
    )


def describe(rules: ExtractionRules) -> str:
    """Return a short human account of rules, for histories."""
    parts = [
        f"{name} {', '.join(values)}"
        for name, values in (("only", rules.include), ("without", rules.exclude), ("ignoring", rules.ignore))
        if values
    ]
    parts += [
        flag
        for flag, on in (
            ("whole page text", rules.whole_page),
            ("rendered in a browser", rules.render),
            ("robots.txt not honoured", not rules.robots),
        )
        if on
    ]
    return "; ".join(parts) or "defaults"


RULE_FIELDS = ("include", "exclude", "ignore", "whole_page", "render", "robots")
