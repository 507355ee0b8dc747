"""SSRF: every URL that could reach a private, loopback, link-local or reserved address is refused.

No test here may send a packet to a non-loopback address, even if the guard were broken: every
test runs with socket connects and name lookups fenced (`no_outside_packets`), non-loopback
ranges are only ever handed to the guard by a resolver stub, and end to end only loopback
forms are fetched, at a local listener that asserts nobody connected.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import apprise
import pytest

import config
from tests.pageserver import PageServer, Reply
from tracker.adapters.fetch import Client, Fetcher, FetchLimits, fetch_resource
from tracker.adapters.netguard import AddressGuard
from tracker.adapters.webhooks import notify_channel
from tracker.domain.addresses import IPAddress
from tracker.domain.errors import FetchError, InvalidInput
from tracker.domain.urls import submitted_url
from tracker.engine.runtime import build_runtime

LIMITS = FetchLimits(max_bytes=100_000, connect_timeout=1, read_timeout=1, deadline=2)
BLOCKED = "blocked_address"
BAD = "bad_url"

# (URL, the code it is refused with). Literal addresses and names only: no DNS is needed for any.
REFUSED: list[tuple[str, str]] = [
    # RFC 1918
    ("http://10.0.0.1/", BLOCKED),
    ("http://10.255.255.255/admin", BLOCKED),
    ("http://172.16.0.1/", BLOCKED),
    ("http://172.31.255.254/", BLOCKED),
    ("https://192.168.0.1/", BLOCKED),
    ("http://192.168.1.1:8080/router", BLOCKED),
    # loopback, 127.0.0.0/8 in every spelling inet_aton accepts
    ("http://127.0.0.1/", BLOCKED),
    ("http://127.255.255.254/", BLOCKED),
    ("http://127.0.0.1./", BLOCKED),
    ("http://2130706433/", BLOCKED),
    ("http://0x7f.1/", BLOCKED),
    ("http://0x7f000001/", BLOCKED),
    ("http://0x7F.0x0.0x0.0x1/", BLOCKED),
    ("http://0177.0.0.1/", BLOCKED),
    ("http://017700000001/", BLOCKED),
    ("http://127.1/", BLOCKED),
    ("http://127.000.000.001/", BLOCKED),
    ("http://0/", BLOCKED),
    ("http://012.1/", BLOCKED),  # octal 10.0.0.1
    ("http://0xa.1/", BLOCKED),  # hex 10.0.0.1
    # unspecified
    ("http://0.0.0.0/", BLOCKED),
    ("http://0.0.0.0:8000/", BLOCKED),
    # link-local, cloud metadata
    ("http://169.254.169.254/", BLOCKED),
    ("http://169.254.169.254/latest/meta-data/iam/", BLOCKED),
    ("http://169.254.0.1/", BLOCKED),
    # CGNAT
    ("http://100.64.0.1/", BLOCKED),
    ("http://100.127.255.254/", BLOCKED),
    # multicast, reserved, broadcast, special-purpose
    ("http://224.0.0.1/", BLOCKED),
    ("http://239.255.255.250/", BLOCKED),
    ("http://240.0.0.1/", BLOCKED),
    ("http://255.255.255.255/", BLOCKED),
    ("http://192.0.0.1/", BLOCKED),
    ("http://192.0.2.1/", BLOCKED),
    ("http://198.18.0.1/", BLOCKED),
    ("http://192.88.99.1/", BLOCKED),
    # IPv6
    ("http://[::1]/", BLOCKED),
    ("http://[::]/", BLOCKED),
    ("http://[fc00::1]/", BLOCKED),
    ("http://[fd12:3456::1]/", BLOCKED),
    ("http://[fe80::1]/", BLOCKED),
    ("http://[fe80::1%25eth0]/", BLOCKED),
    ("http://[ff02::1]/", BLOCKED),
    ("http://[::ffff:127.0.0.1]/", BLOCKED),
    ("http://[::ffff:7f00:1]/", BLOCKED),
    ("http://[0:0:0:0:0:ffff:127.0.0.1]/", BLOCKED),
    ("http://[::ffff:10.0.0.1]/", BLOCKED),
    ("http://[::ffff:169.254.169.254]/", BLOCKED),
    ("http://[64:ff9b::a00:1]/", BLOCKED),
    ("http://[64:ff9b::7f00:1]/", BLOCKED),
    ("http://[2002:7f00:1::]/", BLOCKED),
    ("http://[2002:a00:1::1]/", BLOCKED),
    ("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", BLOCKED),  # Teredo
    ("http://[::127.0.0.1]/", BLOCKED),  # IPv4-compatible (deprecated)
    # RFC 6761 loopback names
    ("http://localhost/", BLOCKED),
    ("http://LOCALHOST./", BLOCKED),
    ("http://localhost:5000/", BLOCKED),
    ("http://app.localhost/", BLOCKED),
    ("http://a.b.localhost:8080/x", BLOCKED),
    # full-width and circled digits fold (IDNA) to 127.0.0.1
    ("http://127\uff0e0\uff0e0\uff0e1/", BLOCKED),
    ("http://\u2460\u2461\u2466.0.0.1/", BLOCKED),
    # a fragment hiding the real host
    ("http://127.0.0.1#@example.com/", BLOCKED),
    # schemes other than http(s)
    ("file:///etc/passwd", BAD),
    ("file://127.0.0.1/etc/passwd", BAD),
    ("gopher://127.0.0.1:70/_SET%20a", BAD),
    ("ftp://10.0.0.1/", BAD),
    ("dict://127.0.0.1:11211/stats", BAD),
    ("javascript:alert(1)", BAD),
    ("data:text/html,<script>alert(1)</script>", BAD),
    ("//127.0.0.1/", BAD),
    # userinfo tricks
    ("http://example.com@127.0.0.1/", BAD),
    ("http://user:secret@10.0.0.1/", BAD),
    ("http://127.0.0.1:80@example.com/", BAD),
    ("http://127.0.0.1\\@example.com/", BAD),
    # a percent-encoded host, which urllib3 decodes to 127.0.0.1
    ("http://%31%32%37.0.0.1/", BAD),
]

# Its host is example.com (the loopback spelling is user name and password): refused at submission
# for the userinfo, but a fetch of it would rightly go to example.com, so the fetch table leaves it out.
PUBLIC_HOST = "http://127.0.0.1:80@example.com/"
FETCHED = [(url, code) for url, code in REFUSED if url != PUBLIC_HOST]

# Made-up names and the refused addresses the resolver stub answers for them.
RESOLVES_TO: dict[str, list[str]] = {
    "intranet.test": ["10.0.0.1"],
    "corp.test": ["172.20.1.2"],
    "home.test": ["192.168.1.10"],
    "metadata.test": ["169.254.169.254"],
    "cgnat.test": ["100.64.0.7"],
    "multicast.test": ["224.0.0.251"],
    "reserved.test": ["240.0.0.1"],
    "broadcast.test": ["255.255.255.255"],
    "unspecified.test": ["0.0.0.0"],
    "loopback.test": ["127.0.0.2"],
    "ula.test": ["fd00::5"],
    "v6-link-local.test": ["fe80::1"],
    "v6-loopback.test": ["::1"],
    "mapped.test": ["::ffff:10.0.0.1"],
    "nat64.test": ["64:ff9b::a00:1"],
    "sixtofour.test": ["2002:7f00:1::"],
    # one public answer does not excuse a private one: every address must pass
    "rebind.test": ["93.184.216.34", "10.0.0.1"],
}


def stub_resolver(host: str, port: int) -> list[IPAddress]:
    """Answers only the made-up names; any other lookup is a test bug (it would go to real DNS)."""
    if host not in RESOLVES_TO:
        raise AssertionError(f"the resolver stub was asked for {host!r}")
    return [ipaddress.ip_address(address) for address in RESOLVES_TO[host]]


def is_local(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return host.rstrip(".").lower() == "localhost"
    return address.is_loopback or address.is_unspecified


@pytest.fixture(autouse=True)
def no_outside_packets(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Fail, without sending anything, any connect or name lookup that would leave this machine."""
    attempts: list[object] = []
    real_connect, real_connect_ex, real_getaddrinfo = (
        socket.socket.connect,
        socket.socket.connect_ex,
        socket.getaddrinfo,
    )

    def check(sock: socket.socket, address: object) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_local(str(address[0])):  # type: ignore[index]
            attempts.append(address)
            raise AssertionError(f"a connection to {address} was attempted")

    def connect(sock: socket.socket, address: object) -> None:
        check(sock, address)
        real_connect(sock, address)  # type: ignore[arg-type]

    def connect_ex(sock: socket.socket, address: object) -> int:
        check(sock, address)
        return real_connect_ex(sock, address)  # type: ignore[arg-type]

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        if host is not None and not is_local(host.decode() if isinstance(host, bytes) else str(host)):
            attempts.append(host)
            raise AssertionError(f"a DNS lookup of {host!r} was attempted")
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield attempts
    assert attempts == []


class Listener:
    """Listens on a loopback port (127.0.0.1, and ::1 when it can) and records every connection."""

    def __init__(self) -> None:
        self.sockets = [socket.create_server(("127.0.0.1", 0))]
        self.port = self.sockets[0].getsockname()[1]
        with contextlib.suppress(OSError):  # no IPv6 here: the ::1 forms are still refused, unheard
            self.sockets.append(socket.create_server(("::1", self.port), family=socket.AF_INET6))
        self.accepted: list[object] = []
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self.watch, args=(sock,), daemon=True) for sock in self.sockets
        ]
        for thread in self.threads:
            thread.start()

    def watch(self, sock: socket.socket) -> None:
        sock.settimeout(0.05)
        while not self.stop.is_set():
            try:
                connection, peer = sock.accept()
            except OSError:  # timed out (nobody came) or closed
                continue
            self.accepted.append(peer)
            connection.close()

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()
        for sock in self.sockets:
            sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    watching = Listener()
    yield watching
    watching.close()


@pytest.fixture
def fetcher(tmp_path: Path) -> Fetcher:
    """The Fetcher the app builds, with TRACKER_ALLOW_PRIVATE_NETWORKS off and the system resolver."""
    settings = config.load(
        {"TRACKER_ALLOW_PRIVATE_NETWORKS": "off"},
        database_url=f"sqlite:///{tmp_path / 'tracker.sqlite'}",
        connect_timeout=1.0,
        read_timeout=1.0,
        fetch_deadline=2.0,
    )
    runtime = build_runtime(settings)
    assert runtime.guard.allow_private is False
    fetch = runtime.checking.fetch
    assert isinstance(fetch, Fetcher)
    return fetch


def stub_fetcher() -> Fetcher:
    return Fetcher(AddressGuard(allow_private=False, resolver=stub_resolver), user_agent="T/1", limits=LIMITS)


def fetch_error(fetch: Fetcher, url: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url)
    return caught.value


def test_the_table_is_long_enough():
    assert len(REFUSED) >= 40
    assert len({url for url, _ in REFUSED}) == len(REFUSED)


@pytest.mark.parametrize(("url", "code"), REFUSED)
def test_submitted_urls_are_refused(url: str, code: str):
    with pytest.raises(InvalidInput) as caught:
        submitted_url(url, allow_private=False)
    assert caught.value.code == code, caught.value.message


@pytest.mark.parametrize(("url", "code"), FETCHED)
def test_fetching_refuses_before_any_connection(url: str, code: str):
    """The fetch path refuses on its own (a URL may come from a redirect, a feed or an old row)."""
    error = fetch_error(stub_fetcher(), url)
    assert error.code in (BLOCKED, BAD), error.message


@pytest.mark.parametrize("host", sorted(RESOLVES_TO))
def test_names_resolving_to_refused_addresses_are_blocked_by_the_guard(host: str):
    with pytest.raises(FetchError) as caught:
        AddressGuard(allow_private=False, resolver=stub_resolver).pin(host, 80)
    assert caught.value.code == BLOCKED
    # The stub is what answered: allowed, the guard pins the first address it gave.
    pinned = AddressGuard(allow_private=True, resolver=stub_resolver).pin(host, 80)
    assert pinned == ipaddress.ip_address(RESOLVES_TO[host][0])


@pytest.mark.parametrize("host", sorted(RESOLVES_TO))
def test_names_resolving_to_refused_addresses_are_never_fetched(host: str):
    # Submission cannot know where a name leads: the check happens after resolution.
    assert submitted_url(f"http://{host}/a", allow_private=False) == f"http://{host}/a"
    assert fetch_error(stub_fetcher(), f"http://{host}/a").code == BLOCKED
    assert fetch_error(stub_fetcher(), f"https://{host}:8443/a").code == BLOCKED


@pytest.mark.parametrize("host", sorted(RESOLVES_TO))
def test_webhooks_and_resources_refuse_names_resolving_to_refused_addresses(host: str):
    client = Client(AddressGuard(allow_private=False, resolver=stub_resolver), user_agent="T/1")
    with pytest.raises(FetchError) as caught:
        fetch_resource(client, "POST", f"http://{host}/hook", {}, b"{}", limits=LIMITS)
    assert caught.value.code == BLOCKED


LOOPBACK_FORMS = [
    "http://127.0.0.1:{port}/",
    "http://127.0.0.1.:{port}/",
    "http://127.1:{port}/",
    "http://2130706433:{port}/",
    "http://0x7f.1:{port}/",
    "http://0x7f000001:{port}/",
    "http://0177.0.0.1:{port}/",
    "http://017700000001:{port}/",
    "http://0:{port}/",
    "http://0.0.0.0:{port}/",
    "http://localhost:{port}/",
    "http://LocalHost.:{port}/",
    "http://app.localhost:{port}/",
    "http://[::1]:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",
    "http://example.com@127.0.0.1:{port}/",
]


@pytest.mark.parametrize("form", LOOPBACK_FORMS)
def test_loopback_forms_end_to_end_never_connect(form: str, fetcher: Fetcher, listener: Listener):
    url = form.format(port=listener.port)
    with pytest.raises(InvalidInput):
        submitted_url(url, allow_private=False)
    assert fetch_error(fetcher, url).code == BLOCKED
    assert listener.accepted == []


def test_the_listener_does_hear_an_allowed_connection(listener: Listener):
    """The control for the test above: with private networks allowed, the same fetch connects."""
    allowed = Fetcher(AddressGuard(allow_private=True), user_agent="T/1", limits=LIMITS)
    with contextlib.suppress(FetchError):  # the listener hangs up at once
        allowed(f"http://127.0.0.1:{listener.port}/")
    listener.close()
    assert len(listener.accepted) == 1


class OriginOnLoopback(AddressGuard):
    """Lets the test's origin name reach the loopback page server; every other host is guarded."""

    def pin(self, host: str, port: int) -> IPAddress:
        if host == "origin.test":
            return ipaddress.ip_address("127.0.0.1")
        return super().pin(host, port)


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/",
        "http://2130706433:{port}/",
        "http://localhost:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://intranet.test:{port}/",  # the stub resolves it to 10.0.0.1
        "http://metadata.test/latest/meta-data/",
        "http://rebind.test:{port}/",
    ],
)
def test_a_redirect_to_a_refused_address_is_refused_on_the_hop(
    target: str, site: PageServer, listener: Listener
):
    site.routes["/hop"] = Reply(status=302, headers={"Location": target.format(port=listener.port)})
    guard = OriginOnLoopback(allow_private=False, resolver=stub_resolver)
    fetch = Fetcher(guard, user_agent="T/1", limits=LIMITS)
    assert fetch_error(fetch, f"http://origin.test:{site.port}/hop").code == BLOCKED
    assert [path for path, _ in site.requests] == ["/hop"]
    assert listener.accepted == []


def test_a_redirect_to_another_scheme_is_refused(site: PageServer):
    site.routes["/hop"] = Reply(status=301, headers={"Location": "file:///etc/passwd"})
    fetch = Fetcher(OriginOnLoopback(allow_private=False), user_agent="T/1", limits=LIMITS)
    assert fetch_error(fetch, f"http://origin.test:{site.port}/hop").code == BAD


# Apprise channels (json://, form://, xml://, ntfy://host ...) send with requests from inside Apprise:
# the same guard must pin every connection, and no redirect may be followed (issue 18, finding 1).
CHANNELS = [
    "json://origin.test:{port}/hook",
    "form://origin.test:{port}/hook",
    "xml://origin.test:{port}/hook",
    "ntfy://origin.test:{port}/hook",
    # the URL's own redirect=yes, and a header of the sender's choice, change nothing
    "json://origin.test:{port}/hook?redirect=yes&+X-Admin=1",
]


def redirect_everything(site: PageServer, location: str) -> None:
    """Answer the channel's POST (ntfy posts to /, the others to /hook) with a 307 to location."""
    for path in ("/", "/hook"):
        site.routes[path] = Reply(status=307, headers={"Location": location})


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_channel_redirect_to_loopback_is_refused_and_never_followed(
    channel: str, site: PageServer, listener: Listener
):
    redirect_everything(site, f"http://127.0.0.1:{listener.port}/admin")
    guard = OriginOnLoopback(allow_private=False, resolver=stub_resolver)
    attempt = notify_channel(channel.format(port=site.port), title="t", body="b", guard=guard)
    assert not attempt.succeeded
    assert attempt.error_code == "redirect_refused", attempt.error
    assert len(site.requests) == 1
    assert listener.accepted == []


def test_a_channel_redirect_is_never_recorded_as_a_success(site: PageServer):
    """Even when the redirect's target answers 200, the delivery failed. (Loopback allowed and
    named literally: only the redirect is on trial here, not the guard or the pinning.)"""
    redirect_everything(site, f"http://127.0.0.1:{site.port}/landed")
    site.routes["/landed"] = Reply(b"ok", content_type="text/plain")
    guard = AddressGuard(allow_private=True)
    attempt = notify_channel(f"json://127.0.0.1:{site.port}/hook", title="t", body="b", guard=guard)
    assert (attempt.succeeded, attempt.status) == (False, None)
    assert site.hits("/landed") == 0


def test_a_channel_connects_to_the_address_the_guard_pinned(site: PageServer):
    """Apprise never resolves origin.test itself (the fence would fail the test): the guard's answer
    is where it connects, under the channel's own name."""
    site.routes["/hook"] = Reply(b"thanks", content_type="text/plain")
    guard = OriginOnLoopback(allow_private=False, resolver=stub_resolver)
    attempt = notify_channel(f"json://origin.test:{site.port}/hook", title="t", body="b", guard=guard)
    assert attempt.succeeded, attempt.error
    [(path, headers)] = site.requests
    assert (path, headers["Host"]) == ("/hook", f"origin.test:{site.port}")


class Rebinding:
    """A resolver whose name is public when checked and loopback by the time it is used."""

    def __init__(self) -> None:
        self.answers = ["93.184.216.34", "127.0.0.1"]

    def __call__(self, host: str, port: int) -> list[IPAddress]:
        assert host == "flip.test", host
        return [ipaddress.ip_address(self.answers.pop(0) if len(self.answers) > 1 else self.answers[0])]


def test_a_channel_name_rebinding_to_loopback_after_the_check_is_refused(listener: Listener):
    guard = AddressGuard(allow_private=False, resolver=Rebinding())
    attempt = notify_channel(f"json://flip.test:{listener.port}/hook", title="t", body="b", guard=guard)
    assert attempt.error_code == "blocked_address", attempt.error
    assert listener.accepted == []


# HTTP clients that would open connections past requests' Session.get_adapter, where the channel
# transport is installed. An Apprise upgrade that sends with one of them must be reviewed.
OTHER_HTTP_CLIENTS = re.compile(
    r"^\s*(?:import|from)\s+(httpx|aiohttp|urllib3|urllib\.request|http\.client|pycurl)\b", re.MULTILINE
)
# utils/http.py subclasses urllib3's pools for a requests adapter that get_adapter replaces.
KNOWN_OTHER_CLIENTS = {"utils/http.py"}


def test_apprise_sends_http_only_through_requests_sessions():
    root = Path(apprise.__file__).parent
    users = {
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if OTHER_HTTP_CLIENTS.search(path.read_text(encoding="utf-8"))
    }
    assert users == KNOWN_OTHER_CLIENTS


def test_a_blocked_name_is_refused_without_saying_what_it_resolves_to():
    """One answer for every refused range, with no address in it: check errors and feed discovery
    show this message to users, who must not learn where internal names lead (issue 18)."""
    errors = {host: fetch_error(stub_fetcher(), f"http://{host}/a") for host in RESOLVES_TO}
    assert {error.code for error in errors.values()} == {BLOCKED}
    assert len({error.message.replace(host, "HOST") for host, error in errors.items()}) == 1
    for host, error in errors.items():
        assert "resolves to a private or loopback network" in error.message
        for address in RESOLVES_TO[host]:
            assert address not in error.message
