"""Fuzzing: arbitrary inputs into extract, normalize, the URL normaliser and diff, for a bounded time.

    .venv/bin/python bench/fuzz.py                          # hypothesis, 60 s split across the targets
    .venv/bin/python bench/fuzz.py --seconds 600 --target urls
    .venv/bin/python bench/fuzz.py --atheris                 # coverage-guided (atheris, libFuzzer)

Each target checks invariants, not only that nothing crashes: the text extracted from any page is
normalised and the same on every run; normalising is idempotent; a diff rebuilds both versions;
the URL normaliser only returns http(s) URLs that it leaves as they are, or raises InvalidInput.
Prints the examples tried per target and any failure with its (shrunk) example; exits 1 on a failure.
Every failure found belongs in tests/test_fuzz_regressions.py with its minimal example.
"""

from __future__ import annotations

import argparse
import inspect
import logging
import subprocess
import sys
import tempfile
import time
import traceback
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.factories import FILLER
from tests.test_diff import PARAGRAPH, new_side, old_side
from tracker.domain.charsets import decode_html
from tracker.domain.diff import diff_paragraphs
from tracker.domain.errors import ExtractError, FetchError, InvalidInput
from tracker.domain.extract import extract_article
from tracker.domain.normalize import INVISIBLE, clean_paragraphs, clean_text, content_hash
from tracker.domain.urls import normalize_url, submitted_url

BATCH = 100  # examples per hypothesis run; runs repeat with fresh seeds until the target's time is up


# Invariants: each raises AssertionError (or whatever the code under test raises) on a bad input.


def check_extract(page: str | bytes) -> None:
    """Any page, as text or as fetched bytes: an article of clean paragraphs, the same every time, or ExtractError."""
    if isinstance(page, bytes):
        try:
            page, _encoding = decode_html(page, "text/html")
        except FetchError:
            return
    try:
        article = extract_article(page)
    except ExtractError:
        return
    assert article.paragraphs and all(text and clean_text(text) == text for text in article.paragraphs)
    assert extract_article(page) == article, "extracting the same page twice differs"


def check_normalize(texts: list[str]) -> None:
    """Clean text is idempotent, NFC, single-spaced, free of invisible characters; the hash of the
    stored (cleaned) paragraphs is the hash of the raw ones."""
    for text in texts:
        cleaned = clean_text(text)
        assert clean_text(cleaned) == cleaned, "clean_text is not idempotent"
        assert unicodedata.is_normalized("NFC", cleaned)
        assert cleaned == cleaned.strip() and "  " not in cleaned
        assert all(char == " " or not char.isspace() for char in cleaned)
        assert not any(ord(char) in INVISIBLE for char in cleaned)
    assert clean_paragraphs(clean_paragraphs(texts)) == clean_paragraphs(texts)
    assert content_hash("T", None, texts) == content_hash("T", None, [clean_text(text) for text in texts])


def check_url(raw: str) -> None:
    """An http(s) URL that normalises to itself, or InvalidInput (bad_url, blocked_address): nothing else."""
    try:
        submitted_url(raw, allow_private=False)
    except InvalidInput as error:
        assert error.code in ("bad_url", "blocked_address"), error.code
    try:
        url = normalize_url(raw)
    except InvalidInput as error:
        assert error.code == "bad_url", error.code
        return
    assert urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname
    assert normalize_url(url) == url, f"not idempotent: {url!r} -> {normalize_url(url)!r}"


def check_diff(versions: tuple[list[str], list[str]]) -> None:
    """Diffing a version with itself changes nothing; any diff rebuilds both versions and both
    texts of every replaced paragraph."""
    old, new = versions
    same = diff_paragraphs(old, old)
    assert all(block.op == "equal" for block in same) and [block.new for block in same] == old
    blocks = diff_paragraphs(old, new)
    assert new_side(blocks) == new, "the new side does not rebuild the new version"
    assert old_side(blocks) == old, "the old side does not rebuild the old version"
    for block in blocks:
        if block.op == "replace":
            assert block.words is not None
            assert "".join(text for op, text in block.words if op != "+") == block.old
            assert "".join(text for op, text in block.words if op != "-") == block.new


# Inputs: arbitrary text mixed with the pieces the code treats specially.


def any_text(max_size: int) -> st.SearchStrategy[str]:
    """What a JSON string can hold, lone surrogates included ("\\ud800" is valid JSON); st.text drops them."""
    return st.lists(st.one_of(st.characters(), st.characters(categories=["Cs"])), max_size=max_size).map(
        "".join
    )


HTML_PIECES = st.sampled_from(
    [
        "<html>", "<head>", "<title>", "</title>", "<body>", "<article>", "</article>", "<h1>", "</h1>",
        "<p>", "</p>", "<div>", "</div>", "<li>", "<blockquote>", "<figure><figcaption>", "<table><tr><td>",
        "<script>", "</script>", "<style>", "<!--", "-->", "<![CDATA[", "]]>", "<br>", "<a href='/x'>", "</a>",
        '<meta charset="utf-7">', '<meta property="og:title" content="T">', "&amp;", "&#0;", "&#x110000;",
        "&nbsp;", "\x00", "\u200b", "\ufeff", "e\u0301", f"<p>{FILLER}</p>",
    ]
)  # fmt: skip
HTML = st.lists(st.one_of(HTML_PIECES, st.text(max_size=20)), max_size=40).map("".join)
PAGE = st.one_of(HTML, HTML.map(str.encode), st.binary(max_size=400))
TEXTS = st.lists(
    st.one_of(
        st.text(), st.lists(st.sampled_from(["a", " ", "\u200b", "\u0301", "\u00a0", "e", "\t"])).map("".join)
    ),
    max_size=6,
)
HOSTS = [
    "example.com", "EXAMPLE.com.", "bücher.de", "ß.de", "xn--nxasmq6b", "localhost", "127.0.0.1", "[::1]",
    "[::ffff:127.0.0.1]", "0x7f.1", "2130706433", "%31%32%37.0.0.1", "\uff3b::1\uff3d", "a\uff0e",
]  # fmt: skip
URL = st.one_of(
    any_text(60),
    st.tuples(
        st.sampled_from(["http", "https", "HTTPS", "ftp", "javascript", ""]),
        st.sampled_from(["://", ":/", ":", "//"]),
        st.sampled_from(["", "user@", "u:p@", "@"]),
        st.one_of(st.sampled_from(HOSTS), st.text(max_size=15)),
        st.one_of(
            st.just(""),
            st.integers(0, 70000).map(lambda port: f":{port}"),
            st.text(max_size=4).map(":".__add__),
        ),
        any_text(20).map("/".__add__),
        st.lists(
            st.tuples(st.sampled_from(["utm_source", "a", "fbclid", "B", "amp", "x"]), any_text(8)),
            max_size=3,
        ).map(lambda pairs: "?" + "&".join(f"{key}={value}" for key, value in pairs) if pairs else ""),
        st.sampled_from(["", "#top", "#"]),
    ).map("".join),
)
ARTICLE = st.lists(st.one_of(PARAGRAPH, st.text(max_size=30)), max_size=10)


@dataclass(frozen=True)
class Target:
    name: str
    strategy: st.SearchStrategy[Any]
    check: Callable[[Any], None]


TARGETS = {
    target.name: target
    for target in (
        Target("extract", PAGE, check_extract),
        Target("normalize", TEXTS, check_normalize),
        Target("urls", URL, check_url),
        Target("diff", st.tuples(ARTICLE, ARTICLE), check_diff),
    )
}


def fuzz(target: Target, seconds: float) -> tuple[int, str | None]:
    """Run hypothesis on the target until the time is up or it fails; return (examples, failure)."""
    tried = 0

    def attempt(value: Any) -> None:
        nonlocal tried
        tried += 1
        target.check(value)

    run = settings(
        max_examples=BATCH,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )(given(target.strategy)(attempt))
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            run()
        except Exception:  # the shrunk failure, with hypothesis's note naming the example
            return tried, "".join(traceback.format_exc())
    return tried, None


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="total time, split across the targets")
    parser.add_argument("--target", choices=sorted(TARGETS), action="append", help="only these (repeatable)")
    parser.add_argument("--atheris", action="store_true", help="fuzz with atheris (libFuzzer) instead")
    parser.add_argument("--atheris-child", choices=sorted(TARGETS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.disable(logging.ERROR)  # libraries log the errors they recover from; the table is the output
    if args.atheris_child:
        atheris_child(TARGETS[args.atheris_child], args.seconds)
    names = args.target or list(TARGETS)
    share = args.seconds / len(names)
    failed = False
    print(f"{'target':<10} {'examples':>9} {'seconds':>8}  result", flush=True)
    for name in names:
        started = time.monotonic()
        if args.atheris:
            tried, failure = atheris_run(name, share)
        else:
            tried, failure = fuzz(TARGETS[name], share)
        took = time.monotonic() - started
        print(f"{name:<10} {tried:>9} {took:>8.1f}  {'FAILED' if failure else 'ok'}", flush=True)
        if failure:
            failed = True
            print(failure, flush=True)
    return 1 if failed else 0


def atheris_run(name: str, seconds: float) -> tuple[int, str | None]:
    """Fuzz one target in a child process (libFuzzer exits when done); return (executions, failure)."""
    command = [sys.executable, __file__, "--atheris-child", name, "--seconds", str(seconds)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    runs = [line for line in done.stderr.splitlines() if line.startswith("stat::number_of_executed_units:")]
    tried = int(runs[-1].split(":")[-1]) if runs else 0
    return tried, None if done.returncode == 0 else done.stderr[-4000:]


def atheris_child(target: Target, seconds: float) -> None:
    """Turn libFuzzer's bytes into the target's input and check it; never returns."""
    import atheris  # only in this mode: it is not in requirements-test.txt

    def one_input(data: bytes) -> None:
        given_bytes = atheris.FuzzedDataProvider(data)

        def texts(most: int, size: int) -> list[str]:
            # Paragraphs are decoded bytes: never lone surrogates (which content_hash cannot encode).
            count = given_bytes.ConsumeIntInRange(0, most)
            return [given_bytes.ConsumeUnicodeNoSurrogates(size) for _ in range(count)]

        if target.name == "extract":
            as_bytes = given_bytes.ConsumeBool()
            size = len(data)
            target.check(
                given_bytes.ConsumeBytes(size) if as_bytes else given_bytes.ConsumeUnicodeNoSurrogates(size)
            )
        elif target.name == "diff":
            target.check((texts(8, 40), texts(8, 40)))
        elif target.name == "normalize":
            target.check(texts(4, 60))
        else:  # most random text fails at the scheme: start a share of the inputs with one
            scheme = ("", "http://", "https://")[given_bytes.ConsumeIntInRange(0, 2)]
            target.check(scheme + given_bytes.ConsumeUnicode(len(data)))

    for name, module in list(sys.modules.items()):  # in place; every loaded library would take minutes
        if name == "tracker" or name.startswith("tracker."):
            for value in vars(module).values():
                if inspect.isfunction(value) and value.__module__ == name:
                    atheris.instrument_func(value)
    crashes = f"-artifact_prefix={tempfile.gettempdir()}/fuzz-{target.name}-"  # not into the working tree
    atheris.Setup(
        [sys.argv[0], f"-max_total_time={max(1, int(seconds))}", "-print_final_stats=1", crashes], one_input
    )
    atheris.Fuzz()


if __name__ == "__main__":
    sys.exit(main())
