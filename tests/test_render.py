"""Sites whose text is made by JavaScript: fetched through headless Chromium, every request guarded."""

from __future__ import annotations

import functools
import ipaddress
import json
import socket
from pathlib import Path

import pytest

from tests.factories import FILLER
from tests.pageserver import PageServer
from tracker.adapters.fetch import Client, FetchLimits, fetch_resource
from tracker.adapters.netguard import AddressGuard
from tracker.adapters.render import BrowserSettings, render_page
from tracker.domain.errors import FetchError
from tracker.domain.extract import extract_article
from tracker.domain.pages import Validators
from tracker.domain.rules import make_rules

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium is not installed"),
]
SHELL = """<!doctype html><html><head><title>Live story</title></head><body><main><article id="story"></article></main>
<script src="/app.js"></script></body></html>"""
SCRIPT = """fetch('/story.json').then(r => r.json()).then(data => {
  const story = document.getElementById('story');
  story.innerHTML = '<h1>' + data.title + '</h1>' + data.paragraphs.map(p => '<p>' + p + '</p>').join('');
});"""


class OriginOnLoopback(AddressGuard):
    """Lets the test's own origin name reach the loopback server; everything else is judged as usual."""

    def pin(self, host: str, port: int):
        if host == "origin.test":
            return ipaddress.ip_address("127.0.0.1")
        return super().pin(host, port)


def renderer(guard: AddressGuard):
    http = Client(guard, user_agent="TrackerTest/1")
    resources = functools.partial(fetch_resource, http, limits=FetchLimits(max_bytes=1_000_000))
    return functools.partial(render_page, resources=resources, settings=BrowserSettings(timeout=15))


def serve_script_story(site: PageServer, paragraphs: list[str]) -> str:
    site.serve("/app.js", SCRIPT, content_type="application/javascript")
    site.serve(
        "/story.json",
        json.dumps({"title": "Live story", "paragraphs": paragraphs}),
        content_type="application/json",
    )
    return site.serve("/story", SHELL)


def test_a_rendered_page_has_the_text_scripts_made(site: PageServer):
    url = serve_script_story(site, [f"First. {FILLER}", f"Second. {FILLER}"])
    page = renderer(AddressGuard(allow_private=True))(url, Validators())
    article = extract_article(page.body.decode(), page.final_url, make_rules(render=True, include=["#story"]))
    assert article.paragraphs == (f"First. {FILLER}", f"Second. {FILLER}")  # the headline is the title
    assert {path for path, _ in site.requests} == {"/story", "/app.js", "/story.json"}


def test_every_request_of_a_rendered_page_passes_the_address_guard(site: PageServer):
    shell = SHELL.replace(
        '<script src="/app.js"></script>',
        f'<img src="http://127.0.0.1:{site.port}/secret.png"><script src="/app.js"></script>',
    )
    site.serve("/app.js", SCRIPT, content_type="application/javascript")
    site.serve("/story", shell)
    page = renderer(OriginOnLoopback(allow_private=False))(
        f"http://origin.test:{site.port}/story", Validators()
    )
    assert "Live story" in page.body.decode()
    seen = [path for path, _ in site.requests]
    assert "/secret.png" not in seen  # the loopback address was refused before any connection
    assert "/story" in seen and "/app.js" in seen


def test_a_refused_page_address_is_blocked_address(site: PageServer):
    with pytest.raises(FetchError) as caught:
        renderer(AddressGuard(allow_private=False))(site.url("/story"), Validators())
    assert caught.value.code == "blocked_address"
    assert site.requests == []


def test_an_http_error_of_the_page_is_its_code(site: PageServer):
    with pytest.raises(FetchError) as caught:
        renderer(AddressGuard(allow_private=True))(site.url("/missing"), Validators())
    assert caught.value.code == "http_404"


def test_a_site_rule_makes_checks_render_with_the_browser(runtime, site: PageServer):
    from datetime import UTC, datetime

    from tracker.services import articles, rules
    from tracker.services.checks import check_article

    url = serve_script_story(site, [f"First. {FILLER}", f"Second. {FILLER}"])
    now = datetime.now(UTC)
    with runtime.sessions.begin() as session:
        article_id = articles.add_article(session, url, user_id=None, allow_private=True, now=now)[0].id
        rules.set_rules(session, {"render": True}, by="admin", now=now, host="127.0.0.1")

    result = check_article(runtime.checking, article_id)

    assert (result.outcome, result.error_code) == ("first", None)
    assert "/story.json" in [path for path, _ in site.requests]


PEER_PAGE = """<!doctype html><html><head><title>Peer</title></head><body><main><p id="peer">pending</p></main>
<script>
const report = (text) => { document.getElementById('peer').textContent = text; };
try {
  const peer = new RTCPeerConnection({iceServers: [{urls: 'stun:127.0.0.1:%d'}]});
  peer.createDataChannel('probe');
  peer.onicecandidate = (event) => { if (event.candidate) report('candidate'); };
  peer.createOffer().then((offer) => peer.setLocalDescription(offer)).then(() => report('offered'));
} catch (error) { report('unavailable'); }
</script></body></html>"""


def test_a_rendered_page_can_neither_use_webrtc_nor_send_udp(site: PageServer):
    """WebRTC's STUN requests are UDP, which no route intercepts: they would reach loopback."""
    stun = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    stun.bind(("127.0.0.1", 0))
    stun.setblocking(False)
    url = site.serve("/peer", PEER_PAGE % stun.getsockname()[1])
    page = renderer(AddressGuard(allow_private=True))(url, Validators())
    assert '<p id="peer">unavailable</p>' in page.body.decode()
    with stun, pytest.raises(BlockingIOError):  # the browser has closed: anything sent is queued here
        stun.recv(2048)


def test_a_rendered_page_cannot_open_a_websocket(site: PageServer):
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    script = f"<script>new WebSocket('ws://127.0.0.1:{listener.getsockname()[1]}/');</script>"
    url = site.serve("/socket", f"<!doctype html><html><body><p>socket</p>{script}</body></html>")
    renderer(AddressGuard(allow_private=True))(url, Validators())
    with listener, pytest.raises(BlockingIOError):  # nobody connected
        listener.accept()
