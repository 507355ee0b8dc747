"""How the tracker reads the corpus: each version extracted, each load judged against the last
version the tracker would have kept. Shared by tests/test_corpus.py and bench/extraction.py."""

from __future__ import annotations

from dataclasses import dataclass

from tests.data.corpus import ExpectedChange, Page
from tracker.domain.diff import ArticleText, TextDiff, diff_articles
from tracker.domain.extract import extract_article
from tracker.domain.normalize import clean_text, content_hash


@dataclass(frozen=True, slots=True)
class Judged:
    """One load after the first: what it was, and what the tracker made of it."""

    page: Page
    number: int
    new_version: bool  # the content hash changed
    shown: ExpectedChange | None  # what the diff showed, when there was a new version
    expected: ExpectedChange | None  # what it should show (real edits only), texts cleaned

    @property
    def kind(self) -> str:
        return self.page.versions[self.number].kind or ""

    @property
    def exact(self) -> bool:
        """The diff shows exactly the edit (the byline only as changed or not: its separators vary)."""
        shown, expected = self.shown, self.expected
        return (
            shown is not None
            and expected is not None
            and (shown.title, shown.inserted, shown.deleted, shown.changed, shown.moved)
            == (expected.title, expected.inserted, expected.deleted, expected.changed, expected.moved)
            and (shown.byline is None) == (expected.byline is None)
        )


def judge_page(page: Page) -> list[Judged]:
    """Return every load after the first, judged."""

    def read(number: int) -> ArticleText:
        article = extract_article(page.versions[number].html, page.url)
        return ArticleText(article.title, article.byline, article.paragraphs)

    latest, judged = read(0), []
    for version in page.versions[1:]:
        current = read(version.number)
        new = fingerprint(current) != fingerprint(latest)
        judged.append(
            Judged(
                page=page,
                number=version.number,
                new_version=new,
                shown=shown_change(diff_articles(latest, current)) if new else None,
                expected=cleaned(version.change) if version.change else None,
            )
        )
        if new:
            latest = current
    return judged


def fingerprint(text: ArticleText) -> str:
    return content_hash(text.title, text.byline, text.paragraphs)


def shown_change(diff: TextDiff) -> ExpectedChange:
    """Return what the diff shows, in the corpus's terms."""
    blocks = diff.blocks
    return ExpectedChange(
        title=(diff.title.old or "", diff.title.new or "") if diff.title else None,
        byline=(diff.byline.old or "", diff.byline.new or "") if diff.byline else None,
        inserted=tuple(block.new or "" for block in blocks if block.op == "insert"),
        deleted=tuple(block.old or "" for block in blocks if block.op == "delete"),
        changed=tuple((block.old or "", block.new or "") for block in blocks if block.op == "replace"),
        moved=tuple(block.new or "" for block in blocks if block.op == "move"),
    )


def cleaned(change: ExpectedChange) -> ExpectedChange:
    """Return the expected change with its texts cleaned as extraction cleans them."""
    return ExpectedChange(
        title=change.title,
        byline=change.byline,
        inserted=tuple(map(clean_text, change.inserted)),
        deleted=tuple(map(clean_text, change.deleted)),
        changed=tuple((clean_text(old), clean_text(new)) for old, new in change.changed),
        moved=tuple(map(clean_text, change.moved)),
    )
