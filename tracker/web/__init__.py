"""The web layer: blueprints for pages, the JSON API and sign-in, plus what every response carries."""

from __future__ import annotations

from flask import Flask, Response, current_app
from flask_wtf.csrf import CSRFProtect

from tracker.web import (
    account_pages,
    accounts_api,
    admin_status,
    alerts_api,
    alerts_pages,
    api,
    atom,
    auth,
    context,
    errors,
    feeds_api,
    feeds_pages,
    health,
    jsonbodies,
    limits,
    memento,
    openapi,
    outbound_limits,
    pages,
    params,
    prometheus,
    proxies,
    reading,
    redact,
    rules_api,
    rules_pages,
    search_api,
    search_pages,
    templating,
    warc_api,
    watchlist_api,
)

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# A form's CSRF token lasts a day: longer than anyone keeps a form open, short enough that a token
# copied from an old page (a log, a cache, a shared screen) stops working.
CSRF_TOKEN_SECONDS = 24 * 3600
HSTS = "max-age=31536000"  # a year; only sent when TRACKER_HTTPS says the service is reached over HTTPS


def init_app(app: Flask) -> None:
    """Register blueprints, sign-in, CSRF protection, error handlers, templates and headers (once per
    app, on its first request or when a server starts: tracker.factory.TrackerApp)."""
    app.json = jsonbodies.OrjsonProvider(app)
    https = app.extensions["tracker"].settings.https
    app.config.update(
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=https,  # over plain HTTP a Secure cookie would never come back
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=https,
        WTF_CSRF_TIME_LIMIT=CSRF_TOKEN_SECONDS,
    )
    app.url_value_preprocessor(params.ids_in_range)
    app.before_request(jsonbodies.refuse_deep_json)  # first: the NUL check parses the body
    app.before_request(params.refuse_nul)
    api_blueprints = (
        api.bp,
        rules_api.bp,
        alerts_api.bp,
        feeds_api.bp,
        watchlist_api.bp,
        accounts_api.bp,
        warc_api.bp,
    )
    csrf = CSRFProtect(app)
    # The API authenticates with bearer tokens, which a browser never sends by itself.
    for blueprint in api_blueprints:
        csrf.exempt(blueprint)
    csrf.exempt(search_api.bp)  # reads only
    auth.init_app(app)
    redact.init_app()
    for blueprint in (
        auth.bp,
        account_pages.bp,
        pages.bp,
        reading.bp,
        rules_pages.bp,
        alerts_pages.bp,
        feeds_pages.bp,
        atom.bp,
        *api_blueprints,
        memento.bp,
        search_api.bp,
        search_pages.bp,
        openapi.bp,
        health.bp,
        prometheus.bp,
        admin_status.bp,
    ):
        app.register_blueprint(blueprint)
    errors.init_app(app)
    # The slots go on first, so that the rate limits (wrapped around them) refuse before a slot is held.
    outbound_limits.init_app(app, app.extensions["tracker"].settings)
    limits.init_app(app, app.extensions["tracker"].settings)
    templating.init_app(app)
    app.teardown_appcontext(context.close_session)
    app.after_request(security_headers)
    proxies.init_app(app, app.extensions["tracker"].settings.trusted_proxies)


def security_headers(response: Response) -> Response:
    """Add the headers that keep article text, which is untrusted, from ever running as code."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if current_app.extensions["tracker"].settings.https:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response
