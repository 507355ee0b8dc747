"""The diff engine: paragraph alignment, word diffs inside changed paragraphs, moves, counts."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tracker.domain.diff import (
    EMPTY,
    ArticleText,
    Block,
    Fold,
    diff_articles,
    diff_paragraphs,
    fold_unchanged,
    word_changes,
)

WORDS = st.sampled_from(
    ["the", "mayor", "said", "on", "Tuesday", "3", "million", "budget", "cuts", "—", "’s"]
)
PARAGRAPH = st.lists(WORDS, min_size=1, max_size=12).map(" ".join)
ARTICLE = st.lists(PARAGRAPH, max_size=12)


def new_side(blocks: tuple[Block, ...]) -> list[str]:
    """The new version, read off the blocks."""
    return [block.new for block in blocks if block.op != "delete" and block.new is not None]


def old_side(blocks: tuple[Block, ...]) -> list[str]:
    """The old version, read off the blocks (a moved paragraph goes back to its old index)."""
    kept = [block.old for block in blocks if block.op in ("equal", "delete", "replace")]
    for block in sorted((b for b in blocks if b.op == "move"), key=lambda b: b.from_index):
        kept.insert(block.from_index, block.old)
    return kept


@given(ARTICLE)
def test_diff_of_an_article_with_itself_is_all_equal(paragraphs):
    blocks = diff_paragraphs(paragraphs, paragraphs)
    assert all(block.op == "equal" for block in blocks)
    assert len(blocks) == len(paragraphs)


@settings(max_examples=300)
@given(ARTICLE, ARTICLE)
def test_blocks_rebuild_both_versions(old, new):
    blocks = diff_paragraphs(old, new)
    assert new_side(blocks) == new
    assert old_side(blocks) == old


@settings(max_examples=300)
@given(PARAGRAPH, PARAGRAPH)
@example("cat sat", "a cat sat")  # the first word stands without a space: it matches only a first word
@example("a cat sat", "cat sat")
def test_word_runs_reassemble_both_paragraphs(old, new):
    runs = word_changes(old, new)
    assert "".join(text for op, text in runs if op != "+") == old
    assert "".join(text for op, text in runs if op != "-") == new


def test_inserted_paragraphs_are_one_insert_block_each():
    blocks = diff_paragraphs(["a b c", "d e f"], ["a b c", "x y z", "p q r", "d e f"])
    assert [block.op for block in blocks] == ["equal", "insert", "insert", "equal"]


def test_a_similar_paragraph_is_a_replace_with_word_runs():
    old = ["The mayor said the budget would be 3 million dollars this year."]
    new = ["The mayor said the budget would be 4 million dollars this year."]
    (block,) = diff_paragraphs(old, new)
    assert block.op == "replace"
    assert ("-", "3") in block.words and ("+", "4") in block.words


def test_a_rewritten_paragraph_is_a_delete_and_an_insert():
    blocks = diff_paragraphs(["Completely different words here."], ["Nothing alike at all, friend."])
    assert sorted(block.op for block in blocks) == ["delete", "insert"]


def test_a_rewritten_phrase_is_one_change_not_a_run_per_word():
    runs = word_changes("Police said the quick brown fox escaped.", "Police said a slow red dog escaped.")
    assert runs == (
        ("=", "Police said "),
        ("-", "the quick brown fox"),
        ("+", "a slow red dog"),
        ("=", " escaped."),
    )


def cut_points(runs, side: str) -> list[int]:
    """Return where one side's text is cut between runs."""
    points, position = [], 0
    for op, text in runs:
        if op in ("=", side):
            position += len(text)
            points.append(position)
    return points[:-1]


@settings(max_examples=300)
@given(PARAGRAPH, PARAGRAPH)
def test_word_runs_only_cut_between_words_and_marks(old, new):
    runs = word_changes(old, new)
    for text, side in ((old, "-"), (new, "+")):
        for point in cut_points(runs, side):
            assert not (text[point - 1].isalnum() and text[point].isalnum()), (text, point)


def test_a_whole_sentence_rewrite_keeps_whole_words():
    runs = word_changes(
        "He was seen leaving the building at noon.", "She was arrested inside the office at dawn."
    )
    assert runs[:3] == (("-", "He"), ("+", "She"), ("=", " was "))


def test_a_moved_paragraph_is_one_move_block_with_both_places():
    old = ["first one here", "second one here", "third one here", "fourth one here"]
    new = ["second one here", "third one here", "fourth one here", "first one here"]
    blocks = diff_paragraphs(old, new)
    moves = [block for block in blocks if block.op == "move"]
    assert len(moves) == 1
    assert (moves[0].new, moves[0].from_index, moves[0].to_index) == ("first one here", 0, 3)
    assert not [block for block in blocks if block.op in ("insert", "delete")]


def test_title_and_byline_changes_are_reported_apart_from_paragraphs():
    old = ArticleText(title="Old headline", byline="A. Writer", paragraphs=("same text",))
    new = ArticleText(title="New headline", byline="B. Writer", paragraphs=("same text",))
    diff = diff_articles(old, new)
    assert (diff.title.old, diff.title.new) == ("Old headline", "New headline")
    assert (diff.byline.old, diff.byline.new) == ("A. Writer", "B. Writer")
    assert all(block.op == "equal" for block in diff.blocks)


def test_summary_counts_paragraphs_and_words():
    old = ArticleText("T", None, ("keep this one", "drop these three words", "the budget is 3 million"))
    new = ArticleText("T", None, ("keep this one", "the budget is 4 million", "a brand new paragraph here"))
    summary = diff_articles(old, new).summary
    assert (summary.paragraphs_added, summary.paragraphs_removed, summary.paragraphs_changed) == (1, 1, 1)
    assert summary.words_added == 5 + 1
    assert summary.words_removed == 4 + 1


def test_diff_from_the_empty_article_inserts_everything():
    diff = diff_articles(EMPTY, ArticleText("Title", None, ("one", "two")))
    assert [block.op for block in diff.blocks] == ["insert", "insert"]
    assert diff.title.new == "Title"


def test_folding_keeps_context_around_changes_and_as_asked_before_the_first():
    paragraphs = [f"paragraph {n} of the story" for n in range(12)]
    edited = [*paragraphs[:5], "paragraph 5 of the long story", *paragraphs[6:]]
    blocks = diff_paragraphs(paragraphs, edited)
    shape = [
        f"fold {len(item.blocks)}" if isinstance(item, Fold) else item.op
        for item in fold_unchanged(blocks, 2)
    ]
    assert shape == ["fold 3", "equal", "equal", "replace", "equal", "equal", "fold 4"]
    first = fold_unchanged(blocks, 2, leading=0)
    assert [type(item).__name__ for item in first[:2]] == ["Fold", "Block"] and len(first[0].blocks) == 5
