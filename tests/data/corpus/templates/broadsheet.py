"""A large newspaper (Guardian-like rendering): data-gu-name regions, hashed class names that change
with each deploy, inline ad slots and a newsletter promotion inside the body, a live-updated
timestamp, share and comment counts, and a "Most viewed" rail."""

from __future__ import annotations

import json

from tests.data.corpus.article import Block
from tests.data.corpus.chrome import ALL_NOISE, Teaser
from tests.data.corpus.markup import (
    Ctx,
    ad_creative,
    ad_id,
    analytics,
    cookie_banner,
    css,
    footer_links,
    json_ld,
    mega_menu,
    meta_tags,
    share_buttons,
    svg_sprite,
)
from tests.data.corpus.text import esc, stable

NAME = "broadsheet"
SITES = (
    ("The Chronicle", "thechronicle.co.uk"),
    ("The Daily Ledger", "dailyledger.com"),
    ("The Observer-Times", "observertimes.com"),
)
SIDEBAR = ("most_viewed", "ad_right", "newsletter_rail")
NOISE = ALL_NOISE - {"comment_added"}
TEASERS = True
ADS = True


def url(domain: str, slug: str, published: str) -> str:
    return f"https://www.{domain}/news/{published[:4]}/{['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'][int(published[5:7]) - 1]}/{published[8:10]}/{slug}"


def cls(ctx: Ctx, name: str) -> str:
    """Emotion-style class names: a hash that changes whenever the site is deployed."""
    return f"dcr-{stable(name + ctx.chrome.build) % 36**6:06x}"[:10]


def render(ctx: Ctx) -> str:
    a, c, site = ctx.article, ctx.chrome, ctx.site
    config = {
        "page": {
            "pageId": ctx.url.split("/", 3)[-1],
            "headline": a.title,
            "section": a.section.lower(),
            "contentType": "Article",
            "webPublicationDate": int(a.published.timestamp() * 1000),
            "author": ", ".join(a.authors),
            "keywords": ",".join(a.tags),
            "isPaidContent": False,
            "hasInlineMerchandise": False,
            "dcrCouldRender": True,
            "buildNumber": c.build,
            "revisionNumber": f"{stable(c.build):08x}",
            "sharedAdTargeting": {
                "ct": "article",
                "edition": "uk",
                "k": list(a.tags),
                "s": a.section.lower(),
                "pv": f"{c.ad_seed:x}",
            },
            "abTests": {"signInGateMainVariant": "variant", "deeplyReadArticleFooterControl": "control"},
        },
        "switches": {
            name: bool(stable(name) % 3)
            for name in (
                "prebidAppnexus",
                "prebidImproveDigital",
                "commercial",
                "ampPrebid",
                "lightbox",
                "remoteBanner",
                "brazeSwitch",
                "consentManagement",
                "serverShareCounts",
                "liveblogRendering",
                "interactiveFullHeaderSwitch",
                "slotBodyEnd",
                "emailInlineInFooter",
                "shouldLoadGoogletag",
            )
        },
        "ophan": {"pageViewId": f"{c.track_seed:x}{c.ad_seed:x}", "browserId": ""},
    }
    return f"""<!doctype html>
<html lang="en" data-theme="light">
<head>
{meta_tags(ctx, twitter="@" + site.domain.split(".")[0])}
<link rel="preload" href="https://assets.{site.domain}/static/frameworks/fonts/GuardianHeadline-Medium.woff2?v={c.build}" as="font" crossorigin>
<link rel="preload" href="https://assets.{site.domain}/static/frameworks/fonts/GuardianTextEgyptian-Regular.woff2?v={c.build}" as="font" crossorigin>
<link rel="stylesheet" href="https://assets.{site.domain}/assets/main.{c.build}.css">
<script nonce="{c.nonce}">window.guardian = {json.dumps({"config": config}, ensure_ascii=False)};</script>
<script nonce="{c.nonce}">window.curlConfig = {{baseUrl: 'https://assets.{site.domain}/assets', apps: ['{c.build}']}};</script>
{json_ld(ctx)}
{analytics(ctx)}
<style>{css(ctx, c.filler)}</style>
</head>
<body>
{svg_sprite()}
<div id="bannerandheader">
{ctx.tag("div", ("data-component", "header-top-bar"), ("class", cls(ctx, "topbar")))}<a href="https://support.{site.domain}/contribute" data-link-name="nav3 : support-cta">Support us</a> <a href="https://profile.{site.domain}/signin" data-link-name="nav3 : topbar : signin">Sign in</a></div>
<header data-component="nav3" class="{cls(ctx, "header")}">
<a href="/" data-link-name="nav3 : logo" class="{cls(ctx, "logo")}"><span class="is-hidden">{esc(site.name)} - Back to home</span></a>
{ctx.tag("nav", ("aria-label", "Guardian sections"), ("data-component", "nav2"), ("class", cls(ctx, "nav")))}
{mega_menu(ctx, "pillar")}
</nav>
</header>
</div>
<main data-layout="StandardLayout">
{ctx.tag("article", ("class", cls(ctx, "article")), ("data-content-id", str(site.seed)))}
<div class="{cls(ctx, "grid")}">
<div data-gu-name="title" class="{cls(ctx, "title")}"><div class="{cls(ctx, "series")}"><a href="{site.base}/{a.section.lower()}" data-link-name="article section">{esc(a.section)}</a></div></div>
<div data-gu-name="headline" class="{cls(ctx, "headline")}"><div class="{cls(ctx, "hl")}"><h1 class="{cls(ctx, "h1")}">{esc(a.title)}</h1></div></div>
<div data-gu-name="standfirst" class="{cls(ctx, "standfirst")}"><div class="{cls(ctx, "sf")}"><p>{esc(a.dek)}</p></div></div>
<div data-gu-name="media" class="{cls(ctx, "media")}"><figure id="img-1" data-spacefinder-role="inline" class="{cls(ctx, "fig")}"><picture><source srcset="{site.base}{a.image}?width=620&dpr=2&s=none" media="(min-width: 660px)"><img alt="" src="{site.base}{a.image}?width=465&dpr=1&s=none" width="465" height="279" loading="eager" class="{cls(ctx, "img")}"></picture></figure></div>
<div data-gu-name="meta" class="{cls(ctx, "meta")}">
<div class="{cls(ctx, "byline")}"><address aria-label="Contributor info" data-component="meta-byline" data-link-name="byline">
<div class="{cls(ctx, "contrib")}">{" and ".join(f'<a rel="author" class="{cls(ctx, "author")}" data-link-name="auto tag link" href="{site.base}/profile/{n.lower().replace(" ", "")}">{esc(n)}</a>' for n in a.authors)}</div></address></div>
<div class="{cls(ctx, "dateline")}"><details class="{cls(ctx, "details")}" data-gu-name="dateline"><summary class="{cls(ctx, "summary")}"><span class="{cls(ctx, "date")}">{a.published:%a %-d %b %Y %H.%M} GMT</span></summary><span class="{cls(ctx, "mod")}">Last modified on {a.modified:%a %-d %b %Y %H.%M} GMT</span></details>
<div class="{cls(ctx, "live")}"><time data-relativeformat="med" datetime="{a.modified.isoformat()}" class="{cls(ctx, "reltime")}">Updated {ctx.ago()}</time></div></div>
<div class="{cls(ctx, "counts")}" data-gu-name="counts"><div data-component="share-count" class="{cls(ctx, "sharecount")}"><span aria-label="{c.counters[1]} shares">{ctx.counter(1)} shares</span></div>
<a href="{ctx.url}#comments" data-link-name="comment-count" class="{cls(ctx, "commentcount")}">{c.counters[0]:,} comments</a></div>
{share_buttons(ctx, "social")}
</div>
<div data-gu-name="body" class="{cls(ctx, "bodywrap")}">
<div id="maincontent" class="article-body-commercial-selector article-body-viewer-selector {cls(ctx, "body")}">
<p class="{cls(ctx, "updated-inline")}"><span class="{cls(ctx, "upd")}">Updated {ctx.body_ago()}</span> · <span>{c.body_counters[0]:,} comments</span></p>
{body(ctx)}
</div>
<div id="slot-body-end" data-link-name="slot-body-end"></div>
<div data-print-layout="hide" class="{cls(ctx, "submeta")}"><span class="{cls(ctx, "label")}">Explore more on these topics</span><ul class="{cls(ctx, "keywords")}">
{"".join(f'<li class="{cls(ctx, "kw")}"><a href="{site.base}/{t.replace(" ", "-")}" data-link-name="keyword: {t}">{esc(t.capitalize())}</a></li>' for t in a.tags)}</ul>
<div class="{cls(ctx, "subshare")}"><span>{ctx.counter(1)} shares</span> <a href="{ctx.url}#comments">Reuse this content</a></div></div>
</div>
</div>
</article>
<aside data-gu-name="right-column" class="{cls(ctx, "right")}">
{rail(ctx)}
</aside>
<section data-component="more-on-this-story" class="{cls(ctx, "onwards")}"><h2 class="{cls(ctx, "onh")}">More on this story</h2><ul class="{cls(ctx, "cards")}">
{"".join(f'<li class="{cls(ctx, "card")}">{ctx.tag("a", ("href", u), ("data-link-name", f"onward | {n}"), ctx.track("onward"))}<span class="{cls(ctx, "kicker")}">{esc(a.section)}</span> {esc(h)}</a><time class="{cls(ctx, "age")}">{ctx.ago("short")}</time></li>' for n, (h, u) in enumerate(ctx.other("onward", 8)))}
</ul></section>
<section data-component="comments" id="comments" class="{cls(ctx, "discussion")}"><h2>Comments ({c.counters[0]:,})</h2><p>This discussion is now closed for comments but you can still <a href="{ctx.url}#comments">sign in or create your account</a> to join the discussion when it's back</p></section>
<section data-component="most-popular-footer" class="{cls(ctx, "mpf")}"><h2>Most viewed</h2>
<div role="tablist"><button role="tab" aria-selected="true">Across the site</button><button role="tab" aria-selected="false">In {esc(a.section)}</button></div>
<ol class="{cls(ctx, "mplist")}">{"".join(f'<li class="{cls(ctx, "mpi")}"><a href="{u}" data-link-name="most viewed | {n}"><span class="{cls(ctx, "num")}">{n + 1}</span> {esc(h)}</a></li>' for n, (h, u) in enumerate(ctx.other("mpfooter", 10)))}</ol>
</section>
</main>
<footer data-link-name="footer" data-component="footer" class="{cls(ctx, "footer")}">
{mega_menu(ctx, "footer-pillar")}
{footer_links(ctx)}
<div class="{cls(ctx, "copy")}">&copy; {a.published:%Y} {esc(site.name)} Media Group or its affiliated companies. All rights reserved. (modern)</div>
</footer>
{cookie_banner(ctx)}
<script type="module" src="https://assets.{site.domain}/assets/index.{c.build}.js" nonce="{c.nonce}"></script>
<script nonce="{c.nonce}">window.guardian.ophan = {{pageViewId: "{c.track_seed:x}{c.ad_seed:x}"}}; window.guardian.queue = [];</script>
</body>
</html>"""


def body(ctx: Ctx) -> str:
    out = []
    for kind, item in ctx.body():
        if kind == "block":
            out.append(block(ctx, item))  # type: ignore[arg-type]
            if len(out) == 6:
                out.append(newsletter(ctx))
        elif kind == "teaser":
            out.append(teaser(ctx, item))  # type: ignore[arg-type]
        else:
            name = f"inline{item}"
            out.append(
                f'<aside class="ad-slot-container {cls(ctx, "adc")}">{ctx.tag("div", ("id", f"dfp-ad--{name}"), ("class", "js-ad-slot ad-slot ad-slot--inline ad-slot--rendered"), ("data-link-name", f"ad slot {name}"), ("data-name", name), ("aria-hidden", "true"))}'
                f'<div class="ad-slot__label" data-label-show="true">{ctx.ad_marker()}</div><div id="{ad_id(ctx, name)}" class="ad-slot__content">{ad_creative(ctx, name)}</div></div></aside>'
            )
    return "\n".join(out)


def block(ctx: Ctx, b: Block) -> str:
    p = cls(ctx, "p")
    if b.kind == "p":
        inner = f"<strong>{b.parts[0]}</strong>" if b.role == "note" else b.parts[0]
        return f'<p class="{p}">{inner}</p>'
    if b.kind in ("h2", "h3"):
        return f'<{b.kind} id="{stable(b.parts[0]) % 10**6}" class="{cls(ctx, "h2")}">{b.parts[0]}</{b.kind}>'
    if b.kind in ("ul", "ol"):
        items = "\n".join(f'<li class="{cls(ctx, "li")}"><p>{part}</p></li>' for part in b.parts)
        return f'<{b.kind} class="{cls(ctx, "list")}">\n{items}\n</{b.kind}>'
    inner = "\n".join(f'<p class="{p}">{part}</p>' for part in b.parts)
    return f'<blockquote class="{cls(ctx, "quote")}">\n{inner}\n</blockquote>'


def teaser(ctx: Ctx, t: Teaser) -> str:
    headline, href = ctx.teaser_link(t)
    return f'<p class="{cls(ctx, "p")}"><strong>{t.prefix} </strong>{ctx.tag("a", ("href", href), ("data-link-name", "in body link"), ("class", cls(ctx, "a")), ctx.track("inbody"))}{esc(headline)}</a></p>'


def newsletter(ctx: Ctx) -> str:
    return (
        f'<figure data-spacefinder-role="inline" class="{cls(ctx, "nlfig")}"><a href="#EmailSignup-skip-link-7" class="{cls(ctx, "skip")}">skip past newsletter promotion</a>'
        f'<div class="{cls(ctx, "nl")}"><div class="{cls(ctx, "nlhead")}"><span class="{cls(ctx, "nltitle")}">Sign up to First Edition</span><span class="{cls(ctx, "nlfree")}">Free daily newsletter</span></div>'
        f'<div class="{cls(ctx, "nldesc")}">Our morning email breaks down the key stories of the day, telling you what\'s happening and why it matters</div>'
        f'<div class="{cls(ctx, "nlnote")}"><strong>Privacy Notice: </strong>Newsletters may contain info about charities, online ads, and content funded by outside parties.</div>'
        f'<form class="{cls(ctx, "nlform")}"><input type="email" aria-label="Enter your email"><button type="submit">Sign up</button></form></div>'
        f'<div id="EmailSignup-skip-link-7" tabindex="0" aria-label="after newsletter promotion" role="note" class="{cls(ctx, "after")}">after newsletter promotion</div></figure>'
    )


def rail(ctx: Ctx) -> str:
    modules = {
        "most_viewed": lambda: (
            f'<div data-component="most-popular-right" class="{cls(ctx, "mpr")}"><h2 class="{cls(ctx, "mprh")}">Most viewed</h2><ol class="{cls(ctx, "mprl")}">\n'
            + "\n".join(
                f'<li class="{cls(ctx, "mpri")}">{ctx.tag("a", ("href", u), ("data-link-name", f"right-most-popular | {n}"), ctx.track("mostviewed"))}<span class="{cls(ctx, "num")}">{n + 1}</span> {esc(h)}</a></li>'
                for n, (h, u) in enumerate(ctx.other("mostviewed", 10))
            )
            + "\n</ol></div>"
        ),
        "ad_right": lambda: (
            f'<div id="dfp-ad--right" class="js-ad-slot ad-slot ad-slot--right ad-slot--mpu-banner-ad" data-name="right"><div class="ad-slot__label">{ctx.ad_marker()}</div><div id="{ad_id(ctx, "right")}">{ad_creative(ctx, "right")}</div></div>'
        ),
        "newsletter_rail": lambda: (
            f'<div class="{cls(ctx, "nlr")}"><h3>The Long Read</h3><p>Get lost in a great story. Sign up for our weekly newsletter.</p><a href="{ctx.site.base}/email-newsletters">Sign up</a></div>'
        ),
    }
    return "\n".join(modules[name]() for name in ctx.chrome.sidebar_order)
