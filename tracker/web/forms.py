"""HTML forms; every one carries a CSRF token (Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.domain.digests import DEFAULT_HOUR, DEFAULT_TIMEZONE, WEEKDAYS
from tracker.domain.errors import InvalidInput
from tracker.domain.labels import LABEL_WORDS
from tracker.services.alerts import EVENTS


class SetupForm(FlaskForm):
    username = StringField("User name", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(min=8, max=200)])
    confirm = PasswordField("Password again", validators=[EqualTo("password", "The passwords differ.")])


class SignupForm(SetupForm):
    invite = StringField("Invite code", validators=[Length(max=80)])


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=200)])
    password = PasswordField("New password", validators=[DataRequired(), Length(min=8, max=200)])
    confirm = PasswordField("New password again", validators=[EqualTo("password", "The passwords differ.")])


class TokenForm(FlaskForm):
    name = StringField("Name (what uses it)", validators=[DataRequired(), Length(max=80)])


class ImportForm(FlaskForm):
    urls = TextAreaField(
        "URLs, one per line (or CSV with url,tags, or OPML)", validators=[Length(max=20_000_000)]
    )
    upload = FileField("…or a file (.txt, .csv, .opml)")
    tags = StringField("Tag every article with (comma-separated)", validators=[Length(max=800)])


class LoginForm(FlaskForm):
    username = StringField("User name", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class AddArticleForm(FlaskForm):
    url = StringField("Article URL", validators=[DataRequired(), Length(max=2048)])
    backfill = BooleanField("Fill in its past from web archives")  # shown only while archives are on


class BackfillDefaultForm(FlaskForm):
    """The user's default for the articles they add: fill in their past from web archives."""

    backfill_default = BooleanField("Fill in the past of articles I add from web archives")


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class BulkForm(FlaskForm):
    """An action on the list's ticked articles (`ids`), or on every article its filters match
    (`everything`, with the filters the list was shown with)."""

    action = StringField("Action", validators=[DataRequired(), Length(max=20)])
    tags = StringField("Tags (comma-separated)", validators=[Length(max=800)])
    everything = BooleanField("Every article matching the filters")


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
    tags = StringField(
        "Only articles you tagged (comma-separated; empty: all you follow)", validators=[Length(max=800)]
    )
    article_ids = StringField(
        "Only these article ids (comma-separated; empty: all)", validators=[Length(max=2000)]
    )
    delivery = SelectField(
        "Send",
        choices=[
            SelectChoice("each", "each event as it happens"),
            SelectChoice("daily", "a daily digest"),
            SelectChoice("weekly", "a weekly digest"),
        ],
        default="each",
    )
    digest_hour = SelectField(
        "Digest at",
        choices=[SelectChoice(str(hour), f"{hour:02d}:00") for hour in range(24)],
        default=str(DEFAULT_HOUR),
    )
    digest_weekday = SelectField(
        "Weekly digest on",
        choices=[SelectChoice(day, day.capitalize()) for day in WEEKDAYS],
        default=WEEKDAYS[0],
    )
    timezone = StringField(
        "Time zone (IANA name, e.g. Europe/Berlin)", default=DEFAULT_TIMEZONE, validators=[Length(max=64)]
    )

    def filters(self) -> dict[str, object]:
        return {
            "url": self.url.data,
            "events": list(self.events.data or []) or None,
            "labels": list(self.labels.data or []) or None,
            "min_words": self.min_words.data,
            "tags": self.tags.data or None,
            "article_ids": self.ids(),
            **self.schedule(),
        }

    def schedule(self) -> dict[str, object]:
        """Return the delivery fields the services take: hour and weekday only where they apply."""
        mode = self.delivery.data or "each"
        return {
            "delivery": mode,
            "timezone": (self.timezone.data or "").strip() or DEFAULT_TIMEZONE,
            "digest_hour": None if mode == "each" else int(self.digest_hour.data or DEFAULT_HOUR),
            "digest_weekday": self.digest_weekday.data if mode == "weekly" else None,
        }

    def ids(self) -> list[int] | None:
        """Return the article ids typed in; a word that is not a number is an error on the field."""
        words = (self.article_ids.data or "").replace(",", " ").split()
        if not all(word.isdigit() for word in words):
            raise InvalidInput("article ids are whole numbers, separated by commas", code="bad_article_ids")
        return [int(word) for word in words] or None


class DescribeForm(FlaskForm):
    """Follow an article, with tags and a note."""

    tags = StringField("Tags (comma-separated)", validators=[Length(max=800)])
    note = TextAreaField("Note", validators=[Length(max=2000)])


class FeedOptionsForm(FlaskForm):
    """What to take from a feed; the services check the patterns and days."""

    name = StringField(
        "Name: the tag its articles get (empty: from the feed's title)", validators=[Length(max=80)]
    )
    include = TextAreaField("Only entries whose URL or title contains (one per line; * for anything)")
    exclude = TextAreaField("Skip entries whose URL or title contains (one per line)")
    max_age_days = IntegerField(
        "Skip entries published more than this many days ago", validators=[Optional(), NumberRange(min=1)]
    )
    stop_after_days = IntegerField(
        "Stop following its articles this many days after they were added",
        validators=[Optional(), NumberRange(min=1)],
    )

    def options(self) -> dict[str, object]:
        return {
            "name": self.name.data or None,
            "include": self.include.data or "",
            "exclude": self.exclude.data or "",
            "max_age_days": self.max_age_days.data,
            "stop_after_days": self.stop_after_days.data,
        }


class FollowFeedForm(FeedOptionsForm):
    url = StringField("Feed URL, or a site's home page", validators=[DataRequired(), Length(max=2048)])
