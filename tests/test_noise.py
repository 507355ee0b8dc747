"""Each rule that removes churn from inside an article body, with text it must keep."""

from __future__ import annotations

import pytest

from tracker.domain.noise import clean_blocks, is_noise_block, without_noise_phrases


@pytest.mark.parametrize(
    "text",
    [
        "Advertisement",
        "ADVERTISEMENT",
        "[Advertisement]",
        "Story continues below advertisement",
        "Sponsored content",
        "READ MORE: Why the council voted against the bypass",
        "Related: Five things to know about the budget",
        "Also read: The mayor's full statement",
        "RELATED STORIES: Budget row deepens",
        "RELATED STORY: Greyhaven mosaic is 'most important find in a generation'",
        "Related coverage: The budget in charts",
        "See also: earlier coverage",
        "3 hours ago",
        "Updated 35 minutes ago",
        "Just now",
        "1,234 comments",
        "5.2K shares",
        "Comments (34)",
        "Updated 2 hours ago | 5.2K shares",
        "Last Updated on March 4, 2026 by Editor",
        "Published: 2 March 2026, 14:05 GMT",
        "Updated: Mar. 5, 2026 at 2:55 p.m. ET",
    ],
)
def test_noise_blocks_are_dropped(text: str):
    assert is_noise_block(text)


def test_a_short_block_that_is_one_link_to_another_story_is_a_teaser():
    assert is_noise_block("Council leader quits after budget row", link_share=1.0)


@pytest.mark.parametrize(
    "text",
    [
        "According to a report by Reuters, the company will cut 300 jobs in the region by the end of the year.",
        "More than 300 people came to the meeting.",
        "The mayor said 3 hours ago that the vote would happen.",
        "Updated on March 5 to add a statement given to MUO by an AWS spokesperson.",
        "Update, March 2, 2:55 p.m.: This story has been updated with comment from the mayor.",
        "Read the full report here.",
        "Advertisements for the new scheme will run until May.",
        "The comments section was closed after 1,234 comments were posted overnight, the editor said.",
    ],
)
def test_real_paragraphs_are_kept_even_with_links_numbers_and_times(text: str):
    assert not is_noise_block(text, link_share=0.2)
    assert without_noise_phrases(text) == text


def test_a_link_that_is_a_real_source_in_a_long_paragraph_is_kept():
    text = " ".join(
        ["The council's own figures, published in a report on Monday, show the deficit grew."] * 3
    )
    assert not is_noise_block(text, link_share=0.9)  # too long to be a teaser


def test_a_short_linked_sentence_that_ends_with_a_full_stop_is_prose():
    assert not is_noise_block("The full report, published on January 2, runs to 40 pages.", link_share=0.98)
    assert is_noise_block("The full report runs to 40 pages", link_share=1.0)


def test_noise_fragments_are_cut_out_of_bylines_and_datelines():
    assert without_noise_phrases("By Jane Doe · Updated 35 minutes ago · 1,234 comments") == "By Jane Doe"
    assert without_noise_phrases("Politics | 3 hours ago") == "Politics"


def test_clean_blocks_applies_the_sites_ignore_patterns():
    import re

    blocks = [("Sign up for our newsletter!", 0.0), ("The vote was 5 to 4. (Reporting by Jane Doe)", 0.0)]
    assert clean_blocks(
        blocks, (re.compile(r"sign up for our newsletter!?", re.I), re.compile(r"\(Reporting by [^)]*\)"))
    ) == ["The vote was 5 to 4."]
