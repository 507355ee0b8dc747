"""A public broadcaster (BBC-like): every paragraph in its own data-component="text-block",
styled-components class names, a byline block with a relative time, "Related" links blocks and a
"Most read" list, and "Read more" teasers inside the text."""

from __future__ import annotations

import json

from tests.data.corpus.article import Block
from tests.data.corpus.chrome import ALL_NOISE, Teaser
from tests.data.corpus.markup import Ctx, cookie_banner, css, footer_links, json_ld, meta_tags, svg_sprite
from tests.data.corpus.text import esc, stable

NAME = "bbc"
SITES = (("National Broadcasting News", "nbn.co.uk"), ("Public Service News", "psnews.org"))
SIDEBAR = ("related_topics", "most_read", "features")
NOISE = ALL_NOISE - {"ad_marker_in_body", "comment_added", "counters", "rotate_ads"}
TEASERS = True
ADS = False  # no advertising on the home edition


def url(domain: str, slug: str, published: str) -> str:
    return f"https://www.{domain}/news/articles/c{stable(slug) % 36**9:09x}o"


def sc(ctx: Ctx, name: str) -> str:
    digest = stable(name + ctx.chrome.build)
    return f"sc-{digest % 16**8:08x} {''.join(chr(97 + (digest >> s) % 26) for s in range(0, 18, 3))}"


def render(ctx: Ctx) -> str:
    a, c, site = ctx.article, ctx.chrome, ctx.site
    next_data = {
        "props": {
            "pageProps": {
                "page": {
                    '@"news","articles","' + ctx.url.rsplit("/", 1)[-1] + '",': {
                        "metadata": {
                            "firstPublished": int(a.published.timestamp() * 1000),
                            "lastUpdated": int(a.modified.timestamp() * 1000),
                            "topics": list(a.tags),
                            "section": a.section,
                            "atiAnalytics": {
                                "contentId": f"urn:bbc:optimo:asset:{stable(a.slug):x}",
                                "producerId": "64",
                                "pageTitle": a.title,
                            },
                        }
                    }
                },
                "isNextJs": True,
                "buildId": c.build,
            }
        },
        "page": "/[[...slug]]",
        "query": {},
        "buildId": c.build,
        "runtimeConfig": {"environment": "live"},
        "isFallback": False,
        "gssp": True,
        "scriptLoader": [],
    }
    return f"""<!DOCTYPE html>
<html lang="en-GB" class="no-js">
<head>
{meta_tags(ctx, twitter="@NBNNews")}
<meta name="next-head-count" content="48">
<link rel="preload" href="https://static.files.{site.domain}/fonts/ReithSans/v5/ReithSans_W_Rg.woff2?v={c.build}" as="font" type="font/woff2" crossorigin>
<link rel="stylesheet" href="https://static.files.{site.domain}/bbcdotcom/web/{c.build}/core.css">
<script nonce="{c.nonce}">document.documentElement.className = document.documentElement.className.replace('no-js','js');</script>
<script nonce="{c.nonce}">window.__reverb = {{}}; window.__reverb.__reverbLoadedPromise = new Promise(function(r) {{ window.__reverb.__resolveReverbLoaded = r; }}); window.page_data = {{ "isUK": true, "edition": "domestic" }};</script>
{json_ld(ctx, kind="ReportageNewsArticle")}
<style data-styled="active" data-styled-version="5.3.11">{css(ctx, c.filler)}</style>
</head>
<body>
{svg_sprite()}
<div id="__next">
<a href="#main-content" class="{sc(ctx, "skip")}">Skip to content</a>
{ctx.tag("header", ("data-testid", "header-content"), ("class", sc(ctx, "header")))}
<div class="{sc(ctx, "branding")}"><a href="{site.base}/" aria-label="{esc(site.name)}, Homepage"><svg viewBox="0 0 83 24" width="83" height="24"><path d="M0 0h24v24H0zM29 0h24v24H29zM58 0h24v24H58z"></path></svg></a>
<a href="https://account.{site.domain}/signin" data-testid="header-signin">Sign in</a></div>
<nav aria-label="{esc(site.name)}" class="{sc(ctx, "nav")}"><ul class="{sc(ctx, "navl")}" role="list">{"".join(f'<li class="{sc(ctx, "navi")}">{ctx.tag("a", ("href", f"{site.base}/{x.lower()}"), ("data-testid", "mainNavigationLink"), ctx.track("nav"))}{x}</a></li>' for x in ("Home", "News", "Sport", "Business", "Innovation", "Culture", "Arts", "Travel", "Earth", "Audio", "Video", "Live"))}</ul></nav>
<nav aria-label="News" class="{sc(ctx, "subnav")}"><ul role="list">{"".join(f'<li><a href="{site.base}/news/{x.lower().replace(" ", "-")}">{x}</a></li>' for x in ("Israel-Gaza war", "War in Ukraine", "US & Canada", "UK", "UK Politics", "England", "N. Ireland", "Scotland", "Wales", "Africa", "Asia", "Australia", "Europe", "Latin America", "Middle East", "In Pictures", "Verify"))}</ul></nav>
</header>
<main id="main-content" data-testid="main-content" class="{sc(ctx, "main")}">
<article class="{sc(ctx, "article")}">
<div data-component="headline-block" class="{sc(ctx, "hb")}"><h1 id="main-heading" type="headline" tabindex="-1" class="{sc(ctx, "h1")}"><span role="text">{esc(a.title)}</span></h1></div>
<div data-component="byline-block" class="{sc(ctx, "bb")}"><div data-testid="byline-new" class="{sc(ctx, "byline")}">
<div class="{sc(ctx, "time")}"><time data-testid="timestamp" datetime="{a.modified.isoformat()}" class="{sc(ctx, "ts")}">{ctx.body_ago()}</time></div>
<div class="{sc(ctx, "contrib")}"><div data-testid="byline-new-contributors"><span class="{sc(ctx, "name")}">{esc(" & ".join(a.authors))}</span><div class="{sc(ctx, "role")}">{esc(a.section)} reporter</div></div></div>
<div class="{sc(ctx, "share")}"><button type="button" aria-label="Share">Share</button><button type="button" aria-label="Save">Save</button><span class="{sc(ctx, "sharecount")}">{c.body_counters[1]:,} shares</span></div>
</div></div>
<figure class="{sc(ctx, "lead")}" data-component="image-block"><div data-testid="hero-image"><img sizes="(min-width: 1280px) 50vw, 100vw" src="https://ichef.{site.domain}/ace/standard/976/cpsprodpb{a.image}.webp" loading="eager" class="{sc(ctx, "img")}" alt="{esc(a.dek)}"></div></figure>
{body(ctx)}
<div data-component="tags" class="{sc(ctx, "tags")}"><div class="{sc(ctx, "tagsw")}"><ul class="{sc(ctx, "tagl")}">{"".join(f'<li class="{sc(ctx, "tagi")}"><a href="{site.base}/news/topics/c{stable(t) % 36**9:09x}t">{esc(t.title())}</a></li>' for t in a.tags)}</ul></div></div>
</article>
<aside class="{sc(ctx, "aside")}">
{aside(ctx)}
</aside>
</main>
<footer data-testid="footer" class="{sc(ctx, "footer")}">
<div class="{sc(ctx, "ftop")}"><a href="{site.base}/">{esc(site.name)}</a></div>
{footer_links(ctx)}
<p class="{sc(ctx, "fcopy")}">Copyright {a.published:%Y} {esc(site.name)}. All rights reserved. {esc(site.name)} is not responsible for the content of external sites. <strong>Read about our approach to external linking.</strong></p>
</footer>
</div>
{cookie_banner(ctx)}
<script id="__NEXT_DATA__" type="application/json" nonce="{c.nonce}">{json.dumps(next_data, ensure_ascii=False)}</script>
<script src="https://static.files.{site.domain}/bbcdotcom/web/{c.build}/_next/static/chunks/main.js" nonce="{c.nonce}" defer></script>
</body>
</html>"""


def body(ctx: Ctx) -> str:
    out = []
    for kind, item in ctx.body():
        if kind == "block":
            out.append(block(ctx, item))  # type: ignore[arg-type]
        elif kind == "teaser":
            out.append(teaser(ctx, item))  # type: ignore[arg-type]
    return "\n".join(out)


def block(ctx: Ctx, b: Block) -> str:
    if b.kind == "p":
        inner = f"<i>{b.parts[0]}</i>" if b.role == "note" else b.parts[0]
        return f'<div data-component="text-block" class="{sc(ctx, "tb")}"><p class="{sc(ctx, "para")}">{inner}</p></div>'
    if b.kind in ("h2", "h3"):
        return f'<div data-component="subheadline-block" class="{sc(ctx, "shb")}"><h2 class="{sc(ctx, "sh")}">{b.parts[0]}</h2></div>'
    if b.kind in ("ul", "ol"):
        items = "".join(
            f'<li class="{sc(ctx, "li")}"><p class="{sc(ctx, "lip")}">{part}</p></li>' for part in b.parts
        )
        return f'<div data-component="text-block" class="{sc(ctx, "tb")}"><{b.kind} class="{sc(ctx, "list")}" role="list">{items}</{b.kind}></div>'
    inner = "".join(f'<p class="{sc(ctx, "qp")}">{part}</p>' for part in b.parts)
    return f'<div data-component="text-block" class="{sc(ctx, "tb")}"><blockquote class="{sc(ctx, "bq")}">{inner}</blockquote></div>'


def teaser(ctx: Ctx, t: Teaser) -> str:
    headline, href = ctx.teaser_link(t)
    if t.headline % 3 == 0:
        # the older style: a bold "Read more:" paragraph followed by a list of links
        second, href2 = (
            ctx.headlines[(t.headline + 5) % len(ctx.headlines)],
            ctx.story_url((t.headline + 5) % len(ctx.headlines)),
        )
        return (
            f'<div data-component="text-block" class="{sc(ctx, "tb")}"><p class="{sc(ctx, "para")}"><b>Read more:</b></p></div>'
            f'<div data-component="unordered-list-block" class="{sc(ctx, "ulb")}"><ul role="list"><li>{ctx.tag("a", ("href", href), ctx.track("readmore"))}{esc(headline)}</a></li><li><a href="{href2}">{esc(second)}</a></li></ul></div>'
        )
    return f'<div data-component="text-block" class="{sc(ctx, "tb")}"><p class="{sc(ctx, "para")}"><b>{t.prefix}</b> {ctx.tag("a", ("href", href), ("class", sc(ctx, "link")), ctx.track("inline"))}{esc(headline)}</a></p></div>'


def aside(ctx: Ctx) -> str:
    modules = {
        "related_topics": lambda: (
            f'<section data-component="links-block" class="{sc(ctx, "lb")}"><h2>Related</h2><ul role="list">'
            + "".join(
                f'<li>{ctx.tag("a", ("href", u), ctx.track("related"))}{esc(h)}</a><span class="{sc(ctx, "age")}">{ctx.ago()}</span></li>'
                for h, u in ctx.other("related", 4)
            )
            + "</ul></section>"
        ),
        "most_read": lambda: (
            f'<section data-component="most-read" class="{sc(ctx, "mr")}"><h2>Most read</h2><ol role="list">'
            + "".join(
                f'<li><span class="{sc(ctx, "rank")}">{n + 1}</span><a href="{u}">{esc(h)}</a></li>'
                for n, (h, u) in enumerate(ctx.other("mostread", 10))
            )
            + "</ol></section>"
        ),
        "features": lambda: (
            f'<section data-component="features" class="{sc(ctx, "ft")}"><h2>Features</h2><ul role="list">'
            + "".join(f'<li><a href="{u}">{esc(h)}</a></li>' for h, u in ctx.other("features", 5))
            + "</ul></section>"
        ),
    }
    return "\n".join(modules[name]() for name in ctx.chrome.sidebar_order)
