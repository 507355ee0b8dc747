"""The reading processes of a worker or a `tracker check`: a pool of processes forked from a server
that imported the reading code once, all started at once in the background."""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.forkserver
import os
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any


def start_fork_server() -> multiprocessing.context.BaseContext:
    """Start the server reading processes fork from, if it is not running, and return its context.

    The server imports the reading code and trafilatura once (preloaded), on a core of its own: a
    caller that starts it before importing the code it polls with has both imports run at once."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tracker.domain.reading", "tracker.domain.extractors"])
    with main_script_hidden():
        multiprocessing.forkserver.ensure_running()
    return context


def reading_pool(processes: int, cpu_seconds: float) -> ReadingPool:
    """Return reading processes, starting now so that they are ready when the first pages arrive.

    They fork from the fork server (start_fork_server): each starts without this process's
    threads, database driver or web layer, and none imports trafilatura again."""
    from tracker.domain.reading import start_reader

    context = start_fork_server()
    return ReadingPool(processes, mp_context=context, initializer=start_reader, initargs=(cpu_seconds,))


class ReadingPool(ProcessPoolExecutor):
    """A process pool that starts all its processes at once, in a thread of its own, while the pass
    goes on to fetch the first pages: starting the first waits some 0.3 s for the fork server's
    imports. A task submitted meanwhile waits until they are started (each must start with the
    main script hidden)."""

    def __init__(self, processes: int, **options: Any) -> None:
        super().__init__(processes, **options)
        self.started = threading.Event()
        threading.Thread(target=self.start_all, args=(processes,), name="start-readers", daemon=True).start()

    def start_all(self, processes: int) -> None:
        """Give each process a trivial task: the pool starts one for each task no idle one can take,
        and none is idle before its initializer ran."""
        try:
            with main_script_hidden():
                for _ in range(processes):
                    super().submit(os.getpid)
        except RuntimeError:  # the pass ended (pool shut down) before they all started
            pass
        finally:
            self.started.set()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        self.started.wait()
        return super().submit(fn, *args, **kwargs)


@contextlib.contextmanager
def main_script_hidden() -> Iterator[None]:
    """Start processes that do not run the main script: multiprocessing runs it in each child, so
    that functions defined there can be found, but readers run only tracker.domain.reading, and the
    script is the `flask` command (Flask in every reader) or `python app.py` (the whole app)."""
    main = sys.modules["__main__"]
    path = main.__dict__.pop("__file__", None)
    try:
        yield
    finally:
        if path is not None:
            main.__file__ = path


def default_read_processes() -> int:
    """Return one reading process per core, for a separate worker."""
    return os.cpu_count() or 1
