"""What each web process does once its app is loaded: gunicorn's (through the repository's
gunicorn.conf.py) and the run command's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_gunicorn_process_leaves_its_loaded_objects_out_of_garbage_collection(tmp_path: Path):
    """Full collections walked the whole loaded app with the GIL held, stalling every request."""
    hook = (
        "import gc, runpy, types\n"
        "from tracker.factory import create_app\n"
        "conf = runpy.run_path('gunicorn.conf.py')\n"
        f"app = create_app(database_url='sqlite:///{tmp_path}/t.sqlite', secret_key='t', scheduler=False)\n"
        "before = gc.get_freeze_count()\n"
        "conf['post_worker_init'](types.SimpleNamespace(wsgi=app))\n"
        "print(before, gc.get_freeze_count(), app.web_installed)\n"
    )
    ran = subprocess.run([sys.executable, "-c", hook], cwd=ROOT, capture_output=True, text=True, check=True)
    before, after, installed = ran.stdout.split()
    assert int(before) == 0 and int(after) > 10_000 and installed == "True"


def test_the_run_command_leaves_its_loaded_objects_out_of_garbage_collection(tmp_path: Path):
    serve = (
        "import gc, waitress\n"
        "from tracker import cli\n"
        "from tracker.factory import create_app\n"
        f"app = create_app(database_url='sqlite:///{tmp_path}/t.sqlite', secret_key='t', scheduler=False)\n"
        "waitress.serve = lambda *args, **kwargs: print(gc.get_freeze_count())\n"
        "cli.serve(app)\n"
    )
    ran = subprocess.run([sys.executable, "-c", serve], cwd=ROOT, capture_output=True, text=True, check=True)
    assert int(ran.stdout.splitlines()[-1]) > 10_000
