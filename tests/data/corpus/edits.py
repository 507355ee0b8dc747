"""Real edits: each changes the article text in one way and says exactly how (ExpectedChange)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from tests.data.corpus.article import ArticleState, Block, join_names
from tests.data.corpus.content import FIRST_NAMES, LAST_NAMES, MONTHS, Writer
from tests.data.corpus.model import ExpectedChange
from tests.data.corpus.text import plain, sub_in_text

Result = tuple[ArticleState, ExpectedChange, str]
RealEdit = Callable[[ArticleState, Writer, random.Random], Result | None]


def change(**fields: object) -> ExpectedChange:
    base: dict[str, object] = {
        "title": None,
        "byline": None,
        "inserted": (),
        "deleted": (),
        "changed": (),
        "moved": (),
    }
    base.update(fields)
    return ExpectedChange(**base)  # type: ignore[arg-type]


def touched(article: ArticleState, rng: random.Random, **fields: object) -> ArticleState:
    """Return the article with fields replaced and its modified time moved on."""
    return replace(article, modified=article.modified + timedelta(minutes=rng.randint(20, 600)), **fields)  # type: ignore[arg-type]


def body_indexes(article: ArticleState, *, skip_first: bool = True) -> list[int]:
    """Indexes of ordinary prose paragraphs (not notes, sign-offs, or the lead)."""
    indexes = [i for i, b in enumerate(article.blocks) if b.kind == "p" and not b.role]
    return indexes[1:] if skip_first else indexes


def prefer_linked(article: ArticleState, candidates: list[int], rng: random.Random) -> list[int]:
    """Often pick among paragraphs that contain links: they are article text, and an extractor
    that drops link-heavy paragraphs must miss these edits."""
    linked = [i for i in candidates if "<a " in article.blocks[i].parts[0]]
    return linked if linked and rng.random() < 0.4 else candidates


def end_index(article: ArticleState) -> int:
    """Where a note at the end goes: before a wire sign-off, if any."""
    blocks = article.blocks
    return len(blocks) - 1 if blocks and blocks[-1].role == "signoff" else len(blocks)


def unused(article: ArticleState, html: str) -> bool:
    return plain(html) not in article.paragraphs()


def when(article: ArticleState, rng: random.Random) -> str:
    day = article.published + timedelta(days=rng.randint(0, 2))
    return f"{day:%B} {day.day}"


# -- notes ------------------------------------------------------------------------------------------
def update_note(article: ArticleState, writer: Writer, rng: random.Random) -> Result | None:
    org = writer.fixed[next(iter(writer.fixed))]
    person = writer.people[1]
    forms = [
        f"Updated on {when(article, rng)} to add a statement from {org}.",
        f"Update, {when(article, rng)}, {rng.randint(1, 11)}:{rng.choice(['05', '20', '41', '55'])} p.m.: This story has been updated with comment from {person}.",
        f"UPDATE: {capital(org)} responded to a request for comment after this article was published.",
        f"This article was updated on {when(article, rng)} to include new figures released by {org}.",
        f"Update: This story has been updated to reflect that {person} has since left the post.",
    ]
    html = writer.style(rng.choice(forms))
    if not unused(article, html):
        return None
    at = 0 if rng.random() < 0.6 else end_index(article)
    blocks = list(article.blocks)
    blocks.insert(at, Block("p", (html,), role="note"))
    return (
        touched(article, rng, blocks=tuple(blocks)),
        change(inserted=(plain(html),)),
        f"update note at {'top' if at == 0 else 'end'}",
    )


def editor_note(article: ArticleState, writer: Writer, rng: random.Random) -> Result | None:
    forms = [
        "Editor's note: This article has been updated to clarify the timeline of events.",
        f"Editor's note: {writer.people[2]} is a former member of staff at this publication.",
        "Editor's note: An earlier headline on this article has been changed to better reflect its content.",
        f"Editor's note: This story has been updated to include the response of {writer.fixed[next(iter(writer.fixed))]}.",
    ]
    html = writer.style(rng.choice(forms))
    if not unused(article, html):
        return None
    blocks = list(article.blocks)
    blocks.insert(0, Block("p", (html,), role="note"))
    return (
        touched(article, rng, blocks=tuple(blocks)),
        change(inserted=(plain(html),)),
        "editor's note at top",
    )


def correction_added(article: ArticleState, writer: Writer, rng: random.Random) -> Result | None:
    """A correction note at the end, and the figure it corrects changed in its paragraph."""
    found = changed_figure(article, rng)
    if not found:
        return None
    index, old_html, new_html, old_num, new_num = found
    note = writer.style(
        rng.choice(
            [
                f"Correction: An earlier version of this article misstated a figure. It is {new_num}, not {old_num}.",
                f"Correction, {when(article, rng)}: A previous version of this story gave an incorrect figure of {old_num}; the correct figure is {new_num}.",
                f"CORRECTION: This article has been corrected to show that the figure was {new_num}, not {old_num}.",
            ]
        )
    )
    blocks = list(article.blocks)
    blocks[index] = replace(blocks[index], parts=(new_html,))
    blocks.insert(end_index(replace(article, blocks=tuple(blocks))), Block("p", (note,), role="note"))
    return (
        touched(article, rng, blocks=tuple(blocks)),
        change(inserted=(plain(note),), changed=((plain(old_html), plain(new_html)),)),
        f"correction note; {old_num} -> {new_num}",
    )


# -- added text ---------------------------------------------------------------------------------------
def quote_added(article: ArticleState, writer: Writer, rng: random.Random) -> Result | None:
    """An "X told us:" paragraph plus the quote, or one paragraph with a quotation."""
    topic = writer.topic
    quotes = [q for q in topic.quotes if all(q[:30] not in t for t in article.paragraphs())] or [
        "We will look at every option, and we will not rush a decision that affects so many people."
    ]
    line = rng.choice(quotes)
    speaker, role = writer.people[3], writer.roles[-1]
    site = article.extra.get("site", "us")
    if rng.random() < 0.6:
        intro = writer.style(
            rng.choice(
                [
                    f"{speaker}, {role}, told {site}:",
                    f"In a statement to {site}, {speaker}, {role}, said:",
                    f"A spokesperson for {writer.fixed[next(iter(writer.fixed))]} told {site}:",
                ]
            )
        )
        quote = writer.style(f'"{line}"' if rng.random() < 0.5 else line)
        new = [Block("p", (intro,), role="quote_intro"), Block("p", (quote,))]
    else:
        new = [
            Block(
                "p",
                (
                    writer.style(
                        f'"{line}," {speaker}, {role}, said in a statement on {rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"])}.'
                    ),
                ),
            )
        ]
    if not all(unused(article, b.parts[0]) for b in new):
        return None
    prose = body_indexes(article)
    at = rng.choice(prose[len(prose) // 3 :]) if prose else end_index(article)
    blocks = list(article.blocks)
    blocks[at:at] = new
    texts = tuple(plain(b.parts[0]) for b in new)
    edited = (
        touched(article, rng, blocks=tuple(blocks))
        if rng.random() < 0.5
        else replace(article, blocks=tuple(blocks))
    )
    return edited, change(inserted=texts), f"{len(new)} quote paragraph(s) inserted at block {at}"


def paragraph_added(article: ArticleState, writer: Writer, rng: random.Random) -> Result | None:
    """A new paragraph of reporting, with no note (a stealth addition)."""
    sentences = [
        "{p3}, {r3}, said the group would ask for a meeting with officials before the end of {month}.",
        "Figures released late on {day} suggest the number of people affected is about {count}, higher than first thought.",
        "The review is expected to report by {date}, according to [[a timetable published on the council's website]].",
        "Two further meetings have been scheduled for {month}, officials confirmed.",
        "{p2} said on {day} that no final decision had been taken.",
    ]
    for _ in range(5):
        html = writer.fill(rng.choice(sentences))
        if unused(article, html):
            break
    else:
        return None
    prose = body_indexes(article)
    at = rng.choice(prose) if prose else end_index(article)
    blocks = list(article.blocks)
    blocks.insert(at, Block("p", (html,)))
    return (
        replace(article, blocks=tuple(blocks)),
        change(inserted=(plain(html),)),
        f"paragraph inserted at block {at}",
    )


# -- changed text -------------------------------------------------------------------------------------
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?=( million| billion|%| percent| [a-z]))")


def changed_figure(article: ArticleState, rng: random.Random) -> tuple[int, str, str, str, str] | None:
    """Return (block index, old html, new html, old figure, new figure) for one changed number."""
    candidates = [
        i
        for i in body_indexes(article, skip_first=False)
        if NUMBER.search(strip_tags_keep(article.blocks[i].parts[0]))
    ]
    candidates = prefer_linked(article, candidates, rng)
    rng.shuffle(candidates)
    for index in candidates:
        old_html = article.blocks[index].parts[0]
        done: list[tuple[str, str]] = []

        def bump(text: str, done: list[tuple[str, str]] = done) -> str:
            if done:
                return text
            for match in NUMBER.finditer(text):
                if is_year(match.group(1)) or DATE_BEFORE.search(text[: match.start(1)]):
                    continue
                old = match.group(1)
                new = other_number(old, rng)
                unit = match.group(2) if match.group(2) in (" million", " billion", "%", " percent") else ""
                done.append((old + unit, new + unit))
                return text[: match.start(1)] + new + text[match.end(1) :]
            return text

        new_html = sub_in_text(old_html, bump)
        if done and plain(new_html) not in article.paragraphs():
            return index, old_html, new_html, done[0][0], done[0][1]
    return None


DATE_BEFORE = re.compile(r"\b(?:" + "|".join(MONTHS) + r") $")


def strip_tags_keep(html: str) -> str:
    return re.sub(r"<[^>]*>", "", html)


def is_year(text: str) -> bool:
    return bool(re.fullmatch(r"(19|20)\d\d", text))


def other_number(old: str, rng: random.Random) -> str:
    """Return a different figure written the same way: 3 -> 4, 1,234 -> 1,480, 4.2 -> 5.1."""
    value = float(old.replace(",", ""))
    decimals = len(old.split(".")[1]) if "." in old else 0
    if value < 20 and not decimals:
        new = value + rng.choice([1, 2, 3])
    else:
        new = value * rng.choice([1.1, 1.2, 1.25, 0.8, 1.5])
    text = f"{new:,.{decimals}f}" if "," in old else f"{new:.{decimals}f}"
    return text if text != old else f"{value + 1:.{decimals}f}"


def changed_number(article: ArticleState, writer: Writer, rng: random.Random) -> Result | None:
    found = changed_figure(article, rng)
    if not found:
        return None
    index, old_html, new_html, old_num, new_num = found
    blocks = list(article.blocks)
    blocks[index] = replace(blocks[index], parts=(new_html,))
    edited = (
        replace(article, blocks=tuple(blocks))
        if rng.random() < 0.6
        else touched(article, rng, blocks=tuple(blocks))
    )
    return (
        edited,
        change(changed=((plain(old_html), plain(new_html)),)),
        f"{old_num} -> {new_num} in block {index}",
    )


DATE = re.compile(r"\b(" + "|".join(MONTHS) + r") (\d{1,2})\b")


def changed_date(article: ArticleState, writer: Writer, rng: random.Random) -> Result | None:
    candidates = [
        i for i in body_indexes(article, skip_first=False) if DATE.search(article.blocks[i].parts[0])
    ]
    if not candidates:
        return None
    index = rng.choice(prefer_linked(article, candidates, rng))
    old_html = article.blocks[index].parts[0]
    done: list[str] = []

    def move(text: str) -> str:
        if done:
            return text
        match = DATE.search(text)
        if not match:
            return text
        day = int(match.group(2))
        new_day = day + rng.choice([1, 2, 7]) if day < 21 else day - rng.choice([1, 3])
        done.append(f"{match.group(0)} -> {match.group(1)} {new_day}")
        return text[: match.start(2)] + str(new_day) + text[match.end(2) :]

    new_html = sub_in_text(old_html, move)
    if not done or plain(new_html) in article.paragraphs():
        return None
    blocks = list(article.blocks)
    blocks[index] = replace(blocks[index], parts=(new_html,))
    return (
        replace(article, blocks=tuple(blocks)),
        change(changed=((plain(old_html), plain(new_html)),)),
        f"{done[0]} in block {index}",
    )


REWORDINGS = (
    (r"\bmore than\b", "over"),
    (r"\babout (?=\d|\$|£|€)", "roughly "),
    (r"\bsaid\b", "told reporters"),
    (r"\bwould\b", "could"),
    (r"\bwarned\b", "cautioned"),
    (r"\bOfficials\b", "Authorities"),
    (r"\bcritics\b", "opponents"),
    (r"\bexpected to\b", "likely to"),
    (r"\bannounced\b", "confirmed"),
    (r"\brose\b", "climbed"),
    (r"\bfell\b", "dropped"),
    (r"\bsome\b", "several"),
)


def sentence_reworded(article: ArticleState, writer: Writer, rng: random.Random) -> Result | None:
    """One sentence inside a paragraph of several reworded (a word or phrase replaced)."""
    candidates = [
        i
        for i in body_indexes(article, skip_first=False)
        if plain(article.blocks[i].parts[0]).count(". ") >= 1
    ]
    candidates = prefer_linked(article, candidates, rng)
    rng.shuffle(candidates)
    rules = list(REWORDINGS)
    for index in candidates:
        rng.shuffle(rules)
        old_html = article.blocks[index].parts[0]
        for pattern, replacement in rules:
            done: list[str] = []

            def reword(
                text: str, pattern: str = pattern, replacement: str = replacement, done: list[str] = done
            ) -> str:
                if done or not re.search(pattern, text):
                    return text
                done.append(pattern)
                return re.sub(pattern, replacement, text, count=1)

            new_html = sub_in_text(old_html, reword)
            if done and plain(new_html) != plain(old_html) and plain(new_html) not in article.paragraphs():
                blocks = list(article.blocks)
                blocks[index] = replace(blocks[index], parts=(new_html,))
                return (
                    replace(article, blocks=tuple(blocks)),
                    change(changed=((plain(old_html), plain(new_html)),)),
                    f"{pattern} -> {replacement!r} in block {index}",
                )
    return None


def headline_changed(article: ArticleState, writer: Writer, rng: random.Random) -> Result | None:
    options = [writer.fill_plain(h) for h in writer.topic.headlines[1:]]
    options += [article.title + suffix for suffix in (": what we know", " – latest", ", officials say")]
    options = [o for o in options if o != article.title]
    new = rng.choice(options)
    edited = replace(article, title=new) if rng.random() < 0.5 else touched(article, rng, title=new)
    return edited, change(title=(article.title, new)), "headline rewritten"


def byline_changed(article: ArticleState, writer: Writer, rng: random.Random) -> Result | None:
    authors = list(article.authors)
    how = rng.choice(["add", "replace"] if len(authors) == 1 else ["drop", "replace"])
    extra = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    while extra in authors:
        extra = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    if how == "add":
        authors.append(extra)
    elif how == "drop":
        authors.pop()
    else:
        authors[-1] = extra
    new = tuple(authors)
    return (
        touched(article, rng, authors=new),
        change(byline=(article.byline, join_names(new))),
        f"byline {how}: {article.byline} -> {join_names(new)}",
    )


# -- removed and moved ------------------------------------------------------------------------------------
def paragraph_deleted(article: ArticleState, writer: Writer, rng: random.Random) -> Result | None:
    candidates = body_indexes(article)
    if len(candidates) < 6:
        return None
    index = rng.choice(prefer_linked(article, candidates, rng))
    blocks = list(article.blocks)
    gone = blocks.pop(index)
    return (
        replace(article, blocks=tuple(blocks)),
        change(deleted=(plain(gone.parts[0]),)),
        f"block {index} deleted",
    )


def paragraph_moved(article: ArticleState, writer: Writer, rng: random.Random) -> Result | None:
    candidates = body_indexes(article)
    if len(candidates) < 6:
        return None
    index = rng.choice(prefer_linked(article, candidates, rng))
    blocks = list(article.blocks)
    moving = blocks.pop(index)
    targets = [i for i in body_indexes(replace(article, blocks=tuple(blocks))) if abs(i - index) >= 3]
    if not targets:
        return None
    to = rng.choice(targets)
    blocks.insert(to, moving)
    return (
        replace(article, blocks=tuple(blocks)),
        change(moved=(plain(moving.parts[0]),)),
        f"block {index} moved to {to}",
    )


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


REAL_EDITS: dict[str, RealEdit] = {
    "update_note": update_note,
    "editor_note": editor_note,
    "correction_added": correction_added,
    "quote_added": quote_added,
    "paragraph_added": paragraph_added,
    "changed_number": changed_number,
    "changed_date": changed_date,
    "sentence_reworded": sentence_reworded,
    "headline_changed": headline_changed,
    "byline_changed": byline_changed,
    "paragraph_deleted": paragraph_deleted,
    "paragraph_moved": paragraph_moved,
}
