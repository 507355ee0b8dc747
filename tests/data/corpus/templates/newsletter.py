"""A newsletter/blog platform (Substack-like): a "body markup" div, subscription widgets and
"Thanks for reading" boxes inside the post, like/comment/restack counters, and a comments list."""

from __future__ import annotations

import json

from tests.data.corpus.article import Block
from tests.data.corpus.chrome import ALL_NOISE, Teaser
from tests.data.corpus.markup import Ctx, cookie_banner, css, json_ld, meta_tags, svg_sprite
from tests.data.corpus.text import esc, stable

NAME = "newsletter"
SITES = (
    ("The Civic Ledger", "civicledger.substack.example"),
    ("Tamsin Dispatch", "tamsindispatch.example"),
    ("Notes from the Valley", "valleynotes.example"),
)
SIDEBAR = ("recommend", "top_posts")
NOISE = ALL_NOISE - {"ad_marker_in_body", "rotate_ads"}
TEASERS = True
ADS = False


def url(domain: str, slug: str, published: str) -> str:
    return f"https://{domain}/p/{slug[:60]}"


def render(ctx: Ctx) -> str:
    a, c, site = ctx.article, ctx.chrome, ctx.site
    preloads = {
        "isEU": False,
        "language": "en",
        "base_url": site.base,
        "stripe_publishable_key": "pk_live_51QfnFaKeKeYf0rTh1sC0rpus",
        "post": {
            "id": stable(a.slug) % 10**8,
            "title": a.title,
            "subtitle": a.dek,
            "slug": a.slug[:60],
            "post_date": a.published.isoformat(),
            "audience": "everyone",
            "reaction_count": c.counters[1] // 40,
            "comment_count": c.counters[0],
            "restacks": c.counters[1] // 300,
            "publishedBylines": [
                {"name": n, "handle": n.lower().replace(" ", ""), "is_guest": False} for n in a.authors
            ],
            "wordcount": sum(len(t.split()) for t in a.paragraphs()),
        },
        "pub": {
            "name": site.name,
            "subdomain": site.domain.split(".")[0],
            "subscriber_count": f"{c.counters[2]:,}",
        },
        "features": {
            name: bool(stable(name) % 2)
            for name in ("notes", "chat", "recommendations", "video", "podcast", "paid_posts", "threads")
        },
        "build": c.build,
        "render_id": f"{c.track_seed:x}",
    }
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
{meta_tags(ctx, twitter="@substack")}
<link rel="stylesheet" type="text/css" href="https://substackcdn.example/bundle/theme/main.{c.build}.css">
<link rel="preconnect" href="https://substackcdn.example">
<script nonce="{c.nonce}">window._preloads = JSON.parse({json.dumps(json.dumps(preloads, ensure_ascii=False))})</script>
<script nonce="{c.nonce}">window._analyticsConfig = JSON.parse("{{\\"properties\\":{{\\"subdomain\\":\\"{site.domain.split(".")[0]}\\",\\"publication_id\\":{site.seed % 10**6}}},\\"adwordsAccountId\\":\\"AW-316245675\\"}}")</script>
{json_ld(ctx)}
<style>{css(ctx, c.filler)}</style>
</head>
<body class="pc-root">
{svg_sprite()}
<div id="entry"><div id="main" class="main typography use-theme-bg">
<div class="main-menu" data-testid="navbar"><div class="topbar-content"><a href="/" class="navbar-title-link">{esc(site.name)}</a>
<div class="navbar-buttons"><a href="/subscribe?utm_source=menu" class="button primary subscribe-btn">Subscribe</a><a href="/account/login" class="button">Sign in</a></div></div>
<div class="topbar-links">{"".join(f'<a href="/s/{x.lower()}" class="nav-link">{x}</a>' for x in ("Home", "Notes", "Archive", "About", "Podcast", "Chat", "Leaderboard"))}</div></div>
<div class="container"><div class="single-post-container"><div class="single-post">
<article class="typography newsletter-post post">
<div class="post-header"><h1 class="post-title published" dir="auto">{esc(a.title)}</h1><h3 class="subtitle" dir="auto">{esc(a.dek)}</h3>
<div class="post-meta"><div class="byline-wrapper"><div class="profile-hover-card-target">{" ".join(f'<a href="https://substack.example/@{n.lower().replace(" ", "")}" class="pencraft frontend-pencraft-Text-module__decoration-hover-underline">{esc(n)}</a>' for n in a.authors)}</div>
<div class="post-date" title="{a.published:%b %-d, %Y, %-I:%M %p}">{a.published:%b %-d, %Y}</div></div>
{ufi(ctx, "top")}
</div></div>
<div class="available-content"><div dir="auto" class="body markup">
<p class="post-meta-inline"><span class="read-time">{max(1, sum(len(t.split()) for t in a.paragraphs()) // 230)} min read</span> · <span class="updated">Edited {ctx.body_ago()}</span></p>
{body(ctx)}
<div class="subscription-widget-wrap"><div class="subscription-widget show-subscribe"><div class="preamble"><p class="cta-caption">Thanks for reading {esc(site.name)}! Subscribe for free to receive new posts and support my work.</p></div>
<form class="form" action="/api/v1/free?nojs=true" method="post" novalidate><input type="email" name="email" placeholder="Type your email..."><input type="submit" class="button primary" value="Subscribe"></form></div></div>
<p class="button-wrapper" data-attrs="{{&quot;url&quot;:&quot;{site.base}/p/{a.slug[:60]}/comments&quot;,&quot;text&quot;:&quot;Leave a comment&quot;}}"><a class="button primary" href="{site.base}/p/{a.slug[:60]}/comments"><span>Leave a comment ({c.body_counters[0]:,} comments)</span></a></p>
</div></div>
{ufi(ctx, "bottom")}
</article>
<div class="post-footer"><div class="subscribe-footer"><p>Join {c.counters[2]:,} other subscribers</p></div></div>
<div id="discussion" class="comments-section"><h4 class="comments-heading">Discussion about this post</h4><div class="comments-page"><div class="comment-list">
{comments(ctx)}
</div></div></div>
</div></div>
<aside class="post-sidebar">
{sidebar(ctx)}
</aside>
</div>
<div class="footer-wrap"><div class="footer"><div class="copyright">&copy; {a.published:%Y} {esc(a.authors[0])}</div><div class="footer-terms"><a href="https://substack.example/privacy">Privacy</a> ∙ <a href="https://substack.example/tos">Terms</a> ∙ <a href="https://substack.example/ccpa#personal-data-collected">Collection notice</a></div>
<div class="footer-substack-cta"><a href="https://substack.example/signup">Start writing</a><a href="https://substack.example/app">Get the app</a></div>
<p class="footer-text">Substack is the home for great culture</p></div></div>
</div></div>
{cookie_banner(ctx)}
<script src="https://substackcdn.example/bundle/static/js/main.{c.build}.js" charset="utf-8" nonce="{c.nonce}"></script>
</body>
</html>"""


def ufi(ctx: Ctx, where: str) -> str:
    c = ctx.chrome
    return (
        f'<div class="post-ufi style-{"compressed" if where == "top" else "large"}"><div class="like-button-container post-ufi-button">'
        f'{ctx.tag("a", ("role", "button"), ("class", "post-ufi-button style-compressed has-label with-border"), ctx.track("like"))}<span class="label">{c.counters[1] // 40:,}</span></a></div>'
        f'<a href="{ctx.url}/comments" class="post-ufi-button post-ufi-comment-button">{c.counters[0]:,}</a>'
        f'<a role="button" class="post-ufi-button restack">{c.counters[1] // 300:,}</a><a role="button" class="post-ufi-button share">Share</a></div>'
    )


def body(ctx: Ctx) -> str:
    out = []
    for kind, item in ctx.body():
        if kind == "block":
            out.append(block(item))  # type: ignore[arg-type]
        elif kind == "teaser":
            out.append(teaser(ctx, item))  # type: ignore[arg-type]
        if len(out) == 9:
            out.append(
                f'<div class="subscription-widget-wrap-editor" data-attrs="{{&quot;url&quot;:&quot;{ctx.site.base}/subscribe&quot;}}" data-component-name="SubscribeWidgetToDOM"><div class="subscription-widget show-subscribe"><div class="preamble"><p class="cta-caption">{esc(ctx.site.name)} is a reader-supported publication. To receive new posts and support my work, consider becoming a free or paid subscriber.</p></div><form class="form"><input type="email" name="email" placeholder="Type your email..."><input type="submit" value="Subscribe"></form></div></div>'
            )
    return "\n".join(out)


def block(b: Block) -> str:
    if b.kind == "p":
        return f"<p><em>{b.parts[0]}</em></p>" if b.role == "note" else f"<p>{b.parts[0]}</p>"
    if b.kind in ("h2", "h3"):
        return f'<{b.kind} class="header-anchor-post">{b.parts[0]}<div class="header-anchor-parent"><div class="header-anchor-widget offset-top"></div></div></{b.kind}>'
    if b.kind in ("ul", "ol"):
        return f"<{b.kind}>" + "".join(f"<li><p>{part}</p></li>" for part in b.parts) + f"</{b.kind}>"
    return "<blockquote>" + "".join(f"<p>{part}</p>" for part in b.parts) + "</blockquote>"


def teaser(ctx: Ctx, t: Teaser) -> str:
    headline, href = ctx.teaser_link(t)
    return f"<p>{t.prefix} {ctx.tag('a', ('href', href), ('rel', ''), ctx.track('teaser'))}{esc(headline)}</a></p>"


def comments(ctx: Ctx) -> str:
    out = []
    for index in ctx.chrome.comments:
        author, date, text = ctx.comment_pool[index]
        out.append(
            f'<div class="comment" id="comment-{stable(text) % 10**8}"><div class="comment-content"><div class="comment-meta"><span class="commenter-name"><a href="https://substack.example/profile/{stable(author) % 10**7}">{esc(author)}</a></span>'
            f'<span class="comment-date">{date}</span></div><div class="comment-body"><p>{esc(text)}</p></div>'
            f'<div class="comment-actions"><a class="comment-action-like">Like ({stable(text) % 40})</a><a class="comment-action-reply">Reply</a></div></div></div>'
        )
    return "\n".join(out)


def sidebar(ctx: Ctx) -> str:
    modules = {
        "recommend": lambda: (
            '<div class="recommendations"><h3>Recommended</h3><ul>'
            + "".join(f'<li><a href="{u}">{esc(h)}</a></li>' for h, u in ctx.other("recommend", 4))
            + "</ul></div>"
        ),
        "top_posts": lambda: (
            '<div class="top-posts"><h3>Top posts</h3><ul>'
            + "".join(
                f'<li>{ctx.tag("a", ("href", u), ctx.track("top"))}{esc(h)}</a> <span class="post-age">{ctx.ago()}</span></li>'
                for h, u in ctx.other("top", 5)
            )
            + "</ul></div>"
        ),
    }
    return "\n".join(modules[name]() for name in ctx.chrome.sidebar_order)
