"""Pages that are not the article: a redirect to the home page, a consent wall, a paywall teaser,
a "not found" page served with 200, a maintenance page. None of them may become a version.

A pure judgement of the fetched page, what was extracted from it, and how long the article was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from tracker.domain.errors import CheckError
from tracker.domain.urls import site_of

SHORT = 150  # words: an article page below this, with a wall's wording, is the wall
SHRUNK = 0.5  # of the previous version's words: a sudden cut like this, with a wall's wording
HOME_PATHS = frozenset({"", "/", "/index.html", "/index.php", "/home", "/en", "/en/"})
# Section fronts a publisher sends readers of a pulled story to, when the path names one of these.
SECTIONS = frozenset(
    {
        *("news", "world", "national", "local", "politics", "business", "economy", "money", "markets"),
        *("finance", "tech", "technology", "science", "health", "sport", "sports", "football", "culture"),
        *("arts", "entertainment", "lifestyle", "travel", "opinion", "comment", "latest", "topics"),
        *("uk", "us", "europe", "asia", "africa", "americas", "australia", "middle-east", "media"),
        *("education", "environment", "climate", "weather", "video", "videos", "society"),
    }
)
# A path segment that names one story: three or more words in a slug, a numeric id, a page file.
STORY_SLUG = re.compile(r"\w[-_]\w+[-_]\w|\d{4,}|\.s?html?$|\.php$", re.IGNORECASE)
SHORTER = 0.5  # a landing path at most this share of the article's length is no article of its own
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
            final_url=page.final_url,
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
    """Return True when redirects led from an article path to a site's home page or a section front."""
    asked, landed = urlsplit(url), urlsplit(final_url)
    if asked.path in HOME_PATHS or landed.query or landed.path == asked.path:
        return False
    return landed.path in HOME_PATHS or is_section_front(landed.path, asked.path)


def is_section_front(path: str, article_path: str) -> bool:
    """Return True for a one-segment path without a story slug that is a known section (/news,
    /politics/) or much shorter than the article's path (/ausland for /ausland/2026/03/story).

    Kept simple on purpose: a slug-less short path is a list of stories, not one story; a longer
    section path (/news/world) is taken for an article, so a real move there is never missed.
    """
    segments = [segment for segment in path.split("/") if segment]
    if len(segments) != 1 or STORY_SLUG.search(segments[0]):
        return False
    much_shorter = len(path.rstrip("/")) <= SHORTER * len(article_path.rstrip("/"))
    return segments[0].lower() in SECTIONS or (much_shorter and article_path.strip("/").count("/") > 0)


def is_moved_article(url: str, moved_to: str) -> bool:
    """Return True when a permanent redirect from url leads to another article of the same site
    (not its home page or a section front): the story lives at a new address."""
    if site_of(moved_to) != site_of(url) or moved_to.partition("#")[0] == url:
        return False
    return not redirected_away(url, moved_to)


def looks_cut(page: PageFacts) -> bool:
    """Return True when the page has little or no article text, or much less than before."""
    return page.words is None or page.words < SHORT or is_shrunk(page)


def is_shrunk(page: PageFacts) -> bool:
    return page.words is None or bool(page.previous_words and page.words < SHRUNK * page.previous_words)


TAGS = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>|<[^>]+>", re.IGNORECASE | re.DOTALL)


def visible_text(html: str) -> str:
    """Return the page's text without tags, scripts and styles (good enough to look for phrases)."""
    return " ".join(TAGS.sub(" ", html[:500_000]).split())
