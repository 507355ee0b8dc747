"""An AMP article page: <html amp>, the boilerplate, amp-custom CSS, amp-img, amp-ad slots with
labels between paragraphs, amp-analytics, amp-sidebar, amp-social-share and amp-consent."""

from __future__ import annotations

import json

from tests.data.corpus.article import Block
from tests.data.corpus.chrome import ALL_NOISE, Teaser
from tests.data.corpus.markup import Ctx, css, json_ld, meta_tags
from tests.data.corpus.text import esc

NAME = "amp"
SITES = (
    ("Corran Bay Herald", "corranbayherald.com"),
    ("The Evening Standard-Gazette", "standardgazette.com"),
)
SIDEBAR = ("trending", "more_news")
NOISE = ALL_NOISE - {"comment_added", "script_nonce"}
TEASERS = True
ADS = True

BOILERPLATE = (
    "<style amp-boilerplate>body{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both;-moz-animation:-amp-start 8s steps(1,end) 0s 1 normal both;"
    "-ms-animation:-amp-start 8s steps(1,end) 0s 1 normal both;animation:-amp-start 8s steps(1,end) 0s 1 normal both}@-webkit-keyframes -amp-start{from{visibility:hidden}to{visibility:visible}}"
    "@-moz-keyframes -amp-start{from{visibility:hidden}to{visibility:visible}}@-ms-keyframes -amp-start{from{visibility:hidden}to{visibility:visible}}"
    "@-o-keyframes -amp-start{from{visibility:hidden}to{visibility:visible}}@keyframes -amp-start{from{visibility:hidden}to{visibility:visible}}</style>"
    "<noscript><style amp-boilerplate>body{-webkit-animation:none;-moz-animation:none;-ms-animation:none;animation:none}</style></noscript>"
)
COMPONENTS = (
    "amp-ad",
    "amp-analytics",
    "amp-sidebar",
    "amp-social-share",
    "amp-consent",
    "amp-iframe",
    "amp-bind",
    "amp-list",
    "amp-mustache",
    "amp-accordion",
)


def url(domain: str, slug: str, published: str) -> str:
    return f"https://www.{domain}/news/{slug}.amp.html"


def render(ctx: Ctx) -> str:
    a, c, site = ctx.article, ctx.chrome, ctx.site
    scripts = "\n".join(
        f'<script async custom-element="{name}" src="https://cdn.ampproject.org/v0/{name}-{"0.2" if name == "amp-bind" else "0.1"}.js"></script>'
        if name != "amp-mustache"
        else '<script async custom-template="amp-mustache" src="https://cdn.ampproject.org/v0/amp-mustache-0.2.js"></script>'
        for name in COMPONENTS
    )
    analytics_config = {
        "vars": {
            "account": f"UA-{site.seed % 10**8}-1",
            "gtag_id": f"G-{site.seed % 10**9:X}",
            "config": {f"G-{site.seed % 10**9:X}": {"groups": "default"}},
        },
        "triggers": {
            "trackPageview": {"on": "visible", "request": "pageview"},
            "scrollPings": {
                "on": "scroll",
                "scrollSpec": {"verticalBoundaries": [25, 50, 75, 100]},
                "request": "event",
                "vars": {"eventCategory": "scroll", "eventId": f"{c.track_seed:x}"},
            },
        },
        "extraUrlParams": {
            "cd1": a.section,
            "cd2": ", ".join(a.authors),
            "cd3": a.published.strftime("%Y-%m-%d"),
            "cd4": "amp",
            "cd5": f"{c.ad_seed:x}",
        },
    }
    return f"""<!doctype html>
<html amp lang="en">
<head>
{meta_tags(ctx)}
<script async src="https://cdn.ampproject.org/v0.js"></script>
{scripts}
<link rel="preload" as="font" href="https://www.{site.domain}/fonts/Merriweather-Regular.woff2?v={c.build}" crossorigin>
{BOILERPLATE}
<style amp-custom>{css(ctx, c.filler)}</style>
{json_ld(ctx)}
</head>
<body>
<amp-analytics type="gtag" data-credentials="include"><script type="application/json">{json.dumps(analytics_config)}</script></amp-analytics>
<amp-analytics type="comscore"><script type="application/json">{{"vars": {{"c2": "{site.seed % 9000000 + 1000000}"}}, "extraUrlParams": {{"comscorekw": "amp", "pvid": "{c.ad_seed:x}"}}}}</script></amp-analytics>
<amp-consent id="consent" layout="nodisplay"><script type="application/json">{{"consentInstanceId": "{site.domain}", "consentRequired": "remote", "checkConsentHref": "https://www.{site.domain}/amp/consent", "promptUI": "consent-ui", "postPromptUI": "post-consent-ui"}}</script>
<div id="consent-ui" class="consent"><p>{["We use cookies to give you the best experience on our website and to show you relevant ads.", "This site and our partners use cookies to personalise content and ads and to analyse traffic.", "We care about your privacy: we and our 640 partners use cookies and similar technologies.", "Cookies help us deliver our services. By using our site, you agree to our use of cookies."][c.cookie_variant % 4]}</p>
<button on="tap:consent.accept" role="button" tabindex="0">Accept</button><button on="tap:consent.reject" role="button" tabindex="0">Reject</button></div>
<div id="post-consent-ui"><button on="tap:consent.prompt" role="button" tabindex="0">Privacy settings</button></div></amp-consent>
<amp-sidebar id="sidebar" layout="nodisplay" side="left"><button on="tap:sidebar.close" class="close" role="button" tabindex="0">Close</button>
<nav class="sidebar-nav"><ul>{nav_items(ctx)}</ul></nav></amp-sidebar>
<header class="site-header"><button class="hamburger" on="tap:sidebar.toggle" role="button" tabindex="0" aria-label="Menu">☰</button>
<a href="https://www.{site.domain}/" class="logo"><amp-img src="https://www.{site.domain}/static/logo.svg?v={c.build}" width="220" height="32" alt="{esc(site.name)}"></amp-img></a></header>
<main id="content" role="main">
{ctx.tag("article", ("class", "article"), ("data-article-id", str(site.seed % 10**7)))}
<header class="article-header">
<a class="section-label" href="https://www.{site.domain}/{a.section.lower()}/">{esc(a.section)}</a>
<h1 class="headline">{esc(a.title)}</h1>
<p class="standfirst">{esc(a.dek)}</p>
<div class="byline">By {" and ".join(f'<a rel="author" href="https://www.{site.domain}/authors/{n.lower().replace(" ", "-")}/">{esc(n)}</a>' for n in a.authors)} <span class="sep">|</span> <time datetime="{a.published.isoformat()}">{a.published:%H:%M, %d %b %Y}</time> <span class="sep">|</span> <span class="updated">Updated: {ctx.ago()}</span></div>
<div class="share-row"><amp-social-share type="facebook" width="36" height="36" data-param-app_id="{site.seed % 10**15}"></amp-social-share><amp-social-share type="twitter" width="36" height="36"></amp-social-share><amp-social-share type="whatsapp" width="36" height="36"></amp-social-share><amp-social-share type="email" width="36" height="36"></amp-social-share>
<span class="share-count">{ctx.counter(1)} shares</span> <a class="comment-count" href="https://www.{site.domain}/news/{a.slug}.html#comments">{c.counters[0]:,} comments</a></div>
</header>
<figure class="lead-image"><amp-img src="https://www.{site.domain}{a.image}" width="1200" height="675" layout="responsive" alt="{esc(a.dek)}"></amp-img></figure>
<div class="article-body" itemprop="articleBody">
<p class="article-body__timestamp">Updated {ctx.body_ago()} · {c.body_counters[1]:,} shares</p>
{body(ctx)}
</div>
</article>
<section class="trending-wrap">
{sidebar(ctx)}
</section>
</main>
<footer class="site-footer"><ul class="footer-links">{"".join(f'<li><a href="https://www.{site.domain}/{x.lower().replace(" ", "-")}/">{x}</a></li>' for x in ("About us", "Contact us", "Advertise", "Privacy notice", "Cookie notice", "Terms", "Corrections", "Complaints", "Syndication", "Careers", "Sitemap", "Archive"))}</ul>
<p class="copyright">&copy; {a.published:%Y} {esc(site.name)}. All rights reserved. <a href="https://www.{site.domain}/news/{a.slug}.html">View non-AMP version</a></p></footer>
</body>
</html>"""


def body(ctx: Ctx) -> str:
    out = []
    for kind, item in ctx.body():
        if kind == "block":
            out.append(block(item))  # type: ignore[arg-type]
        elif kind == "teaser":
            out.append(teaser(ctx, item))  # type: ignore[arg-type]
        else:
            out.append(ad(ctx, int(item)))  # type: ignore[call-overload]
    return "\n".join(out)


def block(b: Block) -> str:
    if b.kind == "p":
        return (
            f'<p class="para"><strong>{b.parts[0]}</strong></p>'
            if b.role == "note"
            else f'<p class="para">{b.parts[0]}</p>'
        )
    if b.kind in ("h2", "h3"):
        return f'<{b.kind} class="subhead">{b.parts[0]}</{b.kind}>'
    if b.kind in ("ul", "ol"):
        return f'<{b.kind} class="list">' + "".join(f"<li>{part}</li>" for part in b.parts) + f"</{b.kind}>"
    return '<blockquote class="quote">' + "".join(f"<p>{part}</p>" for part in b.parts) + "</blockquote>"


def teaser(ctx: Ctx, t: Teaser) -> str:
    headline, href = ctx.teaser_link(t)
    return f'<p class="para"><strong>{t.prefix.upper()}</strong> {ctx.tag("a", ("href", href.replace(".html", ".amp.html")), ctx.track("readmore"))}{esc(headline)}</a></p>'


def ad(ctx: Ctx, slot: int) -> str:
    import random

    rng = random.Random(f"amp-ad:{slot}:{ctx.chrome.ad_seed}")
    return (
        f'<div class="ad-container"><p class="ad-label">{ctx.ad_marker()}</p>'
        f"{ctx.tag('amp-ad', ('width', '300'), ('height', '250'), ('type', 'doubleclick'), ('data-slot', f'/{ctx.site.seed % 10**7}/amp/{ctx.article.section.lower()}/inline{slot}'), ('data-multi-size', '300x600,320x50'), ('json', json.dumps({'targeting': {'pos': f'inline{slot}', 'pvid': f'{rng.getrandbits(32):x}'}})), ('rtc-config', json.dumps({'vendors': {'aps': {'PUB_ID': '3159', 'PARAMS': {'amp': '1'}}}, 'timeoutMillis': 1000})))}"
        f"<div placeholder>{ctx.ad_marker()}</div><div fallback></div></amp-ad></div>"
    )


def sidebar(ctx: Ctx) -> str:
    modules = {
        "trending": lambda: (
            '<div class="trending"><h2 class="trending__title">Trending</h2><ol>'
            + "".join(
                f"<li>{ctx.tag('a', ('href', u), ctx.track('trending'))}{esc(h)}</a></li>"
                for h, u in ctx.other("trending", 6)
            )
            + "</ol></div>"
        ),
        "more_news": lambda: (
            '<div class="more-news"><h2>More news</h2><ul>'
            + "".join(
                f'<li><a href="{u}">{esc(h)}</a> <span class="age">{ctx.ago()}</span></li>'
                for h, u in ctx.other("more", 6)
            )
            + "</ul></div>"
        ),
    }
    return "\n".join(modules[name]() for name in ctx.chrome.sidebar_order)


def nav_items(ctx: Ctx) -> str:
    sections = (
        "News",
        "Local",
        "Crime",
        "Politics",
        "Business",
        "Sport",
        "Weather",
        "Traffic",
        "What's On",
        "Food & Drink",
        "Property",
        "Jobs",
        "Obituaries",
        "Puzzles",
        "Newsletters",
        "Contact us",
    )
    return "".join(
        f"<li>{ctx.tag('a', ('href', f'https://www.{ctx.site.domain}/{x.lower()}/'), ctx.track('menu'))}{esc(x)}</a></li>"
        for x in sections
    )
