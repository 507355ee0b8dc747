"""What changed between two versions of an article: a pure function of their texts.

difflib aligns paragraphs (cheap: it compares whole strings by hash); inside a replaced stretch a
small dynamic programme pairs each removed paragraph with the added one it most resembles, and
diff-match-patch (its C++ build, fast-diff-match-patch) with semantic cleanup diffs the tokens of
each pair: words and punctuation marks, or characters in scripts written without spaces
(tracker.domain.textunits), so an edit is marked as tightly in Chinese as in German. A paragraph that left
one place and reappears unchanged elsewhere is a move, not a deletion plus an insertion.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import takewhile
from typing import ClassVar

import fast_diff_match_patch

from tracker.domain.textunits import count_words, encoded, similarity_keys
from tracker.domain.vocabulary import BlockOp, WordOp

WORD_OPS: dict[str, WordOp] = {"=": "=", "-": "-", "+": "+"}  # diff-match-patch's ops, typed
# A removed and an added paragraph are one edit above this: the share of their text a word diff
# keeps, or the Dice overlap of their similarity keys (tracker.domain.textunits).
SIMILAR = 0.5
MAX_PAIRING_CELLS = 250_000  # beyond this a replaced stretch is a rewrite: no pairing attempted
PAIRING_BAND = 12  # how far from the diagonal pairs are scored, in paragraphs


@dataclass(frozen=True, slots=True)
class ArticleText:
    """The parts of a version that a diff compares; the dates are the page's own."""

    title: str | None
    byline: str | None
    paragraphs: tuple[str, ...]
    published_at: str | None = None
    modified_at: str | None = None


EMPTY = ArticleText(title=None, byline=None, paragraphs=())


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph's fate. `words` only on replace; indexes (0-based) only on move."""

    op: BlockOp
    old: str | None
    new: str | None
    words: tuple[tuple[WordOp, str], ...] | None = None  # ("=" | "-" | "+", text)
    from_index: int | None = None
    to_index: int | None = None


@dataclass(frozen=True, slots=True)
class FieldChange:
    """A headline, byline or date before and after; `words` marks a headline's or byline's change
    when both exist."""

    old: str | None
    new: str | None
    words: tuple[tuple[WordOp, str], ...] | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    paragraphs_added: int
    paragraphs_removed: int
    paragraphs_changed: int
    paragraphs_moved: int
    words_added: int
    words_removed: int


@dataclass(frozen=True, slots=True)
class TextDiff:
    title: FieldChange | None
    byline: FieldChange | None
    published_at: FieldChange | None
    modified_at: FieldChange | None
    blocks: tuple[Block, ...]
    summary: Summary


@dataclass(frozen=True, slots=True)
class Fold:
    """A run of unchanged paragraphs shown collapsed."""

    blocks: tuple[Block, ...]
    op: ClassVar[str] = "fold"  # lets templates tell folds from blocks


def diff_articles(old: ArticleText, new: ArticleText) -> TextDiff:
    """Return the diff from old to new: headline, byline and date changes, paragraph blocks, counts."""
    blocks = diff_paragraphs(old.paragraphs, new.paragraphs)
    return TextDiff(
        title=field_change(old.title, new.title, marked=True),
        byline=field_change(old.byline, new.byline, marked=True),
        published_at=field_change(old.published_at, new.published_at),
        modified_at=field_change(old.modified_at, new.modified_at),
        blocks=blocks,
        summary=summarize(blocks),
    )


def fold_unchanged(
    blocks: Sequence[Block], context: int, *, leading: int | None = None
) -> list[Block | Fold]:
    """Return the blocks with each run of equal ones longer than needed for `context` paragraphs
    around the changes folded away (a run at either end keeps context only on its inner side);
    `leading` (default `context`) is how many the run before the first change keeps."""
    first = context if leading is None else leading
    items: list[Block | Fold] = []
    start = 0
    while start < len(blocks):
        if blocks[start].op != "equal":
            items.append(blocks[start])
            start += 1
            continue
        end = start
        while end < len(blocks) and blocks[end].op == "equal":
            end += 1
        lead = context if start > 0 else 0  # after the previous change
        before = context if start > 0 else first  # kept before the next change
        tail = before if end < len(blocks) else 0
        if end - start > lead + tail:
            items.extend(blocks[start : start + lead])
            items.append(Fold(tuple(blocks[start + lead : end - tail])))
            items.extend(blocks[end - tail : end])
        else:
            items.extend(blocks[start:end])
        start = end
    return items


def field_change(old: str | None, new: str | None, *, marked: bool = False) -> FieldChange | None:
    """Return the change of one field; `marked` text fields get word marks, as paragraphs do."""
    if old == new:
        return None
    return FieldChange(old, new, word_changes(old, new) if marked and old and new else None)


def diff_paragraphs(old: Sequence[str], new: Sequence[str]) -> tuple[Block, ...]:
    """Return one block per paragraph, in the new version's reading order (deletions where they were)."""
    rows: list[tuple[int | None, int | None]] = []  # (old index, new index); None on the missing side
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(zip(range(i1, i2), range(j1, j2), strict=True))
        else:
            rows.extend(pair_similar(old, new, range(i1, i2), range(j1, j2)))
    moves = find_moves(old, new, rows)
    moved_away = set(moves.values())
    return tuple(block for row in rows if (block := row_block(old, new, row, moves, moved_away)) is not None)


def pair_similar(
    old: Sequence[str], new: Sequence[str], olds: range, news: range
) -> list[tuple[int | None, int | None]]:
    """Return rows for a replaced stretch: similar paragraphs paired in order, the rest alone.

    Maximises the summed similarity of order-preserving pairs (like an LCS over paragraphs);
    only pairs near the diagonal are scored, which keeps long rewrites cheap.
    """
    n, m = len(olds), len(news)
    if n == 0 or m == 0 or n * m > MAX_PAIRING_CELLS:
        return [(i, None) for i in olds] + [(None, j) for j in news]
    if n == m and all(
        kept_share(word_changes(old[i], new[j])) >= SIMILAR for i, j in zip(olds, news, strict=True)
    ):
        return list(zip(olds, news, strict=True))  # the common case: each paragraph edited in place
    old_words = [similarity_keys(old[i]) for i in olds]
    new_words = [similarity_keys(new[j]) for j in news]
    band = PAIRING_BAND + abs(n - m)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for a in range(1, n + 1):
        for b in range(1, m + 1):
            best = max(score[a - 1][b], score[a][b - 1])
            if abs(a * m - b * n) <= band * max(n, m):
                similarity = dice(old_words[a - 1], new_words[b - 1])
                if similarity >= SIMILAR:
                    best = max(best, score[a - 1][b - 1] + similarity)
            score[a][b] = best
    return rows_from_scores(score, old_words, new_words, olds, news)


def rows_from_scores(
    score: list[list[float]],
    old_words: list[frozenset[str]],
    new_words: list[frozenset[str]],
    olds: range,
    news: range,
) -> list[tuple[int | None, int | None]]:
    """Walk the score table back into rows: deletions, then insertions, before each pair."""
    a, b = len(olds), len(news)
    reversed_rows: list[tuple[int | None, int | None]] = []
    while a > 0 or b > 0:
        if a > 0 and b > 0 and score[a][b] != score[a - 1][b] and score[a][b] != score[a][b - 1]:
            reversed_rows.append((olds[a - 1], news[b - 1]))
            a, b = a - 1, b - 1
        elif b > 0 and (a == 0 or score[a][b] == score[a][b - 1]):
            reversed_rows.append((None, news[b - 1]))
            b -= 1
        else:
            reversed_rows.append((olds[a - 1], None))
            a -= 1
    return reversed_rows[::-1]


def kept_share(runs: tuple[tuple[str, str], ...]) -> float:
    """Return the share of both sides' text that a word diff leaves unchanged (1.0 for two empty texts).
    Cheaper than comparing keys when the diff is needed anyway: each pair edited in place is shown."""
    kept = sum(len(text) for op, text in runs if op == "=")
    total = sum(len(text) * (2 if op == "=" else 1) for op, text in runs)
    return 2 * kept / total if total else 1.0


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """Return the Dice coefficient of two sets of keys (1.0 when both are empty)."""
    if not a and not b:
        return 1.0
    return 2 * len(a & b) / (len(a) + len(b))


def find_moves(
    old: Sequence[str], new: Sequence[str], rows: list[tuple[int | None, int | None]]
) -> dict[int, int]:
    """Return {new index: old index} for inserted paragraphs whose exact text was deleted elsewhere."""
    deleted: dict[str, list[int]] = defaultdict(list)
    for i, j in rows:
        if j is None and i is not None:
            deleted[old[i]].append(i)
    moves = {}
    for i, j in rows:
        if i is None and j is not None and deleted.get(new[j]):
            moves[j] = deleted[new[j]].pop(0)
    return moves


def row_block(
    old: Sequence[str],
    new: Sequence[str],
    row: tuple[int | None, int | None],
    moves: dict[int, int],
    moved_away: set[int],
) -> Block | None:
    """Return the block for one row; None for the old place of a moved paragraph."""
    i, j = row
    if j is None:
        assert i is not None
        return None if i in moved_away else Block("delete", old[i], None)
    if i is None:
        if j in moves:
            return Block("move", new[j], new[j], from_index=moves[j], to_index=j)
        return Block("insert", None, new[j])
    if old[i] == new[j]:
        return Block("equal", old[i], new[j])
    return Block("replace", old[i], new[j], words=word_changes(old[i], new[j]))


@lru_cache(maxsize=1024)  # pairing paragraphs edited in place diffs them; their blocks reuse it
def word_changes(old: str, new: str) -> tuple[tuple[WordOp, str], ...]:
    """Return the word-level diff of two paragraphs as ("=" | "-" | "+", text) runs that join back
    to each side's text.

    Each token (tracker.domain.textunits) is encoded as one character so that diff-match-patch compares
    whole tokens; a semantic cleanup weighed in characters then merges small islands of equality,
    so a rewritten phrase reads as one change. Two paragraphs of more distinct words than there
    are symbols (over 100,000) are shown rewritten whole.
    """
    code = encoded(old, new)
    if code is None:
        return (("-", old), ("+", new))
    counts = fast_diff_match_patch.diff(
        code.old, code.new, timelimit=0, checklines=False, cleanup="No", counts_only=True
    )
    runs = []
    in_old = in_new = 0  # symbols of each side consumed so far
    for op, count in counts:
        if op == "+":
            runs.append((op, code.decode(code.new[in_new : in_new + count])))
            in_new += count
        else:
            runs.append((op, code.decode(code.old[in_old : in_old + count])))
            in_old += count
            in_new += count if op == "=" else 0
    return tuple(spaces_outside_changes(merge_runs(cleanup_semantic(runs))))


def cleanup_semantic(runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Turn each equality no longer (in characters) than the changes on both sides of it into a
    deletion plus an insertion: diff-match-patch's semantic cleanup, without its character-level
    steps that would cut words apart."""
    runs = list(runs)
    equalities: list[int] = []
    inserted_before = deleted_before = inserted_after = deleted_after = 0
    pointer = 0
    while pointer < len(runs):
        op, text = runs[pointer]
        if op == "=":
            equalities.append(pointer)
            inserted_before, deleted_before, inserted_after, deleted_after = (
                inserted_after,
                deleted_after,
                0,
                0,
            )
        else:
            inserted_after += len(text) if op == "+" else 0
            deleted_after += len(text) if op == "-" else 0
            last = runs[equalities[-1]][1] if equalities else ""
            if (
                last
                and len(last) <= max(inserted_before, deleted_before)
                and len(last) <= max(inserted_after, deleted_after)
            ):
                where = equalities.pop()
                runs[where : where + 1] = [("-", last), ("+", last)]
                if equalities:
                    equalities.pop()  # the equality before it must be weighed again
                pointer = equalities[-1] if equalities else -1
                inserted_before = deleted_before = inserted_after = deleted_after = 0
        pointer += 1
    return runs


def merge_runs(runs: list[tuple[str, str]]) -> list[list[str]]:
    """Join neighbouring runs of one kind; within each change, deletions come before insertions."""
    merged: list[list[str]] = []
    pending = {"-": "", "+": ""}
    for op, text in [*runs, ("=", "")]:
        if op != "=":
            pending[op] += text
            continue
        merged.extend([change, pending[change]] for change in "-+" if pending[change])
        pending = {"-": "", "+": ""}
        if merged and merged[-1][0] == "=":
            merged[-1][1] += text
        elif text:
            merged.append(["=", text])
    return merged


def spaces_outside_changes(runs: list[list[str]]) -> list[tuple[WordOp, str]]:
    """Move the space that opens each change into the unchanged text before it ("said <del>x</del>")."""
    for index, (op, _text) in enumerate(runs):
        if op != "=":
            continue
        # merged runs hold at most a deletion and an insertion between two equalities
        group = list(takewhile(lambda run: run[0] != "=", runs[index + 1 : index + 3]))
        replaced = {run[0] for run in group} == {"-", "+"}  # both sides lose the space: both stay whole
        if replaced and all(run[1].startswith(" ") for run in group):
            runs[index][1] += " "
            for run in group:
                run[1] = run[1][1:]
    return [(WORD_OPS[op], text) for op, text in runs if text]


def summarize(blocks: Sequence[Block]) -> Summary:
    """Return the counts of added, removed, changed and moved paragraphs and of added/removed words."""
    count = {
        op: sum(1 for block in blocks if block.op == op) for op in ("insert", "delete", "replace", "move")
    }
    words_added = sum(count_words(block.new) for block in blocks if block.op == "insert" and block.new)
    words_removed = sum(count_words(block.old) for block in blocks if block.op == "delete" and block.old)
    for block in blocks:
        for op, text in block.words or ():
            words_added += count_words(text) if op == "+" else 0
            words_removed += count_words(text) if op == "-" else 0
    return Summary(
        paragraphs_added=count["insert"],
        paragraphs_removed=count["delete"],
        paragraphs_changed=count["replace"],
        paragraphs_moved=count["move"],
        words_added=words_added,
        words_removed=words_removed,
    )
