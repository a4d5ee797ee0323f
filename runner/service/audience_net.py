"""Where the room reaches the audience listener: this machine's LAN addresses, as URLs.

The standard library has no list of interfaces, so the addresses come from two
portable questions: which source address the system would use for the default route
(a UDP socket's connect() sends nothing; the destination is a documentation address,
192.0.2.1, never contacted), and what the machine's host name resolves to. Loopback
and link-local addresses are left out: a phone cannot use them.
"""

import ipaddress
import socket
from collections.abc import Callable

_PROBE = "192.0.2.1"  # TEST-NET-1 (RFC 5737): only asks for a route, sends nothing


def lan_addresses(
    *,
    default_route: Callable[[], str | None] | None = None,
    host_addresses: Callable[[], list[str]] | None = None,
) -> list[str]:
    """This machine's IPv4 addresses that other machines on its networks may reach."""
    candidates = [(default_route or _default_route)(), *(host_addresses or _host_addresses)()]
    found: list[str] = []
    for candidate in candidates:
        if candidate is None or candidate in found:
            continue
        try:
            address = ipaddress.ip_address(candidate)
        except ValueError:
            continue
        if address.version == 4 and not (
            address.is_loopback or address.is_link_local or address.is_unspecified
        ):
            found.append(candidate)
    return found


def _default_route() -> str | None:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((_PROBE, 9))
            return str(probe.getsockname()[0])
    except OSError:  # no route at all: not on a network
        return None


def _host_addresses() -> list[str]:
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return [str(info[4][0]) for info in infos]


def audience_urls(host: str, port: int) -> list[str]:
    """The URLs that reach an audience listener bound to host: one per LAN address for a
    wildcard bind, else the one address it is bound to."""
    if host in ("", "0.0.0.0"):
        return [f"http://{address}:{port}/" for address in lan_addresses()]
    return [f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"]
