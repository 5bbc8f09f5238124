"""Connect only to public addresses, unless the address itself was named.

Links are already confined to a source's hosts, but a host name is only as good as its DNS:
a portal name that resolves to 127.0.0.1, 10.x or 169.254.169.254 (a hijacked or rebinding
resolver) would turn the crawler against the machine it runs on. So names are resolved here,
once, and connected to by address (no second lookup to race); a name whose addresses are
all loopback, private, link-local or reserved is refused. An address written as such in a
URL (``http://127.0.0.1:8000/``) or ``localhost`` is taken as meant: the source named it.
Intranet deployments turn the check off with ``CrawlSettings.allow_private_addresses``.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable

import httpcore

Resolver = Callable[[str, int], list[str]]


class AddressRefused(httpcore.NetworkError):
    """The host resolves only to addresses the crawler must not reach. (Not a ConnectError,
    which httpcore would retry: the answer will not change.)"""


def resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def is_named_address(host: str) -> bool:
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def is_public(address: str) -> bool:
    return ipaddress.ip_address(address.split("%")[0]).is_global


class PublicAddressesOnly(httpcore.NetworkBackend):
    """A network backend that connects a host name only to its public addresses."""

    def __init__(self, backend: httpcore.NetworkBackend, resolver: Resolver = resolve) -> None:
        self._backend = backend
        self._resolve = resolver

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable | None = None) -> httpcore.NetworkStream:
        if is_named_address(host):
            return self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        try:
            addresses = self._resolve(host, port)
        except OSError as exc:  # as httpcore reports a failed lookup
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        public = [a for a in addresses if is_public(a)]
        if not public:
            raise AddressRefused(
                f"{host} resolves only to non-public addresses ({', '.join(addresses)}); "
                "not connecting (set allow_private_addresses for an intranet portal)"
            )
        last_error: Exception | None = None
        for address in public:  # as socket.create_connection tries each address
            try:
                return self._backend.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                last_error = exc
        raise last_error  # type: ignore[misc]

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable | None = None) -> httpcore.NetworkStream:
        return self._backend.connect_unix_socket(path, timeout, socket_options)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)
