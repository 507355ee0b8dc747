"""python -m tests.data.multilingual [--write DIR] — check every PAGE module against FORMAT.md, build
the pages and print their loads (and write every version and manifest.json under DIR)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tests.data.corpus.__main__ import stats, write
from tests.data.multilingual import load_corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.data.multilingual", description=__doc__)
    parser.add_argument(
        "--write", metavar="DIR", type=Path, help="write every version and manifest.json under DIR"
    )
    args = parser.parse_args(argv)
    corpus = load_corpus()  # raises ValueError naming the page and the rule it breaks
    for page in corpus.pages:
        loads = " ".join(f"{version.number}:{version.edit}" for version in page.versions[1:])
        print(f"{page.split:<8} {page.name:<6} {len(page.versions[0].html.encode()):>6} B  {loads}")
    stats(corpus)
    if args.write:
        write(corpus, args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
