"""A tech site (Valnet/Vox-like): #article-body with ad-zone placeholders between paragraphs, an
"emaki" update box style, a "Trending" box, a sticky share rail and Next.js data."""

from __future__ import annotations

import json

from tests.data.corpus.article import Block
from tests.data.corpus.chrome import ALL_NOISE, Teaser
from tests.data.corpus.markup import (
    Ctx,
    ad_id,
    cookie_banner,
    css,
    data_layer,
    footer_links,
    gtm,
    json_ld,
    meta_tags,
    share_buttons,
    svg_sprite,
)
from tests.data.corpus.text import esc, stable

NAME = "tech"
SITES = (
    ("GadgetFlow", "gadgetflow.example"),
    ("ByteWire", "bytewire.example"),
    ("The Circuit", "thecircuit.example"),
)
SIDEBAR = ("trending", "latest", "deals")
NOISE = ALL_NOISE - {"comment_added"}
TEASERS = True
ADS = True


def url(domain: str, slug: str, published: str) -> str:
    return f"https://www.{domain}/{slug}/"


def render(ctx: Ctx) -> str:
    a, c, site = ctx.article, ctx.chrome, ctx.site
    next_data = {
        "props": {
            "pageProps": {
                "article": {
                    "id": stable(a.slug) % 10**7,
                    "title": a.title,
                    "excerpt": a.dek,
                    "authors": [{"name": n, "slug": n.lower().replace(" ", "-")} for n in a.authors],
                    "publishDate": a.published.isoformat(),
                    "updateDate": a.modified.isoformat(),
                    "category": a.section,
                    "commentCount": c.counters[0],
                    "shareCount": c.counters[1],
                },
                "ads": {"pageViewId": f"{c.ad_seed:x}", "zones": ["top", "content", "sidebar", "sticky"]},
                "trending": [h for h, _u in ctx.other("trending", 5)],
            }
        },
        "page": "/[...slug]",
        "buildId": c.build,
        "isFallback": False,
        "gip": True,
    }
    return f"""<!DOCTYPE html>
<html lang="en" data-theme="light">
<head>
{meta_tags(ctx)}
<link rel="preload" href="/_next/static/css/{c.build}/app.css" as="style">
<link rel="stylesheet" href="/_next/static/css/{c.build}/app.css">
<link rel="preload" href="/_next/static/chunks/webpack.js?v={c.build}" as="script">
{gtm(ctx, "GTM-" + f"{site.seed % 16**6:06X}")}
{data_layer(ctx)}
<script nonce="{c.nonce}">window.adsQueue = window.adsQueue || []; window.__ads = {{ pvid: "{c.ad_seed:x}", lazy: true, refresh: 30 }};</script>
{json_ld(ctx)}
<style>{css(ctx, c.filler)}</style>
</head>
<body class="page-article">
{svg_sprite()}
<div id="__next">
<header class="header header--sticky">
<div class="header__inner"><a class="header__logo" href="/" aria-label="{esc(site.name)} home">{esc(site.name)}</a>
{ctx.tag("nav", ("class", "header__nav"), ("aria-label", "Main"))}<ul class="header__menu">{"".join(f'<li class="header__item">{ctx.tag("a", ("class", "header__link"), ("href", f"/category/{x.lower()}/"), ctx.track("nav"))}{x}</a></li>' for x in ("Phones", "PC & Mobile", "Internet", "Productivity", "Lifestyle", "Tech Explained", "Reviews", "Buying Guides", "Deals", "Security", "Gaming", "Smart Home"))}</ul></nav>
<div class="header__actions"><button class="header__search" aria-label="Search">{"<svg width='20' height='20'><use href='#icon-search'></use></svg>"}</button><a href="/newsletter/" class="header__newsletter">Newsletter</a></div></div>
</header>
<main class="main">
<div class="w-article">
{ctx.tag("article", ("class", "article article--news"), ("data-article-id", str(stable(a.slug) % 10**7)))}
<header class="article-header">
<div class="meta_txt article_category"><a href="/category/{a.section.lower()}/">{esc(a.section)}</a></div>
<h1 class="article-header-title">{esc(a.title)}</h1>
<p class="heading_excerpt">{esc(a.dek)}</p>
<div class="article-byline">By {" &amp; ".join(f'<a class="meta_txt author" href="/author/{n.lower().replace(" ", "-")}/">{esc(n)}</a>' for n in a.authors)}
<span class="meta_txt article-date">Published <time datetime="{a.published.isoformat()}">{a.published:%b %-d, %Y}</time></span>
<span class="meta_txt article-updated">· Updated {ctx.ago()}</span></div>
<div class="article-share-rail">{share_buttons(ctx, "share")}<span class="share-total">{ctx.counter(1)} shares</span><a class="comments-link" href="#comments">{c.counters[0]:,} comments</a></div>
</header>
<div class="heading_image responsive-img"><picture><source media="(min-width: 1024px)" srcset="https://static.{site.domain}{a.image}?q=50&fit=crop&w=1140&h=&dpr=1.5"><img width="1680" height="840" loading="lazy" decoding="async" alt="{esc(a.title)}" src="https://static.{site.domain}{a.image}?q=50&fit=crop&w=825&dpr=1.5"></picture></div>
<section id="article-body" class="article-body content-block-regular">
<div class="article-body__meta"><span class="reading-stats">{c.body_counters[1]:,} shares · {c.body_counters[0]:,} comments</span> <span class="reading-updated">Updated {ctx.body_ago()}</span></div>
{body(ctx)}
</section>
<footer class="article-footer"><div class="article-tags">{"".join(f'<a class="tag" href="/tag/{t.replace(" ", "-")}/">{esc(t)}</a>' for t in a.tags)}</div>
<div class="article-follow">Follow {esc(site.name)} on <a href="https://news.google.com/">Google News</a></div></footer>
</article>
<aside class="sidebar sidebar--article">
{sidebar(ctx)}
</aside>
</div>
<section class="section-latest"><h2 class="section-title">Latest</h2><div class="listing">{"".join(f'<div class="display-card">{ctx.tag("a", ("href", u), ctx.track("card"))}<h5 class="display-card-title">{esc(h)}</h5></a><span class="display-card-date">{ctx.ago("short")}</span></div>' for h, u in ctx.other("latest-grid", 8))}</div></section>
</main>
<footer class="footer"><div class="footer__inner">
<div class="footer__brand">{esc(site.name)} is part of the Valnet Publishing Group</div>
{footer_links(ctx)}
<p class="footer__copyright">Copyright &copy; {a.published:%Y} www.{site.domain}</p></div></footer>
</div>
{cookie_banner(ctx)}
<div class="ad-zone-container ad-sticky-bottom"><div class="ad-zone ad-zone-sticky" id="{ad_id(ctx, "sticky")}" data-zone="sticky"></div></div>
<script id="__NEXT_DATA__" type="application/json" nonce="{c.nonce}">{json.dumps(next_data, ensure_ascii=False)}</script>
<script src="/_next/static/chunks/main.js?v={c.build}" nonce="{c.nonce}" defer></script>
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
            name = f"content-{item}"
            out.append(
                f'<div class="ad-zone-container"><div class="ad-zone-label">{ctx.ad_marker()}</div>{ctx.tag("div", ("class", "ad-zone ad-zone-content"), ("id", ad_id(ctx, name)), ("data-zone", "content"), ("data-position", str(item)), ("style", "min-height:250px"))}</div></div>'
            )
    return "\n".join(out)


def block(b: Block) -> str:
    if b.kind == "p":
        if b.role == "note":
            return f'<div class="emaki-custom-block emaki-custom-update"><div class="custom-update-content"><p>{b.parts[0]}</p></div></div>'
        return f"<p>{b.parts[0]}</p>"
    if b.kind in ("h2", "h3"):
        return f'<{b.kind} id="{b.parts[0][:24].lower().replace(" ", "-")}">{b.parts[0]}</{b.kind}>'
    if b.kind in ("ul", "ol"):
        return f"<{b.kind}>" + "".join(f"<li>{part}</li>" for part in b.parts) + f"</{b.kind}>"
    return (
        '<blockquote class="article-quote">' + "".join(f"<p>{part}</p>" for part in b.parts) + "</blockquote>"
    )


def teaser(ctx: Ctx, t: Teaser) -> str:
    headline, href = ctx.teaser_link(t)
    return f"<p><strong>{t.prefix.upper()}</strong> {ctx.tag('a', ('href', href), ('target', '_self'), ctx.track('readmore'))}{esc(headline)}</a></p>"


def sidebar(ctx: Ctx) -> str:
    modules = {
        "trending": lambda: (
            '<div class="sidebar-widget trending-widget"><h3 class="widget-title">Trending Now</h3><ul class="trending-list">'
            + "".join(
                f'<li class="trending-item">{ctx.tag("a", ("href", u), ctx.track("trending"))}<span class="trending-num">{n + 1}</span>{esc(h)}</a></li>'
                for n, (h, u) in enumerate(ctx.other("trending", 5))
            )
            + "</ul></div>"
        ),
        "latest": lambda: (
            '<div class="sidebar-widget"><h3 class="widget-title">Latest News</h3><ul>'
            + "".join(
                f'<li><a href="{u}">{esc(h)}</a><span class="ago">{ctx.ago("short")}</span></li>'
                for h, u in ctx.other("latest", 5)
            )
            + "</ul></div>"
        ),
        "deals": lambda: (
            f'<div class="sidebar-widget deals"><h3 class="widget-title">Today\'s Best Deals</h3><div class="ad-zone-container"><div class="ad-zone-label">{ctx.ad_marker()}</div><div class="ad-zone ad-zone-sidebar" id="{ad_id(ctx, "sidebar")}"></div></div></div>'
        ),
    }
    return "\n".join(modules[name]() for name in ctx.chrome.sidebar_order)
