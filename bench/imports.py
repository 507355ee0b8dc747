"""Benchmark: importing 10,000 URLs into a fresh SQLite installation, by the command line and the API.

    .venv/bin/python bench/imports.py [--urls 10000]

The command line run is `flask --app app tracker import FILE` as a newcomer types it (its progress
bar goes to stderr); the API run posts the same list to POST /api/v1/import in one request. Each
prints the wall time and the report. Target (issue 8): under 60 s for 10,000 URLs on SQLite.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.adapters import db  # noqa: E402
from tracker.factory import create_app  # noqa: E402
from tracker.services import accounts  # noqa: E402


def url_list(count: int) -> str:
    """Return `count` distinct article URLs over 100 sites, some with tracking parameters."""
    return "".join(
        f"https://news{n % 100}.example.com/2026/03/story-{n}?utm_source=feed&id={n}\n" for n in range(count)
    )


def command_line(count: int, folder: Path) -> None:
    database = folder / "cli.sqlite"
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": f"sqlite:///{database}",
        "TRACKER_SECRET_KEY": "bench",
        "TRACKER_ARCHIVES": "",  # a benchmark never reaches a real web archive
    }
    flask = [sys.executable, "-m", "flask", "--app", "app", "tracker"]
    subprocess.run([*flask, "create-token", "bench"], cwd=ROOT, env=env, check=True, capture_output=True)
    listing = folder / "urls.txt"
    listing.write_text(url_list(count))
    started = time.perf_counter()
    result = subprocess.run(
        [*flask, "import", str(listing), "--tags", "bench"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    print(f"| command line | {count} | {wall:.1f} | {result.stdout.strip().splitlines()[-1]} |")


def api(count: int, folder: Path) -> None:
    database_url = f"sqlite:///{folder / 'api.sqlite'}"
    db.upgrade(database_url)
    app = create_app(
        database_url=database_url, secret_key="bench", scheduler=False, ratelimit=False, archives=""
    )
    run = app.extensions["tracker"]
    with run.sessions.begin() as session:
        user = accounts.ensure_user(session, "bench", is_admin=True, now=datetime.now(UTC))
        _row, token = accounts.create_token(session, user, name="bench", now=datetime.now(UTC))
    client = app.test_client()
    started = time.perf_counter()
    response = client.post(
        "/api/v1/import",
        data=url_list(count),
        content_type="text/plain",
        headers={"Authorization": f"Bearer {token}"},
    )
    wall = time.perf_counter() - started
    report = response.get_json()
    counts = ", ".join(
        f"{len(report[key])} {key.replace('_', ' ')}" for key in ("added", "already_tracked", "rejected")
    )
    print(f"| API, one request | {count} | {wall:.1f} | {counts} |")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--urls", type=int, default=10_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    print("| path | URLs | wall s | report |")
    print("| --- | --- | --- | --- |")
    command_line(args.urls, folder)
    api(args.urls, folder)


if __name__ == "__main__":
    main()
