"""Benchmark: the extractor on the corpus (tests/data/corpus), tuned and held-out pages apart.

    .venv/bin/python bench/extraction.py                          # the English corpus
    .venv/bin/python bench/extraction.py --corpus multilingual    # tests/data/multilingual

Prints false versions (noise loads that changed the content hash), missed edits (real edits that
did not), exact diffs (real edits whose diff shows exactly the edit), and extraction time per load
(median and p95 over loads, each the fastest of --repeat runs; one process; pages of 60-120 KB). Targets (issue 4): 0 false versions, every real
edit detected, median under 15 ms per 100 KB page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.data import corpus as english  # noqa: E402
from tests.data import multilingual  # noqa: E402
from tests.data.corpus import Page  # noqa: E402
from tests.data.corpus.scoring import judge_page  # noqa: E402
from tracker.domain.extract import extract_article  # noqa: E402


def extraction_times(page: Page, repeat: int) -> list[float]:
    """Return the time to extract each load of page: the fastest of `repeat` runs, so that other
    work on a shared machine does not count."""
    times = []
    for version in page.versions:
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            extract_article(version.html, page.url)
            runs.append(time.perf_counter() - started)
        times.append(min(runs))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per load; the fastest counts")
    parser.add_argument("--corpus", choices=("english", "multilingual"), default="english")
    args = parser.parse_args()
    corpus = (english if args.corpus == "english" else multilingual).load_corpus()
    judge_page(corpus.pages[0])  # warm up: imports, trafilatura's first-call set-up
    print(
        "| split | pages | loads | noise | false versions | real edits | missed | exact diffs | median ms | p95 ms | median KB |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for split in ("tuned", "held_out"):
        pages = [page for page in corpus.pages if page.split == split]
        counts: Counter[str] = Counter()
        times: list[float] = []
        for page in pages:
            times += extraction_times(page, args.repeat)
            for load in judge_page(page):
                counts[load.kind] += 1
                counts["false"] += load.kind == "noise" and load.new_version
                counts["missed"] += load.kind == "real" and not load.new_version
                counts["exact"] += load.kind == "real" and load.exact
        sizes = [len(version.html.encode()) / 1024 for page in pages for version in page.versions]
        p95 = statistics.quantiles(times, n=20)[-1]
        print(
            f"| {split} | {len(pages)} | {len(times)} | {counts['noise']} | {counts['false']} | {counts['real']} "
            f"| {counts['missed']} | {counts['exact']} | {statistics.median(times) * 1000:.1f} "
            f"| {p95 * 1000:.1f} | {statistics.median(sizes):.0f} |"
        )


if __name__ == "__main__":
    main()
