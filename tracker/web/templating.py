"""Template filters: how times, sites and changes read on the pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import UTC, datetime

from flask import Flask

from tracker.diff import Summary
from tracker.labels import LABEL_WORDS, summary_line
from tracker.languages import language_label, text_direction
from tracker.urls import host_of


def init_app(app: Flask) -> None:
    app.add_template_filter(when)
    app.add_template_filter(host_of, "site")
    app.add_template_filter(change_line)
    app.add_template_filter(language_label)
    app.add_template_filter(text_direction)
    app.jinja_env.globals["label_words"] = LABEL_WORDS


def change_line(change: Mapping[str, int], labels: Sequence[str]) -> str:
    """Return the one-line summary of a stored change (counts and labels)."""
    return summary_line(
        Summary(**{field.name: change.get(field.name, 0) for field in fields(Summary)}), labels
    )


def when(moment: datetime | None) -> str:
    """Return a UTC time as '2026-03-05 14:02 UTC', or a dash."""
    if moment is None:
        return "—"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
