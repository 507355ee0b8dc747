"""Diffs in every script: marks as tight in Chinese, Thai or German as in English, and never
inside a grapheme cluster (tracker.domain.textunits)."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.domain import textunits
from tracker.domain.diff import ArticleText, diff_articles, word_changes
from tracker.domain.textunits import count_words, tokens

# Pieces of text from many scripts, including clusters that must never be cut: combining marks,
# a Devanagari conjunct, an emoji family (joined by ZWJ), a flag, Thai with its vowel marks.
PIECES = st.sampled_from(
    [
        "经济",
        "增长",
        "略",
        "高于",
        "。",
        "，",
        "３１．２",
        "ラーメン",
        "を",
        "食べた",
        "ภาษา",
        "ที่",
        "ดี",
        "क्षत्रिय",
        "नमस्ते",
        "e\u0301té",
        "👨\u200d👩\u200d👧",
        "🇩🇪",
        "Neuverschuldung",
        ".",
        " ",
        "«",
        "»",
        "٣٫٥",
        "مرحبا",
        "שלום",
    ]
)
MIXED = st.lists(PIECES, min_size=1, max_size=14).map("".join)


def marked(runs: tuple[tuple[str, str], ...], side: str) -> str:
    return "".join(text for op, text in runs if op == side)


def boundaries(text: str) -> set[int]:
    """Return the offsets between grapheme clusters."""
    offsets, position = {0}, 0
    for cluster in regex.findall(r"\X", text):
        position += len(cluster)
        offsets.add(position)
    return offsets


@settings(max_examples=300)
@given(MIXED, MIXED)
def test_runs_join_back_and_never_cut_a_grapheme_cluster(old, new):
    runs = word_changes(old, new)
    assert "".join(text for op, text in runs if op != "+") == old
    assert "".join(text for op, text in runs if op != "-") == new
    for text, side in ((old, "-"), (new, "+")):
        position = 0
        for op, piece in runs:
            if op in ("=", side):
                position += len(piece)
                assert position in boundaries(text), (text, position)


def test_a_two_character_chinese_edit_marks_only_those_characters():
    runs = word_changes("央行表示，第三季度增长率略高于预期。", "央行表示，第三季度增长率明显高于预期。")
    assert (marked(runs, "-"), marked(runs, "+")) == ("略", "明显")


def test_a_fullwidth_figure_changes_as_one_number():
    runs = word_changes("增长率为３１．２％。", "增长率为３２．４％。")
    assert (marked(runs, "-"), marked(runs, "+")) == ("３１．２", "３２．４")


def test_punctuation_is_a_token_of_its_own_in_spaced_scripts():
    runs = word_changes("Der Bund plant eine Neuverschuldung.", "Der Bund plant eine Neuverschuldung scharf.")
    assert runs == (("=", "Der Bund plant eine Neuverschuldung"), ("+", " scharf"), ("=", "."))


def test_a_thai_word_changes_without_touching_its_neighbours():
    runs = word_changes("รัฐบาลประกาศงบประมาณใหม่วันนี้", "รัฐบาลประกาศงบประมาณพิเศษวันนี้")
    assert (marked(runs, "-"), marked(runs, "+")) == ("ใหม่", "พิเศษ")


def test_an_edited_chinese_paragraph_is_one_replace_not_a_deletion_and_an_insertion():
    paragraphs = (
        "国家统计局周三公布的数据显示，今年第三季度国内生产总值同比增长略高于市场预期。",
        "分析人士指出，消费回暖和出口韧性是拉动经济的主要因素，但房地产投资仍在下滑。",
        "央行表示将继续实施稳健的货币政策，保持流动性合理充裕。",
        "多家机构上调了全年增长预测，认为四季度仍有望延续回升态势。",
    )
    edited = (
        paragraphs[0].replace("略高于", "明显高于"),
        *paragraphs[1:3],
        paragraphs[3].replace("多家", "三家"),
    )
    diff = diff_articles(ArticleText("标题", None, paragraphs), ArticleText("标题", None, edited))
    assert [block.op for block in diff.blocks] == ["replace", "equal", "equal", "replace"]
    assert marked(diff.blocks[0].words or (), "+") == "明显"
    assert (diff.summary.paragraphs_removed, diff.summary.paragraphs_added) == (0, 0)


def test_a_headline_that_gains_words_marks_only_them():
    diff = diff_articles(
        ArticleText("Regierung plant Neuverschuldung", "Von Anna Schmidt", ()),
        ArticleText(
            "Regierung plant trotz Kritik scharfe Neuverschuldung", "Von Anna Schmidt und Jan Roth", ()
        ),
    )
    assert diff.title is not None and diff.byline is not None
    assert marked(diff.title.words or (), "-") == ""
    assert marked(diff.title.words or (), "+").split() == ["trotz", "Kritik", "scharfe"]
    assert marked(diff.byline.words or (), "+").strip() == "und Jan Roth"


def test_change_sizes_count_characters_of_scripts_without_spaces():
    diff = diff_articles(
        ArticleText("T", None, ("第三季度增长率略高于预期。",)),
        ArticleText("T", None, ("第三季度增长率明显高于预期。", "新增一段共八个字。")),
    )
    assert (diff.summary.words_added, diff.summary.words_removed) == (2 + 8, 1)


def test_words_are_counted_fairly_across_scripts():
    assert count_words("The council approved 3.5 million.") == 5
    assert count_words("市议会批准了三百五十万。") == 11  # each character; punctuation is no word
    assert count_words("ラーメンを食べた") == 8
    assert count_words("서울시가 예산을 승인했다") == 3  # Hangul separates words with spaces
    assert count_words("क्षत्रिय नमस्ते") == 2
    assert count_words("👨\u200d👩\u200d👧 — ?") == 0


def test_tokens_give_the_text_back():
    text = "«Il a dit : 3,5 %» 央行表示，略高于预期 👨\u200d👩\u200d👧 O'Brien’s"
    assert "".join(tokens(text)) == text
    assert " O'Brien’s" in tokens(text)  # a word keeps its apostrophes, and the space before it


SIMPLE_PIECES = st.sampled_from(
    ["The", " ", "council", "’s", "don't", "3.5", "1,200", "—", "“", "”", ".", ",", "央行", "表示", "，", "。",
     "ラーメン", "々", "「", "」", "３１．２", "％", "iPhone", "\n", "  ", "_x", "O'Brien", "€12"]
)  # fmt: skip


@settings(max_examples=500)
@given(st.lists(SIMPLE_PIECES, min_size=1, max_size=20).map("".join))
def test_the_fast_engine_cuts_simple_text_as_the_grapheme_engine_does(text):
    assert textunits.NEEDS_GRAPHEMES.search(text) is None
    assert textunits.SIMPLE_TOKEN.findall(text) == textunits.TOKEN.findall(text)


@settings(max_examples=500)
@given(st.lists(SIMPLE_PIECES, min_size=1, max_size=20).map("".join), MIXED)
def test_each_encoded_character_stands_for_exactly_one_token(simple, mixed):
    for old, new in ((simple, simple[::-1]), (mixed, simple), (simple + "\U000f0001", mixed)):
        code = textunits.encoded(old, new)
        assert code is not None
        for text, symbols in ((old, code.old), (new, code.new)):
            assert [code.decode(symbol) for symbol in symbols] == list(tokens(text))


@given(MIXED)
def test_counting_never_fails_and_spaces_count_nothing(text):
    assert count_words(text + " ") == count_words(text) == count_words(" " + text + " \n ")
