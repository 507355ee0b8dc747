"""Labels that say what kind of change a diff is: update notes, headline changes, stealth edits...

Pure functions of a TextDiff and a few facts about the two versions. Each rule is small and
listed here; tests/test_labels.py has a case for each.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.diff import Block, Summary, TextDiff

MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# An editor's note announcing a change, in English and a few common languages.
UPDATE_NOTE = re.compile(
    r"^\W{0,3}(?:"
    r"(?:update|updated|correction|corrected|clarification|editor['’]?s['’]? note|note)\b[^:]{0,40}?(?::|\s[—–-]\s)"
    rf"|updated?\s+(?:on\s+|at\s+|in\s+)?(?:{MONTH}|\d)"
    r"|this (?:article|story|post|report) (?:has been|was) (?:updated|corrected|amended)"
    r"|(?:aktualisiert|korrektur|mise à jour|rectificatif|actualización|actualizado|corrección|aggiornamento|"
    r"correzione|bijgewerkt|atualizado|atualização)\b"
    r")",
    re.IGNORECASE,
)
CORRECTION = re.compile(
    r"\b(?:correction|corrected|correcting|an earlier version|misstated|incorrectly|korrektur|rectificatif|"
    r"corrección|correzione)\b",
    re.IGNORECASE,
)
QUOTED = re.compile(r"[\"“„«]([^\"”“»]{20,})[\"”“»]")
SPEECH_INTRO = re.compile(
    r"\b(?:said|says|told|stated|wrote|added|explained|according to)\b[^.]*:\s*$", re.IGNORECASE
)
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
STEALTH_WORDS = 5  # changed words at or above which an unannounced edit counts as substantive


@dataclass(frozen=True, slots=True)
class VersionFacts:
    """What the labels need beyond the diff: the page's own modified dates and revert target."""

    old_exists: bool
    old_modified: str | None = None
    new_modified: str | None = None
    reverted_to: int | None = None  # an earlier (not the previous) version the new one repeats
    earlier_titles: frozenset[str] = frozenset()  # headlines of the versions before the old one


def change_labels(diff: TextDiff, facts: VersionFacts) -> list[str]:
    """Return the labels of a change, in a fixed order."""
    if not facts.old_exists:
        return []
    added = added_texts(diff.blocks)
    note = any(UPDATE_NOTE.search(text) for text in added)
    found = {
        "update_note_added": note,
        "correction_added": any(UPDATE_NOTE.search(text) and CORRECTION.search(text) for text in added),
        "headline_changed": diff.title is not None,
        "byline_changed": diff.byline is not None,
        "quote_added": quote_added(diff.blocks),
        "numbers_changed": numbers_changed(diff.blocks),
        "paragraphs_removed": diff.summary.paragraphs_removed > 0,
        "reverted": facts.reverted_to is not None,
        "headline_test": is_headline_test(diff, facts),
    }
    found["stealth_edit"] = is_stealth_edit(diff, facts, note=note, numbers=found["numbers_changed"])
    return [label for label, present in found.items() if present]


def added_texts(blocks: tuple[Block, ...]) -> list[str]:
    """Return inserted paragraphs and the added runs inside changed ones."""
    texts = [block.new for block in blocks if block.op == "insert" and block.new]
    for block in blocks:
        if block.op == "replace" and block.new and block.old:
            new_start = UPDATE_NOTE.search(block.new) and not UPDATE_NOTE.search(block.old)
            texts.extend([block.new] if new_start else [text for op, text in block.words or () if op == "+"])
    return texts


def quote_added(blocks: tuple[Block, ...]) -> bool:
    """Return True when an added paragraph quotes someone: quotation marks, or 'X told us:' then text."""
    inserted = [block.new or "" for block in blocks if block.op == "insert"]
    if any(QUOTED.search(text) for text in added_texts(blocks)):
        return True
    return any(SPEECH_INTRO.search(text) for text in inserted[:-1])


def numbers_changed(blocks: tuple[Block, ...]) -> bool:
    """Return True when a changed paragraph's figures or dates differ."""
    return any(
        NUMBER.findall(block.old or "") != NUMBER.findall(block.new or "")
        for block in blocks
        if block.op == "replace"
    )


def is_headline_test(diff: TextDiff, facts: VersionFacts) -> bool:
    """Return True when only the headline changed, back to one the article already had (A/B tests)."""
    only_title = diff.byline is None and all(block.op == "equal" for block in diff.blocks)
    return bool(diff.title and only_title and diff.title.new in facts.earlier_titles)


def is_stealth_edit(diff: TextDiff, facts: VersionFacts, *, note: bool, numbers: bool) -> bool:
    """Return True for a substantive edit (enough words, or any figure) with no note and the
    page's own modified date untouched."""
    changed_words = diff.summary.words_added + diff.summary.words_removed
    substantive = numbers or changed_words >= STEALTH_WORDS
    return substantive and not note and facts.old_modified == facts.new_modified


LABEL_WORDS = {
    "update_note_added": "update note added",
    "correction_added": "correction added",
    "headline_changed": "headline changed",
    "byline_changed": "byline changed",
    "quote_added": "quote added",
    "numbers_changed": "numbers changed",
    "paragraphs_removed": "paragraphs removed",
    "reverted": "reverted",
    "headline_test": "headline test",
    "baseline": "re-read with new rules",
    "stealth_edit": "stealth edit",
}


def summary_line(summary: Summary, labels: Sequence[str]) -> str:
    """Return a one-line account of a change, e.g. '+3 paragraphs, +95 words; update note added'."""
    parts = [
        f"{sign}{count} {noun}{'' if count == 1 else 's'}"
        for sign, count, noun in (
            ("+", summary.paragraphs_added, "paragraph"),
            ("−", summary.paragraphs_removed, "paragraph"),
            ("~", summary.paragraphs_changed, "changed paragraph"),
            ("↕", summary.paragraphs_moved, "moved paragraph"),
            ("+", summary.words_added, "word"),
            ("−", summary.words_removed, "word"),
        )
        if count
    ]
    counts = ", ".join(parts) or ("headline only" if "headline_changed" in labels else "no text change")
    notes = ", ".join(LABEL_WORDS.get(label, label.replace("_", " ")) for label in labels)
    return f"{counts}; {notes}" if notes else counts
