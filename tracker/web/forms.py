"""HTML forms; every one carries a CSRF token (Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length


class SetupForm(FlaskForm):
    username = StringField("User name", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(min=8, max=200)])
    confirm = PasswordField("Password again", validators=[EqualTo("password", "The passwords differ.")])


class LoginForm(FlaskForm):
    username = StringField("User name", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class AddArticleForm(FlaskForm):
    url = StringField("Article URL", validators=[DataRequired(), Length(max=2048)])


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class RulesForm(FlaskForm):
    host = StringField("Site (host name)", validators=[Length(max=255)])
    include = TextAreaField("Only these parts (CSS selectors, one per line)")
    exclude = TextAreaField("Without these parts (CSS selectors, one per line)")
    ignore = TextAreaField("Ignore text matching (regular expressions, one per line)")
    whole_page = BooleanField("Whole page text (not an article)")
    render = BooleanField("Render with a browser (the text is made by JavaScript)")
    ignore_robots = BooleanField("Do not honour the site's robots.txt")

    def fields_for_rules(self) -> dict[str, object]:
        return {
            "include": self.include.data or "",
            "exclude": self.exclude.data or "",
            "ignore": self.ignore.data or "",
            "whole_page": bool(self.whole_page.data),
            "render": bool(self.render.data),
            "robots": not self.ignore_robots.data,
        }
