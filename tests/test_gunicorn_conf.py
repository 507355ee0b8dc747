"""What the repository's gunicorn.conf.py does to each web process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_web_process_leaves_its_loaded_objects_out_of_garbage_collection():
    """Full collections walked the whole loaded app with the GIL held, stalling every request."""
    hook = (
        "import gc, runpy\n"
        "conf = runpy.run_path('gunicorn.conf.py')\n"
        "before = gc.get_freeze_count()\n"
        "conf['post_worker_init'](None)\n"
        "print(before, gc.get_freeze_count())\n"
    )
    ran = subprocess.run([sys.executable, "-c", hook], cwd=ROOT, capture_output=True, text=True, check=True)
    before, after = map(int, ran.stdout.split())
    assert before == 0 and after > 10_000
