"""The address guard: resolve a host once and return the one address a connection may use.

Every outbound HTTP connection (pages, feeds, robots.txt, webhooks, rendered pages' resources,
Apprise's channels: all through tracker.adapters.fetch.Client) goes through `AddressGuard.pin`,
after DNS and on every redirect hop; the caller connects to the returned address, so a second
DNS answer can never slip in between check and connect (no DNS-rebinding window).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass, field

from tracker.domain.addresses import IPAddress, is_loopback_name, literal_address, refusal_reason
from tracker.domain.errors import FetchError

Resolver = Callable[[str, int], list[IPAddress]]


def system_resolver(host: str, port: int) -> list[IPAddress]:
    """Return every address the system resolver gives for host."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


@dataclass(frozen=True)
class AddressGuard:
    """Refuses private, loopback, link-local and reserved addresses unless allow_private is set."""

    allow_private: bool = False
    resolver: Resolver = field(default=system_resolver)

    def pin(self, host: str, port: int) -> IPAddress:
        """Return the address to connect to for host; raise FetchError (blocked_address, dns)."""
        addresses = self.addresses(host, port)
        if not self.allow_private and any(refusal_reason(address) for address in addresses):
            # One answer for every refused range, and never the address: messages reach users
            # (check errors, feed discovery), and naming what an internal name resolves to, or
            # which kind of range, would make the service a DNS oracle for its network.
            raise FetchError(
                f"{host}: the address resolves to a private or loopback network, which this service "
                "does not fetch (an administrator can allow it with TRACKER_ALLOW_PRIVATE_NETWORKS=on)",
                code="blocked_address",
            )
        return addresses[0]

    def addresses(self, host: str, port: int) -> list[IPAddress]:
        """Return the addresses host stands for: literal, RFC 6761 loopback, or resolved."""
        literal = literal_address(host)
        if literal is not None:
            return [literal]
        if is_loopback_name(host):
            return [ipaddress.IPv4Address("127.0.0.1")]
        try:
            addresses = self.resolver(host, port)
        except (socket.gaierror, UnicodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not a valid host name"
            raise FetchError(
                f"the name {host} was not found (DNS: {reason.lower()}); check the address", code="dns"
            ) from exc
        if not addresses:
            raise FetchError(f"{host} has no address; check the host name", code="dns")
        return addresses
