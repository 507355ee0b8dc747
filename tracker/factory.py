"""`create_app`: the app every process loads, wired from the settings; it starts nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from flask import Flask

import config
from tracker import cli
from tracker.engine.runtime import build_runtime


class TrackerApp(Flask):
    """The app, whose web layer (tracker.web: blueprints, sign-in, templates, rate limits; some 200
    modules) is installed on first use. Every command loads this same app (`flask --app app ...`)
    and serves no page, so a command never imports the web layer; the servers install it at start
    (cli.serve, gunicorn.conf.py), before their first request and before gc.freeze. Code that reads
    the URL map outside a request (`flask routes`, url_for in an app context) calls install_web()
    first: nothing below the web layer builds URLs with Flask."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.web_installed = False
        self.web_failed: BaseException | None = None  # a half-installed layer cannot be installed again
        self.web_lock = threading.Lock()

    def install_web(self) -> None:
        """Install the web layer, once (also for code that reads the URL map before any request)."""
        if self.web_installed:
            return
        with self.web_lock:  # threads of a server may bring their first requests at once
            if self.web_failed is not None:
                raise self.web_failed
            if not self.web_installed:
                from tracker import web

                try:
                    web.init_app(self)
                except BaseException as error:
                    self.web_failed = error
                    raise
                self.web_installed = True

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """Serve a request (servers and the test client come here), the web layer first: before the
        middleware it adds wraps wsgi_app."""
        self.install_web()
        return super().__call__(environ, start_response)

    def test_request_context(self, *args: Any, **kwargs: Any) -> Any:
        self.install_web()
        return super().test_request_context(*args, **kwargs)


def create_app(**overrides: Any) -> TrackerApp:
    """Build the app from the settings (TRACKER_* variables, then overrides). Starts no threads."""
    settings = config.load(**overrides)
    config.trusted_networks(settings.trusted_proxies)  # a bad list stops start-up, whatever serves the app
    config.archive_prefixes(settings.archives)  # so does a bad archive
    app = TrackerApp("tracker", template_folder=str(config.ROOT / "templates"), static_folder="web/static")
    app.config.update(SECRET_KEY=config.secret_key(settings), MAX_CONTENT_LENGTH=2 * 1024 * 1024)
    app.extensions["tracker"] = build_runtime(settings)
    cli.init_app(app)
    return app
