"""Fetch a page through headless Chromium, for sites whose article text is made by JavaScript.

Chromium itself reaches no network: it resolves no host name (--host-resolver-rules), and every
request the page makes is intercepted and answered through the tracker's own guarded fetcher, so
the address guard, the size cap and the timeouts apply to each script, image and redirect hop.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.adapters.fetch import Resource
from tracker.domain.errors import FetchError
from tracker.domain.pages import Page, Validators

if TYPE_CHECKING:
    from playwright.sync_api import Route

Resources = Callable[[str, str, dict[str, str], bytes | None], Resource]
FLAGS = [
    "--headless=new",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    # WebRTC opens UDP sockets (STUN, ICE) that no route intercepts: a page script could reach
    # loopback or the local network with them. Only proxied UDP is allowed, and there is no proxy.
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--force-webrtc-ip-handling-policy",
]
# A second layer: the page and its frames find no WebRTC objects at all. The flags above are what
# stops the packets, and they hold wherever an init script might not run.
NO_WEBRTC = """for (const name of ['RTCPeerConnection', 'webkitRTCPeerConnection', 'RTCDataChannel',
  'RTCIceCandidate', 'RTCSessionDescription', 'RTCRtpSender', 'RTCRtpReceiver', 'RTCRtpTransceiver']) {
  try { delete globalThis[name]; } catch (e) {}
}"""


@dataclass(frozen=True, slots=True)
class BrowserSettings:
    executable: str = "/usr/bin/chromium"
    timeout: float = 30.0  # seconds for the whole page, scripts included


def render_page(
    url: str, _validators: Validators, *, resources: Resources, settings: BrowserSettings
) -> Page:
    """Return the page as the browser built it; raise FetchError like a plain fetch would."""
    # Playwright is imported here, by the first page a site's rules send to the browser: every
    # process builds this renderer, few ever use it (0.1 to 0.25 s of imports).
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    failures: dict[str, FetchError] = {}

    def answer(route: Route) -> None:
        request = route.request
        if not request.url.startswith(("http://", "https://")):
            route.abort("blockedbyclient")
            return
        try:
            resource = resources(request.method, request.url, request.headers, request.post_data_buffer)
        except FetchError as error:
            failures[request.url] = error
            route.abort("blockedbyclient")
            return
        route.fulfill(status=resource.status, headers=resource.headers, body=resource.body)

    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=settings.executable, args=FLAGS)
            try:
                context = browser.new_context(service_workers="block", accept_downloads=False)
                context.add_init_script(NO_WEBRTC)
                # WebSockets bypass route(): close each before it connects (no socket is opened).
                context.route_web_socket("**/*", lambda socket: socket.close())
                tab = context.new_page()
                tab.route("**/*", answer)
                response = tab.goto(url, wait_until="networkidle", timeout=settings.timeout * 1000)
                html = tab.content()
                final_url = tab.url
                status = response.status if response else 0
                headers = tuple(response.headers.items()) if response else ()
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise failures.get(url) or FetchError(
            f"the browser could not load the page: {exc.message}", code="render_failed"
        ) from None
    if status >= 400:
        raise FetchError(
            f"the server answered {status} to the browser", code=f"http_{status}", http_status=status
        )
    return Page(
        url=url,
        final_url=final_url,
        status=200,
        headers=headers,
        body=html.encode(),
        content_type="text/html; charset=utf-8",
        etag=None,
        last_modified=None,
        duration_ms=round((time.monotonic() - started) * 1000),
    )
