"""A WordPress news theme: entry-content with wp-block markup, Ad Inserter code blocks, Jetpack
sharing and related posts inside the content, widgets in the sidebar, and a comments area."""

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
    gtm,
    json_ld,
    meta_tags,
    share_buttons,
    svg_sprite,
)
from tests.data.corpus.text import esc, stable

NAME = "wordpress"
SITES = (
    ("The Millbrook Courier", "millbrookcourier.com"),
    ("Eastbury Today", "eastburytoday.co.uk"),
    ("Harlow Post", "harlowpost.org"),
)
SIDEBAR = ("recent", "popular", "newsletter", "ad", "tags")
NOISE = ALL_NOISE
TEASERS = True
ADS = True


def url(domain: str, slug: str, published: str) -> str:
    return f"https://{domain}/{published[:4]}/{published[5:7]}/{published[8:10]}/{slug}/"


def render(ctx: Ctx) -> str:
    a, c, site = ctx.article, ctx.chrome, ctx.site
    post_id = site.seed % 90000 + 10000
    categories = " ".join(f"category-{t.replace(' ', '-')}" for t in a.tags)
    return f"""<!DOCTYPE html>
<html lang="en-US" prefix="og: https://ogp.me/ns#">
<head>
{meta_tags(ctx)}
<link rel='dns-prefetch' href='//stats.wp.com' />
<link rel='dns-prefetch' href='//fonts.googleapis.com' />
<link rel="alternate" type="application/rss+xml" title="{esc(site.name)} &raquo; Feed" href="{site.base}/feed/" />
<link rel="alternate" type="application/rss+xml" title="{esc(site.name)} &raquo; Comments Feed" href="{site.base}/comments/feed/" />
<script nonce="{c.nonce}">
window._wpemojiSettings = {{"baseUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/15.0.3\\/72x72\\/","ext":".png","svgUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/15.0.3\\/svg\\/","svgExt":".svg","source":{{"concatemoji":"{site.base}\\/wp-includes\\/js\\/wp-emoji-release.min.js?ver={c.build}"}}}};
/*! This file is auto-generated */
!function(i,n){{var o,s,e;function c(e){{try{{var t={{supportTests:e,timestamp:(new Date).valueOf()}};sessionStorage.setItem(o,JSON.stringify(t))}}catch(e){{}}}}}}(window,document);
</script>
<style id='wp-emoji-styles-inline-css'>
img.wp-smiley, img.emoji {{ display: inline !important; border: none !important; box-shadow: none !important; height: 1em !important; width: 1em !important; margin: 0 0.07em !important; vertical-align: -0.1em !important; background: none !important; padding: 0 !important; }}
</style>
<link rel='stylesheet' id='wp-block-library-css' href='{site.base}/wp-includes/css/dist/block-library/style.min.css?ver={c.build}' media='all' />
<link rel='stylesheet' id='jetpack-sharing-css' href='{site.base}/wp-content/plugins/jetpack/modules/sharedaddy/sharing.css?ver={c.build}' media='all' />
<link rel='stylesheet' id='newsup-style-css' href='{site.base}/wp-content/themes/newsup/style.css?ver={c.build}' media='all' />
<style id='global-styles-inline-css'>
{css(ctx, c.filler)}
</style>
<script src="{site.base}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
<script src="{site.base}/wp-content/themes/newsup/js/custom.js?ver={c.build}" id="newsup-custom-js"></script>
<link rel="https://api.w.org/" href="{site.base}/wp-json/" />
<link rel="alternate" title="JSON" type="application/json" href="{site.base}/wp-json/wp/v2/posts/{post_id}" />
<link rel='shortlink' href='{site.base}/?p={post_id}' />
{json_ld(ctx, kind="Article")}
{gtm(ctx, "GTM-" + str(site.seed % 900000 + 100000))}
{analytics(ctx)}
</head>
<body class="post-template-default single single-post postid-{post_id} single-format-standard wp-embed-responsive">
{svg_sprite()}
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header" role="banner">
<div class="mg-head-detail hidden-xs"><div class="container-fluid"><div class="row">
<div class="col-md-6 col-xs-12"><ul class="info-left"><li><span class="time">{a.published:%A, %B %-d, %Y}</span></li><li>Last updated {ctx.ago()}</li></ul></div>
<div class="col-md-6 col-xs-12"><ul class="mg-social info-right">
<li><a href="https://facebook.com/{site.domain}" target="_blank">Facebook</a></li><li><a href="https://x.com/{site.domain}" target="_blank">X</a></li>
<li><a href="https://instagram.com/{site.domain}" target="_blank">Instagram</a></li></ul></div>
</div></div></div>
<div class="site-branding"><p class="site-title"><a href="{site.base}/" rel="home">{esc(site.name)}</a></p><p class="site-description">Local news, every day</p></div>
{ctx.tag("nav", ("id", "site-navigation"), ("class", "main-navigation"), ("aria-label", "Primary"))}
<button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Menu</button>
{menu(ctx)}
</nav>
</header>
<div id="content" class="site-content">
<div class="container"><div class="row">
<div id="primary" class="content-area col-md-8">
<main id="main" class="site-main">
{ctx.tag("article", ("id", f"post-{post_id}"), ("class", f"post-{post_id} post type-post status-publish format-standard has-post-thumbnail hentry {categories}"))}
<header class="entry-header">
<div class="mg-blog-category"><a class="newsup-categories category-color-1" href="{site.base}/category/{a.section.lower()}/" alt="View all posts in {a.section}">{esc(a.section)}</a></div>
<h1 class="entry-title">{esc(a.title)}</h1>
<div class="entry-meta">
<span class="posted-on"><a href="{ctx.url}" rel="bookmark"><time class="entry-date published" datetime="{a.published.isoformat()}">{a.published:%B %-d, %Y}</time><time class="updated" datetime="{a.modified.isoformat()}">{a.modified:%B %-d, %Y}</time></a></span>
<span class="byline"> by {authors(ctx)}</span>
<span class="comments-link"><a href="{ctx.url}#comments">{ctx.counter(0)} Comments</a></span>
</div>
</header>
<div class="post-thumbnail"><img width="1200" height="675" src="{site.base}/wp-content/uploads{a.image}" class="attachment-post-thumbnail size-post-thumbnail wp-post-image" alt="" decoding="async" fetchpriority="high" srcset="{site.base}/wp-content/uploads{a.image} 1200w, {site.base}/wp-content/uploads{a.image.replace(".jpg", "-768x432.jpg")} 768w" sizes="(max-width: 1200px) 100vw, 1200px" /></div>
<div class="entry-content">
<p class="post-modified-info">Last Updated on {a.modified:%B %-d, %Y} by <a href="{site.base}/author/editor/" target="_blank" class="last-modified-author">Editor</a> &middot; <span class="lmt-relative">{ctx.body_ago()}</span></p>
{body(ctx)}
<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing">
<h3 class="sd-title">Share this:</h3>
<div class="sd-content"><span class="share-count">{ctx.chrome.body_counters[1]:,} shares</span>
{share_buttons(ctx, "sd")}
</div></div></div>
{jetpack_related(ctx)}
</div>
<footer class="entry-footer"><span class="cat-links">Posted in <a href="{site.base}/category/{a.section.lower()}/" rel="category tag">{esc(a.section)}</a></span>
<span class="tags-links">Tagged {", ".join(f'<a href="{site.base}/tag/{t.replace(" ", "-")}/" rel="tag">{esc(t)}</a>' for t in a.tags)}</span></footer>
</article>
<div class="mg-authors"><div class="author-bio"><h4 class="media-heading">About the author</h4><p>{esc(a.authors[0])} covers {a.section.lower()} news for {esc(site.name)}. Tips: newsroom@{site.domain}</p></div></div>
<nav class="navigation post-navigation" aria-label="Posts"><h2 class="screen-reader-text">Post navigation</h2><div class="nav-links">
<div class="nav-previous"><a href="{ctx.story_url(1)}" rel="prev"><span class="meta-nav">Previous</span> {esc(ctx.headlines[1])}</a></div>
<div class="nav-next"><a href="{ctx.story_url(2)}" rel="next"><span class="meta-nav">Next</span> {esc(ctx.headlines[2])}</a></div></div></nav>
{comments(ctx)}
</main>
</div>
<aside id="secondary" class="widget-area col-md-4" role="complementary">
{sidebar(ctx)}
</aside>
</div></div>
</div>
<footer id="colophon" class="site-footer">
<div class="footer-widgets"><section class="widget widget_nav_menu"><h2 class="widget-title">Sections</h2>{menu(ctx, footer=True)}</section>
<section class="widget widget_text"><h2 class="widget-title">Contact</h2><div class="textwidget"><p>{esc(site.name)}<br>12 Market Street<br>Newsroom: newsroom@{site.domain}</p></div></section></div>
<div class="site-info">Copyright &copy; {a.published:%Y} {esc(site.name)}. All rights reserved. <span class="sep"> | </span> Theme: Newsup by Themeansar.</div>
</footer>
</div>
{cookie_banner(ctx)}
<script nonce="{c.nonce}">var sharing_js_options = {{"lang":"en","counts":"1","is_stats_active":"1"}};</script>
<script src="{site.base}/wp-content/plugins/jetpack/_inc/build/sharedaddy/sharing.min.js?ver={c.build}" id="sharing-js-js"></script>
<script src="https://stats.wp.com/e-{c.build.replace(".", "")}.js" id="jetpack-stats-js" defer data-wp-strategy="defer"></script>
</body>
</html>"""


def authors(ctx: Ctx) -> str:
    names = [
        f'<span class="author vcard"><a class="url fn n" href="{ctx.site.base}/author/{n.lower().replace(" ", "-")}/">{esc(n)}</a></span>'
        for n in ctx.article.authors
    ]
    return " and ".join(names)


def menu(ctx: Ctx, footer: bool = False) -> str:
    items = []
    for number, section in enumerate(
        (
            "Home",
            "News",
            "Local",
            "Business",
            "Sports",
            "Opinion",
            "Entertainment",
            "Obituaries",
            "Weather",
            "Community",
            "Contact",
            "Advertise",
            "Subscribe",
            "E-Edition",
        ),
        start=1,
    ):
        items.append(
            f'<li id="menu-item-{(ctx.site.seed + number) % 9000 + 1000}" class="menu-item menu-item-type-taxonomy menu-item-object-category">'
            f"{ctx.tag('a', ('href', f'{ctx.site.base}/category/{section.lower()}/'), ctx.track('nav'))}{section}</a></li>"
        )
    return (
        f'<ul id="{"footer-menu" if footer else "primary-menu"}" class="menu">\n'
        + "\n".join(items)
        + "\n</ul>"
    )


def body(ctx: Ctx) -> str:
    out = []
    for kind, item in ctx.body():
        if kind == "block":
            out.append(block(ctx, item))  # type: ignore[arg-type]
        elif kind == "teaser":
            out.append(teaser(ctx, item))  # type: ignore[arg-type]
        else:
            name = f"inline-{item}"
            out.append(
                f'<div class="code-block code-block-{item}" style="margin: 8px auto; text-align: center; display: block; clear: both;">\n'
                f'<p class="ad-label" style="font-size:11px;color:#999">{ctx.ad_marker()}</p>\n'
                f"{ctx.tag('div', ('id', ad_id(ctx, name)), ('style', 'min-height:250px'), ('data-ad-slot', name))}{ad_creative(ctx, name)}</div>\n</div>"
            )
    return "\n".join(out)


def block(ctx: Ctx, b: Block) -> str:
    if b.kind == "p":
        if b.role == "note":
            return f"<p><em>{b.parts[0]}</em></p>"
        return f"<p>{b.parts[0]}</p>"
    if b.kind in ("h2", "h3"):
        return f'<{b.kind} class="wp-block-heading">{b.parts[0]}</{b.kind}>'
    if b.kind in ("ul", "ol"):
        items = "\n".join(f"<li>{part}</li>" for part in b.parts)
        return f'<{b.kind} class="wp-block-list">\n{items}\n</{b.kind}>'
    inner = "\n".join(f"<p>{part}</p>" for part in b.parts)
    return f'<blockquote class="wp-block-quote is-layout-flow wp-block-quote-is-layout-flow">\n{inner}\n</blockquote>'


def teaser(ctx: Ctx, t: Teaser) -> str:
    headline, href = ctx.teaser_link(t)
    return f"<p><strong>{t.prefix}</strong> {ctx.tag('a', ('href', href), ctx.track('teaser'))}{esc(headline)}</a></p>"


def jetpack_related(ctx: Ctx) -> str:
    posts = "\n".join(
        f'<div class="jp-relatedposts-post jp-relatedposts-post{n}" data-post-id="{stable(h) % 90000 + 10000}" data-post-format="false">'
        f'<h4 class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" href="{u}?relatedposts_hit=1&relatedposts_origin={ctx.site.seed % 90000}&relatedposts_position={n}" title="{esc(h)}" rel="nofollow" data-origin="{ctx.site.seed % 90000}" data-position="{n}">{esc(h)}</a></h4>'
        f'<p class="jp-relatedposts-post-date">{ctx.article.published:%B %-d, %Y}</p><p class="jp-relatedposts-post-context">In &quot;{esc(ctx.article.section)}&quot;</p></div>'
        for n, (h, u) in enumerate(ctx.other("jetpack", 3))
    )
    return (
        f"<div id='jp-relatedposts' class='jp-relatedposts' >\n<h3 class=\"jp-relatedposts-headline\"><em>Related</em></h3>\n"
        f'<div class="jp-relatedposts-items jp-relatedposts-items-visual jp-relatedposts-grid">\n{posts}\n</div></div>'
    )


def comments(ctx: Ctx) -> str:
    items = []
    for index in ctx.chrome.comments:
        author, date, text = ctx.comment_pool[index]
        items.append(
            f'<li id="comment-{index + 4100}" class="comment even thread-even depth-1"><article id="div-comment-{index + 4100}" class="comment-body">'
            f'<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">{esc(author)}</b> <span class="says">says:</span></div>'
            f'<div class="comment-metadata"><a href="{ctx.url}#comment-{index + 4100}"><time>{date}</time></a></div></footer>'
            f'<div class="comment-content"><p>{esc(text)}</p></div><div class="reply"><a rel="nofollow" class="comment-reply-link" href="#comment-{index + 4100}">Reply</a></div></article></li>'
        )
    return (
        f'<div id="comments" class="comments-area">\n<h2 class="comments-title">{ctx.counter(0)} thoughts on &ldquo;{esc(ctx.article.title)}&rdquo;</h2>\n'
        f'<ol class="comment-list">\n' + "\n".join(items) + "\n</ol>\n"
        f'<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>'
        f'<form action="{ctx.site.base}/wp-comments-post.php" method="post" id="commentform" class="comment-form"><p class="comment-notes">Your email address will not be published.</p>'
        f'<p class="comment-form-comment"><label for="comment">Comment</label><textarea id="comment" name="comment" cols="45" rows="8" required></textarea></p>'
        f'<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment" /></p></form></div>\n</div>'
    )


def sidebar(ctx: Ctx) -> str:
    modules = {
        "recent": lambda: (
            '<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>\n'
            + "\n".join(
                f'<li>{ctx.tag("a", ("href", u), ctx.track("recent"))}{esc(h)}</a><span class="post-date">{ctx.ago()}</span></li>'
                for h, u in ctx.other("recent", 6)
            )
            + "\n</ul></section>"
        ),
        "popular": lambda: (
            '<section id="top-posts-2" class="widget widget_top-posts"><h2 class="widget-title">Most Read</h2><ul class="widgets-list-layout no-grav">\n'
            + "\n".join(
                f'<li><a href="{u}" class="bump-view" data-bump-view="tp">{esc(h)}</a> <span class="views">{(ctx.chrome.counters[2] // (n + 2)):,} views</span></li>'
                for n, (h, u) in enumerate(ctx.other("popular", 5))
            )
            + "\n</ul></section>"
        ),
        "newsletter": lambda: (
            f'<section id="mc4wp_form_widget-2" class="widget widget_mc4wp_form_widget"><h2 class="widget-title">Get our newsletter</h2><form id="mc4wp-form-1" class="mc4wp-form" method="post"><p><label>Email address: <input type="email" name="EMAIL" placeholder="Your email address" required /></label></p><p><input type="submit" value="Sign up" /></p><input type="hidden" name="_mc4wp_timestamp" value="{ctx.chrome.nonce[:10]}" /></form></section>'
        ),
        "ad": lambda: (
            f'<section class="widget widget_ad"><div class="ad-label">{ctx.ad_marker()}</div>{ctx.tag("div", ("id", ad_id(ctx, "sidebar")), ("class", "ad-slot"))}{ad_creative(ctx, "sidebar")}</div></section>'
        ),
        "tags": lambda: (
            '<section id="tag_cloud-2" class="widget widget_tag_cloud"><h2 class="widget-title">Topics</h2><div class="tagcloud">'
            + " ".join(
                f'<a href="{ctx.site.base}/tag/{t}/" class="tag-cloud-link" style="font-size: {10 + n}pt;">{t}</a>'
                for n, t in enumerate(
                    ("council", "schools", "police", "weather", "transport", "housing", "health", "sport")
                )
            )
            + "</div></section>"
        ),
    }
    return "\n".join(modules[name]() for name in ctx.chrome.sidebar_order)
