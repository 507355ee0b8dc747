"""A deterministic corpus of article pages, each loaded many times, with a manifest of what every
load changed: noise (must not make a version) or a real edit (must make exactly one, with exactly
this change). Standard library only; seeded; built in memory.

    from tests.data.corpus import load_corpus
    corpus = load_corpus()
"""

from __future__ import annotations

from functools import lru_cache

from tests.data.corpus.model import Corpus, ExpectedArticle, ExpectedChange, Page, Version

__all__ = ["Corpus", "ExpectedArticle", "ExpectedChange", "Page", "Version", "load_corpus"]


@lru_cache(maxsize=1)
def load_corpus() -> Corpus:
    """Return the corpus (built once per process; identical in every process)."""
    from tests.data.corpus.build import build_corpus

    return build_corpus()
