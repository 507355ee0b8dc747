"""python -m tests.data.corpus --write DIR | --stats"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from pathlib import Path

from tests.data.corpus import load_corpus
from tests.data.corpus.manifest import manifest, version_file
from tests.data.corpus.model import Corpus


def write(corpus: Corpus, directory: Path) -> None:
    """Write DIR/<page>/<n>-<kind>-<edit>.html for every version, and DIR/manifest.json."""
    directory.mkdir(parents=True, exist_ok=True)
    for page in corpus.pages:
        folder = directory / page.name
        folder.mkdir(exist_ok=True)
        for version in page.versions:
            (folder / version_file(version)).write_text(version.html, encoding="utf-8")
    (directory / "manifest.json").write_text(
        json.dumps(manifest(corpus), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    count = sum(len(page.versions) for page in corpus.pages)
    print(f"wrote {count} versions of {len(corpus.pages)} pages and manifest.json to {directory}")


def stats(corpus: Corpus) -> None:
    """Print pages per template (and split), versions per edit kind, and HTML sizes."""
    per_template = Counter(page.template for page in corpus.pages)
    held = Counter(page.template for page in corpus.pages if page.split == "held_out")
    print(f"pages: {len(corpus.pages)} ({sum(held.values())} held out)")
    for template, count in sorted(per_template.items()):
        print(f"  {template:<12} {count} pages, {held[template]} held out")
    versions = [v for page in corpus.pages for v in page.versions]
    kinds = Counter(v.kind or "original" for v in versions)
    print(f"versions: {len(versions)} ({', '.join(f'{kind} {n}' for kind, n in sorted(kinds.items()))})")
    for kind in ("noise", "real"):
        edits = Counter(v.edit for v in versions if v.kind == kind)
        pages_with = {
            edit: {p.name for p in corpus.pages for v in p.versions if v.edit == edit} for edit in edits
        }
        templates_with = {
            edit: {p.template for p in corpus.pages for v in p.versions if v.edit == edit} for edit in edits
        }
        print(f"  {kind}:")
        for edit, count in sorted(edits.items()):
            print(
                f"    {edit:<22} {count:>3} versions on {len(pages_with[edit]):>2} pages, {len(templates_with[edit])} templates"
            )
    sizes = [len(v.html.encode()) for v in versions]
    print(f"html bytes: median {statistics.median(sizes):,.0f}, min {min(sizes):,}, max {max(sizes):,}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.data.corpus", description=__doc__)
    parser.add_argument(
        "--write", metavar="DIR", type=Path, help="write every version and manifest.json under DIR"
    )
    parser.add_argument(
        "--stats", action="store_true", help="print pages per template, versions per edit, sizes"
    )
    args = parser.parse_args(argv)
    if not args.write and not args.stats:
        parser.print_help()
        return 2
    corpus = load_corpus()
    if args.write:
        write(corpus, args.write)
    if args.stats:
        stats(corpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())
