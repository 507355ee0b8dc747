"""The multilingual corpus: news pages in many languages and scripts (one PAGE module each, see
FORMAT.md), each rendered with its language's page furniture and loaded many times: noise loads
that must not make a version, and real edits that must show exactly. Standard library only;
deterministic; built in memory. Pages and versions are the English corpus's model
(tests/data/corpus/model.py), so tests/data/corpus/scoring.py judges them as it judges that corpus.

    from tests.data.multilingual import load_pages
    pages = load_pages()
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from tests.data.corpus.model import Corpus, Page

if TYPE_CHECKING:
    from tests.data.multilingual.build import Fragment, Multilingual

__all__ = ["load_corpus", "load_fragments", "load_pages", "load_sources"]


@lru_cache(maxsize=1)
def built() -> Multilingual:
    """Return the whole build (once per process; identical in every process)."""
    from tests.data.multilingual.build import build_corpus

    return build_corpus()


def load_corpus() -> Corpus:
    """Return the pages as a Corpus, so that tools made for tests/data/corpus take it as it is."""
    return built().corpus


def load_pages() -> tuple[Page, ...]:
    """Return every page, the tuned ones first."""
    return built().corpus.pages


def load_fragments() -> Mapping[tuple[str, int], Fragment]:
    """Return {(page name, version number): Fragment} for the one_character, one_word and number edits."""
    return built().fragments


def load_sources() -> Mapping[str, dict[str, Any]]:
    """Return {page name: its PAGE dict}."""
    return built().sources
