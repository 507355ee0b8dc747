"""What is wrong with an article, in words a person can act on: its status badge and its last error.

Pure: the error code of the last failed check and how many checks in a row ended with it become
one short sentence ("The site answered 404 (page not found) three times in a row: ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HTTP_CODE = re.compile(r"http_(\d{3})")
COUNTS = {2: "twice", 3: "three times", 4: "four times", 5: "five times", 6: "six times"}
# {times} is "", " twice in a row", " three times in a row"...; each sentence ends with what to do.
SENTENCES = {
    "timeout": "The site did not answer in time{times}; it may be slow or down, and checks go on.",
    "dns": "The site's name could not be found (DNS){times}; check the address, or whether the site still exists.",
    "connection_refused": "The site refused the connection{times}; it may be down, and checks go on.",
    "connection_failed": "The site could not be reached{times}; checks go on.",
    "tls": "The site's secure connection (TLS) failed{times}; its certificate may be broken.",
    "redirected_away": "The address now leads elsewhere (such as the home page){times}; the article may have been taken down.",
    "too_many_redirects": "The address redirects in a loop{times}; open it in a browser to see where it goes.",
    "paywalled": "The site showed a paywall instead of the article{times}.",
    "consent_wall": "The site showed a cookie or consent wall instead of the article{times}.",
    "soft_404": "The site showed a 'page not found' page{times}; the article may have been taken down.",
    "maintenance": "The site showed a maintenance page{times}; checks go on.",
    "no_article": "No article text was found on the page{times}; a site rule (CSS selectors, or whole page text) may help.",
    "not_html": "The address is not a web page (not HTML){times}.",
    "too_large": "The page is larger than the size limit{times} (TRACKER_MAX_BODY_BYTES).",
    "too_complex": "Reading the page took too long{times}; a site rule that picks the article's part may help.",
    "undecodable": "The page's text could not be decoded{times}.",
    "blocked_address": "The address leads to a private network, which is never fetched{times}.",
    "robots_disallowed": "The site's robots.txt forbids fetching the page{times}; an admin's site rule can ignore it.",
    "rate_limited": "The site asked us to slow down; the next check waits as long as it said.",
    "render_unavailable": "The page needs a browser to render it, and none is installed (TRACKER_CHROMIUM).",
    "render_failed": "Rendering the page in a browser failed{times}.",
    "bad_response": "The site's answer was malformed{times}; checks go on.",
}
HTTP_SENTENCES = {
    404: "The site answered 404 (page not found){times}; the article may have been taken down.",
    410: "The site answered 410: the page is gone for good.",
    401: "The site answered 401 (sign-in needed){times}; the article may be for subscribers only.",
    403: "The site answered 403 (forbidden){times}; it may block automated readers.",
    429: "The site answered 429 (too many requests){times}; checks slow down.",
}
BADGES = {
    "failing": "failing",  # a week of failed checks: checked daily
    "gone": "gone",  # removed by the site: checked slowly in case it comes back
    "paused": "paused",  # nobody checks it until someone resumes it
}


@dataclass(frozen=True, slots=True)
class Trouble:
    """What a list says about an article that is not simply fine."""

    badge: str | None  # failing, gone or paused; None for an active article
    error: str | None  # the last error in words, while the article is failing or gone


def times(count: int) -> str:
    """Return how often something happened in a row, as words: "", " twice in a row", " 12 times in a row"."""
    if count <= 1:
        return ""
    return f" {COUNTS.get(count, f'{count} times')} in a row"


def error_words(code: str, count: int = 1) -> str:
    """Return the error of a failed check (its code; count: checks in a row that ended so) as one
    sentence a person can act on."""
    repeated = times(count)
    if code in SENTENCES:
        return SENTENCES[code].format(times=repeated)
    status = HTTP_CODE.fullmatch(code)
    if status is None:
        return f"The last check failed ({code}){repeated}."
    number = int(status.group(1))
    if number in HTTP_SENTENCES:
        return HTTP_SENTENCES[number].format(times=repeated)
    if number >= 500:
        return f"The site's server failed ({number}){repeated}; this is usually temporary, and checks go on."
    return f"The site answered {number}{repeated} instead of the page."


def trouble(status: str, failure_count: int, last_error_code: str | None, last_error_count: int) -> Trouble:
    """Return the badge and error line of an article: the error only while checks keep failing
    (or the article is gone), never for one that has recovered since."""
    current = last_error_code is not None and (failure_count > 0 or status == "gone")
    return Trouble(
        badge=BADGES.get(status),
        error=error_words(last_error_code, last_error_count) if current and last_error_code else None,
    )
