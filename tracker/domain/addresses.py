"""Which network addresses the tracker may connect to: pure classification, no I/O.

Used when a URL is submitted (literal addresses) and after every DNS resolution (tracker.adapters.netguard).
"""

from __future__ import annotations

import ipaddress
import re
import socket

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Ranges that Python's is_global/is_reserved flags let through but that reach private
# networks or embed another address we cannot vouch for.
EXTRA_REFUSED = tuple(
    ipaddress.ip_network(net)
    for net in (
        "100.64.0.0/10",  # carrier-grade NAT
        "192.88.99.0/24",  # 6to4 relay anycast
        "64:ff9b::/96",  # NAT64: embeds any IPv4 address
        "64:ff9b:1::/48",  # local-use NAT64
        "2002::/16",  # 6to4: embeds any IPv4 address
        "2001::/32",  # Teredo
        "5f00::/16",  # segment routing
    )
)

# inet_aton's legacy spellings: 2130706433, 0x7f.1, 017700000001, 127.1. Only hosts made
# of such parts are handed to inet_aton, which would otherwise accept trailing junk.
NUMERIC_HOST = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}\.?", re.IGNORECASE)


def literal_address(host: str) -> IPAddress | None:
    """Return the address a host name spells literally, in any form a resolver accepts, else None."""
    bare = host.strip("[]")
    try:
        return ipaddress.ip_address(bare.split("%", 1)[0])
    except ValueError:
        pass
    if NUMERIC_HOST.fullmatch(bare):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(bare.rstrip(".")))
        except OSError:
            return None
    return None


def is_loopback_name(host: str) -> bool:
    """Return True for `localhost` and names under `.localhost`, loopback by RFC 6761 without DNS."""
    name = host.rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")


def refusal_reason(address: IPAddress) -> str | None:
    """Return why connecting to this address is refused (e.g. 'loopback'), or None when it is public."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return refusal_reason(address.ipv4_mapped)
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address.is_unspecified:
        return "unspecified"
    if address.is_private:
        return "private"
    if address.is_reserved or not address.is_global or any(address in net for net in EXTRA_REFUSED):
        return "reserved"
    return None
