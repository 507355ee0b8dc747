"""What every template shares: the render context, attributes, scripts, JSON-LD, menus, inlined
CSS, cookie banners, and the whitespace styles a CDN or CMS might serve the same page in."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

from tests.data.corpus.article import ArticleState, Block
from tests.data.corpus.chrome import AD_MARKERS, Chrome, Teaser, compact, relative
from tests.data.corpus.text import esc


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    domain: str
    seed: int
    sections: tuple[str, ...]

    @property
    def base(self) -> str:
        return f"https://{self.domain}"


class Ctx:
    """One render of one page. Randomness comes only from the chrome's seeds and the site's seed,
    so a noise edit changes exactly the part of the page it names."""

    def __init__(
        self,
        article: ArticleState,
        chrome: Chrome,
        site: Site,
        headlines: tuple[str, ...],
        comments: tuple[tuple[str, str, str], ...],
        url: str,
    ) -> None:
        self.article = article
        self.chrome = chrome
        self.site = site
        self.headlines = headlines
        self.comment_pool = comments
        self.url = url
        self._attr_calls = 0
        self._track_calls = 0

    # -- randomness ------------------------------------------------------------------------------
    def rng(self, name: str, seed: int | None = None) -> random.Random:
        """A generator for one part of the page: name plus the site's seed (or the given chrome seed)."""
        return random.Random(f"{name}:{self.site.seed if seed is None else seed}")

    # -- tags ------------------------------------------------------------------------------------
    def tag(self, name: str, *attrs: tuple[str, str | None], close: bool = False) -> str:
        """Return an opening tag; attribute order is shuffled when the chrome says so."""
        self._attr_calls += 1
        items = list(attrs)
        if self.chrome.attr_seed:
            random.Random(self.chrome.attr_seed * 7919 + self._attr_calls).shuffle(items)
        rendered = "".join(f" {key}" if value is None else f' {key}="{esc(value)}"' for key, value in items)
        return f"<{name}{rendered}{' /' if close else ''}>"

    def track(self, kind: str = "link") -> tuple[str, str]:
        """Return a data-track-id attribute whose value changes with the chrome's tracking seed."""
        self._track_calls += 1
        value = random.Random(self.chrome.track_seed * 31 + self._track_calls).getrandbits(40)
        return ("data-track-id", f"{kind}-{value:010x}")

    def v(self, path: str) -> str:
        """Return an asset URL with the cache-busting version."""
        return f"{path}?v={self.chrome.build}"

    # -- lists of other stories --------------------------------------------------------------------
    def other(self, which: str, count: int) -> list[tuple[str, str]]:
        """Return (headline, url) for a rotating list of other stories."""
        rng = self.rng(which, self.chrome.related_seed)
        picks = rng.sample(range(len(self.headlines)), count)
        return [(self.headlines[i], self.story_url(i)) for i in picks]

    def story_url(self, index: int) -> str:
        words = re.sub(r"[^a-z0-9]+", "-", self.headlines[index].lower()).strip("-")[:70]
        section = self.site.sections[index % len(self.site.sections)].lower()
        return f"{self.site.base}/{section}/{words}-{(index * 7919 + 100_003) % 900_000 + 100_000}"

    def teaser_link(self, teaser: Teaser) -> tuple[str, str]:
        index = teaser.headline % len(self.headlines)
        return self.headlines[index], self.story_url(index)

    # -- times and counters ------------------------------------------------------------------------
    def ago(self, style: str = "long") -> str:
        return relative(self.chrome.minutes, style)

    def body_ago(self, style: str = "long") -> str:
        return relative(self.chrome.body_minutes, style)

    def ad_marker(self) -> str:
        return AD_MARKERS[self.chrome.ad_marker]

    def counter(self, which: int) -> str:
        return compact(self.chrome.counters[which])

    # -- the body, with churn between the blocks ---------------------------------------------------
    def body(self) -> Iterator[tuple[str, object]]:
        """Yield ("block", Block) and, between blocks, ("teaser", Teaser) and ("ad", slot number)."""
        blocks = self.article.blocks
        last = len(blocks) - 2
        teasers: dict[int, list[Teaser]] = {}
        for teaser in self.chrome.teasers:
            teasers.setdefault(min(teaser.after, last), []).append(teaser)
        ads = {min(p, last) for p in self.chrome.ad_positions}
        slot = 0
        for index, block in enumerate(blocks):
            yield "block", block
            for teaser in teasers.get(index, []):
                yield "teaser", teaser
            if index in ads:
                slot += 1
                yield "ad", slot


def block_html(
    block: Block,
    *,
    p: str = "<p>",
    li: str = "<li>",
    quote: str = "<blockquote>",
    heading_class: str = "",
    list_class: str = "",
) -> str:
    """Return plain markup for a block (templates with their own markup override parts of this)."""
    if block.kind == "p":
        return f"{p}{block.parts[0]}</p>"
    if block.kind in ("h2", "h3"):
        klass = f' class="{heading_class}"' if heading_class else ""
        return f"<{block.kind}{klass}>{block.parts[0]}</{block.kind}>"
    if block.kind in ("ul", "ol"):
        klass = f' class="{list_class}"' if list_class else ""
        items = "\n".join(f"{li}{item}</li>" for item in block.parts)
        return f"<{block.kind}{klass}>\n{items}\n</{block.kind}>"
    inner = "\n".join(f"<p>{part}</p>" for part in block.parts)
    return f"{quote}\n{inner}\n</blockquote>"


# -- head --------------------------------------------------------------------------------------------
def meta_tags(ctx: Ctx, *, twitter: str = "@news") -> str:
    a = ctx.article
    title = esc(a.title)
    tags = "\n".join(f'<meta property="article:tag" content="{esc(tag)}">' for tag in a.tags)
    return f"""<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | {esc(ctx.site.name)}</title>
<meta name="description" content="{esc(a.dek)}">
<meta name="author" content="{esc(", ".join(a.authors))}">
<meta name="robots" content="index, follow, max-image-preview:large">
<link rel="canonical" href="{ctx.url}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{esc(ctx.site.name)}">
<meta property="og:title" content="{title}">
<meta property="og:description" content="{esc(a.dek)}">
<meta property="og:url" content="{ctx.url}">
<meta property="og:image" content="{ctx.site.base}{a.image}">
<meta property="article:published_time" content="{a.published.isoformat()}">
<meta property="article:modified_time" content="{a.modified.isoformat()}">
<meta property="article:section" content="{esc(a.section)}">
{tags}
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:site" content="{twitter}">
<meta name="twitter:title" content="{title}">"""


def json_ld(ctx: Ctx, *, kind: str = "NewsArticle", body: bool = False) -> str:
    a = ctx.article
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": kind,
        "mainEntityOfPage": {"@type": "WebPage", "@id": ctx.url},
        "headline": a.title,
        "description": a.dek,
        "image": [f"{ctx.site.base}{a.image}"],
        "datePublished": a.published.isoformat(),
        "dateModified": a.modified.isoformat(),
        "author": [
            {
                "@type": "Person",
                "name": name,
                "url": f"{ctx.site.base}/profile/{name.lower().replace(' ', '-')}",
            }
            for name in a.authors
        ],
        "publisher": {
            "@type": "Organization",
            "name": ctx.site.name,
            "logo": {"@type": "ImageObject", "url": f"{ctx.site.base}/static/logo-600x60.png"},
        },
        "articleSection": a.section,
        "keywords": ", ".join(a.tags),
        "isAccessibleForFree": True,
    }
    if body:
        data["articleBody"] = " ".join(a.paragraphs())
    crumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": ctx.site.base + "/"},
            {
                "@type": "ListItem",
                "position": 2,
                "name": a.section,
                "item": f"{ctx.site.base}/{a.section.lower()}",
            },
            {"@type": "ListItem", "position": 3, "name": a.title, "item": ctx.url},
        ],
    }
    return (
        f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>\n'
        f'<script type="application/ld+json">{json.dumps(crumbs, ensure_ascii=False)}</script>'
    )


def gtm(ctx: Ctx, container: str) -> str:
    return f"""<script nonce="{ctx.chrome.nonce}">(function(w,d,s,l,i){{w[l]=w[l]||[];w[l].push({{'gtm.start':
new Date().getTime(),event:'gtm.js'}});var f=d.getElementsByTagName(s)[0],
j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=
'https://www.googletagmanager.com/gtm.js?id='+i+dl;var n=d.querySelector('[nonce]');
n&&j.setAttribute('nonce',n.nonce||n.getAttribute('nonce'));f.parentNode.insertBefore(j,f);
}})(window,document,'script','dataLayer','{container}');</script>"""


def data_layer(ctx: Ctx) -> str:
    a = ctx.article
    layer = {
        "pageType": "article",
        "section": a.section,
        "authors": list(a.authors),
        "wordCount": sum(len(t.split()) for t in a.paragraphs()),
        "publishedDate": a.published.strftime("%Y-%m-%d"),
        "tags": list(a.tags),
        "contentId": ctx.site.seed % 10**7,
        "abTests": {
            "headlineTest": "control",
            "paywallMeter": "v3",
            "recircModule": f"variant-{ctx.chrome.related_seed % 4}",
        },
        "pageViewId": f"{ctx.chrome.track_seed:x}{ctx.chrome.ad_seed:x}",
    }
    return f'<script nonce="{ctx.chrome.nonce}">window.dataLayer = window.dataLayer || []; window.dataLayer.push({json.dumps(layer)});</script>'


def gpt(ctx: Ctx, network: str, slots: list[tuple[str, str]]) -> str:
    """Google Publisher Tag set-up for the page's ad slots (slot ids change per load)."""
    defs = "\n".join(
        f"  googletag.defineSlot('/{network}/{ctx.site.domain.split('.')[-2]}/{name}', {size}, '{ad_id(ctx, name)}').addService(googletag.pubads());"
        for name, size in slots
    )
    return f"""<script async src="https://securepubads.g.doubleclick.net/tag/js/gpt.js"></script>
<script nonce="{ctx.chrome.nonce}">
window.googletag = window.googletag || {{cmd: []}};
googletag.cmd.push(function() {{
{defs}
  googletag.pubads().setTargeting('section', '{ctx.article.section.lower()}').setTargeting('pvid', '{ctx.chrome.ad_seed:x}');
  googletag.pubads().enableLazyLoad({{fetchMarginPercent: 200, renderMarginPercent: 100, mobileScaling: 2.0}});
  googletag.pubads().enableSingleRequest();
  googletag.enableServices();
}});
</script>"""


def ad_id(ctx: Ctx, name: str) -> str:
    return f"div-gpt-ad-{random.Random(f'{name}:{ctx.chrome.ad_seed}').randint(10**12, 10**13 - 1)}-0"


def ad_creative(ctx: Ctx, name: str) -> str:
    """A filled ad: an iframe-free sponsored creative as ad servers leave it in the DOM."""
    rng = random.Random(f"creative:{name}:{ctx.chrome.ad_seed}")
    brand = rng.choice(
        [
            "Northwind Bank",
            "Acme Insurance",
            "Lumen Phones",
            "Vista Cruises",
            "GreenLeaf Energy",
            "Orbit Mobile",
        ]
    )
    line = rng.choice(
        ["Switch today and save", "Limited time offer", "Find out more", "Get a quote in minutes", "Book now"]
    )
    return (
        f'<div class="creative" data-creative-id="{rng.randint(10**9, 10**10)}" data-advertiser="{esc(brand)}">'
        f'<a href="https://adclick.g.doubleclick.net/pcs/click?xai={rng.getrandbits(64):x}" rel="sponsored noopener" target="_blank">'
        f'<img src="https://tpc.googlesyndication.com/simgad/{rng.getrandbits(48)}" width="300" height="250" alt="{esc(brand)}: {esc(line)}"></a></div>'
    )


def analytics(ctx: Ctx) -> str:
    return f"""<script nonce="{ctx.chrome.nonce}">
var _sf_async_config = window._sf_async_config = (window._sf_async_config || {{}});
_sf_async_config.uid = {ctx.site.seed % 90000 + 10000};
_sf_async_config.domain = '{ctx.site.domain}';
_sf_async_config.useCanonical = true;
_sf_async_config.sections = '{ctx.article.section}';
_sf_async_config.authors = '{esc(", ".join(ctx.article.authors))}';
(function() {{ function loadChartbeat() {{ var e = document.createElement('script'); var n = document.getElementsByTagName('script')[0];
  e.type = 'text/javascript'; e.async = true; e.src = '//static.chartbeat.com/js/chartbeat.js'; n.parentNode.insertBefore(e, n); }}
  loadChartbeat(); }})();
</script>
<script nonce="{ctx.chrome.nonce}">
  var _comscore = _comscore || []; _comscore.push({{ c1: "2", c2: "{ctx.site.seed % 9000000 + 1000000}", options: {{ enableFirstPartyCookie: true }} }});
  (function() {{ var s = document.createElement("script"), el = document.getElementsByTagName("script")[0]; s.async = true;
    s.src = "https://sb.scorecardresearch.com/cs/{ctx.site.seed % 9000000 + 1000000}/beacon.js"; el.parentNode.insertBefore(s, el); }})();
</script>"""


# -- inlined CSS: how real pages reach 60-120 KB ---------------------------------------------------------
BEM_BLOCKS = (
    "header",
    "nav",
    "menu",
    "card",
    "teaser",
    "article",
    "byline",
    "share",
    "footer",
    "rail",
    "promo",
    "newsletter",
    "ad-slot",
    "most-read",
    "related",
    "hero",
    "caption",
    "tag",
    "button",
    "search",
    "modal",
)
BEM_ELEMENTS = (
    "inner",
    "title",
    "link",
    "item",
    "list",
    "icon",
    "label",
    "meta",
    "image",
    "body",
    "wrapper",
    "text",
)
BEM_MODIFIERS = (
    "active",
    "dark",
    "compact",
    "wide",
    "hidden",
    "featured",
    "live",
    "opinion",
    "sticky",
    "mobile",
)
PROPERTIES = (
    ("display", ("block", "flex", "grid", "none", "inline-block")),
    ("margin", ("0", "0 auto", "8px 0", "0 0 24px", "12px 16px")),
    ("padding", ("0", "4px 8px", "12px", "16px 20px", "0 12px")),
    ("color", ("#121212", "#052962", "#c70000", "#707070", "#fff")),
    ("font-size", ("0.875rem", "1rem", "1.125rem", "14px", "17px", "20px")),
    ("line-height", ("1.2", "1.35", "1.5", "24px")),
    (
        "font-family",
        ("GuardianTextEgyptian,Georgia,serif", "Helvetica Neue,Arial,sans-serif", "var(--font-sans)"),
    ),
    ("border-bottom", ("1px solid #dcdcdc", "2px solid #c70000", "0")),
    ("background-color", ("#fff", "#f6f6f6", "#052962", "transparent")),
    ("flex-direction", ("row", "column")),
    ("gap", ("8px", "12px", "1rem")),
    ("position", ("relative", "absolute", "sticky")),
    ("max-width", ("620px", "1300px", "100%")),
    ("text-transform", ("uppercase", "none")),
    ("font-weight", ("400", "700", "bold")),
)


def css(ctx: Ctx, size: int) -> str:
    """Return about `size` bytes of plausible critical CSS, the same on every load of the page."""
    rng = ctx.rng("css")
    out: list[str] = [
        ":root{--font-sans:Helvetica Neue,Arial,sans-serif;--brand:#052962;--gap:16px}",
        "*,:after,:before{box-sizing:border-box}body{margin:0;font-family:var(--font-sans)}",
    ]
    total = sum(map(len, out))
    while total < size:
        block = rng.choice(BEM_BLOCKS)
        selector = f".{block}"
        if rng.random() < 0.7:
            selector += f"__{rng.choice(BEM_ELEMENTS)}"
        if rng.random() < 0.3:
            selector += f"--{rng.choice(BEM_MODIFIERS)}"
        decls = ";".join(
            f"{name}:{rng.choice(values)}" for name, values in rng.sample(PROPERTIES, rng.randint(2, 5))
        )
        rule = f"{selector}{{{decls}}}"
        if rng.random() < 0.08:
            rule = f"@media (min-width:{rng.choice([740, 980, 1140, 1300])}px){{{rule}}}"
        out.append(rule)
        total += len(rule)
    return "".join(out)


SVG_ICONS = {
    "facebook": "M22 12a10 10 0 1 0-11.6 9.9v-7H7.9V12h2.5V9.8c0-2.5 1.5-3.9 3.8-3.9 1.1 0 2.2.2 2.2.2v2.5h-1.3c-1.2 0-1.6.8-1.6 1.6V12h2.8l-.4 2.9h-2.3v7A10 10 0 0 0 22 12z",
    "twitter": "M18.2 2.3h3.3l-7.2 8.3 8.5 11.2h-6.7l-5.2-6.8-6 6.8H1.6l7.7-8.8L1.2 2.3H8l4.7 6.2 5.5-6.2zm-1.2 17.5h1.8L7.1 4.2H5.1l11.9 15.6z",
    "email": "M2 4h20v16H2V4zm10 7L4 6v12h16V6l-8 5z",
    "whatsapp": "M17.5 14.4c-.3-.1-1.8-.9-2-1-.3-.1-.5-.1-.7.1-.2.3-.8 1-.9 1.2-.2.2-.3.2-.6.1-.3-.1-1.3-.5-2.4-1.5-.9-.8-1.5-1.8-1.7-2.1-.2-.3 0-.5.1-.6l.4-.5.3-.5v-.5c0-.1-.7-1.6-.9-2.2-.2-.6-.5-.5-.7-.5h-.6c-.2 0-.5.1-.8.4-.3.3-1 1-1 2.5s1.1 2.9 1.2 3.1c.1.2 2.1 3.2 5.1 4.5.7.3 1.3.5 1.7.6.7.2 1.4.2 1.9.1.6-.1 1.8-.7 2-1.4.2-.7.2-1.3.2-1.4-.1-.1-.3-.2-.6-.3z",
    "linkedin": "M4.98 3.5C4.98 4.88 3.87 6 2.5 6S0 4.88 0 3.5 1.12 1 2.5 1s2.48 1.12 2.48 2.5zM.5 8h4V24h-4V8zm7.5 0h3.8v2.2h.1c.5-1 1.8-2.2 3.8-2.2 4 0 4.8 2.7 4.8 6.2V24h-4v-8.5c0-2 0-4.6-2.8-4.6s-3.2 2.2-3.2 4.4V24h-4V8z",
    "search": "M15.5 14h-.8l-.3-.3A6.5 6.5 0 1 0 14 15.5l.3.3v.8l5 5 1.5-1.5-5-5zm-6 0a4.5 4.5 0 1 1 0-9 4.5 4.5 0 0 1 0 9z",
    "menu": "M3 6h18v2H3V6zm0 5h18v2H3v-2zm0 5h18v2H3v-2z",
    "close": "M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z",
    "comment": "M21 6h-2v9H6v2c0 .6.4 1 1 1h11l4 4V7c0-.6-.4-1-1-1zm-4 6V3c0-.6-.4-1-1-1H3c-.6 0-1 .4-1 1v14l4-4h10c.6 0 1-.4 1-1z",
}


def svg_sprite() -> str:
    symbols = "".join(
        f'<symbol id="icon-{name}" viewBox="0 0 24 24"><path d="{path}"/></symbol>'
        for name, path in SVG_ICONS.items()
    )
    return f'<svg xmlns="http://www.w3.org/2000/svg" style="display:none" aria-hidden="true">{symbols}</svg>'


def icon(name: str, size: int = 20) -> str:
    return f'<svg class="icon icon--{name}" width="{size}" height="{size}" aria-hidden="true" focusable="false"><use href="#icon-{name}"></use></svg>'


def share_buttons(ctx: Ctx, klass: str = "share") -> str:
    from urllib.parse import quote

    url = quote(ctx.url, safe="")
    title = quote(ctx.article.title, safe="")
    links = [
        ("facebook", f"https://www.facebook.com/sharer/sharer.php?u={url}", "Share on Facebook"),
        ("twitter", f"https://twitter.com/intent/tweet?text={title}&url={url}", "Share on X"),
        ("whatsapp", f"https://wa.me/?text={title}%20{url}", "Share on WhatsApp"),
        ("linkedin", f"https://www.linkedin.com/sharing/share-offsite/?url={url}", "Share on LinkedIn"),
        ("email", f"mailto:?subject={title}&body={url}", "Share via email"),
    ]
    items = "\n".join(
        f'<li class="{klass}__item">{ctx.tag("a", ("class", f"{klass}__link {klass}__link--{name}"), ("href", href), ("aria-label", label), ("target", "_blank"), ("rel", "noopener"), ctx.track("share"))}{icon(name)}</a></li>'
        for name, href, label in links
    )
    return f'<ul class="{klass}__list">\n{items}\n</ul>'


# -- navigation -----------------------------------------------------------------------------------------
NAV = {
    "News": (
        "UK",
        "World",
        "Politics",
        "Business",
        "Climate",
        "Health",
        "Science",
        "Technology",
        "Education",
        "Local",
    ),
    "Sport": ("Football", "Cricket", "Rugby", "Tennis", "Formula 1", "Golf", "Cycling", "US sports"),
    "Opinion": ("Editorials", "Columnists", "Letters", "Cartoons", "Contributors"),
    "Culture": ("Film", "Music", "TV & radio", "Books", "Art & design", "Stage", "Games"),
    "Lifestyle": (
        "Food",
        "Recipes",
        "Travel",
        "Health & fitness",
        "Women",
        "Men",
        "Love & sex",
        "Home & garden",
        "Money",
    ),
}


def mega_menu(ctx: Ctx, klass: str = "nav") -> str:
    """Return a site's two-level navigation menu."""
    parts = []
    for top, subs in NAV.items():
        slug = top.lower()
        items = "\n".join(
            f'<li class="{klass}__subitem"><a class="{klass}__sublink" href="{ctx.site.base}/{slug}/{s.lower().replace(" & ", "-").replace(" ", "-")}" data-link-name="nav : secondary : {esc(s)}">{esc(s)}</a></li>'
            for s in subs
        )
        parts.append(
            f'<li class="{klass}__item" role="none"><a class="{klass}__link" role="menuitem" href="{ctx.site.base}/{slug}" data-link-name="nav : primary : {top}">{top}</a>\n'
            f'<ul class="{klass}__sub" role="menu" aria-label="{top} sections">\n{items}\n</ul></li>'
        )
    return f'<ul class="{klass}__list" role="menubar">\n' + "\n".join(parts) + "\n</ul>"


FOOTER = (
    (
        "About us",
        "Contact us",
        "Complaints & corrections",
        "SecureDrop",
        "Work for us",
        "Privacy policy",
        "Cookie policy",
        "Terms & conditions",
        "Help",
        "Accessibility",
        "Advertise with us",
        "Newsletters",
        "Search jobs",
        "Digital archive",
        "Print subscriptions",
        "Tax strategy",
        "Modern slavery statement",
        "All topics",
        "All writers",
        "Facebook",
        "Instagram",
        "LinkedIn",
        "YouTube",
        "RSS",
    ),
)


def footer_links(ctx: Ctx, klass: str = "footer") -> str:
    items = "\n".join(
        f'<li class="{klass}__item"><a class="{klass}__link" href="{ctx.site.base}/info/{label.lower().replace(" & ", "-").replace(" ", "-")}">{esc(label)}</a></li>'
        for label in FOOTER[0]
    )
    return f'<ul class="{klass}__links">\n{items}\n</ul>'


COOKIE_COPY = (
    "We use cookies and similar technologies to improve your experience, personalise content and ads, and analyse our traffic.",
    "We and our {partners} partners store and/or access information on a device, such as unique IDs in cookies, to process personal data.",
    "This site uses cookies. Some are essential; others help us show you relevant advertising and understand how the site is used.",
    "Your privacy matters. We and {partners} partners use cookies for ads and content personalisation, measurement and audience insights.",
)


def cookie_banner(ctx: Ctx) -> str:
    """Return a consent-management banner (OneTrust-like); its copy and partner count change."""
    variant = ctx.chrome.cookie_variant
    copy = COOKIE_COPY[variant % len(COOKIE_COPY)].format(partners=812 + variant * 17)
    return f"""<div id="onetrust-consent-sdk" data-nosnippet="true">
<div class="onetrust-pc-dark-filter ot-hide ot-fade-in"></div>
<div id="onetrust-banner-sdk" class="otFlat ot-bnr-w-logo" tabindex="0" role="region" aria-label="Cookie banner">
<div role="dialog" aria-modal="true" aria-describedby="onetrust-policy-text" aria-label="Privacy">
<div class="ot-sdk-container"><div class="ot-sdk-row"><div id="onetrust-group-container" class="ot-sdk-eight ot-sdk-columns">
<div id="onetrust-policy"><h2 id="onetrust-policy-title">We value your privacy</h2>
<div id="onetrust-policy-text">{esc(copy)} You can change your choices at any time by clicking <a href="{ctx.site.base}/info/cookie-policy">Privacy settings</a> at the bottom of any page.<span class="ot-vendor-count"> Vendors: {812 + variant * 17}</span></div></div></div>
<div id="onetrust-button-group-parent" class="ot-sdk-three ot-sdk-columns"><div id="onetrust-button-group">
<button id="onetrust-pc-btn-handler">Manage preferences</button>
<button id="onetrust-reject-all-handler">Reject all</button>
<button id="onetrust-accept-btn-handler">Accept all</button></div></div></div></div></div></div></div>"""


# -- whitespace styles ------------------------------------------------------------------------------------
def styled(html: str, style: int) -> str:
    """Return the same document in another whitespace style; what a reader sees never changes."""
    if style == 0:
        return html
    if style == 1:
        return indent(html, "  ")
    if style == 2:
        return "\n".join(wrap_line(line) for line in indent(html, "\t").split("\n"))
    return html.replace("\n", "  \r\n")


BLOCK_OPEN = re.compile(
    r"^<(div|section|article|aside|header|footer|nav|main|ul|ol|body|head|html|figure|form)\b"
)
BLOCK_CLOSE = re.compile(
    r"^</(div|section|article|aside|header|footer|nav|main|ul|ol|body|head|html|figure|form)>"
)


def indent(html: str, unit: str) -> str:
    depth = 0
    out = []
    in_script = False
    for line in html.split("\n"):
        stripped = line.strip()
        if in_script or not stripped:
            out.append(line)
        else:
            if BLOCK_CLOSE.match(stripped):
                depth = max(0, depth - 1)
            out.append(unit * depth + stripped)
            opened = BLOCK_OPEN.match(stripped)
            if opened and not re.search(rf"</{opened.group(1)}>\s*$", stripped):
                depth += 1
        opens = line.count("<script") + line.count("<style")
        closes = line.count("</script>") + line.count("</style>")
        if opens > closes:
            in_script = True
        elif closes > opens:
            in_script = False
    return "\n".join(out)


def wrap_line(line: str, width: int = 100) -> str:
    """Break a long line of markup at spaces in its text (never inside a tag), as some CMSes do."""
    if (
        len(line) <= width
        or "<script" in line
        or "<style" in line
        or not line.lstrip().startswith(("<p", "<li", "<h2", "<h3", '<div data-testid="paragraph'))
    ):
        return line
    out, column = [], 0
    for part in re.split(r"(<[^>]*>)", line):
        if part.startswith("<"):
            out.append(part)
            column += len(part)
            continue
        words = part.split(" ")
        for index, word in enumerate(words):
            if index:
                if column > width:
                    out.append("\n    ")
                    column = 4
                else:
                    out.append(" ")
                    column += 1
            out.append(word)
            column += len(word)
    return "".join(out)
