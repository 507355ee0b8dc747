"""gunicorn's settings for this service: gunicorn reads this file from its working directory, so
`gunicorn app:app` run here gets them (flags on the command line still win)."""

from typing import Any

from config import load
from tracker.logs import configure_logging
from tracker.metrics import forget_process

# A sync worker waits on an accepted connection until its request arrives: clients that keep
# connections open between requests would hold every worker (README, "Processes").
worker_class = "gthread"
threads = 4


def post_worker_init(worker: Any) -> None:
    """Each web process logs as the run command does (TRACKER_LOG_FORMAT), check-now's checks too."""
    configure_logging(load().log_format)


def child_exit(server: Any, worker: Any) -> None:
    """Under PROMETHEUS_MULTIPROC_DIR, an exited web process's gauges stop counting."""
    forget_process(worker.pid)
