"""The address a request came from, for the login throttle: the peer, or what a trusted proxy
says in ``X-Forwarded-For``.

Anyone can send ``X-Forwarded-For``; believed from anyone, it lets an attacker pick a fresh
address for every guess, or pin the blame on a neighbour's. It is read only when the peer is a
proxy named in ``MENWEI_TRUSTED_PROXIES`` (addresses or networks), and then from the right: the
first address that is not itself a trusted proxy is the client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import lru_cache

from fastapi import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=16)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted)


def _within(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_address(request: Request, trusted_proxies: Sequence[str] = ()) -> str:
    """The client's address as far as this server can trust it."""
    peer = request.client.host if request.client else "unknown"
    networks = _networks(tuple(trusted_proxies))
    if not networks or not _within(peer, networks):
        return peer
    chain = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
    for address in reversed([part for part in chain if part]):
        if not _within(address, networks):
            return address if _valid(address) else peer
    return peer
