"""WARC export: versions made by real checks of a real page server, written and read back with warcio."""

from __future__ import annotations

import gzip
import zlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from tests.factories import article_page, auth, make_token, story
from tests.pageserver import PageServer
from tracker.adapters.models import Article, Version
from tracker.engine.runtime import Runtime
from tracker.factory import create_app
from tracker.services import articles, warcexport
from tracker.services.checks import check_article
from tracker.services.history import raw_html

T0 = datetime(2026, 3, 5, 12, 0, 0, 250000, tzinfo=UTC)  # sub-second: WARC 1.1 keeps it
MEMENTO = "https://archive.example/web/20260305080000/{url}"
RUSSIAN = [
    f"Абзац {n}. Городской совет во вторник вечером обсудил проект, который уже несколько месяцев "
    "разделяет жителей: сторонники ждут рабочих мест и жилья, противники боятся пробок."
    for n in range(1, 5)
]


def cyrillic_page() -> bytes:
    page = article_page("Бюджет принят", RUSSIAN, lang="ru")
    return page.replace('charset="utf-8"', 'charset="windows-1251"').encode("cp1251")


def track(runtime: Runtime, url: str) -> int:
    with runtime.sessions.begin() as session:
        article, _ = articles.add_article(session, url, user_id=None, allow_private=True, now=T0)
        return article.id


def check(runtime: Runtime, article_id: int, at: datetime) -> None:
    outcome = check_article(replace(runtime.checking, clock=lambda: at), article_id).outcome
    assert outcome in ("first", "changed"), outcome


def add_archive_version(runtime: Runtime, article_id: int, body: bytes) -> None:
    """Put an archive capture before the first version, as a backfill numbers it (0, first_number lowered)."""
    with runtime.sessions.begin() as session:
        article = session.get(Article, article_id)
        session.add(
            Version(
                article_id=article_id,
                number=0,
                observed_at=T0 - timedelta(hours=4),
                content_hash="a" * 64,
                title="Budget proposed",
                byline="By Jane Reporter",
                paragraphs=story(2),
                word_count=60,
                final_url=article.url,
                extractor="test",
                raw_html=zlib.compress(body),
                # The archive sent it gzipped; it is stored decoded, like every body we fetch.
                response_headers={"Content-Type": "text/html", "Content-Encoding": "gzip"},
                source="archive",
                memento=MEMENTO.format(url=article.url),
            )
        )
        article.first_number = 0


def add_baseline(runtime: Runtime, article_id: int) -> None:
    """Re-read the latest version's stored page (as a new extractor does): no fetch of its own."""
    with runtime.sessions.begin() as session:
        latest = session.scalar(
            select(Version).where(Version.article_id == article_id).order_by(Version.number.desc()).limit(1)
        )
        session.add(
            Version(
                article_id=article_id,
                number=latest.number + 1,
                observed_at=latest.observed_at + timedelta(days=1),
                content_hash="b" * 64,
                title=latest.title,
                paragraphs=latest.paragraphs[:-1],
                word_count=10,
                final_url=latest.final_url,
                extractor="test-2",
                baseline=True,
                raw_html=latest.raw_html,
                response_headers=latest.response_headers,
            )
        )
        session.get(Article, article_id).version_count += 1


@pytest.fixture
def history(runtime: Runtime, site: PageServer) -> int:
    """An article with an archive version, then live versions from a UTF-8 page, a gzip-encoded page
    and a windows-1251 page, then a re-read of the last page; returns its id."""
    url = site.serve("/story", article_page("Budget approved", story()))
    article_id = track(runtime, url)
    check(runtime, article_id, T0)
    zipped = article_page("Budget approved again", story(5)).encode()
    site.serve("/story", gzip.compress(zipped), headers={"Content-Encoding": "gzip"})
    check(runtime, article_id, T0 + timedelta(hours=1))
    site.serve("/story", cyrillic_page(), content_type="text/html; charset=windows-1251")
    check(runtime, article_id, T0 + timedelta(hours=2))
    add_archive_version(runtime, article_id, article_page("Budget proposed", story(2)).encode())
    add_baseline(runtime, article_id)
    return article_id


def stored_versions(runtime: Runtime, article_id: int) -> list[Version]:
    with runtime.sessions() as session:
        rows = session.scalars(
            select(Version).where(Version.article_id == article_id).order_by(Version.number)
        )
        versions = list(rows)
        for version in versions:  # load the deferred evidence before the session closes
            _ = (version.raw_html, version.response_headers)
        return versions


def read_records(data: bytes) -> list[tuple[ArcWarcRecord, bytes]]:
    return [(record, record.content_stream().read()) for record in ArchiveIterator(BytesIO(data))]


def assert_versions_recorded(data: bytes, versions: list[Version], article_url: str) -> None:
    records = read_records(data)
    assert records[0][0].rec_type == "warcinfo"
    assert b"software: ArticleRevisionTracker" in records[0][1] and b"WARC File Format 1.1" in records[0][1]
    assert all(record.rec_headers.protocol == "WARC/1.1" for record, _ in records)
    responses = [(record, body) for record, body in records if record.rec_type == "response"]
    metadata = [(record, body) for record, body in records if record.rec_type == "metadata"]
    fetched = [version for version in versions if not version.baseline]
    assert len(responses) == len(fetched) == 4 and len(metadata) == len(versions) == 5
    for (record, body), version in zip(responses, fetched, strict=True):
        assert body == raw_html(version)  # byte for byte, whatever the charset or the wire encoding
        target = article_url if version.source == "archive" else version.final_url
        assert record.rec_headers.get_header("WARC-Target-URI") == target
        assert record.rec_headers.get_header("WARC-Date") == version.observed_at.strftime(
            "%Y-%m-%dT%H:%M:%S.%fZ"
        )
        assert record.http_headers.statusline == "200 OK"
        assert record.http_headers.get_header("Content-Type") == version.response_headers["Content-Type"]
        assert record.http_headers.get_header("Content-Encoding") is None
        assert record.http_headers.get_header("Content-Length") == str(len(body))
        assert record.rec_headers.get_header("WARC-Tracker-Memento") == version.memento
    for (record, fields), version in zip(metadata, versions, strict=True):
        text = fields.decode()
        assert f"source: {version.source}\r\n" in text and f"number: {version.number}\r\n" in text
        assert f"headline: {version.title}\r\n" in text
        assert [
            line.removeprefix("paragraph: ") for line in text.splitlines() if line.startswith("paragraph: ")
        ] == version.paragraphs
        assert record.rec_headers.get_header("Content-Type") == "application/warc-fields"
    response_ids = [record.rec_headers.get_header("WARC-Record-ID") for record, _ in responses]
    links = [
        record.rec_headers.get_header("WARC-Concurrent-To") or record.rec_headers.get_header("WARC-Refers-To")
        for record, _ in metadata
    ]
    assert links == [*response_ids, response_ids[-1]]  # the re-read refers to the page it read again
    assert f"memento: {MEMENTO.format(url=article_url)}\r\n" in metadata[0][1].decode()


def test_every_version_is_written_and_read_back_exactly(runtime: Runtime, history: int, tmp_path: Path):
    versions = stored_versions(runtime, history)
    assert [version.source for version in versions] == ["archive", "live", "live", "live", "live"]
    assert "Content-Encoding" in versions[2].response_headers  # the gzip page, stored decoded
    assert raw_html(versions[2]) == article_page("Budget approved again", story(5)).encode()
    assert raw_html(versions[3]) == cyrillic_page()  # not UTF-8: the bytes as served
    assert versions[3].paragraphs == RUSSIAN
    path = tmp_path / "article.warc"
    with path.open("wb") as out:
        warcexport.write_warc(runtime.sessions, [history], out, gzip=False, filename=path.name, at=T0)
    data = path.read_bytes()
    assert data.startswith(b"WARC/1.1\r\n")  # gzip off: plain records
    with runtime.sessions() as session:
        url = session.get(Article, history).url
    assert_versions_recorded(data, versions, url)


def test_the_api_streams_a_gzipped_warc_to_readers(runtime: Runtime, client: FlaskClient, history: int):
    response = client.get(f"/api/v1/articles/{history}/warc")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "application/warc"
    assert response.headers["Content-Disposition"] == f'attachment; filename="article-{history}.warc.gz"'
    assert "Content-Encoding" not in response.headers
    data = response.get_data()
    assert runtime.engine.pool.checkedout() == 0  # the export's own session closed as the stream ended
    assert data[:2] == b"\x1f\x8b"
    assert data.count(b"\x1f\x8b\x08") >= 10  # a gzip member per record (warcinfo + 9)
    with runtime.sessions() as session:
        url = session.get(Article, history).url
    assert_versions_recorded(data, stored_versions(runtime, history), url)


def test_a_dropped_download_lets_its_database_connection_go(
    runtime: Runtime, client: FlaskClient, history: int
):
    response = client.get(f"/api/v1/articles/{history}/warc")
    chunks = iter(response.response)
    assert next(chunks).startswith(b"\x1f\x8b") and next(chunks)  # warcinfo, then a version: reading
    assert runtime.engine.pool.checkedout() == 1
    response.close()  # what a server does when the client hangs up
    assert runtime.engine.pool.checkedout() == 0


def test_the_api_refuses_anonymous_callers_when_reading_is_not_public(
    database_url: str, runtime: Runtime, history: int
):
    token = make_token(runtime)
    closed = create_app(database_url=database_url, secret_key="s", public_read=False)
    try:
        anonymous = closed.test_client().get(f"/api/v1/articles/{history}/warc")
        signed = closed.test_client().get(f"/api/v1/articles/{history}/warc", headers=auth(token))
    finally:
        closed.extensions["tracker"].engine.dispose()
    assert anonymous.status_code == 401 and b"WARC" not in anonymous.get_data()
    assert signed.status_code == 200 and signed.mimetype == "application/warc"


def test_a_missing_article_is_a_404(client: FlaskClient):
    response = client.get("/api/v1/articles/999/warc")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "article_not_found"


def test_the_command_writes_one_article_or_every_one(
    app: Flask, runtime: Runtime, history: int, tmp_path: Path
):
    runner = app.test_cli_runner()
    with runtime.sessions() as session:
        url = session.get_one(Article, history).url
    one = tmp_path / "one.warc.gz"
    result = runner.invoke(args=["tracker", "export-warc", str(history), str(one)])
    assert result.exit_code == 0 and f"Wrote 1 article to {one}" in result.output
    assert one.read_bytes()[:2] == b"\x1f\x8b"  # .gz: gzipped records
    assert_versions_recorded(one.read_bytes(), stored_versions(runtime, history), url)

    every = tmp_path / "all.warc"
    result = runner.invoke(args=["tracker", "export-warc", "--all", str(every)])
    assert result.exit_code == 0 and "Wrote 1 article" in result.output
    assert every.read_bytes().startswith(b"WARC/1.1\r\n")  # no .gz: plain records
    assert_versions_recorded(every.read_bytes(), stored_versions(runtime, history), url)

    missing = runner.invoke(args=["tracker", "export-warc", "999", str(tmp_path / "x.warc")])
    assert missing.exit_code == 2 and "999" in missing.output
    no_file = runner.invoke(args=["tracker", "export-warc", str(history)])
    assert no_file.exit_code == 2 and "give an article ID or --all, then FILE" in no_file.output
