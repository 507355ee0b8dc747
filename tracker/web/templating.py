"""Template filters: how times, sites and changes read on the pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import UTC, datetime

from flask import Flask
from markupsafe import Markup

from tracker.adapters.models import Webhook
from tracker.domain.diff import Summary
from tracker.domain.digests import describe, local_time
from tracker.domain.labels import LABEL_WORDS, summary_line
from tracker.domain.languages import language_label, text_direction
from tracker.domain.timestamps import iso
from tracker.domain.urls import host_of
from tracker.services.digests import schedule_of


def init_app(app: Flask) -> None:
    app.add_template_filter(when)
    app.add_template_filter(timetag)
    app.add_template_filter(host_of, "site")
    app.add_template_filter(change_line)
    app.add_template_filter(language_label)
    app.add_template_filter(text_direction)
    app.add_template_filter(digest_words)
    app.add_template_filter(local_time)
    app.jinja_env.globals["label_words"] = LABEL_WORDS


def change_line(change: Mapping[str, int], labels: Sequence[str]) -> str:
    """Return the one-line summary of a stored change (counts and labels)."""
    return summary_line(
        Summary(**{field.name: change.get(field.name, 0) for field in fields(Summary)}), labels
    )


def digest_words(webhook: Webhook) -> str:
    """Return how an endpoint gets its events, e.g. 'daily digest at 08:00 Europe/Berlin'."""
    schedule = schedule_of(webhook)
    return describe(schedule) if schedule else "each event as it happens"


def when(moment: datetime | None) -> str:
    """Return a UTC time as '2026-03-05 14:02 UTC', or a dash."""
    if moment is None:
        return "—"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def timetag(moment: datetime | None) -> Markup | str:
    """Return a time as <time>: UTC text that static/times.js turns into the reader's zone.

    Without JavaScript the UTC text stays; the title keeps it on hover once the text is local.
    """
    if moment is None:
        return "—"
    text = when(moment)
    return Markup('<time datetime="{}" title="{}">{}</time>').format(iso(moment), text, text)
