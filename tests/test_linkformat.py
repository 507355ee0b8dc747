"""Link-format (tracker/domain/linkformat.py): TimeMaps as archives write them, hostile ones, and what
we write ourselves read back."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tracker.adapters.fetch import LONGEST_RETRY_AFTER, retry_after_seconds
from tracker.domain.linkformat import format_link, http_date, mementos, parse_http_date, parse_links

# RFC 7089's example, with a URI holding a comma and a semicolon and entries out of order.
TIMEMAP = """<http://a.example.org>;rel="original",
<http://arxiv.example.net/timemap/http://a.example.org>
  ; rel="self";type="application/link-format"
  ; from="Tue, 20 Jun 2000 18:02:59 GMT"
  ; until="Wed, 09 Apr 2008 20:30:51 GMT",
<http://arxiv.example.net/web/20010911203610/http://a.example.org/a,b;c>
  ; rel="memento";datetime="Tue, 11 Sep 2001 20:36:10 GMT",
<http://arxiv.example.net/web/20000620180259/http://a.example.org>
  ; rel="first memento";datetime="Tue, 20 Jun 2000 18:02:59 GMT"
  ; license="http://creativecommons.org/publicdomain/zero/1.0/",
<http://arxiv.example.net/web/20080409203051/http://a.example.org>
  ; rel="last memento";datetime="Wed, 09 Apr 2008 20:30:51 GMT"
"""


def test_a_timemap_gives_its_mementos_oldest_first_whatever_the_order_and_line_breaks():
    links = parse_links(TIMEMAP)
    assert [sorted(link.rels) for link in links] == [
        ["original"],
        ["self"],
        ["memento"],
        ["first", "memento"],
        ["last", "memento"],
    ]
    assert links[1].param("from") == "Tue, 20 Jun 2000 18:02:59 GMT"
    assert [(memento.uri.rsplit("/web/", 1)[1], memento.at) for memento in mementos(links)] == [
        ("20000620180259/http://a.example.org", datetime(2000, 6, 20, 18, 2, 59, tzinfo=UTC)),
        ("20010911203610/http://a.example.org/a,b;c", datetime(2001, 9, 11, 20, 36, 10, tzinfo=UTC)),
        ("20080409203051/http://a.example.org", datetime(2008, 4, 9, 20, 30, 51, tzinfo=UTC)),
    ]


def test_quoted_values_keep_their_commas_semicolons_and_escapes():
    [link] = parse_links(
        '<http://x.example/m>; rel="memento"; title="a, \\"b\\"; c"; datetime="Sun, 06 Dec 2026 00:00:00 GMT"'
    )
    assert link.param("title") == 'a, "b"; c' and link.rels == {"memento"}
    assert mementos([link])[0].at == datetime(2026, 12, 6, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not a timemap at all",
        "<unclosed; rel=memento",
        '<http://x.example/m>; rel="memento"',  # no datetime: not a memento we can place
        '<http://x.example/m>; rel="memento"; datetime="yesterday"',
        '<http://x.example/m>; rel="memento"; datetime="Fri, 31 Dec 9999 23:59:59 -0100"',  # overflows
        '<http://x.example/m>; rel="memento"; datetime="Fri, 31 Dec 2026 23:59:99999999999999 GMT"',
        '<>; rel="memento"; datetime="Sun, 06 Dec 2026 00:00:00 GMT"',
        "; ; ; ,,, >>> <<<",
    ],
)
def test_hostile_text_gives_no_memento_and_no_error(text: str):
    assert mementos(parse_links(text)) == []


def test_a_huge_timemap_is_read_in_linear_time_and_capped():
    line = '<http://x.example/web/{n}/u>; rel="memento"; datetime="Sun, 06 Dec 2026 00:00:00 GMT",\n'
    text = "".join(line.format(n=n) for n in range(150_000))
    started = time.monotonic()
    links = parse_links(text)
    assert len(links) == 100_000  # MAX_LINKS: more is not a TimeMap we read
    assert time.monotonic() - started < 20  # linear: seconds, not hours


def test_what_we_write_reads_back():
    moment = datetime(2026, 12, 6, 1, 2, 3, 456789, tzinfo=UTC)
    assert http_date(moment) == "Sun, 06 Dec 2026 01:02:03 GMT"
    assert parse_http_date(http_date(moment)) == moment.replace(microsecond=0)
    written = ",\n".join(
        [
            format_link("http://t.example/a?b=1,2", "original"),
            format_link(
                "http://t.example/articles/1/versions/-1", "first memento", datetime=http_date(moment)
            ),
            format_link("http://t.example/x", "self", title='say "hi"'),
        ]
    )
    links = parse_links(written)
    assert links[0].uri == "http://t.example/a?b=1,2"
    assert mementos(links)[0].uri.endswith("/versions/-1") and links[2].param("title") == 'say "hi"'


def test_a_retry_after_waits_at_most_a_day():
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("1000000000000") == LONGEST_RETRY_AFTER
    assert retry_after_seconds("Fri, 31 Dec 9999 23:59:59 GMT") == LONGEST_RETRY_AFTER
    assert retry_after_seconds("Fri, 31 Dec 9999 23:59:59 -0100") in (None, LONGEST_RETRY_AFTER)
    assert retry_after_seconds("soon") is None
