"""gunicorn's settings for this service: gunicorn reads this file from its working directory, so
`gunicorn app:app` run here gets them (flags on the command line still win)."""

import gc
from typing import Any

from config import load
from tracker.adapters.logs import configure_logging
from tracker.adapters.metrics import forget_process

# A sync worker waits on an accepted connection until its request arrives: clients that keep
# connections open between requests would hold every worker (README, "Processes").
worker_class = "gthread"
threads = 4
# gunicorn believes X-Forwarded-Proto from these peers only (its default is 127.0.0.1): the same
# proxies as the app's own middleware (tracker/web/proxies.py), which also takes X-Forwarded-For.
_settings = load()
forwarded_allow_ips = _settings.trusted_proxies
# Serve where the settings say (TRACKER_HOST, TRACKER_PORT: 127.0.0.1:5000), so that links built from
# them (the default base URL) point here; an explicit --bind still wins and then wants
# TRACKER_BASE_URL (docs/settings.md).
_host = _settings.host.strip("[]")
bind = [f"[{_host}]:{_settings.port}" if ":" in _host else f"{_host}:{_settings.port}"]


def post_worker_init(worker: Any) -> None:
    """Each web process logs as the run command does (TRACKER_LOG_FORMAT), check-now's checks too,
    installs the app's web layer (tracker.factory.TrackerApp: before the first request, which would
    otherwise wait for it) and leaves the objects of its loaded app out of garbage collection."""
    configure_logging(_settings.log_format)
    worker.wsgi.install_web()
    # The loaded app is some 170,000 objects that live as long as the process. Each full collection
    # walked them all: 100 ms with the GIL held, every ten or so diff pages, which stalled every
    # request in that process (bench/load.py's API p99: 375 ms before, 84 ms after).
    gc.freeze()


def child_exit(server: Any, worker: Any) -> None:
    """Under PROMETHEUS_MULTIPROC_DIR, an exited web process's gauges stop counting."""
    forget_process(worker.pid)
