"""Self-check of the corpus: python -m tests.data.corpus.check (exits non-zero on the first failure).

It checks the corpus against its own promises: sizes, coverage, the split, that noise never changes
the expected article, that each real edit changes it exactly as its `change` says, that every
expected block really is on the page, and that the corpus is the same in every process.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import os
import re
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from tests.data.corpus import ExpectedArticle, ExpectedChange, Page, load_corpus
from tests.data.corpus.chrome import NOISE_EDITS, TEASER_PREFIXES
from tests.data.corpus.edits import REAL_EDITS

MIN_BYTES, MAX_BYTES = 60_000, 120_000
ROOT = Path(__file__).resolve().parents[3]


def check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def digest() -> str:
    """A fingerprint of every page, version, HTML and expectation."""
    h = hashlib.sha256()
    for page in load_corpus().pages:
        h.update(f"{page.name}|{page.template}|{page.split}".encode())
        for v in page.versions:
            h.update(f"{v.kind}|{v.edit}|{v.expected}|{v.change}".encode())
            h.update(v.html.encode())
    return h.hexdigest()


class Blocks(HTMLParser):
    """Collect the text of block elements, and whether each holds a link."""

    LEAF = frozenset({"p", "li", "h1", "h2", "h3", "h4", "div"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, list[str], list[bool]]] = []
        self.found: list[tuple[str, bool]] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "noscript", "svg"):
            self.skip += 1
        elif tag in self.LEAF:
            self.stack.append((tag, [], [False]))
        elif tag == "a" and self.stack:
            self.stack[-1][2][0] = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "svg"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.LEAF and self.stack:
            _tag, texts, linked = self.stack.pop()
            text = " ".join("".join(texts).split())
            self.found.append((text, linked[0]))
            if self.stack:
                self.stack[-1][1].append("".join(texts))
                self.stack[-1][2][0] = self.stack[-1][2][0] or linked[0]

    def handle_data(self, data: str) -> None:
        if not self.skip and self.stack:
            self.stack[-1][1].append(data)


def page_text(html: str) -> str:
    without = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]*>", "", without)).split())


def check_text(text: str, where: str) -> None:
    check(bool(text) and text == " ".join(text.split()), f"{where}: text not whitespace-normalised: {text!r}")
    check(
        "<" not in text and not re.search(r"&(?:[a-z]+|#\d+|#x[0-9a-f]+);", text),
        f"{where}: HTML left in text: {text!r}",
    )


def check_expected(expected: ExpectedArticle, where: str) -> None:
    check_text(expected.title, where + " title")
    check_text(expected.byline, where + " byline")
    for text in expected.paragraphs:
        check_text(text, where)
    duplicates = [t for t, n in Counter(expected.paragraphs).items() if n > 1]
    check(not duplicates, f"{where}: repeated blocks make a diff ambiguous: {duplicates[:2]}")


def check_change(old: ExpectedArticle, new: ExpectedArticle, change: ExpectedChange, where: str) -> None:
    """The new article is the old one with exactly this change applied, and nothing else."""
    if change.title is None:
        check(old.title == new.title, f"{where}: title changed but change.title is null")
    else:
        check(
            change.title == (old.title, new.title) and old.title != new.title, f"{where}: title change wrong"
        )
    if change.byline is None:
        check(old.byline == new.byline, f"{where}: byline changed but change.byline is null")
    else:
        check(
            change.byline == (old.byline, new.byline) and old.byline != new.byline,
            f"{where}: byline change wrong",
        )
    before, after = set(old.paragraphs), set(new.paragraphs)
    for text in change.deleted:
        check(text in before and text not in after, f"{where}: deleted block not deleted: {text[:60]!r}")
    for text in change.inserted:
        check(text in after and text not in before, f"{where}: inserted block not inserted: {text[:60]!r}")
    for was, now in change.changed:
        check(was != now, f"{where}: a changed pair is identical")
        check(
            was in before and was not in after and now in after and now not in before,
            f"{where}: changed pair wrong: {was[:60]!r}",
        )
    for text in change.moved:
        check(text in before and text in after, f"{where}: moved block missing: {text[:60]!r}")
    renamed = dict(change.changed)
    kept_old = [
        renamed.get(t, t) for t in old.paragraphs if t not in change.deleted and t not in change.moved
    ]
    kept_new = [t for t in new.paragraphs if t not in change.inserted and t not in change.moved]
    check(kept_old == kept_new, f"{where}: the article changed in ways the change does not list")
    if change.moved:
        with_moves_old = [renamed.get(t, t) for t in old.paragraphs if t not in change.deleted]
        with_moves_new = [t for t in new.paragraphs if t not in change.inserted]
        check(with_moves_old != with_moves_new, f"{where}: the moved block did not move")
    check(
        any((change.title, change.byline, change.inserted, change.deleted, change.changed, change.moved)),
        f"{where}: empty change",
    )


SHAPES = {  # edit: (title, byline, inserted, deleted, changed, moved) counts; None: any
    "update_note": (0, 0, 1, 0, 0, 0),
    "editor_note": (0, 0, 1, 0, 0, 0),
    "correction_added": (0, 0, 1, 0, 1, 0),
    "quote_added": (0, 0, None, 0, 0, 0),
    "paragraph_added": (0, 0, 1, 0, 0, 0),
    "changed_number": (0, 0, 0, 0, 1, 0),
    "changed_date": (0, 0, 0, 0, 1, 0),
    "sentence_reworded": (0, 0, 0, 0, 1, 0),
    "headline_changed": (1, 0, 0, 0, 0, 0),
    "byline_changed": (0, 1, 0, 0, 0, 0),
    "paragraph_deleted": (0, 0, 0, 1, 0, 0),
    "paragraph_moved": (0, 0, 0, 0, 0, 1),
}


def check_shape(edit: str, change: ExpectedChange, where: str) -> None:
    counts = (
        int(change.title is not None),
        int(change.byline is not None),
        len(change.inserted),
        len(change.deleted),
        len(change.changed),
        len(change.moved),
    )
    for want, got in zip(SHAPES[edit], counts, strict=True):
        check(want is None or want == got, f"{where}: {edit} should change {SHAPES[edit]}, changes {counts}")
    if edit == "quote_added":
        check(1 <= len(change.inserted) <= 2, f"{where}: quote_added inserts one or two blocks")
    if edit == "update_note":
        check(
            bool(re.match(r"(?i)updated? ?|this article was updated", change.inserted[0])),
            f"{where}: not an update note",
        )
    if edit == "editor_note":
        check(
            change.inserted[0].startswith(("Editor's note", "Editor’s note")),
            f"{where}: not an editor's note",
        )
    if edit == "correction_added":
        check(change.inserted[0].lower().startswith("correction"), f"{where}: not a correction")
    if edit in ("changed_number", "changed_date"):
        was, now = change.changed[0]
        check(
            re.sub(r"[\d.,]+", "#", was) == re.sub(r"[\d.,]+", "#", now),
            f"{where}: more than a number changed",
        )


def check_page(page: Page) -> None:
    where = page.name
    versions = page.versions
    check(
        versions[0].number == 0
        and versions[0].kind is None
        and versions[0].edit is None
        and versions[0].change is None,
        f"{where}: version 0 must be the original",
    )
    check(
        10 <= len(versions[0].expected.paragraphs) <= 46,
        f"{where}: {len(versions[0].expected.paragraphs)} body blocks",
    )
    kinds = Counter(v.kind for v in versions[1:])
    check(
        kinds["noise"] >= 2 and kinds["real"] >= 2,
        f"{where}: needs 2+ noise and 2+ real versions, has {dict(kinds)}",
    )
    for n, version in enumerate(versions):
        at = f"{where} v{n} ({version.kind} {version.edit})"
        check(version.number == n, f"{at}: numbered {version.number}")
        size = len(version.html.encode())
        check(MIN_BYTES <= size <= MAX_BYTES, f"{at}: {size} bytes")
        check_expected(version.expected, at)
        text = page_text(version.html)
        check(version.expected.title in text, f"{at}: the title is not on the page")
        for paragraph in version.expected.paragraphs:
            check(paragraph in text, f"{at}: expected block not on the page: {paragraph[:70]!r}")
        if n == 0:
            continue
        previous = versions[n - 1]
        check(version.html != previous.html, f"{at}: the HTML did not change")
        if version.kind == "noise":
            check(version.edit in NOISE_EDITS, f"{at}: unknown noise edit")
            check(version.change is None, f"{at}: a noise version has a change")
            check(version.expected == previous.expected, f"{at}: noise changed the expected article")
        else:
            check(version.kind == "real" and version.edit in REAL_EDITS, f"{at}: unknown kind or edit")
            check(version.change is not None, f"{at}: a real edit without its change")
            assert version.change is not None
            check(version.expected != previous.expected, f"{at}: a real edit left the article as it was")
            check_change(previous.expected, version.expected, version.change, at)
            check_shape(str(version.edit), version.change, at)
    # real paragraphs that contain links are article text (a rule dropping linked paragraphs must fail here)
    parser = Blocks()
    parser.feed(versions[0].html)
    linked = {text for text, has_link in parser.found if has_link}
    cited = [p for p in versions[0].expected.paragraphs if p in linked]
    check(len(cited) >= 2, f"{where}: only {len(cited)} expected blocks contain links")


def main() -> int:
    corpus = load_corpus()
    check(load_corpus() is corpus or digest() == digest(), "load_corpus is not deterministic")
    pages = corpus.pages
    check(len(pages) >= 40, f"only {len(pages)} pages")
    check(len({p.name for p in pages}) == len(pages), "page names repeat")
    templates = {p.template for p in pages}
    check(len(templates) >= 8, f"only {len(templates)} templates")
    held = {p.template for p in pages if p.split == "held_out"}
    check(held == templates, f"held-out pages miss templates {templates - held}")
    check({p.split for p in pages} == {"tuned", "held_out"}, "splits must be tuned and held_out")
    share = sum(p.split == "held_out" for p in pages) / len(pages)
    check(0.3 <= share <= 0.37, f"held-out share {share:.2f} is not one third")
    for page in pages:
        check_page(page)
    for kind, names in (("noise", NOISE_EDITS), ("real", REAL_EDITS)):
        for edit in names:
            on_pages = {p.name for p in pages for v in p.versions if v.kind == kind and v.edit == edit}
            on_templates = {
                p.template for p in pages for v in p.versions if v.kind == kind and v.edit == edit
            }
            check(
                len(on_pages) >= 5 and len(on_templates) >= 3,
                f"{kind} edit {edit}: {len(on_pages)} pages, {len(on_templates)} templates",
            )
    with_teasers = sum(any(prefix in page.versions[0].html for prefix in TEASER_PREFIXES) for page in pages)
    check(with_teasers >= len(pages) * 0.6, f"only {with_teasers} pages start with teasers in the body")
    # the same corpus in another process, with another string-hash seed
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run(
        [sys.executable, "-c", "from tests.data.corpus.check import digest; print(digest())"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    check(other == digest(), "the corpus differs between processes")
    versions = sum(len(p.versions) for p in pages)
    print(
        f"corpus ok: {len(pages)} pages, {len(templates)} templates, {versions} versions, digest {digest()[:16]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
