"""The article timeline: newest first, headline A/B flips folded into one group."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tracker.domain.timeline import HeadlineTest, Note, VersionEntry, notes_between, timeline

T0 = datetime(2026, 3, 5, tzinfo=UTC)


def entry(number: int, title: str = "A", labels: tuple[str, ...] = (), words: int = 0) -> VersionEntry:
    return VersionEntry(number, T0 + timedelta(hours=number), title, 500, labels, words, None)


def test_timeline_is_newest_first():
    entries = [entry(1), entry(2, words=5), entry(3, words=1)]
    assert [item.number for item in timeline(entries)] == [3, 2, 1]


def test_headline_flips_are_one_group_with_the_first_flip():
    flips = [
        entry(1),
        entry(2, "B", ("headline_changed",)),
        entry(3, "A", ("headline_changed", "reverted", "headline_test")),
        entry(4, "B", ("headline_changed", "reverted", "headline_test")),
        entry(5, "B", (), words=12),
    ]
    grouped = timeline(flips)
    assert [type(item).__name__ for item in grouped] == ["VersionEntry", "HeadlineTest", "VersionEntry"]
    test = grouped[1]
    assert isinstance(test, HeadlineTest)
    assert [item.number for item in test.entries] == [2, 3, 4]
    assert test.variants == ("B", "A")


def test_a_headline_change_that_is_never_flipped_back_stays_a_version():
    entries = [entry(1), entry(2, "B", ("headline_changed",))]
    assert all(isinstance(item, VersionEntry) for item in timeline(entries))


def test_a_timeline_page_keeps_the_notes_between_its_versions():
    notes = [Note(T0 + timedelta(hours=hours), f"note {hours}") for hours in (1, 3, 5)]
    assert [note.text for note in notes_between(notes, since=T0 + timedelta(hours=2), until=None)] == [
        "note 3",
        "note 5",
    ]
    assert [note.text for note in notes_between(notes, since=None, until=T0 + timedelta(hours=3))] == [
        "note 1"
    ]


@pytest.mark.parametrize(
    ("before", "after", "changed", "share"),
    [
        (1000, 1000, 2000, 1.0),  # every word rewritten: 1,000 removed, 1,000 added
        (1000, 1000, 1000, 0.5),  # half of it rewritten
        (1000, 1000, 2, 0.001),  # one word swapped for another
        (500, 1000, 500, 1 / 3),  # grown by half again, nothing removed
        (0, 0, 0, 0.0),  # nothing to measure against
    ],
)
def test_the_share_of_a_change_is_the_part_of_both_versions_text_it_touched(before, after, changed, share):
    version = VersionEntry(2, T0, "A", after, (), changed, None, previous_word_count=before)
    assert version.share == pytest.approx(share)
