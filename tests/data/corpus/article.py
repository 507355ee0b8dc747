"""The article itself, independent of any page around it: headline, authors and body blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tests.data.corpus.model import ExpectedArticle
from tests.data.corpus.text import plain


@dataclass(frozen=True, slots=True)
class Block:
    """One element of the body: a paragraph, a heading, a list (one block per item) or a quote
    (one block per paragraph). parts hold inline HTML."""

    kind: str  # p | h2 | h3 | ul | ol | quote
    parts: tuple[str, ...]
    role: str = ""  # "" | note | quote_intro | quote | signoff | added: lets templates style notes

    def texts(self) -> tuple[str, ...]:
        return tuple(plain(part) for part in self.parts)


@dataclass(frozen=True, slots=True)
class ArticleState:
    title: str
    authors: tuple[str, ...]
    blocks: tuple[Block, ...]
    dek: str
    section: str
    tags: tuple[str, ...]
    published: datetime
    modified: datetime
    slug: str
    image: str
    quote_style: str  # ascii | unicode | entity
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def byline(self) -> str:
        return join_names(self.authors)

    def paragraphs(self) -> tuple[str, ...]:
        return tuple(text for block in self.blocks for text in block.texts())

    def expected(self) -> ExpectedArticle:
        return ExpectedArticle(title=self.title, byline=self.byline, paragraphs=self.paragraphs())

    def text_of_first_paragraph(self) -> str:
        return next(block.texts()[0] for block in self.blocks if block.kind == "p")


def join_names(names: tuple[str, ...]) -> str:
    """Return "A", "A and B" or "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
