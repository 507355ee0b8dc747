"""An article's versions as a WARC file, for the archiving world's own tools."""

from __future__ import annotations

from flask import Blueprint, Response

from tracker.adapters.warc import warc_stream
from tracker.services import articles, warcexport
from tracker.web.api import authenticate, require_reader
from tracker.web.context import get_session, now, runtime

bp = Blueprint("warc_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)


@bp.get("/articles/<int:article_id>/warc")
def get_warc(article_id: int) -> Response:
    """Every version as WARC 1.1, streamed. A .warc.gz, each record its own gzip member, sent
    without Content-Encoding: clients save the bytes as they come, and the file is what pywb reads."""
    require_reader()
    articles.get_article(get_session(), article_id)  # a 404 before the streaming starts
    filename = f"article-{article_id}.warc.gz"
    versions = warcexport.warc_versions(runtime().sessions, article_id)
    response = Response(
        warc_stream(versions, gzip=True, filename=filename, at=now()), mimetype="application/warc"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
