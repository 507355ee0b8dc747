"""Which archive captures a backfill reads, and the addresses it asks for them (tracker.domain.archives)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tracker.domain.archives import archive_host, choose, merged, raw_memento_url, spread, timemap_url
from tracker.domain.linkformat import Memento

START = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def memento(minutes: float, name: str | None = None) -> Memento:
    at = START + timedelta(minutes=minutes)
    return Memento(uri=name or f"https://archive.example/web/{at:%Y%m%d%H%M%S}/https://news.example/a", at=at)


@pytest.mark.parametrize(
    ("uri", "raw"),
    [
        (
            "https://web.archive.org/web/20240301080000/https://news.example/story?id=3",
            "https://web.archive.org/web/20240301080000id_/https://news.example/story?id=3",
        ),
        (
            "http://127.0.0.1:8001/web/20240301080000/http://127.0.0.1:9/web/20200101000000/x",
            "http://127.0.0.1:8001/web/20240301080000id_/http://127.0.0.1:9/web/20200101000000/x",
        ),
        (  # an archive under a path of its own
            "https://archive.example/wayback/web/20240301080000/https://news.example/ü",
            "https://archive.example/wayback/web/20240301080000id_/https://news.example/ü",
        ),
        # Left alone: a modifier already there, a timestamp that is not 14 digits, other archives.
        ("https://web.archive.org/web/20240301080000id_/https://news.example/", None),
        ("https://web.archive.org/web/20240301080000im_/https://news.example/", None),
        ("https://web.archive.org/web/2024030108/https://news.example/", None),
        ("https://archive.ph/AbCdE", None),
        ("https://arquivo.pt/wayback/20240301080000/https://news.example/", None),
        ("https://news.example/web/20240301080000", None),
    ],
)
def test_raw_memento_url(uri: str, raw: str | None) -> None:
    assert raw_memento_url(uri) == (raw or uri)


def test_timemap_url_and_host() -> None:
    assert (
        timemap_url("https://web.archive.org/web/timemap/link/", "https://news.example/a?b=1")
        == "https://web.archive.org/web/timemap/link/https://news.example/a?b=1"
    )
    assert archive_host("https://Web.Archive.org/web/1/x") == "web.archive.org"
    assert archive_host("http://127.0.0.1:8001/web/1/x") == "127.0.0.1:8001"


def test_merged_is_oldest_first_each_uri_once() -> None:
    first, second, third = memento(0), memento(5), memento(9)
    other = memento(5, "https://other.example/m/5")
    assert merged([[third, first], [second, other, first]]) == [first, second, other, third]


def test_choose_skips_known_and_captures_at_or_after_the_oldest_version() -> None:
    captures = [memento(minutes) for minutes in range(10)]
    known = frozenset({captures[2].uri})
    chosen = choose(captures, known, captures[7].at, limit=50)
    assert chosen == captures[:2] + captures[3:7]
    assert choose(captures, frozenset(), None, limit=50) == captures


def test_spread_keeps_first_and_last_and_spaces_evenly_over_time() -> None:
    captures = [memento(minutes) for minutes in range(101)]  # one a minute
    chosen = spread(captures, 11)
    assert [m.at for m in chosen] == [START + timedelta(minutes=10 * n) for n in range(11)]


def test_spread_takes_neighbours_where_captures_crowd() -> None:
    # Forty captures in the first hour, then one a day for ten days: the first hour gets its
    # evenly spaced slots' nearest captures, and the count asked for is always reached.
    crowded = [memento(minutes) for minutes in range(40)]
    daily = [memento(24 * 60 * day) for day in range(1, 11)]
    chosen = spread(crowded + daily, 12)
    assert len(chosen) == 12 == len({m.uri for m in chosen})
    assert chosen[0] == crowded[0] and chosen[-1] == daily[-1]
    assert chosen == sorted(chosen, key=lambda m: m.at)
    assert set(daily) <= set(chosen)  # one slot a day, each day's capture its nearest


def test_spread_small_limits() -> None:
    captures = [memento(minutes) for minutes in range(5)]
    assert spread(captures, 1) == [captures[-1]]
    assert spread(captures, 0) == []
    assert spread(captures, 2) == [captures[0], captures[-1]]
    assert spread(captures, 5) == captures
