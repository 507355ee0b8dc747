"""Each change label, with a case where it applies and one where it must not."""

from __future__ import annotations

import pytest

from tracker.domain.diff import EMPTY, ArticleText, Summary, diff_articles
from tracker.domain.labels import VersionFacts, change_labels, summary_line

BASE = (
    "The council approved the budget on Tuesday after a long debate.",
    "The plan includes 3 million dollars for road repairs across the district.",
    "Residents will be able to comment until the end of the month.",
)
FACTS = VersionFacts(old_exists=True)


def labels_for(new_paragraphs, *, title="Budget approved", byline="Jane Reporter", facts=FACTS, old=BASE):
    old_text = ArticleText("Budget approved", "Jane Reporter", tuple(old))
    return change_labels(diff_articles(old_text, ArticleText(title, byline, tuple(new_paragraphs))), facts)


@pytest.mark.parametrize(
    "note",
    [
        "Updated on March 5 to add a statement given to MUO by an AWS spokesperson.",
        "Update: the vote was delayed.",
        "UPDATE (3 p.m.): officials confirmed the figure.",
        "Editor's note: this story has been updated.",
        "Clarification: an earlier version misnamed the district.",
        "Correction: the budget is 3 million, not 4.",
        "This article has been updated with a response from the council.",
        "Aktualisiert: Die Abstimmung wurde verschoben.",
        "Mise à jour : le vote a été reporté.",
    ],
)
def test_update_note_added(note):
    assert "update_note_added" in labels_for([note, *BASE])


def test_a_paragraph_merely_starting_with_updated_figures_is_not_a_note():
    assert "update_note_added" not in labels_for(
        [*BASE, "Updated figures from the treasury were not available."]
    )


def test_correction_added_only_for_corrections():
    assert "correction_added" in labels_for([*BASE, "Correction: an earlier version misstated the amount."])
    assert "correction_added" not in labels_for([*BASE, "Update: the vote was delayed to Friday."])


def test_headline_and_byline_changes():
    labels = labels_for(BASE, title="Budget approved after all-night debate", byline="John Editor")
    assert {"headline_changed", "byline_changed"} <= set(labels)
    assert not {"headline_changed", "byline_changed"} & set(labels_for([*BASE, "Update: more to come."]))


def test_quote_added_by_quotation_marks_or_a_speech_introduction():
    quoted = [*BASE, "“We are proud of this budget and what it will do for the district,” the mayor said."]
    introduced = [
        *BASE,
        "A council spokesperson told the Daily Test:",
        "There is no merit to these claims at all.",
    ]
    assert "quote_added" in labels_for(quoted)
    assert "quote_added" in labels_for(introduced)
    assert "quote_added" not in labels_for([*BASE, "The meeting ended at midnight."])


def test_numbers_changed_when_a_figure_in_a_paragraph_changes():
    changed = [BASE[0], BASE[1].replace("3 million", "4 million"), BASE[2]]
    assert "numbers_changed" in labels_for(changed)
    assert "numbers_changed" not in labels_for([BASE[0], BASE[1].replace("road", "street"), BASE[2]])


def test_paragraphs_removed():
    assert "paragraphs_removed" in labels_for(BASE[:2])
    assert "paragraphs_removed" not in labels_for([*BASE, "One more."])


def test_stealth_edit_is_a_substantive_unannounced_change():
    changed = [BASE[0], BASE[1].replace("3 million", "4 million"), BASE[2]]
    assert "stealth_edit" in labels_for(changed)
    announced = [*changed, "Correction: the amount was wrong in an earlier version."]
    assert "stealth_edit" not in labels_for(announced)
    dated = VersionFacts(old_exists=True, old_modified="2021-03-03", new_modified="2021-03-05")
    assert "stealth_edit" not in labels_for(changed, facts=dated)
    assert "stealth_edit" not in labels_for([BASE[0], BASE[1].replace("road", "street"), BASE[2]])  # one word


def test_reverted_names_the_earlier_version():
    assert "reverted" in labels_for(BASE[:2], facts=VersionFacts(old_exists=True, reverted_to=1))
    assert "reverted" not in labels_for(BASE[:2])


def test_the_first_version_has_no_labels():
    diff = diff_articles(EMPTY, ArticleText("T", None, BASE))
    assert change_labels(diff, VersionFacts(old_exists=False)) == []


def test_summary_line_reads_like_a_sentence():
    old = ArticleText("T", None, BASE)
    new = ArticleText("T", None, ("Update: more.", *BASE, "A closing paragraph here."))
    diff = diff_articles(old, new)
    assert (
        summary_line(diff.summary, change_labels(diff, FACTS))
        == "2 paragraphs added: 6 words added; update note added"
    )


@pytest.mark.parametrize(
    ("counts", "labels", "line"),
    [
        ((0, 0, 2, 0, 26, 28), (), "2 paragraphs changed: 26 words added, 28 removed"),
        (
            (0, 0, 1, 0, 1, 1),
            ("numbers_changed",),
            "1 paragraph changed: 1 word added, 1 removed; numbers changed",
        ),
        ((1, 1, 0, 1, 12, 30), (), "1 paragraph added, 1 removed, 1 moved: 12 words added, 30 removed"),
        (
            (0, 3, 0, 0, 0, 95),
            ("paragraphs_removed",),
            "3 paragraphs removed: 95 words removed; paragraphs removed",
        ),
        ((0, 0, 0, 2, 0, 0), (), "2 paragraphs moved"),
        ((0, 0, 0, 0, 0, 0), ("headline_changed",), "no change to the paragraphs; headline changed"),
        ((0, 0, 0, 0, 0, 0), (), "no change to the paragraphs"),
    ],
)
def test_summary_line_counts_in_plain_words_singular_and_plural(counts, labels, line):
    assert summary_line(Summary(*counts), labels) == line


def test_summary_line_counts_chinese_by_character():
    old = ArticleText("标题", None, ("市议会周二通过了预算。", "居民可以在月底前发表意见。"))
    new = ArticleText("标题", None, ("市议会周三通过了新预算。", "居民可以在月底前发表意见。"))
    diff = diff_articles(old, new)
    # 二 became 三 and 新 was added: each character is a word
    assert summary_line(diff.summary, []) == "1 paragraph changed: 2 words added, 1 removed"


def test_headline_test_when_only_the_headline_flips_back_to_an_earlier_one():
    flipped_back = VersionFacts(old_exists=True, earlier_titles=frozenset({"Budget approved"}))
    old = ArticleText("Budget passes", "Jane Reporter", BASE)
    new = ArticleText("Budget approved", "Jane Reporter", BASE)
    assert "headline_test" in change_labels(diff_articles(old, new), flipped_back)
    assert "headline_test" not in change_labels(diff_articles(old, new), FACTS)  # a new headline
    edited = ArticleText("Budget approved", "Jane Reporter", (*BASE, "More text."))
    assert "headline_test" not in change_labels(diff_articles(old, edited), flipped_back)
