"""The page templates: each renders (article, chrome) as one kind of real news site would."""

from __future__ import annotations

from types import ModuleType

from tests.data.corpus.templates import (
    amp,
    bbc,
    broadsheet,
    localnews,
    magazine,
    newsletter,
    tech,
    wire,
    wordpress,
)

TEMPLATES: tuple[ModuleType, ...] = (
    wordpress,
    broadsheet,
    bbc,
    newsletter,
    amp,
    localnews,
    tech,
    wire,
    magazine,
)
