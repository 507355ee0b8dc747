"""Each process imports only what it runs: fresh interpreters, asked what they loaded (sys.modules).

How fast they start is measured, not asserted (README, "Performance"): what they import is what
costs, and it is what these tests can hold without depending on the machine's load.
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from tests.factories import article_page, command_env, story
from tests.pageserver import PageServer
from tracker.adapters import db
from tracker.factory import create_app

ROOT = Path(__file__).resolve().parent.parent
# Templates come with the web layer (tracker.web), and Jinja itself with Flask.
WEB_BROWSER_MIGRATIONS = ("tracker.web", "playwright", "alembic", "waitress")
# `flask --app app ARGS`, then what the process loaded, as JSON on the last line of stdout.
COMMAND = """
import json, sys
from flask.cli import main
sys.argv = ["flask", "--app", "app", *sys.argv[1:]]
try:
    main()
finally:
    print(json.dumps(sorted(sys.modules)))
"""


def loaded(code: str, modules: str = "sorted(sys.modules)") -> list[str]:
    """Return the modules a fresh interpreter has loaded after running code (or those the
    expression `modules` names at the end)."""
    ran = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport json, sys\nprint(json.dumps({modules}))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(ran.stdout.splitlines()[-1])


def among(modules: list[str], *packages: str) -> list[str]:
    """Return the modules that are one of packages or inside one."""
    return [name for name in modules if any(name == p or name.startswith(f"{p}.") for p in packages)]


def ours_above_the_domain(modules: list[str]) -> list[str]:
    return sorted(set(among(modules, "tracker")) - {"tracker", *among(modules, "tracker.domain")})


@pytest.fixture
def env(sqlite_template: Path, tmp_path: Path) -> dict[str, str]:
    """Settings for a command on an embedded database that is already migrated."""
    shutil.copy(sqlite_template, tmp_path / "tracker.sqlite")
    return command_env(tmp_path / "tracker.sqlite", read_processes="0", tick_seconds="1")


def test_importing_the_package_loads_no_framework():
    assert among(loaded("import tracker"), "flask", "sqlalchemy") == []


def test_the_factory_loads_no_web_layer_and_no_scheduler():
    assert (
        among(loaded("import tracker.factory"), "tracker.web", "apscheduler", "playwright", "alembic") == []
    )


def test_the_read_step_needs_the_domain_alone():
    modules = loaded("import tracker.domain.reading")
    # urllib3 comes in with trafilatura (courlan), which the read step runs; no fetcher does.
    assert among(modules, "sqlalchemy", "requests", "flask", "tracker.adapters") == []
    assert ours_above_the_domain(modules) == []


def test_a_reading_process_of_the_poller_loads_the_domain_alone(tmp_path: Path):
    """The poller's own pool reads a page and says what it loaded, started from a script that
    imports Flask, as the `flask` command's script does: the readers do not run that script."""
    script = tmp_path / "main.py"
    script.write_text(f"""
import json, sys
import flask  # the `flask` command's script imports Flask
sys.path.insert(0, {str(ROOT)!r})
from datetime import UTC, datetime
from config import load
from tests.factories import article_page, story
from tracker.domain.pages import Page, Validators
from tracker.domain.reading import CheckTarget, Fetched, read_step
from tracker.engine.runtime import build_runtime, make_poller

if __name__ == "__main__":
    html = article_page("Budget approved", story()).encode()
    page = Page("http://a.test/", "http://a.test/", 200, (), html, "text/html", None, None, 1)
    fetched = Fetched(datetime.now(UTC), 1, page=page, body_hash="new")
    target = CheckTarget(1, "http://a.test/", "a.test", Validators(), None, None)
    runtime = build_runtime(load(database_url="sqlite:///{tmp_path}/t.sqlite", secret_key="t"))
    poller = make_poller(runtime, read_processes=1)
    try:
        observation = poller.readers.submit(read_step, target, fetched).result()
        assert observation.article.title == "Budget approved", observation
        child = poller.readers.submit(eval, "sorted(__import__('sys').modules)").result()
    finally:
        poller.close()
    print(json.dumps(child))
""")
    ran = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    child = json.loads(ran.stdout.splitlines()[-1])
    assert among(child, "sqlalchemy", "requests", "flask", "werkzeug") == []
    assert ours_above_the_domain(child) == []
    assert among(child, "trafilatura"), "a reader starts with the extractors loaded"
    # trafilatura would bring the language detector and numpy, which a page declaring its language never needs
    assert among(child, "numpy", "py3langid") == []
    # readability is the fallback for pages trafilatura finds nothing on: loaded when one comes
    assert among(child, "readability") == []


# `flask --app app ARGS`, noting at each start of the readers' fork server whether the poller was loaded.
RECORDING_FORK_SERVER_STARTS = """
import json, sys
import multiprocessing.forkserver as forkserver
from flask.cli import main
starts, ensure_running = [], forkserver.ensure_running

def recording():
    starts.append("tracker.engine.poller" in sys.modules)
    ensure_running()

forkserver.ensure_running = recording
sys.argv = ["flask", "--app", "app", *sys.argv[1:]]
try:
    main()
finally:
    print(json.dumps(starts))
"""


def test_check_starts_the_fork_server_before_it_loads_the_poller(tmp_path: Path, site: PageServer):
    # So that the server's imports (the domain, trafilatura) and the poller's run at once.
    env = command_env(tmp_path / "t.sqlite", read_processes="1")
    command(env, "tracker", "create-token", "alice")
    command(env, "tracker", "add", site.serve("/a", article_page("Budget approved", story())))
    ran = subprocess.run(
        [sys.executable, "-c", RECORDING_FORK_SERVER_STARTS, "tracker", "check", "--all"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr
    assert "1 first" in ran.stdout
    assert json.loads(ran.stdout.splitlines()[-1])[:1] == [False]


def test_the_fork_server_skips_its_last_collection_as_it_exits():
    # It holds the command's output open until it is gone: a caller reading that output waits for it.
    code = (
        "import atexit, gc\n"
        "atexit.register(lambda: print('frozen at exit:', gc.get_freeze_count() > 0))  # runs last\n"
        "import tracker.domain.extractors\n"
    )
    ran = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert ran.stdout.splitlines()[-1] == "frozen at exit: True"


def test_the_poller_leaves_the_storing_code_to_its_writer():
    # The writer loads it as a pass starts (poller.load_storing), while the first requests are out.
    storing = (
        "tracker.services.checks",
        "tracker.services.alerts",
        "tracker.domain.diff",
        "prometheus_client",
    )
    assert among(loaded("import tracker.engine.poller"), *storing) == []


def command(env: dict[str, str], *args: str) -> list[str]:
    ran = subprocess.run(
        [sys.executable, "-c", COMMAND, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert ran.returncode == 0, ran.stderr
    return json.loads(ran.stdout.splitlines()[-1])


# What reads and stores pages: the poller, the checks, the extractors, and the backfiller beside them.
READING_AND_STORING = (
    "tracker.engine.poller",
    "tracker.engine.backfiller",
    "tracker.services.checks",
    "tracker.domain.extract",
    "tracker.domain.reading",
    "trafilatura",
)
# What builds alerts and answers rather than delivers them: the endpoints and their events, the API's
# shapes, histories, diffs and labels with their big regexes. `check --all` ends by delivering what
# is due, which needs the delivery queue alone.
BUILDING_ALERTS = (
    "tracker.services.alerts",
    "tracker.services.payloads",
    "tracker.services.history",
    "tracker.services.search",
    "tracker.domain.diff",
    "tracker.domain.labels",
    "tracker.domain.noise",
    "tracker.domain.textunits",
    "regex",
)


@pytest.mark.parametrize("args", [("check", "--all"), ("prune",), ("list",)])
def test_commands_load_only_what_they_run(env: dict[str, str], args: tuple[str, ...]):
    # env's database tracks no article: `check --all` has nothing to check, as cron finds it most times.
    modules = command(env, "tracker", *args)
    assert among(modules, *WEB_BROWSER_MIGRATIONS, "apscheduler") == []
    assert among(modules, *READING_AND_STORING) == []  # no page to read
    assert among(modules, *BUILDING_ALERTS) == []  # nothing to deliver


def test_a_new_embedded_database_is_still_migrated_on_load(tmp_path: Path):
    assert among(command(command_env(tmp_path / "new.sqlite"), "tracker", "check", "--all"), "alembic")
    with sqlite3.connect(tmp_path / "new.sqlite") as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (db.head_revision(),)
        ]


def test_the_worker_loads_no_web_layer_browser_or_migrations(env: dict[str, str], tmp_path: Path):
    worker = subprocess.Popen(
        [sys.executable, "-c", COMMAND, "tracker", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not heartbeats(tmp_path / "tracker.sqlite") and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        out, _ = worker.communicate(timeout=60)
    started = json.loads(out.splitlines()[-1])
    assert among(started, "apscheduler")  # it did tick
    assert among(started, *WEB_BROWSER_MIGRATIONS) == []


def heartbeats(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM worker_heartbeats").fetchone()[0]


def test_the_head_revision_known_without_alembic_is_alembics():
    """upgrade_if_embedded compares the database with the head named by the files' names."""
    assert (
        db.head_revision() == ScriptDirectory.from_config(db.alembic_config("sqlite://")).get_current_head()
    )


def test_every_migration_is_named_for_its_revision():
    """What head_revision relies on, and what `db revision` writes (rev_id NNNN after the head)."""
    scripts = ScriptDirectory.from_config(db.alembic_config("sqlite://"))
    for script in scripts.walk_revisions():
        assert Path(script.path).name.startswith(f"{script.revision}_"), script.path
        assert script.revision.isdigit() and len(script.revision) == 4, script.revision


def test_the_first_requests_of_many_threads_install_the_web_layer_once(sqlite_template: Path, tmp_path: Path):
    shutil.copy(sqlite_template, tmp_path / "tracker.sqlite")
    app = create_app(database_url=f"sqlite:///{tmp_path}/tracker.sqlite", secret_key="t", scheduler=False)
    assert not app.web_installed and "api.list_articles" not in app.view_functions
    start = threading.Barrier(8)

    def first_request() -> int:
        start.wait()
        return app.test_client().get("/healthz").status_code

    with ThreadPoolExecutor(8) as threads:
        assert list(threads.map(lambda _: first_request(), range(8))) == [200] * 8
    assert "api.list_articles" in app.view_functions
