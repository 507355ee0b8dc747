"""An article's history as readers see it: versions newest first, headline A/B tests grouped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tracker.domain.vocabulary import VersionSource


@dataclass(frozen=True, slots=True)
class VersionEntry:
    """What the timeline shows of one version (no text: cheap for a thousand versions)."""

    number: int
    observed_at: datetime
    title: str | None
    word_count: int
    labels: tuple[str, ...]
    words_changed: int  # added + removed, against the version before
    matches_number: int | None
    baseline: bool = False  # re-read the latest page with a new extractor or rules: no article change
    previous_word_count: int = 0  # of the version before (none before the first)
    source: VersionSource = "live"  # seen by our own check, or read from a web archive's capture
    memento: str | None = None  # the archive capture's URI-M (archive versions only)
    previous_source: VersionSource | None = None  # of the version before (None before the first)

    @property
    def share(self) -> float:
        """Return the part of the text the change touched, of both versions together: the words
        removed from the old and added to the new over all the words of both. A full rewrite is 1,
        half the article rewritten 0.5, one word swapped in 1,000 is 0.001."""
        both = self.previous_word_count + self.word_count
        return min(self.words_changed / both, 1.0) if both else 0.0

    @property
    def headline_only(self) -> bool:
        """True when this version changed nothing but the headline."""
        return "headline_changed" in self.labels and self.words_changed == 0

    @property
    def first_seen_live(self) -> bool:
        """True for the tracker's own first look after versions read from web archives: its change
        is from the newest capture, not an edit seen happen."""
        return self.source == "live" and self.previous_source == "archive"


@dataclass(frozen=True, slots=True)
class Note:
    """Something that happened to the article's history that is not a version (a rule change)."""

    at: datetime
    text: str
    kind: str = "rule"  # rule, or an article's removed | restored | moved (with their evidence)


@dataclass(frozen=True, slots=True)
class HeadlineTest:
    """Consecutive versions that only flip the headline between a few variants."""

    entries: tuple[VersionEntry, ...]  # oldest first

    @property
    def variants(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(entry.title or "" for entry in self.entries))

    @property
    def first(self) -> VersionEntry:
        return self.entries[0]

    @property
    def last(self) -> VersionEntry:
        return self.entries[-1]


def timeline(
    entries: Sequence[VersionEntry], notes: Sequence[Note] = ()
) -> list[VersionEntry | HeadlineTest | Note]:
    """Return the entries and notes newest first, each run of headline-test flips folded into one group.

    A run starts at the headline-only change that introduced a variant the later flips return to.
    """
    grouped: list[VersionEntry | HeadlineTest | Note] = []
    run: list[VersionEntry] = []
    for entry in entries:  # oldest first
        if "headline_test" in entry.labels and entry.headline_only:
            previous = grouped[-1] if grouped else None
            if not run and isinstance(previous, VersionEntry) and previous.headline_only:
                run.append(previous)  # the first flip, before the test was recognisable
                grouped.pop()
            run.append(entry)
            continue
        if run:
            grouped.append(HeadlineTest(tuple(run)))
            run = []
        grouped.append(entry)
    if run:
        grouped.append(HeadlineTest(tuple(run)))
    return sorted([*grouped, *notes], key=moment, reverse=True)


def notes_between(notes: Sequence[Note], *, since: datetime | None, until: datetime | None) -> list[Note]:
    """Return the notes from `since` (None: the beginning) to before `until` (None: now), for a
    page of the timeline."""
    return [
        note for note in notes if (since is None or note.at >= since) and (until is None or note.at < until)
    ]


def moment(item: VersionEntry | HeadlineTest | Note) -> datetime:
    if isinstance(item, Note):
        return item.at
    return item.last.observed_at if isinstance(item, HeadlineTest) else item.observed_at
