"""The library code we subclass or replace, checked so that an upgrade that changes it fails here.

Two seams are left, each the smallest the behaviour needs:
- tracker.adapters.headwatch: urllib3's connection classes, chosen by the pools' `ConnectionCls`
  and the pool manager's `pool_classes_by_scheme`, with `getresponse()` wrapped (a response
  head's deadline);
- tracker.adapters.apprisehttp: requests' transport interface (`BaseAdapter.send`), and
  `Session.get_adapter` replaced while an Apprise channel sends.
Each is checked by signature and end to end.
"""

from __future__ import annotations

import inspect
import time

import pytest
import requests
import urllib3
from requests.adapters import BaseAdapter, HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from tests.hostileserver import Dripping, head, raw
from tests.pageserver import PageServer, Reply
from tracker.adapters import apprisehttp, headwatch
from tracker.adapters.fetch import Client, FetchLimits
from tracker.adapters.netguard import AddressGuard
from tracker.domain.errors import FetchError


def parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


# urllib3 (tracker.adapters.headwatch)


def test_urllib3_reads_a_response_head_through_getresponse_with_no_arguments():
    assert parameters(HTTPConnection.getresponse) == ["self"]
    assert HTTPSConnection.getresponse is HTTPConnection.getresponse  # the HTTPS class inherits it


def test_urllib3_pools_make_connections_of_their_connection_class():
    assert HTTPConnectionPool.ConnectionCls is HTTPConnection
    assert HTTPSConnectionPool.ConnectionCls is HTTPSConnection
    assert "self.ConnectionCls(" in inspect.getsource(HTTPConnectionPool._new_conn)
    assert set(urllib3.PoolManager().pool_classes_by_scheme) == {"http", "https"}


def test_the_clients_connections_are_watched(site: PageServer):
    site.serve("/a", b"ok")
    client = Client(AddressGuard(allow_private=True), user_agent="T/1")
    pool = client.pools.connection_from_host("127.0.0.1", site.port, "http")
    assert (
        isinstance(pool, headwatch.WatchedHTTPPool) and pool.ConnectionCls is headwatch.WatchedHTTPConnection
    )
    https = client.pools.connection_from_host("127.0.0.1", 443, "https")
    assert https.ConnectionCls is headwatch.WatchedHTTPSConnection


def test_a_head_dripping_in_is_cut_at_the_deadline(site: PageServer):
    """End to end: without the watchdog, 45 header bytes at 0.05 s each keep every read in time."""
    site.routes["/drip"] = raw(Dripping(head(("Content-Type", "text/html")), 0.05))
    client = Client(AddressGuard(allow_private=True), user_agent="T/1")
    limits = FetchLimits(connect_timeout=1, read_timeout=1, deadline=1)
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        client.open("GET", site.url("/drip"), limits, started=started)
    assert caught.value.code == "timeout"
    assert time.monotonic() - started < 1.6


# requests (tracker.adapters.apprisehttp)


def test_requests_transport_interface_is_the_one_the_channel_adapter_implements():
    assert parameters(apprisehttp.ChannelAdapter.send) == parameters(HTTPAdapter.send)
    assert parameters(BaseAdapter.send) == parameters(HTTPAdapter.send)
    # requests' own method, even where an earlier channel send in this process installed the hook
    assert parameters(inspect.unwrap(requests.Session.get_adapter)) == ["self", "url"]
    assert "self.get_adapter(url=request.url)" in inspect.getsource(requests.Session.send)


def test_inside_a_channel_send_every_session_sends_through_the_client(site: PageServer):
    site.routes["/hook"] = Reply(b"thanks", content_type="text/plain")
    site.routes["/hop"] = Reply(status=307, headers={"Location": "/hook"})
    with apprisehttp.channel_transport(AddressGuard(allow_private=True)) as adapter:
        session = requests.Session()
        assert session.get_adapter(site.url("/hook")) is adapter
        answer = requests.post(site.url("/hook"), data="{}", timeout=(1, 1))
        with pytest.raises(apprisehttp.RedirectRefused):
            requests.post(site.url("/hop"), data="{}", timeout=(1, 1))
    assert (answer.status_code, answer.text, answer.headers["content-type"]) == (200, "thanks", "text/plain")
    assert site.hits("/hook") == 1 and adapter.failures[0].code == "redirect_refused"
    assert isinstance(
        requests.Session().get_adapter(site.url("/hook")), HTTPAdapter
    )  # outside: requests' own
