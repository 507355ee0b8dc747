"""The client's address behind reverse proxies (TRACKER_TRUSTED_PROXIES).

A WSGI middleware, so the run command (waitress), gunicorn and `flask run` all get it the same way:
when the connection comes from a trusted proxy, REMOTE_ADDR becomes the rightmost address of
X-Forwarded-For that is not itself a trusted proxy (the last hop no proxy of ours vouches for; the
entries left of it may be anything the client wrote), and the scheme the nearest proxy reports in
X-Forwarded-Proto becomes the request's. From any other peer both headers are ignored, so a client
cannot choose the address that the sign-in limit counts. Forwarded (RFC 7239) is not read: believing
two headers would let a client spoof whichever one its proxy leaves alone.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

from config import Network, trusted_networks
from tracker.domain.addresses import IPAddress

WSGIApp = Callable[[dict[str, Any], Any], Iterable[bytes]]
SCHEMES = frozenset({"http", "https"})


def init_app(app: Flask, trusted: str) -> None:
    """Wrap the app in the middleware when proxies are trusted; raise SettingError for a bad list."""
    networks = trusted_networks(trusted)
    if networks:
        app.wsgi_app = TrustedProxies(app.wsgi_app, networks)  # type: ignore[method-assign]


def address(text: str) -> IPAddress | None:
    """Return the address written in text (an IPv4-mapped IPv6 one as IPv4), None if it is none."""
    try:
        parsed = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        return parsed.ipv4_mapped  # a dual-stack socket reports IPv4 peers so
    return parsed


class TrustedProxies:
    """Take the client's address and scheme from trusted proxies' headers; see the module's docstring."""

    def __init__(self, app: WSGIApp, networks: tuple[Network, ...]) -> None:
        self.app = app
        self.networks = networks

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        peer = address(environ.get("REMOTE_ADDR", ""))
        if peer is not None and self.is_trusted(peer):
            hops = environ.get("HTTP_X_FORWARDED_FOR", "").split(",")
            environ["REMOTE_ADDR"] = str(self.client(peer, hops))
            scheme = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if scheme in SCHEMES:
                environ["wsgi.url_scheme"] = scheme
        return self.app(environ, start_response)

    def is_trusted(self, peer: IPAddress) -> bool:
        return any(peer in network for network in self.networks)

    def client(self, peer: IPAddress, hops: list[str]) -> IPAddress:
        """Return the rightmost hop that is not a trusted proxy; an entry that is no address (say
        "unknown") ends the walk at the nearest proxy, whose own address then counts."""
        nearest = peer
        for hop in reversed([hop for hop in hops if hop.strip()]):
            found = address(hop)
            if found is None:
                return nearest
            if not self.is_trusted(found):
                return found
            nearest = found
        return nearest
