"""Per-site extraction rules: which parts of a page are the article, and what text to ignore."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import cached_property

from cssselect import GenericTranslator, SelectorError

from tracker.domain.errors import InvalidInput

MAX_ITEMS = 20
MAX_LENGTH = 300


@dataclass(frozen=True)
class ExtractionRules:
    """How to read a site's pages. The defaults mean: find the article by itself."""

    include: tuple[str, ...] = ()  # CSS selectors: extract only these parts of the page
    exclude: tuple[str, ...] = ()  # CSS selectors: remove these parts before extracting
    ignore: tuple[str, ...] = ()  # regular expressions: text to cut out of every block
    whole_page: bool = False  # not an article: keep all the page's text
    render: bool = False  # the text is made by JavaScript: fetch through a headless browser
    robots: bool = True  # honour the site's robots.txt

    @cached_property
    def fingerprint(self) -> str:
        """Return a short, stable name of the rules that shape the text ('default' for none), recorded
        on versions; robots.txt does not change what a page says, so it is left out."""
        reading = {key: value for key, value in asdict(self).items() if key != "robots"}
        if reading == {key: value for key, value in asdict(DEFAULT_RULES).items() if key != "robots"}:
            return "default"
        return hashlib.sha256(json.dumps(reading, sort_keys=True).encode()).hexdigest()[:12]

    @cached_property
    def include_xpaths(self) -> tuple[str, ...]:
        return tuple(GenericTranslator().css_to_xpath(selector) for selector in self.include)

    @cached_property
    def exclude_xpaths(self) -> tuple[str, ...]:
        return tuple(GenericTranslator().css_to_xpath(selector) for selector in self.exclude)

    @cached_property
    def ignore_patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(pattern, re.IGNORECASE) for pattern in self.ignore)


DEFAULT_RULES = ExtractionRules()


def make_rules(
    *,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    ignore: Iterable[str] = (),
    whole_page: bool = False,
    render: bool = False,
    robots: bool = True,
) -> ExtractionRules:
    """Return checked rules; raise InvalidInput (bad_selector, bad_pattern) naming what is wrong."""
    for name, flag in (("whole_page", whole_page), ("render", render), ("robots", robots)):
        if not isinstance(flag, bool):
            raise InvalidInput(f"{name} is true or false", code="bad_rules")
    rules = ExtractionRules(
        include=cleaned("include", include),
        exclude=cleaned("exclude", exclude),
        ignore=cleaned("ignore", ignore),
        whole_page=whole_page,
        render=render,
        robots=robots,
    )
    for selector in (*rules.include, *rules.exclude):
        try:
            GenericTranslator().css_to_xpath(selector)
        except SelectorError as exc:
            raise InvalidInput(f"{selector!r} is not a CSS selector: {exc}", code="bad_selector") from None
    for pattern in rules.ignore:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise InvalidInput(
                f"{pattern!r} is not a regular expression: {exc}", code="bad_pattern"
            ) from None
    return rules


def cleaned(name: str, items: Iterable[str]) -> tuple[str, ...]:
    """Return the non-empty items, stripped; raise InvalidInput when there are too many or too long."""
    if isinstance(items, str):
        items = items.splitlines()
    if not isinstance(items, list | tuple):
        raise InvalidInput(f"{name} is a list of strings, or lines of text", code="bad_rules")
    kept = tuple(item.strip() for item in items if isinstance(item, str) and item.strip())
    if len(kept) > MAX_ITEMS or any(len(item) > MAX_LENGTH for item in kept):
        raise InvalidInput(
            f"{name}: at most {MAX_ITEMS} entries of at most {MAX_LENGTH} characters", code="bad_rules"
        )
    return kept
