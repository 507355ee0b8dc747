"""A local-news CMS (TownNews BLOX-like): asset-content with subscriber-only paragraphs, tncms ad
regions between paragraphs, a "Trending" list, relative dates, and a comments count."""

from __future__ import annotations

from tests.data.corpus.article import Block
from tests.data.corpus.chrome import ALL_NOISE, Teaser
from tests.data.corpus.markup import (
    Ctx,
    ad_creative,
    ad_id,
    analytics,
    cookie_banner,
    css,
    data_layer,
    gpt,
    json_ld,
    meta_tags,
    share_buttons,
    svg_sprite,
)
from tests.data.corpus.text import esc, stable

NAME = "localnews"
SITES = (
    ("Redfield Daily Press", "redfielddailypress.com"),
    ("Stanmere Gazette", "stanmeregazette.com"),
    ("Lake Orin Sentinel", "lakeorinsentinel.com"),
)
SIDEBAR = ("trending", "ad_rail", "weather", "obits")
NOISE = ALL_NOISE
TEASERS = True
ADS = True


def url(domain: str, slug: str, published: str) -> str:
    uuid = f"{stable(slug):08x}-{stable(slug + 'a') % 16**4:04x}-11ee-{stable(slug + 'b') % 16**4:04x}-{stable(slug + 'c'):08x}{stable(slug + 'd') % 16**4:04x}"
    return f"https://www.{domain}/news/local/{slug}/article_{uuid}.html"


def render(ctx: Ctx) -> str:
    a, c, site = ctx.article, ctx.chrome, ctx.site
    return f"""<!DOCTYPE html>
<html lang="en-US" class="no-js">
<head>
{meta_tags(ctx)}
<link rel="stylesheet" href="https://bloximages.newyork1.vip.townnews.example/{site.domain}/shared-content/art/tncms/templates/libraries/flex/components/bootstrap/resources/styles/bootstrap.min.{c.build}.css" type="text/css">
<link rel="stylesheet" href="https://bloximages.newyork1.vip.townnews.example/{site.domain}/content/tncms/live/global/resources/styles/base.css?_dc={c.build}" type="text/css">
<script nonce="{c.nonce}">var TNCMS = TNCMS || {{}}; TNCMS.AdManager = {{ slots: [], kw: ['{a.section.lower()}', 'local'] }}; TNCMS.Access = {{ version: '{c.build}', meter: 3 }};</script>
{data_layer(ctx)}
{gpt(ctx, str(site.seed % 10**7), [("leaderboard", "[[728, 90], [970, 250]]"), ("fixed-big-ad-top", "[300, 250]"), ("instory", "[[300, 250], [320, 50]]")])}
{analytics(ctx)}
{json_ld(ctx)}
<style>{css(ctx, c.filler)}</style>
</head>
<body class="fixed-header layout-full asset-article">
{svg_sprite()}
<div id="site-navbar-container"><nav id="site-navbar" class="navbar navbar-default" role="navigation">
<div class="navbar-header"><a class="navbar-brand" href="/">{esc(site.name)}</a></div>
<ul id="main-nav_menu" class="nav navbar-nav">{dropdowns(ctx)}</ul>
<div class="nav-right"><a href="/users/login/" class="btn btn-link">Log In</a><a href="/subscribe/" class="btn btn-primary">Subscribe</a></div>
</nav></div>
<div id="tncms-region-global-top" class="tncms-region"><div id="tncms-block-leaderboard" class="tncms-block"><div class="tnt-ads-container"><div class="ad-label">{ctx.ad_marker()}</div><div id="{ad_id(ctx, "leaderboard")}" class="tnt-ads">{ad_creative(ctx, "leaderboard")}</div></div></div></div>
<section id="main-page-container" class="container-fluid">
<div class="row"><div class="col-md-8 main-content">
{ctx.tag("article", ("itemscope", None), ("itemtype", "http://schema.org/NewsArticle"), ("id", f"article-{site.seed}"), ("class", "asset story"))}
<header class="asset-header">
<div class="meta"><span class="asset-section"><a href="/{a.section.lower()}/">{esc(a.section)}</a></span></div>
<h1 class="headline"><span class="asset-headline tncms-inline-edit-text">{esc(a.title)}</span></h1>
<h2 class="subhead"><span>{esc(a.dek)}</span></h2>
<div class="meta"><ul class="list-inline">
<li><span class="tnt-byline">By {" and ".join(f'<a href="/users/profile/{n.split()[0]}%20{n.split()[-1]}" rel="author">{esc(n)}</a>' for n in a.authors)} {esc(site.name)}</span></li>
<li><time datetime="{a.published.isoformat()}" class="tnt-date asset-date text-muted">{a.published:%b %-d, %Y}</time></li>
<li><span class="asset-date-updated text-muted">Updated {ctx.ago("short")}</span></li>
</ul></div>
<div class="share-container">{share_buttons(ctx, "tnt-share")}<a href="#comments" class="comment-count"><span>Comments ({c.counters[0]:,})</span></a></div>
</header>
<div class="asset-photo"><figure class="photo layout-horizontal"><div class="image"><img src="https://bloximages.newyork1.vip.townnews.example/{site.domain}{a.image}?resize=1200%2C675" class="img-responsive" alt=""></div></figure></div>
<div class="asset-body">
<div class="asset-content subscriber-premium">
<div id="article-body" itemprop="articleBody">
<div class="asset-timestamp">Posted <time datetime="{a.published.isoformat()}">{ctx.body_ago("short")}</time> | <span class="asset-comments-count">{c.body_counters[0]:,} comments</span></div>
{body(ctx)}
</div>
</div>
</div>
<div class="asset-tagline"><p>{esc(a.authors[0])} can be reached at 555-0{stable(a.authors[0]) % 1000:03d} or {a.authors[0].split()[0].lower()}@{site.domain}.</p></div>
<div class="asset-tags"><ul class="list-inline">{"".join(f'<li><a href="/search/?t=article&k=%23{t.replace(" ", "")}" class="label label-default">{esc(t)}</a></li>' for t in a.tags)}</ul></div>
</article>
<div id="comments" class="comments-section"><h3>Comments ({c.counters[0]:,})</h3><ul class="comment-list">
{comments(ctx)}
</ul><p class="comment-policy">Welcome to the discussion. Keep it Clean. Please avoid obscene, vulgar, lewd, racist or sexually-oriented language.</p></div>
</div>
<aside class="col-md-4 sidebar" id="tncms-region-article_right">
{sidebar(ctx)}
</aside></div>
</section>
<footer id="site-footer" class="container-fluid"><div class="row">
<div class="col-sm-4"><h4>Contact Information</h4><p>{esc(site.name)}<br>100 Main St<br>Phone: 555-0100<br>Email: news@{site.domain}</p></div>
<div class="col-sm-4"><h4>Services</h4><ul>{"".join(f'<li><a href="/{x.lower().replace(" ", "_")}/">{x}</a></li>' for x in ("Subscriber Services", "Advertising", "Place an Ad", "Submit News", "Submit an Obituary", "Customer Service", "Newsletters", "Alerts", "Reprints", "Archives"))}</ul></div>
<div class="col-sm-4"><h4>Sections</h4><ul>{"".join(f'<li><a href="/{x.lower()}/">{x}</a></li>' for x in ("News", "Sports", "Opinion", "Obituaries", "Business", "Weather", "Photos", "Video", "Calendar"))}</ul></div>
</div><p class="copyright">&copy; Copyright {a.published:%Y} {esc(site.name)}, 100 Main St | <a href="/terms/">Terms of Use</a> | <a href="/privacy/">Privacy Policy</a> Powered by BLOX Content Management System from TownNews.com.</p></footer>
{cookie_banner(ctx)}
<script src="https://bloximages.newyork1.vip.townnews.example/{site.domain}/shared-content/art/tncms/user/user.js?_dc={c.build}" async></script>
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
            name = f"instory-{item}"
            out.append(
                f'<div id="tncms-region-article_instory_{["top", "middle", "bottom", "bottom-2", "bottom-3"][min(int(item) - 1, 4)]}" class="tncms-region hidden-print">'  # type: ignore[call-overload]
                f'<div class="tncms-block"><div class="tnt-ads-container text-center visible-xs visible-sm visible-md visible-lg"><div class="tnt-ads-label">{ctx.ad_marker()}</div>'
                f"{ctx.tag('div', ('id', ad_id(ctx, name)), ('class', 'tnt-ads'), ('data-ad-unit', 'instory'))}{ad_creative(ctx, name)}</div></div></div></div>"
            )
    return "\n".join(out)


def block(b: Block) -> str:
    if b.kind == "p":
        return f"<p><b>{b.parts[0]}</b></p>" if b.role == "note" else f"<p>{b.parts[0]}</p>"
    if b.kind in ("h2", "h3"):
        return f"<p><strong>{b.parts[0]}</strong></p>" if b.kind == "h3" else f"<h3>{b.parts[0]}</h3>"
    if b.kind in ("ul", "ol"):
        return f"<{b.kind}>" + "".join(f"<li>{part}</li>" for part in b.parts) + f"</{b.kind}>"
    return "<blockquote>" + "".join(f"<p>{part}</p>" for part in b.parts) + "</blockquote>"


def teaser(ctx: Ctx, t: Teaser) -> str:
    headline, href = ctx.teaser_link(t)
    return f"<p>{t.prefix.upper()} {ctx.tag('a', ('href', href), ('target', '_blank'), ctx.track('related'))}{esc(headline)}</a></p>"


def comments(ctx: Ctx) -> str:
    return "\n".join(
        f'<li class="comment" id="comment-{index}"><div class="comment-author">{esc(author)}</div><div class="comment-date">{date}</div><div class="comment-text"><p>{esc(text)}</p></div></li>'
        for index, (author, date, text) in ((i, ctx.comment_pool[i]) for i in ctx.chrome.comments)
    )


def sidebar(ctx: Ctx) -> str:
    modules = {
        "trending": lambda: (
            '<div class="tnt-trending"><h3 class="block-title">Trending Now</h3><ol class="list-unstyled">'
            + "".join(
                f'<li><span class="rank">{n + 1}</span> {ctx.tag("a", ("href", u), ctx.track("trending"))}{esc(h)}</a> <span class="views">{ctx.chrome.counters[2] // (n + 3):,} reads</span></li>'
                for n, (h, u) in enumerate(ctx.other("trending", 6))
            )
            + "</ol></div>"
        ),
        "ad_rail": lambda: (
            f'<div class="tnt-ads-container"><div class="ad-label">{ctx.ad_marker()}</div><div id="{ad_id(ctx, "rail")}">{ad_creative(ctx, "rail")}</div></div>'
        ),
        "weather": lambda: (
            f'<div class="tnt-weather"><h3>Weather</h3><p>{52 + ctx.site.seed % 20}°F Partly cloudy</p><p class="updated">Updated {ctx.ago("short")}</p></div>'
        ),
        "obits": lambda: (
            '<div class="tnt-obits"><h3>Latest Obituaries</h3><ul>'
            + "".join(
                f'<li><a href="/obituaries/{n}">{name}</a></li>'
                for n, name in enumerate(("Dorothy Ames", "Harold Quinn", "Evelyn Marsh", "Walter Briggs"))
            )
            + "</ul></div>"
        ),
    }
    return "\n".join(modules[name]() for name in ctx.chrome.sidebar_order)


def dropdowns(ctx: Ctx) -> str:
    out = []
    for x in (
        "News",
        "Sports",
        "Opinion",
        "Obituaries",
        "Business",
        "Lifestyles",
        "Entertainment",
        "Weather",
        "Classifieds",
        "Jobs",
        "Homes",
        "E-Edition",
    ):
        link = ctx.tag(
            "a",
            ("href", "/" + x.lower().replace(" ", "_") + "/"),
            ("class", "dropdown-toggle"),
            ctx.track("nav"),
        )
        subs = "".join(
            f"<li><a href='/{x.lower()}/{y.lower()}/'>{y}</a></li>"
            for y in ("Local", "State", "National", "World", "Politics", "Education")
        )
        out.append(f'<li class="dropdown">{link}{x}</a><ul class="dropdown-menu">{subs}</ul></li>')
    return "".join(out)
