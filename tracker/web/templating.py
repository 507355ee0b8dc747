"""Template filters: how times and sites read on the pages."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask

from tracker.urls import host_of


def init_app(app: Flask) -> None:
    app.add_template_filter(when)
    app.add_template_filter(host_of, "site")


def when(moment: datetime | None) -> str:
    """Return a UTC time as '2026-03-05 14:02 UTC', or a dash."""
    if moment is None:
        return "—"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
