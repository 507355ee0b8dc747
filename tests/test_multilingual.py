"""The tracker in every language (issue 15), on the multilingual corpus (tests/data/multilingual):
news pages in Chinese, Japanese, Korean, Thai, Arabic, Hebrew, Russian, Hindi, German, French,
Spanish and Portuguese, each with its own language's page furniture, loaded many times.

(a) noise never makes a version, and each real edit makes one whose diff shows exactly the edit
    (judged as tests/test_corpus.py judges the English corpus);
(b) a one-character, one-word or number edit is one changed paragraph whose marks cover the edit
    and no more than the tokens it touched (characters of scripts written without spaces, words of
    the others), worked out from the edit's own data;
(c) each kind of edit gets its label, and none gets paragraphs_removed, numbers_changed or a note
    label it did not earn;
(d) every page's first load reads as its headline, its author and its paragraphs.

(b) and (c) diff each real edit against the load just before it, which has the same furniture:
they judge the diff and the labels even on a page whose noise is not yet removed. Both splits are
tested; the rules must be tuned on `tuned` pages only.
"""

from __future__ import annotations

from functools import cache

import pytest
import regex

from tests.data.corpus import Page
from tests.data.corpus.scoring import judge_page
from tests.data.multilingual import load_fragments, load_pages, load_sources
from tests.data.multilingual.build import FRAGMENT_EDITS, Fragment
from tracker.domain.diff import ArticleText, TextDiff, diff_articles
from tracker.domain.errors import ExtractError
from tracker.domain.extract import ExtractedArticle, extract_article
from tracker.domain.labels import VersionFacts, change_labels
from tracker.domain.normalize import clean_text

PAGES = load_pages()
BY_NAME = {page.name: page for page in PAGES}
IDS = [f"{page.split}-{page.name}" for page in PAGES]

# What a diff token is, by the rule of the issue: each character (grapheme cluster) of a script
# written without spaces; a whole word (a number with its separators) of any other script.
SPACELESS = r"\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}"
SPACED_CHAR = rf"[\w--[{SPACELESS}]]"
TOKEN = regex.compile(
    rf"(?=[[{SPACELESS}]&&[\p{{L}}\p{{N}}]])\X"
    r"|\d+(?:[.,．，٫٬]\d+)+"
    rf"|{SPACED_CHAR}+(?:['’]{SPACED_CHAR}+)*"
    r"|\s+|\X",
    regex.VERSION1,
)

LABELS = {
    "update_note": {"update_note_added"},
    "correction": {"update_note_added", "correction_added"},
    "quote": {"quote_added"},
    "number": {"numbers_changed"},
    "headline": {"headline_changed"},
    "removed": {"paragraphs_removed"},
}


@cache
def extracted(name: str, number: int) -> ExtractedArticle | ExtractError:
    """Return load `number` of page `name` as extracted (or the error), once per process."""
    page = BY_NAME[name]
    try:
        return extract_article(page.versions[number].html, page.url)
    except ExtractError as error:
        return error


def text_of(article: ExtractedArticle) -> ArticleText:
    return ArticleText(
        article.title, article.byline, article.paragraphs, article.published_at, article.modified_at
    )


def edit_diff(page: Page, number: int) -> tuple[TextDiff, VersionFacts] | str:
    """Return the diff from the load before a real edit to the edit, and the labels' facts (or why not)."""
    old, new = extracted(page.name, number - 1), extracted(page.name, number)
    for which, article in ((number - 1, old), (number, new)):
        if isinstance(article, ExtractError):
            return f"v{which} does not extract: {article}"
    assert isinstance(old, ExtractedArticle) and isinstance(new, ExtractedArticle)
    facts = VersionFacts(old_exists=True, old_modified=old.modified_at, new_modified=new.modified_at)
    return diff_articles(text_of(old), text_of(new)), facts


def real_loads(page: Page, edits: tuple[str, ...] | None = None) -> list[int]:
    return [
        version.number
        for version in page.versions
        if version.kind == "real" and (edits is None or version.edit in edits)
    ]


# -- (a) -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_noise_never_makes_a_version_and_each_real_edit_shows_exactly(page: Page):
    problems = []
    for load in judge_page(page):
        version = page.versions[load.number]
        label = f"v{load.number} {version.kind} {version.edit}"
        if load.kind == "noise" and load.new_version:
            problems.append(f"{label} ({version.detail}) made a false version: {load.shown}")
        elif load.kind == "real" and not load.new_version:
            problems.append(f"{label} was missed")
        elif load.kind == "real" and not load.exact:
            problems.append(f"{label}: shown {load.shown} != expected {load.expected}")
    assert not problems, "\n".join(problems)


# -- (b) -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_small_edits_mark_exactly_the_changed_tokens(page: Page):
    fragments = load_fragments()
    problems = []
    for number in real_loads(page, FRAGMENT_EDITS):
        label = f"v{number} {page.versions[number].edit}"
        found = edit_diff(page, number)
        if isinstance(found, str):
            problems.append(f"{label}: {found}")
            continue
        problem = mark_problem(found[0], fragments[(page.name, number)])
        if problem:
            problems.append(f"{label}: {problem}")
    assert not problems, "\n".join(problems)


def mark_problem(diff: TextDiff, fragment: Fragment) -> str | None:
    """Return what is wrong with the diff of a small edit, or None: it must be one replace block
    whose "-" marks lie within the allowed span of the old paragraph and cover the changed
    characters, and likewise its "+" marks in the new one."""
    blocks = [block for block in diff.blocks if block.op != "equal"]
    if diff.title or len(blocks) != 1 or blocks[0].op != "replace":
        ops = [block.op for block in blocks] + (["title"] if diff.title else [])
        return f"expected one replace block, got {ops}"
    block = blocks[0]
    old, new = clean_text(fragment.old_paragraph), clean_text(fragment.new_paragraph)
    if (block.old, block.new) != (old, new):
        return f"the replace block pairs {block.old!r} with {block.new!r}"
    words = block.words or ()
    if "".join(t for op, t in words if op != "+") != old or "".join(t for op, t in words if op != "-") != new:
        return f"the marks do not join back to the paragraphs: {words}"
    deleted, inserted = marked(words)
    spans = allowed_spans(old, new, clean_text(fragment.old), clean_text(fragment.new))
    (old_lo, old_hi), (new_lo, new_hi) = spans["allowed"]
    within = all(old_lo <= i < old_hi for i in deleted) and all(new_lo <= i < new_hi for i in inserted)
    covers = any(
        set(range(*old_core)) <= deleted and set(range(*new_core)) <= inserted
        for old_core, new_core in spans["cores"]
    )
    if within and covers:
        return None
    shown = f"-{runs(words, '-')} +{runs(words, '+')}"
    allowed = f"-{old[old_lo:old_hi]!r} +{new[new_lo:new_hi]!r}"
    return f"marks {shown}; expected {fragment.old!r} -> {fragment.new!r} (at most {allowed})"


def marked(words: tuple[tuple[str, str], ...]) -> tuple[set[int], set[int]]:
    """Return the offsets of the marked characters: "-" ones in the old text, "+" ones in the new."""
    deleted: set[int] = set()
    inserted: set[int] = set()
    at_old = at_new = 0
    for op, text in words:
        if op == "-":
            deleted.update(range(at_old, at_old + len(text)))
        if op == "+":
            inserted.update(range(at_new, at_new + len(text)))
        at_old += len(text) if op != "+" else 0
        at_new += len(text) if op != "-" else 0
    return deleted, inserted


def runs(words: tuple[tuple[str, str], ...], op: str) -> list[str]:
    return [text for kind, text in words if kind == op]


def allowed_spans(old: str, new: str, old_fragment: str, new_fragment: str) -> dict[str, list]:
    """Return the changed characters of each side ("cores": both alignments, when the common
    prefix and suffix overlap) and the widest span marks may take ("allowed"): the tokens those
    characters touch, or the fragment the edit names, whichever is wider, plus a space at each end."""
    cores = []
    for prefix_first in (True, False):
        if prefix_first:
            start = common_length(old, new)
            end = common_length(old[start:][::-1], new[start:][::-1])
        else:
            end = common_length(old[::-1], new[::-1])
            start = common_length(old[: len(old) - end], new[: len(new) - end])
        cores.append(((start, len(old) - end), (start, len(new) - end)))
    allowed = []
    for side, (text, fragment) in enumerate(((old, old_fragment), (new, new_fragment))):
        spans = [token_span(text, *core[side]) for core in cores]
        if text.count(fragment) == 1:
            at = text.index(fragment)
            spans.append((at, at + len(fragment)))
        lo, hi = min(lo for lo, _hi in spans), max(hi for _lo, hi in spans)
        lo -= 1 if lo > 0 and text[lo - 1].isspace() else 0
        hi += 1 if hi < len(text) and text[hi].isspace() else 0
        allowed.append((lo, hi))
    return {"cores": cores, "allowed": allowed}


def common_length(a: str, b: str) -> int:
    length = 0
    while length < min(len(a), len(b)) and a[length] == b[length]:
        length += 1
    return length


def token_span(text: str, lo: int, hi: int) -> tuple[int, int]:
    """Return [lo, hi) grown to whole tokens (an empty span: the token around it, if any)."""
    for match in TOKEN.finditer(text):
        start, end = match.span()
        if (start < hi and end > lo) or start < lo < end:
            lo, hi = min(lo, start), max(hi, end)
    return lo, hi


# -- (c) -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_each_edit_gets_its_labels_and_no_unearned_ones(page: Page):
    problems = []
    for number in real_loads(page):
        edit = page.versions[number].edit or ""
        found = edit_diff(page, number)
        if isinstance(found, str):
            problems.append(f"v{number} {edit}: {found}")
            continue
        labels = set(change_labels(*found))
        missing = LABELS.get(edit, set()) - labels
        unearned = {"paragraphs_removed"} if edit != "removed" else set()
        unearned |= {"numbers_changed"} if edit in ("one_character", "one_word") else set()
        unearned |= {"update_note_added", "correction_added"} - LABELS.get(edit, set())
        wrong = labels & unearned
        if missing or wrong:
            problems.append(
                f"v{number} {edit}: labels {sorted(labels)}"
                + (f", missing {sorted(missing)}" if missing else "")
                + (f", unearned {sorted(wrong)}" if wrong else "")
            )
    assert not problems, "\n".join(problems)


# -- (d) -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_first_load_reads_as_the_article(page: Page):
    article = extracted(page.name, 0)
    assert not isinstance(article, ExtractError), f"v0 does not extract: {article}"
    expected = page.versions[0].expected
    paragraphs = tuple(map(clean_text, expected.paragraphs))
    source = load_sources()[page.name]
    author = clean_text(source.get("author", source["byline"]))  # what the page's meta tags name
    problems = []
    if article.title != expected.title:
        problems.append(f"headline {article.title!r} != {expected.title!r}")
    if article.byline != author:
        problems.append(f"byline {article.byline!r} != {author!r}")
    extra = [text for text in article.paragraphs if text not in paragraphs]
    missing = [text for text in paragraphs if text not in article.paragraphs]
    if extra:
        problems.append(f"not article text: {extra}")
    if missing:
        problems.append(f"missing paragraphs: {missing}")
    if not extra and not missing and article.paragraphs != paragraphs:
        problems.append(f"paragraphs out of order or repeated: {article.paragraphs}")
    assert not problems, "\n".join(problems)
