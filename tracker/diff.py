"""What changed between two versions of an article: a pure function of their texts.

difflib aligns paragraphs (cheap: it compares whole strings by hash); inside a replaced stretch a
small dynamic programme pairs each removed paragraph with the added one it most resembles, and
diff-match-patch with semantic cleanup diffs the words of each pair. A paragraph that left one
place and reappears unchanged elsewhere is a move, not a deletion plus an insertion.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from diff_match_patch import diff_match_patch

SIMILAR = 0.5  # Dice overlap of word sets above which a removed and an added paragraph are one edit
MAX_PAIRING_CELLS = 250_000  # beyond this a replaced stretch is a rewrite: no pairing attempted
PAIRING_BAND = 12  # how far from the diagonal pairs are scored, in paragraphs
WORD = re.compile(r"\w+")
TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True, slots=True)
class ArticleText:
    """The parts of a version that a diff compares."""

    title: str | None
    byline: str | None
    paragraphs: tuple[str, ...]


EMPTY = ArticleText(title=None, byline=None, paragraphs=())


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph's fate. `words` only on replace; indexes (0-based) only on move."""

    op: str  # equal | insert | delete | replace | move
    old: str | None
    new: str | None
    words: tuple[tuple[str, str], ...] | None = None  # ("=" | "-" | "+", text)
    from_index: int | None = None
    to_index: int | None = None


@dataclass(frozen=True, slots=True)
class FieldChange:
    old: str | None
    new: str | None


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
    blocks: tuple[Block, ...]
    summary: Summary

    @property
    def changed(self) -> bool:
        return bool(self.title or self.byline or any(block.op != "equal" for block in self.blocks))


def diff_articles(old: ArticleText, new: ArticleText) -> TextDiff:
    """Return the diff from old to new: title and byline changes, paragraph blocks and counts."""
    blocks = diff_paragraphs(old.paragraphs, new.paragraphs)
    return TextDiff(
        title=field_change(old.title, new.title),
        byline=field_change(old.byline, new.byline),
        blocks=blocks,
        summary=summarize(blocks),
    )


def field_change(old: str | None, new: str | None) -> FieldChange | None:
    return None if old == new else FieldChange(old, new)


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
    old_words = [word_set(old[i]) for i in olds]
    new_words = [word_set(new[j]) for j in news]
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


def word_set(text: str) -> frozenset[str]:
    return frozenset(WORD.findall(text.lower()))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """Return the Dice coefficient of two word sets (1.0 when both are empty)."""
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


def word_changes(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """Return the word-level diff of two paragraphs as ("=" | "-" | "+", text) runs.

    Words are diffed as whole tokens (each encoded as one character), and semantic cleanup
    merges small islands of equality so that a rewritten phrase reads as one change.
    """
    symbols: dict[str, str] = {}
    tokens: list[str] = []

    def encode(text: str) -> str:
        out = []
        for token in TOKEN.findall(text):
            if token not in symbols:
                symbols[token] = chr(0x10000 + len(tokens))
                tokens.append(token)
            out.append(symbols[token])
        return "".join(out)

    engine = diff_match_patch()
    diffs = engine.diff_main(encode(old), encode(new), False)
    engine.diff_cleanupSemantic(diffs)
    runs: list[tuple[str, str]] = []
    for operation, encoded in diffs:
        op = "=" if operation == 0 else "-" if operation < 0 else "+"
        text = "".join(tokens[ord(symbol) - 0x10000] for symbol in encoded)
        if runs and runs[-1][0] == op:
            runs[-1] = (op, runs[-1][1] + text)
        elif text:
            runs.append((op, text))
    return tuple(runs)


def summarize(blocks: Sequence[Block]) -> Summary:
    """Return the counts of added, removed, changed and moved paragraphs and of added/removed words."""
    count = {
        op: sum(1 for block in blocks if block.op == op) for op in ("insert", "delete", "replace", "move")
    }
    words_added = sum(len(block.new.split()) for block in blocks if block.op == "insert" and block.new)
    words_removed = sum(len(block.old.split()) for block in blocks if block.op == "delete" and block.old)
    for block in blocks:
        for op, text in block.words or ():
            words_added += len(text.split()) if op == "+" else 0
            words_removed += len(text.split()) if op == "-" else 0
    return Summary(
        paragraphs_added=count["insert"],
        paragraphs_removed=count["delete"],
        paragraphs_changed=count["replace"],
        paragraphs_moved=count["move"],
        words_added=words_added,
        words_removed=words_removed,
    )
