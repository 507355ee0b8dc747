"""A magazine with heavy advertising (Condé-like): body__inner-container wrappers, an ad after
every few paragraphs with "Advertisement" labels and "Story continues below" markers, a
newsletter unit inside the body, a drop cap, "Most Popular" and "Related Stories" rails."""

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
    footer_links,
    gpt,
    gtm,
    json_ld,
    mega_menu,
    meta_tags,
    share_buttons,
    svg_sprite,
)
from tests.data.corpus.text import esc, stable

NAME = "magazine"
SITES = (
    ("The Westmarch Review", "westmarchreview.example"),
    ("Meridian Monthly", "meridianmonthly.example"),
    ("The Atlas", "theatlas.example"),
)
SIDEBAR = ("most_popular", "ad_rail", "related_stories", "subscribe")
NOISE = ALL_NOISE - {"comment_added"}
TEASERS = True
ADS = True


def url(domain: str, slug: str, published: str) -> str:
    return f"https://www.{domain}/story/{slug}"


def render(ctx: Ctx) -> str:
    a, c, site = ctx.article, ctx.chrome, ctx.site
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
{meta_tags(ctx)}
<link rel="stylesheet" href="https://www.{site.domain}/verso/static/assets/main.{c.build}.css">
<link rel="preload" as="font" href="https://www.{site.domain}/verso/static/fonts/Adobe-Caslon.woff2?v={c.build}" crossorigin>
{gtm(ctx, "GTM-" + f"{site.seed % 16**6:06X}")}
{data_layer(ctx)}
{gpt(ctx, str(site.seed % 10**7), [("top", "[[970, 250], [728, 90]]"), ("mid-content", "[[300, 250], [728, 90]]"), ("rail", "[[300, 600], [300, 250]]"), ("sticky", "[320, 50]")])}
<script nonce="{c.nonce}">window.cns = window.cns || {{}}; window.cns.pageContext = {{ contentType: "article", channel: "{a.section.lower()}", templateType: "article", pvid: "{c.ad_seed:x}", build: "{c.build}" }};</script>
<script nonce="{c.nonce}">!function(){{var e=window.__tcfapi;e||(window.__tcfapi=function(){{var a=arguments;(window.__tcfapiQueue=window.__tcfapiQueue||[]).push(a)}})}}();</script>
{analytics(ctx)}
{json_ld(ctx)}
<style>{css(ctx, c.filler)}</style>
</head>
<body>
{svg_sprite()}
<div id="app-root"><div class="page">
<div class="ad ad--top"><div class="ad__label">{ctx.ad_marker()}</div><div id="{ad_id(ctx, "top")}" class="ad__slot ad__slot--top">{ad_creative(ctx, "top")}</div></div>
<header class="stack-nav"><div class="stack-nav__inner"><a class="stack-nav__logo" href="/">{esc(site.name)}</a>
{ctx.tag("nav", ("class", "stack-nav__menu"), ("aria-label", "Main menu"))}
{mega_menu(ctx, "navigation")}
</nav><a href="/subscribe" class="stack-nav__subscribe">Subscribe</a><a href="/account/sign-in" class="stack-nav__signin">Sign In</a></div></header>
<main id="main-content" class="main-content">
{ctx.tag("article", ("class", "article main-content"), ("lang", "en-US"))}
<header class="content-header"><div class="content-header__rubric"><a href="/{a.section.lower()}">{esc(a.section)}</a></div>
<h1 data-testid="ContentHeaderHed" class="content-header__hed">{esc(a.title)}</h1>
<div data-testid="ContentHeaderDek" class="content-header__dek">{esc(a.dek)}</div>
<div class="content-header__byline"><span class="byline__preamble">By </span>{" and ".join(f'<span itemprop="name" class="byline__name"><a class="byline__name-link" href="/contributor/{n.lower().replace(" ", "-")}">{esc(n)}</a></span>' for n in a.authors)}</div>
<time data-testid="ContentHeaderPublishDate" class="content-header__publish-date">{a.published:%B %-d, %Y}</time> <span class="content-header__updated">Updated {ctx.ago()}</span>
<div class="social-icons">{share_buttons(ctx, "social-icons")}<span class="social-icons__count">{ctx.counter(1)} shares</span> <a href="#comments" class="social-icons__comments">{c.counters[0]:,} comments</a></div>
</header>
<div class="lead-asset"><figure class="lead-asset__figure"><picture><img alt="" class="responsive-image__image" src="https://media.{site.domain}/photos{a.image}/master/w_1600%2Cc_limit/{stable(a.image):x}.jpg"></picture></figure></div>
<div data-attribute-verso-pattern="article-body" class="article__body">
<div class="body__container">
<div class="body__inner-container body-meta"><p class="body-meta__time">{ctx.body_ago()} · {c.body_counters[0]:,} comments · {c.body_counters[1]:,} shares</p></div>
{body(ctx)}
</div>
</div>
<div class="content-footer"><div class="tags">{"".join(f'<a class="tag" href="/tag/{t.replace(" ", "-")}">{esc(t)}</a>' for t in a.tags)}</div>
<div class="contributor-bio"><p>{esc(a.authors[0])} is a staff writer at {esc(site.name)}.</p></div></div>
</article>
<aside class="rail">
{rail(ctx)}
</aside>
<section class="recirc"><h2 class="recirc__title">More Great Stories From {esc(site.name)}</h2><ul class="summary-list">{"".join(f'<li class="summary-item">{ctx.tag("a", ("class", "summary-item__hed-link"), ("href", u), ctx.track("recirc"))}<h3 class="summary-item__hed">{esc(h)}</h3></a><div class="summary-item__byline">{ctx.ago()}</div></li>' for h, u in ctx.other("recirc", 8))}</ul></section>
<div class="ad ad--bottom"><div class="ad__label">{ctx.ad_marker()}</div><div id="{ad_id(ctx, "bottom")}" class="ad__slot">{ad_creative(ctx, "bottom")}</div></div>
</main>
<footer class="site-footer"><div class="site-footer__logo">{esc(site.name)}</div>
{footer_links(ctx, "site-footer")}
<p class="site-footer__legal">&copy; {a.published:%Y} Meridian Media LLC. All rights reserved. Use of this site constitutes acceptance of our User Agreement and Privacy Policy and Cookie Statement and Your California Privacy Rights. {esc(site.name)} may earn a portion of sales from products that are purchased through our site as part of our Affiliate Partnerships with retailers.</p>
<p class="site-footer__choices"><a href="#">Your Privacy Choices</a></p></footer>
</div></div>
{cookie_banner(ctx)}
<div class="ad ad--sticky"><div id="{ad_id(ctx, "sticky")}" class="ad__slot ad__slot--sticky"></div></div>
<script src="https://www.{site.domain}/verso/static/assets/main.{c.build}.js" nonce="{c.nonce}" defer></script>
</body>
</html>"""


def body(ctx: Ctx) -> str:
    """Blocks in body__inner-container groups; each ad closes a group and opens the next."""
    out = ['<div class="body__inner-container">']
    first = True
    for kind, item in ctx.body():
        if kind == "block":
            out.append(block(item, dropcap=first))  # type: ignore[arg-type]
            first = False
        elif kind == "teaser":
            out.append(teaser(ctx, item))  # type: ignore[arg-type]
        else:
            name = f"mid-content-{item}"
            out.append("</div>")
            out.append(
                f'<div class="ad ad--in-content"><div class="ad__label">{ctx.ad_marker()}</div>{ctx.tag("div", ("id", ad_id(ctx, name)), ("class", "ad__slot ad__slot--mid-content"), ("data-node-id", f"{stable(name):x}"))}{ad_creative(ctx, name)}</div>'
                f'<p class="ad__continue">Story continues below advertisement</p></div>'
                if isinstance(item, int) and item % 2
                else f'<div class="ad ad--in-content"><div class="ad__label">{ctx.ad_marker()}</div>{ctx.tag("div", ("id", ad_id(ctx, name)), ("class", "ad__slot ad__slot--mid-content"))}{ad_creative(ctx, name)}</div></div>'
            )
            if item == 2:
                out.append(
                    '<div class="consumer-marketing-unit"><div class="consumer-marketing-unit__slot"><h3 class="cmu__hed">Get the best of the magazine</h3>'
                    '<p class="cmu__dek">Sign up for our daily newsletter: the day\'s most important stories, and the ideas behind them.</p>'
                    '<form><input type="email" placeholder="Your email"><button>Sign up</button></form></div></div>'
                )
            out.append('<div class="body__inner-container">')
    out.append("</div>")
    return "\n".join(out)


def block(b: Block, *, dropcap: bool) -> str:
    if b.kind == "p":
        if b.role == "note":
            return f'<p class="paywall editor-note"><em>{b.parts[0]}</em></p>'
        return f'<p class="paywall{" has-dropcap has-dropcap__lead-standard-heading" if dropcap else ""}">{b.parts[0]}</p>'
    if b.kind in ("h2", "h3"):
        return f'<h2 class="paywall">{b.parts[0]}</h2>'
    if b.kind in ("ul", "ol"):
        return (
            f'<{b.kind} class="paywall">'
            + "".join(f'<li class="paywall">{part}</li>' for part in b.parts)
            + f"</{b.kind}>"
        )
    return (
        '<blockquote class="paywall">'
        + "".join(f'<p class="paywall">{part}</p>' for part in b.parts)
        + "</blockquote>"
    )


def teaser(ctx: Ctx, t: Teaser) -> str:
    headline, href = ctx.teaser_link(t)
    return f'<p class="paywall"><strong>{t.prefix}</strong> {ctx.tag("a", ("href", href), ("class", "external-link"), ctx.track("inline-recirc"))}{esc(headline)}</a></p>'


def rail(ctx: Ctx) -> str:
    modules = {
        "most_popular": lambda: (
            '<div class="rail__most-popular"><h3>Most Popular</h3><ol>'
            + "".join(
                f"<li>{ctx.tag('a', ('href', u), ctx.track('popular'))}{esc(h)}</a></li>"
                for h, u in ctx.other("popular", 5)
            )
            + "</ol></div>"
        ),
        "ad_rail": lambda: (
            f'<div class="ad ad--rail"><div class="ad__label">{ctx.ad_marker()}</div><div id="{ad_id(ctx, "rail")}" class="ad__slot">{ad_creative(ctx, "rail")}</div></div>'
        ),
        "related_stories": lambda: (
            '<div class="rail__related"><h3>Related Stories</h3><ul>'
            + "".join(f'<li><a href="{u}">{esc(h)}</a></li>' for h, u in ctx.other("related", 4))
            + "</ul></div>"
        ),
        "subscribe": lambda: (
            '<div class="rail__subscribe"><p>Subscribe for $2.50 a month. Cancel anytime.</p><a href="/subscribe">Subscribe</a></div>'
        ),
    }
    return "\n".join(modules[name]() for name in ctx.chrome.sidebar_order)
