"""Benchmark: what a process pays before it does any work.

    .venv/bin/python bench/startup.py [--venv .venv-run]

Prints a Markdown table: the wall time of the README's `flask --app app tracker check --all` with
nothing to check (a migrated, empty SQLite database; median of 7 fresh processes); how many modules
`import app`, `import tracker` and the reading module load and how long they take (from
`python -X importtime`, median of 5); and how soon the poller's reading processes are ready to
read, from a cold start. Targets (issue 19): the command under 0.5 s, a reading process
ready in under 0.3 s.

--venv runs the command and the imports with another virtual environment's Python: the one
`make VENV=.venv-run .venv-run/.runtime` installs is what `make run` gives a user, without the
test tools of `make test` (their `rich` is imported by Flask-Limiter's command plugin, which the
`flask` command loads first: some 0.04 s).

Only the standard library is imported at the top: each reading process would import this script
as its main module (as it would the `flask` script of the command) if the pool did not hide it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"  # --venv changes it
# The module reading processes run (tracker.domain.reading once it is split out of the service).
READING = (
    "tracker.domain.reading"
    if (ROOT / "tracker" / "domain" / "reading.py").exists()
    else "tracker.services.observing"
)


def check_seconds(env: dict[str, str], runs: int = 7) -> float:
    """Return the median wall time of `tracker check --all` with nothing to check, start-up included."""
    command = [str(BIN / "flask"), "--app", "app", "tracker", "check", "--all"]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)  # migrates the database
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def import_times(code: str, env: dict[str, str]) -> dict[str, int]:
    """Return the self time in microseconds of every module a fresh interpreter imports to run code."""
    done = subprocess.run(
        [str(BIN / "python"), "-X", "importtime", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    times = {}
    for line in done.stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if len(fields) == 3 and fields[0].strip().isdigit():
            times[fields[2].strip()] = int(fields[0])
    return times


def import_cost(module: str, env: dict[str, str], runs: int = 5) -> tuple[int, float]:
    """Return how many modules `import module` loads beyond the interpreter's own start-up, and the
    median of their summed import times in seconds."""
    startup = import_times("pass", env)
    samples = [
        {name: us for name, us in import_times(f"import {module}", env).items() if name not in startup}
        for _ in range(runs)
    ]
    return len(samples[0]), statistics.median(sum(sample.values()) for sample in samples) / 1e6


def reader_ready_once() -> None:
    """In a fresh process (this script as its main module, as the `flask` script is the command's):
    print the seconds from creating the poller's reading pool to its first trivial task done, that
    is to a reading process started with the extractors loaded."""
    sys.path.insert(0, str(ROOT))
    import tracker.domain.reading  # noqa: F401  # as the poller has, before it makes its pool
    from tracker.engine.readers import reading_pool

    started = time.perf_counter()
    pool = reading_pool(os.cpu_count() or 1, 30.0)
    pool.submit(os.getpid).result()
    print(time.perf_counter() - started)
    pool.shutdown()


def reader_ready(runs: int = 7) -> float:
    """Return the median over fresh processes of reader_ready_once: a cold start every time."""
    times = []
    for _ in range(runs):
        done = subprocess.run(
            [str(BIN / "python"), __file__, "--reader"], cwd=ROOT, check=True, capture_output=True, text=True
        )
        times.append(float(done.stdout.split()[-1]))
    return statistics.median(times)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    print(f"\nstart-up on {os.cpu_count()} cores (load {os.getloadavg()[0]:.1f}), {BIN.parent}\n")
    print("| what | modules | seconds |\n| --- | --- | --- |")
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as folder:
        # An empty database of its own (`import app` migrates it), and no secret key file written.
        env = {
            **os.environ,
            "TRACKER_DATABASE_URL": f"sqlite:///{folder}/startup.sqlite",
            "TRACKER_SECRET_KEY": "bench",
            "TRACKER_ARCHIVES": "",  # a benchmark never reaches a real web archive
        }
        seconds = check_seconds(env)
        print(f"| `flask --app app tracker check --all`, nothing to check (median of 7) | | {seconds:.2f} |")
        for module in ("app", "tracker", READING):
            count, seconds = import_cost(module, env)
            print(f"| `import {module}` (-X importtime, median of 5) | {count} | {seconds:.2f} |")
    print(f"| reading process: pool created to ready to read (cold, median of 7) | | {reader_ready():.2f} |")


if __name__ == "__main__":
    if sys.argv[1:] == ["--reader"]:
        reader_ready_once()
    else:
        parser = argparse.ArgumentParser(
            description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        parser.add_argument("--venv", default=str(ROOT / ".venv"), help="the environment whose Python runs")
        BIN = Path(parser.parse_args().venv).resolve() / "bin"
        main()
