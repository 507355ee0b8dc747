"""The poller's own parts: the writer thread beside the fetches, and its defaults."""

from __future__ import annotations

import itertools
import time
from datetime import timedelta

import pytest
from sqlalchemy.exc import OperationalError

import config
from tests.factories import article_page, story
from tests.pageserver import PageServer, Reply, send
from tests.test_polling import T0, poll, spread_over_sites
from tracker.engine import poller
from tracker.engine.poller import PollerSettings
from tracker.engine.runtime import Runtime

QUIET = Reply(article_page("Slow", story()).encode(), etag=True)


def slow_quiet_page(handler) -> None:
    time.sleep(0.3)
    send(handler, QUIET)


def test_storing_results_does_not_hold_up_the_fetches(
    runtime: Runtime, site: PageServer, monkeypatch: pytest.MonkeyPatch
):
    # Storing once ran in the thread that starts the fetches: while a batch was stored (here 0.25 s
    # for each round of three not-modified answers) every site's slots stood idle.
    hosts = ["a.localhost", "b.localhost", "c.localhost"]
    spread_over_sites(runtime, site, hosts, 3)
    site.routes.update({f"/{n}": slow_quiet_page for n in range(3)})
    poll(runtime)
    site.arrivals.clear()
    record_checks = poller.record_checks

    def slow_record_checks(*args, **kwargs):
        time.sleep(0.25)
        return record_checks(*args, **kwargs)

    monkeypatch.setattr(poller, "record_checks", slow_record_checks)
    report = poll(runtime, T0 + timedelta(minutes=6), host_concurrency=1, write_batch=3)
    assert report.outcomes == {"not_modified": 9}
    for host in hosts:
        times = sorted(moment for moment, name, _path in site.arrivals if name == host)
        assert len(times) == 3
        assert all(later - earlier < 0.5 for earlier, later in itertools.pairwise(times))  # 0.3 s a page


def test_the_poller_defaults_are_the_settings_defaults():
    # They had drifted: 64 fetches in flight here, 128 in config.py.
    settings = PollerSettings(worker="w1")
    assert (
        settings.concurrency,
        settings.host_concurrency,
        settings.host_delay,
        settings.batch_size,
        settings.lease_seconds,
        settings.read_cpu_seconds,
    ) == tuple(
        config.DEFAULTS[name]
        for name in (
            "fetch_concurrency",
            "host_concurrency",
            "host_delay",
            "batch_size",
            "lease_seconds",
            "read_cpu_seconds",
        )
    )


def test_once_the_database_refuses_a_batch_no_later_batch_of_the_pass_is_stored(
    runtime: Runtime, site: PageServer, monkeypatch: pytest.MonkeyPatch
):
    # The writer thread runs batches queued behind the one that failed; the pass is already over.
    spread_over_sites(runtime, site, ["a.localhost", "b.localhost", "c.localhost"], 3)
    poll(runtime)
    calls = []

    def refusing_record_checks(*args, **kwargs):
        calls.append(time.monotonic())
        time.sleep(0.2)  # later batches queue up behind this one
        raise OperationalError("UPDATE articles", {}, Exception("database is locked"))

    monkeypatch.setattr(poller, "record_checks", refusing_record_checks)
    with pytest.raises(OperationalError):
        poll(runtime, T0 + timedelta(minutes=6), write_batch=1, write_every=0)
    time.sleep(0.5)  # room for any batch still queued in the writer
    assert len(calls) == 1
