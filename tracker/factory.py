"""The article revision tracker. `create_app` builds the web app and wires it; it starts nothing."""

from __future__ import annotations

from typing import Any

from flask import Flask

import config
from tracker import cli, web
from tracker.engine.runtime import build_runtime
from tracker.web.jsonbodies import OrjsonProvider


def create_app(**overrides: Any) -> Flask:
    """Build the web app from the settings (TRACKER_* variables, then overrides). Starts no threads."""
    settings = config.load(**overrides)
    app = Flask("tracker", template_folder=str(config.ROOT / "templates"), static_folder="web/static")
    app.config.update(SECRET_KEY=config.secret_key(settings), MAX_CONTENT_LENGTH=2 * 1024 * 1024)
    app.json = OrjsonProvider(app)
    app.extensions["tracker"] = build_runtime(settings)
    web.init_app(app)
    cli.init_app(app)
    return app
