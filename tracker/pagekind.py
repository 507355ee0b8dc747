"""Pages that are not the article: a redirect to the home page, a consent wall, a paywall teaser,
a "not found" page served with 200, a maintenance page. None of them may become a version.

A pure judgement of the fetched page, what was extracted from it, and how long the article was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from tracker.errors import CheckError

SHORT = 150  # words: an article page below this, with a wall's wording, is the wall
SHRUNK = 0.5  # of the previous version's words: a sudden cut like this, with a wall's wording
HOME_PATHS = frozenset({"", "/", "/index.html", "/index.php", "/home", "/en", "/en/"})
LOGIN_PATH = re.compile(r"/(?:login|signin|sign-in|subscribe|subscription|paywall|register|account)\b", re.I)
CONSENT = re.compile(
    r"we value your privacy|we care about your privacy|accept all(?: cookies)?|reject all|manage (?:cookie|consent|"
    r"privacy) (?:settings|preferences|options)|cookie (?:settings|preferences|consent)|before you continue|"
    r"consent to (?:the use of )?cookies|your privacy choices|this site uses cookies",
    re.IGNORECASE,
)
PAYWALL = re.compile(
    r"subscribe to (?:continue|keep) reading|to continue reading|subscribers? only|for subscribers|"
    r"already a subscriber|become a subscriber|create a free account to (?:continue|read)|"
    r"you(?:'ve| have) reached (?:your|the) (?:free )?(?:article )?limit|unlock this (?:article|story)|"
    r"this (?:article|story|content) is (?:only )?(?:available|reserved) (?:to|for) (?:subscribers|members)",
    re.IGNORECASE,
)
NOT_ACCESSIBLE = re.compile(r'"isAccessibleForFree"\s*:\s*"?false"?', re.IGNORECASE)
NOT_FOUND = re.compile(
    r"page not found|404 not found|error 404|404 error|could not be found|can(?:no|['’])t be found|"
    r"(?:couldn|can)['’]t find (?:that|this|the) page|"
    r"page (?:you (?:were|are) looking for )?(?:does not|doesn['’]t) exist|(?:page|article) is no longer available",
    re.IGNORECASE,
)
MAINTENANCE = re.compile(
    r"under maintenance|scheduled maintenance|temporarily (?:unavailable|down)|be right back|down for maintenance",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What is known about a fetched page when judging it."""

    url: str  # what we asked for
    final_url: str  # where redirects led
    html: str
    title: str | None
    words: int | None  # words extracted; None when no article text was found
    previous_words: int | None  # words of the article's latest version, if any


def not_the_article(page: PageFacts) -> CheckError | None:
    """Return the error that says why this page is not the article, or None when it may be."""
    if redirected_away(page.url, page.final_url):
        return CheckError(
            f"the page now redirects to {page.final_url}, not to the article; it may have been taken down",
            code="redirected_away",
        )
    if LOGIN_PATH.search(urlsplit(page.final_url).path) and not LOGIN_PATH.search(urlsplit(page.url).path):
        return paywalled(f"the page redirects to a login or subscription page ({page.final_url})")
    if not looks_cut(page):
        return None
    visible = f"{page.title or ''} {visible_text(page.html)}"
    opening = visible[:1000]
    if CONSENT.search(visible) and is_shrunk(page):
        return CheckError("a cookie or consent wall was served instead of the article", code="consent_wall")
    if PAYWALL.search(visible) or (NOT_ACCESSIBLE.search(page.html) and is_shrunk(page)):
        return paywalled("only a paywall teaser was served, not the whole article")
    if NOT_FOUND.search(opening):
        return CheckError("the site served a 'page not found' page with status 200", code="soft_404")
    if MAINTENANCE.search(opening):
        return CheckError(
            "the site served a maintenance page; later checks will try again", code="maintenance"
        )
    return None


def paywalled(message: str) -> CheckError:
    return CheckError(message, code="paywalled")


def redirected_away(url: str, final_url: str) -> bool:
    """Return True when redirects led from an article path to a site's home page."""
    asked, landed = urlsplit(url), urlsplit(final_url)
    return asked.path not in HOME_PATHS and landed.path in HOME_PATHS and not landed.query


def looks_cut(page: PageFacts) -> bool:
    """Return True when the page has little or no article text, or much less than before."""
    return page.words is None or page.words < SHORT or is_shrunk(page)


def is_shrunk(page: PageFacts) -> bool:
    return page.words is None or bool(page.previous_words and page.words < SHRUNK * page.previous_words)


TAGS = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>|<[^>]+>", re.IGNORECASE | re.DOTALL)


def visible_text(html: str) -> str:
    """Return the page's text without tags, scripts and styles (good enough to look for phrases)."""
    return " ".join(TAGS.sub(" ", html[:500_000]).split())
