"""A wire service (Reuters-like): paragraphs are <div data-testid="paragraph-N"> rather than <p>,
a dateline opens the first paragraph, a sign-off closes the story, "Related" and "Most read"
rails, and hashed CSS-module class names."""

from __future__ import annotations

import json
from dataclasses import replace

from tests.data.corpus.article import ArticleState, Block
from tests.data.corpus.chrome import ALL_NOISE, Teaser
from tests.data.corpus.markup import (
    Ctx,
    ad_creative,
    ad_id,
    cookie_banner,
    css,
    footer_links,
    gpt,
    json_ld,
    meta_tags,
    svg_sprite,
)
from tests.data.corpus.text import esc, stable

NAME = "wire"
SITES = (("Global Wire", "globalwire.example"), ("Newswire International", "newswire-intl.example"))
SIDEBAR = ("most_read", "markets", "related")
NOISE = ALL_NOISE - {"comment_added", "counters"}
TEASERS = True
ADS = True


def url(domain: str, slug: str, published: str) -> str:
    return f"https://www.{domain}/world/{slug}-{published[:10].replace('-', '-')}/"


def adapt(article: ArticleState, site_name: str) -> ArticleState:
    """Wire copy opens with a dateline and ends with a sign-off; both are part of the story text."""
    blocks = list(article.blocks)
    first = next(i for i, b in enumerate(blocks) if b.kind == "p")
    city = article.extra.get("city", "LONDON")
    blocks[first] = replace(
        blocks[first], parts=(f"{city}, {article.published:%B %-d} ({site_name}) - {blocks[first].parts[0]}",)
    )
    editors = article.extra.get("editors", "Editing by Mark Potter")
    blocks.append(Block("p", (f"Reporting by {' and '.join(article.authors)}; {editors}",), role="signoff"))
    return replace(article, blocks=tuple(blocks))


def m(ctx: Ctx, name: str) -> str:
    """CSS-module class names: component__name__hash, where the hash changes per deploy."""
    return f"{name}__{stable(name + ctx.chrome.build) % 36**5:05x}"


def render(ctx: Ctx) -> str:
    a, c, site = ctx.article, ctx.chrome, ctx.site
    fusion = {
        "globalContent": {
            "_id": f"{stable(a.slug):X}",
            "type": "story",
            "headlines": {"basic": a.title},
            "description": {"basic": a.dek},
            "display_date": a.published.isoformat(),
            "authors": [
                {"name": n, "byline": n, "url": f"/authors/{n.lower().replace(' ', '-')}/"} for n in a.authors
            ],
            "taxonomy": {"section": {"name": a.section}, "keywords": list(a.tags)},
            "word_count": sum(len(t.split()) for t in a.paragraphs()),
        },
        "deployment": c.build,
        "contextPath": "/pf",
        "arcSite": site.domain.split(".")[0],
        "outputType": "default",
    }
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
{meta_tags(ctx)}
<link rel="stylesheet" href="/pf/resources/styles/default.css?d={c.build}&amp;mxId=00000000">
<script nonce="{c.nonce}">window.Fusion = window.Fusion || {{}}; Fusion.deployment = "{c.build}"; Fusion.globalContent = {json.dumps(fusion["globalContent"], ensure_ascii=False)};</script>
{gpt(ctx, str(site.seed % 10**7), [("leaderboard", "[[728, 90], [970, 90]]"), ("mid_article", "[[300, 250], [728, 90]]"), ("right_rail", "[300, 600]")])}
<script nonce="{c.nonce}">window.permutive = window.permutive || []; permutive.addon('web', {{ page: {{ article: {{ id: "{stable(a.slug):x}", section: "{a.section}" }}, pvid: "{c.track_seed:x}" }} }});</script>
{json_ld(ctx)}
<style>{css(ctx, c.filler)}</style>
</head>
<body>
{svg_sprite()}
<div id="fusion-app" class="{m(ctx, "app")}">
<header class="{m(ctx, "site-header")}" data-testid="SiteHeader">
<a href="/" class="{m(ctx, "logo")}" aria-label="{esc(site.name)} homepage">{esc(site.name)}</a>
{ctx.tag("nav", ("class", m(ctx, "nav")), ("aria-label", "Primary"), ("data-testid", "NavBar"))}<ul class="{m(ctx, "nav-list")}">{nav_items(ctx)}</ul></nav>
<div class="{m(ctx, "ticker")}" data-testid="MarketTicker">{"".join(f'<span class="{m(ctx, "tick")}">{name} {(stable(name + str(c.minutes)) % 400 - 200) / 100:+.2f}%</span>' for name in ("S&amp;P 500", "Nasdaq", "Dow", "FTSE 100", "DAX", "Nikkei", "Brent", "Gold"))}</div>
</header>
<div class="{m(ctx, "leaderboard")}"><div class="{m(ctx, "ad-label")}">{ctx.ad_marker()}</div><div id="{ad_id(ctx, "leaderboard")}">{ad_creative(ctx, "leaderboard")}</div></div>
<main id="main-content" class="{m(ctx, "main")}">
{ctx.tag("article", ("class", m(ctx, "article")), ("data-testid", "Article"))}
<header class="{m(ctx, "article-header")}">
<nav aria-label="Tags" class="{m(ctx, "kicker")}"><a href="/{a.section.lower()}/" data-testid="Link">{esc(a.section)}</a></nav>
<h1 data-testid="Heading" class="{m(ctx, "heading")}">{esc(a.title)}</h1>
<div class="{m(ctx, "info")}"><div class="{m(ctx, "authors")}" data-testid="AuthorBylines">By {" and ".join(f'<a href="/authors/{n.lower().replace(" ", "-")}/" data-testid="AuthorNameLink" class="{m(ctx, "author")}">{esc(n)}</a>' for n in a.authors)}</div>
<div class="{m(ctx, "date")}"><time datetime="{a.published.isoformat()}" data-testid="DateLineText"><span class="{m(ctx, "date-line")}">{a.published:%B %-d, %Y}</span><span class="{m(ctx, "date-line")}">{a.published:%-I:%M %p} GMT</span><span class="{m(ctx, "date-line")}">Updated {ctx.ago("short")}</span></time></div></div>
</header>
<div class="{m(ctx, "lead-image")}"><figure><img src="https://www.{site.domain}/resizer/v2{a.image}?auth={stable(a.image):x}&width=1200&quality=80" width="1200" height="800" alt=""></figure></div>
<div class="{m(ctx, "article-body")}" data-testid="ArticleBody">
<div class="{m(ctx, "body-meta")}" data-testid="BodyMeta"><span>Updated {ctx.body_ago("short")}</span> · <span>{c.body_counters[1]:,} shares</span></div>
{body(ctx)}
<div class="{m(ctx, "trust")}" data-testid="TrustBadge"><p class="{m(ctx, "trust-p")}">Our Standards: <a href="/info-pages/thomson-reuters-trust-principles/">The Trust Principles.</a></p></div>
</div>
</article>
<aside class="{m(ctx, "rail")}" data-testid="RightRail">
{rail(ctx)}
</aside>
</main>
<footer class="{m(ctx, "footer")}" data-testid="Footer">
{footer_links(ctx, m(ctx, "footer"))}
<p class="{m(ctx, "copyright")}">All quotes delayed a minimum of 15 minutes. &copy; {a.published:%Y} {esc(site.name)}. All rights reserved.</p>
</footer>
</div>
{cookie_banner(ctx)}
<script src="/pf/dist/engine/react.js?d={c.build}&amp;mxId=00000000" defer></script>
<script nonce="{c.nonce}">Fusion.arcSite="{site.domain.split(".")[0]}";Fusion.lastModified={int(a.modified.timestamp() * 1000)};Fusion.contentCache={{}};</script>
</body>
</html>"""


def body(ctx: Ctx) -> str:
    out = []
    paragraph = 0
    for kind, item in ctx.body():
        if kind == "block":
            html, paragraph = block(ctx, item, paragraph)  # type: ignore[arg-type]
            out.append(html)
        elif kind == "teaser":
            out.append(teaser(ctx, item, paragraph))  # type: ignore[arg-type]
            paragraph += 1
        else:
            name = f"mid_article_{item}"
            out.append(
                f'<div class="{m(ctx, "ad-slot")}" data-testid="ResponsiveAdSlot"><div class="{m(ctx, "ad-label")}">{ctx.ad_marker()}</div>'
                f"{ctx.tag('div', ('id', ad_id(ctx, name)), ('data-ad-type', 'mid_article'), ('class', m(ctx, 'ad-container')))}{ad_creative(ctx, name)}</div></div>"
            )
    return "\n".join(out)


def block(ctx: Ctx, b: Block, n: int) -> tuple[str, int]:
    para = f"text__text {m(ctx, 'text')} text__dark-grey text__regular text__large_body article-body__paragraph {m(ctx, 'paragraph')}"
    if b.kind == "p":
        klass = m(ctx, "sign-off") if b.role == "signoff" else para
        return f'<div data-testid="paragraph-{n}" class="{klass}">{b.parts[0]}</div>', n + 1
    if b.kind in ("h2", "h3"):
        return f'<h2 data-testid="Heading" class="{m(ctx, "subheading")}">{b.parts[0]}</h2>', n
    if b.kind in ("ul", "ol"):
        items = "".join(
            f'<li data-testid="paragraph-{n + i}" class="{m(ctx, "list-item")}">{part}</li>'
            for i, part in enumerate(b.parts)
        )
        return f'<ul class="{m(ctx, "list")}">{items}</ul>', n + len(b.parts)
    inner = "".join(
        f'<div data-testid="paragraph-{n + i}" class="{para}">{part}</div>' for i, part in enumerate(b.parts)
    )
    return f'<blockquote class="{m(ctx, "quote")}">{inner}</blockquote>', n + len(b.parts)


def teaser(ctx: Ctx, t: Teaser, n: int) -> str:
    headline, href = ctx.teaser_link(t)
    para = f"text__text {m(ctx, 'text')} text__dark-grey text__regular text__large_body article-body__paragraph {m(ctx, 'paragraph')}"
    return f'<div data-testid="paragraph-{n}" class="{para}">{t.prefix} {ctx.tag("a", ("href", href), ("data-testid", "Link"), ctx.track("related"))}{esc(headline)}</a></div>'


def rail(ctx: Ctx) -> str:
    modules = {
        "most_read": lambda: (
            f'<section class="{m(ctx, "most-read")}" data-testid="MostRead"><h2>Most Read</h2><ol>'
            + "".join(
                f"<li>{ctx.tag('a', ('href', u), ('data-testid', 'Heading'), ctx.track('mostread'))}{esc(h)}</a></li>"
                for h, u in ctx.other("mostread", 6)
            )
            + "</ol></section>"
        ),
        "markets": lambda: (
            f'<section class="{m(ctx, "markets")}"><h2>Markets</h2><p>Data as of {ctx.ago("short")}</p><div class="{m(ctx, "ad-label")}">{ctx.ad_marker()}</div><div id="{ad_id(ctx, "right_rail")}">{ad_creative(ctx, "right_rail")}</div></section>'
        ),
        "related": lambda: (
            f'<section class="{m(ctx, "related")}" data-testid="RelatedCoverage"><h2>Related Coverage</h2><ul>'
            + "".join(
                f'<li><a href="{u}">{esc(h)}</a> <time>{ctx.ago("short")}</time></li>'
                for h, u in ctx.other("related", 4)
            )
            + "</ul></section>"
        ),
    }
    return "\n".join(modules[name]() for name in ctx.chrome.sidebar_order)


def nav_items(ctx: Ctx) -> str:
    out = []
    for x in (
        "World",
        "Business",
        "Markets",
        "Sustainability",
        "Legal",
        "Breakingviews",
        "Technology",
        "Investigations",
        "Sports",
        "Science",
        "Lifestyle",
    ):
        link = ctx.tag(
            "a",
            ("href", "/" + x.lower().replace(" ", "-") + "/"),
            ("data-testid", "Heading"),
            ctx.track("nav"),
        )
        out.append(f'<li class="{m(ctx, "nav-item")}">{link}{x}</a></li>')
    return "".join(out)
