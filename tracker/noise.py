"""Text inside an article body that churns without meaning, and the rules that remove it.

Every rule is here, small, and has a test in tests/test_noise.py. Blocks are judged one by one:
a block is dropped when it is *only* noise (an ad marker, a teaser to another story, a counter,
a relative time); noise phrases inside a real paragraph are cut out of it.
"""

from __future__ import annotations

import re

UNITS = r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?)"
# "35 minutes ago", "Updated 3 hours ago", "just now", "an hour ago".
RELATIVE_TIME = re.compile(
    rf"(?:(?:updated|published|posted|last updated|edited)\s*:?\s*)?"
    rf"(?:(?:\d+|an?|one|a few)\s+{UNITS}\s+ago|just now|moments ago)",
    re.IGNORECASE,
)
# "1,234 comments", "5.2K shares", "12 views", "Comments (34)".
COUNTER = re.compile(
    r"\d[\d.,]*\s*[KkMm]?\s+(?:comments?|shares?|views?|reads?|likes?|reactions?|replies)"
    r"|(?:comments?|shares?|views?)\s*(?:\(\s*\d[\d.,]*\s*[KkMm]?\s*\)|:\s*\d[\d.,]*\s*[KkMm]?)",
    re.IGNORECASE,
)
# "Last Updated on March 4, 2026 by Editor", "Published: 2 March 2026, 14:05 GMT": the page's own
# date, which the version keeps from the page's metadata and the diff shows on a line of its own.
# Only a date may follow the verb: "Updated on March 5 to add a statement" is an update note.
DATE_WORD = (
    r"(?:\d{1,4}(?:[:./-]\d{1,4})*(?:st|nd|rd|th)?|[ap]\.?m\.?|gmt|utc|[ecmp][sd]?t|bst|cest?|at|on|"
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\.?"
)
DATELINE = re.compile(
    rf"(?:last\s+)?(?:updated|published|posted|modified|edited)\s*:?\s*(?:{DATE_WORD}[\s,]*)+"
    r"(?:by\s+[\w.'-]+(?:\s+[\w.'-]+){0,3})?",
    re.IGNORECASE,
)
# Bylines and datelines separate their parts like this: "By Jane Doe · 3 hours ago · 12 comments".
FRAGMENT_SEPARATOR = re.compile(r"(\s*[·|•]\s*)")
AD_MARKER = re.compile(
    r"^(?:advertisement|advertising|ad|sponsored(?: content)?|story continues (?:below|after) (?:this )?"
    r"(?:advertisement|ad)|article continues (?:below|after) (?:this )?(?:advertisement|ad)|"
    r"continue reading (?:below|the main story))$",
    re.IGNORECASE,
)
# "READ MORE: <link>", "Related: ...", "Also read: ..." — teasers to other stories, styled as prose.
TEASER_PREFIX = re.compile(
    r"^(?:read more|more|related(?: stor(?:y|ies)| articles?| coverage| content| reading)?|also read|"
    r"read also|see also|"
    r"recommended|don'?t miss|must read|trending|watch|listen|more on this story|more from \w+)\s*[:|»>-]",
    re.IGNORECASE,
)
TEASER_LINK_SHARE = 0.8  # a short block that is this much link text is a teaser to another story
TEASER_MAX_WORDS = 25


def is_noise_block(text: str, *, link_share: float = 0.0) -> bool:
    """Return True when the whole block is churn: an ad marker, a teaser, a counter or a relative time."""
    bare = unbracketed(text)
    if not bare or AD_MARKER.match(bare) or TEASER_PREFIX.match(bare):
        return True
    if link_share >= TEASER_LINK_SHARE and len(bare.split()) <= TEASER_MAX_WORDS and not is_sentence(bare):
        return True
    return not without_noise_phrases(bare)


def is_sentence(text: str) -> bool:
    """A linked sentence that ends with a full stop is the author's prose citing a source; headlines
    of teasers do not end with one."""
    return text.rstrip('"”’)').endswith(".")


def without_noise_phrases(text: str) -> str:
    """Return text without the fragments that are only a relative time, a counter or a dateline.

    Fragments are the parts between separators such as "·" or "|"; a relative time inside a
    sentence ("said 3 hours ago that") is the author's text and stays.
    """
    parts = FRAGMENT_SEPARATOR.split(text)
    fragments, separators = parts[0::2], parts[1::2]
    kept = [index for index, fragment in enumerate(fragments) if not is_noise_fragment(fragment)]
    if len(kept) == len(fragments):
        return text
    out = ""
    for position, index in enumerate(kept):
        out += (separators[index - 1] if position else "") + fragments[index]
    return out.strip()


def is_noise_fragment(fragment: str) -> bool:
    bare = unbracketed(fragment)
    return bool(RELATIVE_TIME.fullmatch(bare) or COUNTER.fullmatch(bare) or DATELINE.fullmatch(bare))


def unbracketed(text: str) -> str:
    """Return text without surrounding whitespace and one pair of enclosing brackets."""
    bare = text.strip()
    if len(bare) > 1 and bare[0] + bare[-1] in ("()", "[]"):
        return bare[1:-1].strip()
    return bare


def clean_blocks(blocks: list[tuple[str, float]], ignore: tuple[re.Pattern[str], ...] = ()) -> list[str]:
    """Return the blocks (text, share of link text) without noise blocks, noise phrases, or text
    matching the site's own ignore patterns."""
    kept = []
    for text, link_share in blocks:
        if is_noise_block(text, link_share=link_share):
            continue
        for pattern in ignore:
            text = pattern.sub("", text)
        text = without_noise_phrases(text).strip()
        if text:
            kept.append(text)
    return kept
