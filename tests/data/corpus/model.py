"""The values the corpus hands out: pages, their versions, and what each version should read as."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ExpectedArticle:
    """The article a reader sees: headline, byline, and the body's blocks in order (plain text)."""

    title: str
    byline: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ExpectedChange:
    """How a real edit changed the article text, relative to the previous version's article.

    title/byline are (old, new) or None when unchanged; inserted/deleted/moved hold block texts;
    changed holds (old, new) pairs of one block each.
    """

    title: tuple[str, str] | None
    byline: tuple[str, str] | None
    inserted: tuple[str, ...]
    deleted: tuple[str, ...]
    changed: tuple[tuple[str, str], ...]
    moved: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Version:
    """One load of a page: its HTML, what edit made it (None for version 0) and the expected article."""

    number: int
    html: str
    kind: str | None  # None | "noise" | "real"
    edit: str | None
    expected: ExpectedArticle
    change: ExpectedChange | None
    detail: str = ""  # a short human note on what exactly the edit did (for the manifest)


@dataclass(frozen=True, slots=True)
class Page:
    name: str
    template: str
    split: str  # "tuned" | "held_out"
    url: str
    topic: str
    versions: tuple[Version, ...]


@dataclass(frozen=True, slots=True)
class Corpus:
    pages: tuple[Page, ...]

    def page(self, name: str) -> Page:
        """Return the page called name."""
        return next(page for page in self.pages if page.name == name)
