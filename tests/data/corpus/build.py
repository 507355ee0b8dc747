"""Build the corpus: pages on every template, each a series of loads with one edit apiece."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import ModuleType

from tests.data.corpus.article import ArticleState
from tests.data.corpus.chrome import NOISE_EDITS, Chrome, initial_chrome
from tests.data.corpus.content import FIRST_NAMES, LAST_NAMES, TOPICS, Writer, other_headlines, write_article
from tests.data.corpus.edits import REAL_EDITS
from tests.data.corpus.markup import Ctx, Site, styled
from tests.data.corpus.model import Corpus, Page, Version
from tests.data.corpus.templates import TEMPLATES

SEED = 20260305
PAGES_PER_TEMPLATE = 5
SIZE_TARGET = (70_000, 104_000)  # bytes of version 0; edits move a page by a few KB at most
COMMENTS = (
    "This has been going on for years and nobody in charge seems to care.",
    "Good reporting. I had no idea the figures were this bad.",
    "Who is actually paying for all of this? The article doesn't say.",
    "I was at the meeting and it was nothing like the way it is described here.",
    "Finally some common sense.",
    "My neighbour has been waiting since last spring. Same story everywhere.",
    "The headline is misleading, read the whole piece before commenting.",
    "Another plan, another consultation, nothing changes.",
    "Thank you for covering this, the national papers never do.",
    "Does anyone know if this affects people outside the city limits?",
    "The numbers in paragraph four don't add up to me.",
    "Same thing happened in 2019 and they promised it wouldn't again.",
    "I support this. Short-term pain, long-term gain.",
    "Typical. Decide first, ask the public afterwards.",
    "Can we get a follow-up on what happened to the money from last time?",
)


def comment_pool(rng: random.Random) -> tuple[tuple[str, str, str], ...]:
    pool = []
    for index in range(40):
        handle = rng.choice(
            [
                f"{rng.choice(FIRST_NAMES)}{rng.randint(1, 99)}",
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)[0]}.",
                rng.choice(["localreader", "concerned_resident", "old_timer", "JustSaying", "facts_first"])
                + str(rng.randint(1, 999)),
            ]
        )
        text = COMMENTS[index % len(COMMENTS)] + (
            ""
            if index < len(COMMENTS)
            else rng.choice([" Just my opinion.", " Agreed with the above.", " Shameful."])
        )
        pool.append(
            (
                handle,
                f"{rng.choice(['Mar', 'Apr'])} {rng.randint(1, 28)}, 2026 {rng.randint(1, 12)}:{rng.randint(10, 59)}pm",
                text,
            )
        )
    return tuple(pool)


def build_corpus() -> Corpus:
    """Return the whole corpus; the same on every call."""
    plan = random.Random(SEED)
    usage: dict[str, Counter[str]] = {"noise": Counter(), "real": Counter()}
    pages: list[Page] = []
    number = 0
    held_out: set[int] = set()
    for t_index, template in enumerate(TEMPLATES):
        indexes = list(range(len(pages), len(pages) + PAGES_PER_TEMPLATE))
        held = 2 if t_index < 6 else 1  # 15 of 45 pages: one third, and every template
        held_out.update(plan.sample(indexes, held))
        for _ in range(PAGES_PER_TEMPLATE):
            pages.append(
                build_page(number, template, plan, usage, "held_out" if number in held_out else "tuned")
            )
            number += 1
    return Corpus(pages=tuple(pages))


def least_used(options: list[str], counts: Counter[str], count: int, rng: random.Random) -> list[str]:
    """Pick `count` distinct options, preferring those used least so far (ties broken at random)."""
    ranked = sorted(options, key=lambda name: (counts[name], rng.random()))
    chosen = ranked[:count]
    counts.update(chosen)
    return chosen


def build_page(
    number: int, template: ModuleType, plan: random.Random, usage: dict[str, Counter[str]], split: str
) -> Page:
    rng = random.Random(f"{SEED}:page:{number}")
    topic = TOPICS[(number * 7) % len(TOPICS)]
    site_name, domain = template.SITES[number % len(template.SITES)]
    published = datetime(2026, 3, 2, 6, 0, tzinfo=UTC) + timedelta(
        hours=rng.randint(0, 96), minutes=rng.randint(0, 59)
    )
    site = Site(
        name=site_name,
        domain=domain,
        seed=rng.randint(10**6, 10**9),
        sections=("news", "world", "business", "politics", "local", "technology"),
    )
    article, writer = write_article(
        topic,
        rng,
        paragraphs=rng.randint(10, 40),
        quote_style=rng.choice(["ascii", "unicode", "entity"]),
        link_base=f"https://{domain}",
        published=published,
    )
    article.extra.update(site=site_name, city=writer.place.upper())
    if hasattr(template, "adapt"):
        article = template.adapt(article, site_name)
        article.extra.update(site=site_name, city=writer.place.upper())
    url = template.url(domain, article.slug, published.isoformat())
    headlines = tuple(other_headlines(rng, 60))
    comments = comment_pool(rng)
    teasers = 0 if rng.random() < 0.15 else rng.randint(1, 3)
    chrome = initial_chrome(
        rng,
        blocks=len(article.blocks),
        sidebar=template.SIDEBAR,
        headlines=len(headlines),
        teasers=teasers,
        ads=template.ADS,
    )

    def render(article: ArticleState, chrome: Chrome) -> str:
        return styled(template.render(Ctx(article, chrome, site, headlines, comments, url)), chrome.ws_style)

    first = render(article, chrome)
    target = rng.randint(*SIZE_TARGET)
    chrome = replace(chrome, filler=max(3000, target - len(first.encode())))
    html = render(article, chrome)
    versions = [Version(0, html, None, None, article.expected(), None)]

    noise_count, real_count = rng.randint(3, 6), rng.randint(2, 4)
    noise = least_used(sorted(template.NOISE), usage["noise"], noise_count, plan)
    if "teaser_in_body" not in noise and rng.random() < 0.4:  # the hardest noise: more of it
        noise.append("teaser_in_body")
        usage["noise"]["teaser_in_body"] += 1
    real = least_used(sorted(REAL_EDITS), usage["real"], real_count, plan)
    rest = noise[1:] + real
    rng.shuffle(rest)
    schedule = [("noise", noise[0])] + [
        ("noise" if name in template.NOISE and name in noise else "real", name) for name in rest
    ]
    spare_real = [name for name in sorted(REAL_EDITS) if name not in real]
    for kind, edit in schedule:
        if kind == "noise":
            for _attempt in range(8):
                new_chrome, detail = NOISE_EDITS[edit](chrome, rng, len(headlines), len(article.blocks))
                new_html = render(article, new_chrome)
                if new_html != html:
                    break
            else:
                raise AssertionError(f"noise edit {edit} left page {number} unchanged")
            chrome, html = new_chrome, new_html
            versions.append(Version(len(versions), html, "noise", edit, article.expected(), None, detail))
        else:
            result = REAL_EDITS[edit](article, writer, rng)
            while result is None:  # the edit does not apply to this article: use another kind
                edit = spare_real.pop(0)
                result = REAL_EDITS[edit](article, writer, rng)
            article, expected_change, detail = result
            html = render(article, chrome)
            versions.append(
                Version(len(versions), html, "real", edit, article.expected(), expected_change, detail)
            )
    return Page(
        name=f"{number:02d}-{template.NAME}-{topic.key}",
        template=template.NAME,
        split=split,
        url=url,
        topic=topic.key,
        versions=tuple(versions),
    )


__all__ = ["Writer", "build_corpus"]
