"""Everything on a page that churns between loads without the article changing, and the noise
edits that churn it. A page is rendered from (article, chrome); a noise edit changes chrome only."""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Teaser:
    """A "READ MORE: <a>other story</a>" paragraph inside the body, after block `after`."""

    after: int
    prefix: str
    headline: int  # index into the page's pool of other headlines


@dataclass(frozen=True, slots=True)
class Chrome:
    ad_seed: int
    related_seed: int
    minutes: int  # the relative time shown outside the body ("Updated 35 minutes ago")
    body_minutes: int  # the relative time shown inside the body
    counters: tuple[int, int, int]  # comments, shares, views shown outside the body
    body_counters: tuple[int, int]  # comments, shares shown in the body's share bar
    nonce: str
    build: str  # cache-busting version in asset URLs
    ws_style: int
    attr_seed: int  # 0: attributes in written order; else shuffled with this seed
    track_seed: int
    sidebar_order: tuple[str, ...]
    cookie_variant: int
    teasers: tuple[Teaser, ...]
    ad_positions: tuple[int, ...]  # inline ad slots inside the body, after these blocks
    ad_marker: int  # which "Advertisement" label the inline slots carry
    comments: tuple[int, ...]  # reader comments shown (indexes into the comment pool)
    filler: int  # bytes of inlined CSS; fixed per page so that sizes are realistic


TEASER_PREFIXES = (
    "READ MORE:",
    "Read more:",
    "Related:",
    "RELATED:",
    "Also read:",
    "ALSO READ:",
    "Read also:",
    # as publishers also write them: other words, arrows, bars
    "SEE ALSO:",
    "Related story:",
    "RELATED COVERAGE:",
    "MORE:",
    "Don't miss:",
    "READ MORE \u203a",
    "Related \u00bb",
    "Read more |",
)
AD_MARKERS = (
    "Advertisement",
    "ADVERTISEMENT",
    "Story continues below advertisement",
    "Advertisement - Scroll to continue",
)
WS_STYLES = 4


def nonce(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(22)) + "=="


def initial_chrome(
    rng: random.Random, *, blocks: int, sidebar: tuple[str, ...], headlines: int, teasers: int, ads: bool
) -> Chrome:
    """Return the chrome of a page's first load."""
    positions = sorted(rng.sample(range(1, max(2, blocks - 1)), min(teasers, max(0, blocks - 3))))
    teaser_list = tuple(
        Teaser(after, rng.choice(TEASER_PREFIXES), rng.randrange(headlines)) for after in positions
    )
    ad_positions = tuple(range(rng.randint(2, 4), blocks - 1, rng.randint(4, 6))) if ads else ()
    return Chrome(
        ad_seed=rng.randint(1, 10**6),
        related_seed=rng.randint(1, 10**6),
        minutes=rng.randint(3, 55),
        body_minutes=rng.randint(3, 55),
        counters=(rng.randint(5, 3000), rng.randint(50, 90_000), rng.randint(1000, 900_000)),
        body_counters=(rng.randint(5, 3000), rng.randint(50, 90_000)),
        nonce=nonce(rng),
        build=f"{rng.randint(20250101, 20251231)}.{rng.randint(1, 9)}",
        ws_style=0,
        attr_seed=0,
        track_seed=rng.randint(1, 10**6),
        sidebar_order=sidebar,
        cookie_variant=0,
        teasers=teaser_list,
        ad_positions=ad_positions,
        ad_marker=rng.randrange(len(AD_MARKERS)),
        comments=tuple(rng.sample(range(40), rng.randint(2, 6))),
        filler=0,
    )


# -- noise edits: (chrome, rng, pool size, blocks) -> (new chrome, what changed) ----------------
NoiseEdit = Callable[[Chrome, random.Random, int, int], tuple[Chrome, str]]


def rotate_ads(chrome: Chrome, rng: random.Random, _pool: int, _blocks: int) -> tuple[Chrome, str]:
    return replace(chrome, ad_seed=chrome.ad_seed + rng.randint(1, 999)), "new ad creatives and slot ids"


def rotate_related(chrome: Chrome, rng: random.Random, _pool: int, _blocks: int) -> tuple[Chrome, str]:
    return replace(
        chrome, related_seed=chrome.related_seed + rng.randint(1, 999)
    ), "related/most-read/trending lists rotated"


def relative_time(chrome: Chrome, rng: random.Random, _pool: int, _blocks: int) -> tuple[Chrome, str]:
    later = chrome.minutes + rng.choice([7, 25, 50, 95, 190, 400])
    return replace(
        chrome, minutes=later
    ), f"relative times outside the body: {chrome.minutes} -> {later} minutes"


def relative_time_in_body(chrome: Chrome, rng: random.Random, _pool: int, _blocks: int) -> tuple[Chrome, str]:
    later = chrome.body_minutes + rng.choice([12, 30, 55, 130, 260])
    return replace(
        chrome, body_minutes=later
    ), f"relative time inside the body: {chrome.body_minutes} -> {later} minutes"


def counters(chrome: Chrome, rng: random.Random, _pool: int, _blocks: int) -> tuple[Chrome, str]:
    comments, shares, views = chrome.counters
    new = (comments + rng.randint(3, 400), shares + rng.randint(40, 9000), views + rng.randint(900, 90_000))
    return replace(chrome, counters=new), f"counters outside the body {chrome.counters} -> {new}"


def counters_in_body(chrome: Chrome, rng: random.Random, _pool: int, _blocks: int) -> tuple[Chrome, str]:
    comments, shares = chrome.body_counters
    new = (comments + rng.randint(3, 400), shares + rng.randint(400, 9000))
    return replace(chrome, body_counters=new), f"counters inside the body {chrome.body_counters} -> {new}"


def script_nonce(chrome: Chrome, rng: random.Random, _pool: int, _blocks: int) -> tuple[Chrome, str]:
    return replace(chrome, nonce=nonce(rng)), "new script nonce"


def cache_bust(chrome: Chrome, rng: random.Random, _pool: int, _blocks: int) -> tuple[Chrome, str]:
    build = f"{int(chrome.build.split('.')[0]) + rng.randint(1, 30)}.{rng.randint(1, 9)}"
    return replace(chrome, build=build), f"asset version {chrome.build} -> {build}"


def whitespace(chrome: Chrome, rng: random.Random, _pool: int, _blocks: int) -> tuple[Chrome, str]:
    style = (chrome.ws_style + rng.randint(1, WS_STYLES - 1)) % WS_STYLES
    return replace(chrome, ws_style=style), f"whitespace style {chrome.ws_style} -> {style}"


def attribute_order(chrome: Chrome, rng: random.Random, _pool: int, _blocks: int) -> tuple[Chrome, str]:
    return replace(chrome, attr_seed=rng.randint(1, 10**6)), "attributes written in another order"


def tracking_attrs(chrome: Chrome, rng: random.Random, _pool: int, _blocks: int) -> tuple[Chrome, str]:
    return replace(chrome, track_seed=chrome.track_seed + rng.randint(1, 999)), "new data-track-* values"


def reorder_sidebar(chrome: Chrome, rng: random.Random, _pool: int, _blocks: int) -> tuple[Chrome, str]:
    order = list(chrome.sidebar_order)
    while tuple(order) == chrome.sidebar_order and len(order) > 1:
        rng.shuffle(order)
    return replace(chrome, sidebar_order=tuple(order)), "sidebar modules: " + " ".join(order)


def cookie_banner(chrome: Chrome, rng: random.Random, _pool: int, _blocks: int) -> tuple[Chrome, str]:
    variant = chrome.cookie_variant + rng.randint(1, 3)
    return replace(chrome, cookie_variant=variant), f"cookie banner copy variant {variant}"


def teaser_in_body(chrome: Chrome, rng: random.Random, pool: int, blocks: int) -> tuple[Chrome, str]:
    """Rotate the linked headline of the in-body teasers, or move, drop or add one."""
    teasers = list(chrome.teasers)
    options = ["rotate", "rotate", "move", "add"] + (["drop"] if teasers else [])
    how = rng.choice(options) if teasers else "add"
    taken = {teaser.after for teaser in teasers}
    free = [index for index in range(1, blocks - 1) if index not in taken]
    if how in ("move", "add") and not free:
        how = "rotate"
    if how == "rotate":
        teasers = [replace(t, headline=(t.headline + rng.randint(1, pool - 1)) % pool) for t in teasers]
    elif how == "move":
        index = rng.randrange(len(teasers))
        teasers[index] = replace(teasers[index], after=rng.choice(free))
    elif how == "drop":
        teasers.pop(rng.randrange(len(teasers)))
    else:
        teasers.append(Teaser(rng.choice(free), rng.choice(TEASER_PREFIXES), rng.randrange(pool)))
    teasers.sort(key=lambda teaser: teaser.after)
    return replace(chrome, teasers=tuple(teasers)), f"in-body teaser {how}"


def ad_marker_in_body(chrome: Chrome, rng: random.Random, _pool: int, blocks: int) -> tuple[Chrome, str]:
    """Change the in-body ad label, or move the inline slots (as ad loaders place them by height)."""
    if rng.random() < 0.5 or blocks < 8:
        marker = (chrome.ad_marker + rng.randint(1, len(AD_MARKERS) - 1)) % len(AD_MARKERS)
        return replace(chrome, ad_marker=marker), f"in-body ad label -> {AD_MARKERS[marker]!r}"
    start, step = rng.randint(1, 4), rng.randint(3, 6)
    positions = tuple(range(start, blocks - 1, step))
    if positions == chrome.ad_positions:
        positions = tuple(p + 1 for p in positions if p + 1 < blocks - 1)
    return replace(chrome, ad_positions=positions), f"in-body ad slots moved to {positions}"


def comment_added(chrome: Chrome, rng: random.Random, _pool: int, _blocks: int) -> tuple[Chrome, str]:
    fresh = [index for index in range(40) if index not in chrome.comments]
    added = rng.choice(fresh)
    comments = (*chrome.comments, added)
    count = chrome.counters[0] + 1
    return replace(
        chrome, comments=comments, counters=(count, *chrome.counters[1:])
    ), "a reader comment was posted"


def full_reload(chrome: Chrome, rng: random.Random, pool: int, blocks: int) -> tuple[Chrome, str]:
    """What a real second fetch looks like: many kinds of churn at once."""
    for edit in (
        rotate_ads,
        rotate_related,
        relative_time,
        relative_time_in_body,
        counters,
        counters_in_body,
        script_nonce,
        tracking_attrs,
    ):
        chrome, _ = edit(chrome, rng, pool, blocks)
    if chrome.teasers:
        chrome, _ = teaser_in_body(chrome, rng, pool, blocks)
    return chrome, "a later load: ads, lists, times, counters, nonce, tracking ids and a teaser all churned"


NOISE_EDITS: dict[str, NoiseEdit] = {
    "rotate_ads": rotate_ads,
    "rotate_related": rotate_related,
    "relative_time": relative_time,
    "relative_time_in_body": relative_time_in_body,
    "counters": counters,
    "counters_in_body": counters_in_body,
    "script_nonce": script_nonce,
    "cache_bust": cache_bust,
    "whitespace": whitespace,
    "attribute_order": attribute_order,
    "tracking_attrs": tracking_attrs,
    "reorder_sidebar": reorder_sidebar,
    "cookie_banner": cookie_banner,
    "teaser_in_body": teaser_in_body,
    "ad_marker_in_body": ad_marker_in_body,
    "comment_added": comment_added,
    "full_reload": full_reload,
}
ALL_NOISE = frozenset(NOISE_EDITS)  # a template lists the edits its pages cannot show as ALL_NOISE - {...}


def relative(minutes: int, style: str = "long") -> str:
    """Return "35 minutes ago", "1 hour ago", "3 hours ago", "2 days ago" (or shorter spellings)."""
    if minutes < 60:
        unit, count = ("minute" if style == "long" else "min"), minutes
    elif minutes < 60 * 24:
        unit, count = ("hour" if style == "long" else "hr"), minutes // 60
    else:
        unit, count = "day", minutes // (60 * 24)
    if style == "short" and unit == "min":
        return f"{count} mins ago" if count != 1 else "1 min ago"
    return f"{count} {unit}{'' if count == 1 else 's'} ago"


def compact(number: int) -> str:
    """Return 5.2K, 1.1M or 734, as counters show them."""
    if number >= 1_000_000:
        return f"{number / 1_000_000:.1f}M"
    if number >= 10_000:
        return f"{number / 1000:.1f}K"
    return f"{number:,}"
