"""HTML forms; every one carries a CSRF token (Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.labels import LABEL_WORDS
from tracker.services.alerts import EVENTS


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


class EndpointForm(FlaskForm):
    url = StringField("URL", validators=[DataRequired(), Length(max=2048)])
    events = SelectMultipleField(
        "Events (none ticked: all)",
        choices=[SelectChoice(event) for event in EVENTS],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    labels = SelectMultipleField(
        "Only changes labelled (none ticked: every change)",
        choices=[SelectChoice(label, words) for label, words in LABEL_WORDS.items()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    min_words = IntegerField(
        "Only changes of at least this many words", validators=[Optional(), NumberRange(min=0)]
    )

    def filters(self) -> dict[str, object]:
        return {
            "url": self.url.data,
            "events": list(self.events.data or []) or None,
            "labels": list(self.labels.data or []) or None,
            "min_words": self.min_words.data,
        }
