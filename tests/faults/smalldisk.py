"""`python -m tests.faults.smalldisk --app app tracker worker`: the flask command on a SQLite disk
that holds only as many pages as the file named by TEST_DISK_PAGES says. The file is read at every
checkout of a connection, so a test fills the disk and makes room again while the worker runs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask.cli import main
from sqlalchemy import event
from sqlalchemy.pool import Pool


def limit_pages(connection: Any, _record: Any, _proxy: Any) -> None:
    pages = int(Path(os.environ["TEST_DISK_PAGES"]).read_text())
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA max_page_count = {pages}")
    cursor.close()


event.listen(Pool, "checkout", limit_pages)
main()
