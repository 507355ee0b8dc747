"""The poller's own parts: the writer thread beside the fetches, and its defaults."""

from __future__ import annotations

import itertools
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import OperationalError

import config
from tests.factories import article_page, story
from tests.pageserver import PageServer, Reply, send
from tests.test_polling import T0, poll, spread_over_sites, track
from tracker.domain.pages import Page, Validators
from tracker.domain.reading import CheckTarget, Fetched, StoredPage
from tracker.engine import poller
from tracker.engine.poller import PollerSettings
from tracker.engine.runtime import Runtime
from tracker.services import checks

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
    record_checks = checks.record_checks

    def slow_record_checks(*args, **kwargs):
        time.sleep(0.25)
        return record_checks(*args, **kwargs)

    monkeypatch.setattr(checks, "record_checks", slow_record_checks)
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

    monkeypatch.setattr(checks, "record_checks", refusing_record_checks)
    with pytest.raises(OperationalError):
        poll(runtime, T0 + timedelta(minutes=6), write_batch=1, write_every=0)
    time.sleep(0.5)  # room for any batch still queued in the writer
    assert len(calls) == 1


def test_a_pass_waiting_for_a_paced_site_sleeps_instead_of_spinning(
    runtime: Runtime, site: PageServer, monkeypatch: pytest.MonkeyPatch
):
    # With nothing in flight, the pass once asked again at once whether a fetch could start: for the
    # whole host delay, a core spent on looking (thousands of times here).
    spread_over_sites(runtime, site, ["a.localhost"], 3)
    looks = []
    start_fetches = poller.Poller.start_fetches

    def counted_start_fetches(self, *args, **kwargs):
        looks.append(time.monotonic())
        return start_fetches(self, *args, **kwargs)

    monkeypatch.setattr(poller.Poller, "start_fetches", counted_start_fetches)
    report = poll(runtime, host_delay=0.5, host_concurrency=1)
    assert report.outcomes == {"first": 3}
    assert looks[-1] - looks[0] >= 0.9  # two host delays
    assert len(looks) < 40


def quick_page(handler) -> None:
    send(handler, QUIET)


@pytest.mark.parametrize(("backlog", "stalls"), [(poller.READ_BACKLOG_BYTES, False), (1, True)])
def test_pages_waiting_to_be_read_pause_the_fetches_only_past_their_byte_budget(
    runtime: Runtime, site: PageServer, monkeypatch: pytest.MonkeyPatch, backlog: int, stalls: bool
):
    # A bound of four pages waiting for the readers once stalled every site's fetches whenever a
    # burst of changed pages came; the bound is now what they weigh (here a budget of 1 byte shows
    # that it still holds).
    hosts = ["a.localhost", "b.localhost", "c.localhost"]
    site.routes.update({f"/{n}": quick_page for n in range(4)})
    for host in hosts:
        for n in range(4):
            track(runtime, site.url(f"/{n}", host=host))
    read_step = poller.read_step

    def slow_read_step(*args, **kwargs):
        time.sleep(0.4)
        return read_step(*args, **kwargs)

    monkeypatch.setattr(poller, "read_step", slow_read_step)
    monkeypatch.setattr(poller, "READ_BACKLOG_BYTES", backlog)
    report = poll(runtime, host_concurrency=2)
    assert report.outcomes == {"first": 12}
    times = sorted(moment for moment, _host, path in site.arrivals if path != "/robots.txt")
    assert len(times) == 12
    if stalls:
        assert times[-1] - times[0] >= 0.35  # the next fetches waited for the reads
    else:
        assert times[-1] - times[0] < 0.3  # every page fetched while the first were still being read


def test_a_re_read_weighs_the_stored_page_it_reads_even_after_a_304():
    # After an extractor upgrade most pages answer 304 and are re-read from what is stored: counted
    # as nothing, they would never pause the fetches.
    target = CheckTarget(1, "http://a.test/", "a.test", Validators(), None, None)
    stored = replace(target, rebaseline=StoredPage("<p>" + "x" * 5000 + "</p>", "http://a.test/"))
    not_modified = Page("http://a.test/", "http://a.test/", 304, (), b"", None, None, None, 1)
    changed = replace(not_modified, status=200, body=b"y" * 3000)
    at = datetime.now(UTC)
    assert poller.read_size(target, Fetched(at, 1, page=changed, body_hash="h")) == 3000
    assert poller.read_size(stored, Fetched(at, 1, page=not_modified, body_hash=None)) == 5007
    assert poller.read_size(stored, Fetched(at, 1, page=None, body_hash=None)) == 5007
