"""The extractor on the corpus (tests/data/corpus): 45 article pages from nine site templates, each
loaded several times. Every load that only churned (ads, counters, times, nonces, in-body teasers,
a full reload) must keep the content hash; every real edit must change it, and the diff between the
two extractions must show exactly the edit. Both splits are tested; the rules were tuned on the
`tuned` pages only, and `bench/extraction.py` reports the two splits apart."""

from __future__ import annotations

import pytest

from tests.data.corpus import Page, load_corpus
from tests.data.corpus.scoring import judge_page

PAGES = load_corpus().pages


@pytest.mark.parametrize("page", PAGES, ids=[f"{page.split}-{page.name}" for page in PAGES])
def test_noise_never_makes_a_version_and_each_real_edit_shows_exactly(page: Page):
    for load in judge_page(page):
        version = page.versions[load.number]
        label = f"v{load.number} {version.kind} {version.edit}"
        if load.kind == "noise":
            assert not load.new_version, f"{label} made a false version"
        else:
            assert load.new_version, f"{label} was missed"
            assert load.exact, f"{label}: {load.shown} != {load.expected}"
