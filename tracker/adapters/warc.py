"""Versions written as WARC 1.1 records (warcio), the archiving world's own format.

A file starts with a `warcinfo` record. Each version that fetched a page gives a `response` record:
WARC-Target-URI the URL fetched (an archive version's is the article's original URL; its URI-M is
in `WARC-Tracker-Memento`), WARC-Date the observed time (microseconds, which WARC 1.1 allows), the
status line and the headers as fetched, then the body exactly as stored. urllib3 decoded any
Content-Encoding when it fetched, so the stored body is the decoded one: the recorded headers drop
Content-Encoding and Transfer-Encoding and give the stored length as Content-Length, or readers
(pywb, warcio) would try to decode it again. Versions are only stored from 2xx pages, whose exact
status is not kept, so the status line is always `HTTP/1.1 200 OK`.

Each version also gets a `metadata` record (application/warc-fields, one `name: value` line each,
UTF-8): where it came from and its extracted text, a `paragraph` line per paragraph in order.
A re-read of the stored page (a baseline: new extractor or rules) fetched nothing, so it gets only
its metadata record, which refers to the response record of the page it re-read.

With gzip on, each record is its own gzip member: the `.warc.gz` that pywb and other tools read.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from typing import BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

SOFTWARE = f"ArticleRevisionTracker/0.1 (warcio {importlib.metadata.version('warcio')})"
FORMAT = "WARC File Format 1.1"
CONFORMS_TO = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
STATUS_LINE = "200 OK"
# Said by the body as it was on the wire, which the stored (decoded) body no longer is.
WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


@dataclass(frozen=True, slots=True)
class WarcVersion:
    """One version as the WARC records it."""

    url: str  # WARC-Target-URI: the URL fetched; an archive version's: the article's original URL
    observed_at: datetime  # aware UTC
    headers: dict[str, str]  # the response headers as stored
    body: bytes  # the page body exactly as stored
    memento: str | None  # an archive version's URI-M
    reread: bool  # a baseline: the previous version's page read again, no fetch of its own
    fields: tuple[tuple[str, str], ...]  # the metadata record's named fields, in order


class WarcFile:
    """A WARC file being written to `out`: its warcinfo record at once, then records per version."""

    def __init__(self, out: BinaryIO, *, gzip: bool, filename: str, at: datetime) -> None:
        self.writer = WARCWriter(out, gzip=gzip, warc_version="1.1")
        self.page_record: str | None = None  # the last response record, which a re-read refers to
        info = self.writer.create_warcinfo_record(
            filename, {"software": SOFTWARE, "format": FORMAT, "conformsTo": CONFORMS_TO}
        )
        info.rec_headers.replace_header("WARC-Date", warc_date(at))
        self.writer.write_record(info)

    def add(self, version: WarcVersion) -> None:
        """Write the version's response record (unless it is a re-read) and its metadata record."""
        if version.reread:
            link = {"WARC-Refers-To": self.page_record} if self.page_record else {}
        else:
            self.page_record = self.write_response(version)
            link = {"WARC-Concurrent-To": self.page_record}
        metadata = fields_block(version.fields)
        self.writer.write_record(
            self.writer.create_warc_record(
                version.url,
                "metadata",
                payload=BytesIO(metadata),
                length=len(metadata),
                warc_content_type="application/warc-fields",
                warc_headers_dict={"WARC-Date": warc_date(version.observed_at), **link},
            )
        )

    def write_response(self, version: WarcVersion) -> str:
        """Write the version's response record; return its WARC-Record-ID."""
        warc_headers = {"WARC-Date": warc_date(version.observed_at)}
        if version.memento:
            warc_headers["WARC-Tracker-Memento"] = version.memento
        record = self.writer.create_warc_record(
            version.url,
            "response",
            payload=BytesIO(version.body),
            length=len(version.body),
            warc_headers_dict=warc_headers,
            http_headers=StatusAndHeaders(
                STATUS_LINE, recorded_headers(version.headers, len(version.body)), protocol="HTTP/1.1"
            ),
        )
        self.writer.write_record(record)
        return str(record.rec_headers.get_header("WARC-Record-ID"))


def warc_stream(
    versions: Iterable[WarcVersion], *, gzip: bool, filename: str, at: datetime
) -> Iterator[bytes]:
    """Yield a WARC file of the versions piece by piece: one version's records in memory at a time."""
    buffer = BytesIO()
    warc = WarcFile(buffer, gzip=gzip, filename=filename, at=at)
    yield drained(buffer)
    for version in versions:
        warc.add(version)
        yield drained(buffer)


def drained(buffer: BytesIO) -> bytes:
    """Return what was written to buffer and empty it."""
    written = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return written


def recorded_headers(headers: dict[str, str], length: int) -> list[tuple[str, str]]:
    """Return the stored headers as a reader must see them with the decoded body (module docstring)."""
    kept = [(name, str(value)) for name, value in headers.items() if name.lower() not in WIRE_HEADERS]
    return [*kept, ("Content-Length", str(length))]


def fields_block(fields: Iterable[tuple[str, str]]) -> bytes:
    """Return application/warc-fields: a `name: value` line per field, line breaks in a value folded."""
    return "".join(f"{name}: {' '.join(value.splitlines())}\r\n" for name, value in fields).encode()


def warc_date(at: datetime) -> str:
    """Return a WARC 1.1 date in UTC, with its microseconds when it has any."""
    return str(datetime_to_iso_date(at.astimezone(UTC).replace(tzinfo=None), use_micros=True))
