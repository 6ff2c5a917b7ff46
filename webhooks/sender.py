"""The only way a webhook request leaves the platform: an SSRF-safe, bounded HTTP POST.

Security invariant: a request goes only to an address that was checked. The URL's host is resolved
once, every address it resolves to must be public (not loopback, private, link-local, metadata,
CGNAT, multicast, reserved, nor such an address wrapped in IPv6: IPv4-mapped, -compatible and
-translated, NAT64, 6to4, Teredo, ISATAP — see ``address_is_public``), and the connection is made
to that very address — with the original name in ``Host`` and TLS SNI/certificate checks — so a
DNS answer that changes between the check and the connection (DNS rebinding) cannot redirect it.
Hosts named in ``WEBHOOK_ALLOWED_PRIVATE_HOSTS`` skip the public-address rule (local development,
tests). Redirects are never followed.
"""

import email.utils
import ipaddress
import socket
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import certifi
import httpx
from django.conf import settings

CONNECT_TIMEOUT_SECONDS = 5.0
TOTAL_TIMEOUT_SECONDS = 15.0
MAX_RESPONSE_BYTES = 64 * 1024
STORED_RESPONSE_BYTES = 4 * 1024

# host, port → the addresses it resolves to (strings). Injectable so tests can play DNS.
Resolver = Callable[[str, int], list[str]]

# Ranges refused whatever Python's ``is_global`` says (it lets some of them through, and its answer
# has changed between Python releases), on top of every address that is not global.
REFUSED_IPV4_NETWORKS = tuple(
    ipaddress.IPv4Network(network)
    for network in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
        "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    )
)  # fmt: skip
REFUSED_IPV6_NETWORKS = tuple(
    ipaddress.IPv6Network(network)
    for network in (
        "::/96",            # IPv4-compatible (deprecated, RFC 4291), with :: and ::1
        "::ffff:0:0:0/96",  # IPv4-translated (RFC 2765 SIIT; dropped by RFC 6145)
        "64:ff9b:1::/48",   # local-use NAT64 (RFC 8215): translates into a private network
        "2001::/32",        # Teredo: a client's NAT traversal, never a webhook receiver
        "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    )
)  # fmt: skip
_IPV4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_ISATAP_INTERFACE_ID = 0x00005EFE  # ::0:5efe:a.b.c.d, and ::200:5efe:… (the u/g bits masked)
_ISATAP_MASK = 0xFCFFFFFF


def embedded_ipv4_addresses(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """Every IPv4 address that ``ip`` carries in a form some network translates or tunnels to:
    IPv4-mapped (``::ffff:a.b.c.d``), IPv4-compatible (``::a.b.c.d``), IPv4-translated
    (``::ffff:0:a.b.c.d``), NAT64 (``64:ff9b::a.b.c.d``, ``64:ff9b:1::a.b.c.d``: the low 32
    bits), 6to4 (``2002:AABB:CCDD::/48``), Teredo (``2001:0:SSSS:SSSS::``: the server, and the
    client in the low 32 bits, inverted) and ISATAP interface ids (``…:0:5efe:a.b.c.d`` in any
    /64). A packet sent to ``ip`` may end up at any of them."""
    value = int(ip)
    low32 = ipaddress.IPv4Address(value & 0xFFFFFFFF)
    embedded = []
    if ip in _IPV4_MAPPED or ip in _IPV4_TRANSLATED or ip in _IPV4_COMPATIBLE:
        embedded.append(low32)
    if any(ip in network for network in _NAT64):
        embedded.append(low32)
    if ip.sixtofour is not None:
        embedded.append(ip.sixtofour)
    if ip.teredo is not None:
        embedded.extend(ip.teredo)  # (server, client)
    if (value >> 32) & _ISATAP_MASK == _ISATAP_INTERFACE_ID:
        embedded.append(low32)
    return embedded


def address_is_public(address: str) -> bool:
    """Whether webhooks may be sent to ``address``: a global unicast address outside every
    refused range — and, for an IPv6 address that embeds IPv4 addresses, each of those would be
    allowed itself (an IPv4-mapped address is judged by its IPv4 address alone: that is where the
    connection goes)."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6:
        embedded = embedded_ipv4_addresses(ip)
        if not all(address_is_public(str(ipv4)) for ipv4 in embedded):
            return False
        if ip in _IPV4_MAPPED:
            return True
        refused = REFUSED_IPV6_NETWORKS
    else:
        refused = REFUSED_IPV4_NETWORKS
    if any(ip in network for network in refused):
        return False
    return ip.is_global and not ip.is_multicast


class UnsafeUrlError(Exception):
    """The URL may not receive webhooks; ``str()`` says why in words a customer understands."""


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = []
    for info in infos:
        address = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone id
        if address not in addresses:
            addresses.append(address)
    return addresses


def _allowed_private_hosts() -> set[tuple[str, int | None]]:
    allowed = set()
    for entry in settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS:
        parts = urlsplit(f"//{entry.strip()}")
        if parts.hostname:
            allowed.add((parts.hostname.lower(), parts.port))
    return allowed


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (``address``) and what to call the host."""

    scheme: str
    hostname: str
    port: int
    path_and_query: str
    address: str

    @property
    def host_header(self) -> str:
        host = f"[{self.hostname}]" if ":" in self.hostname else self.hostname
        default_port = 443 if self.scheme == "https" else 80
        return host if self.port == default_port else f"{host}:{self.port}"

    @property
    def connect_url(self) -> str:
        address = f"[{self.address}]" if ":" in self.address else self.address
        return f"{self.scheme}://{address}:{self.port}{self.path_and_query}"


def url_check(url: str, *, resolver: Resolver | None = None) -> Target:
    """Resolve ``url``'s host once and return where to connect, or raise ``UnsafeUrlError``.

    Used both when an endpoint is registered and right before every connection.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeUrlError(f"The URL is malformed ({error}).") from None
    allowed_schemes = {"https", "http"} if settings.WEBHOOK_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed_schemes:
        raise UnsafeUrlError(f"The URL must use {' or '.join(sorted(allowed_schemes))}.")
    if not parts.hostname:
        raise UnsafeUrlError("The URL has no host.")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrlError("The URL must not contain credentials.")
    hostname = parts.hostname.lower().rstrip(".")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = (resolver or system_resolver)(hostname, port)
    except (OSError, UnicodeError):
        addresses = []
    if not addresses:
        raise UnsafeUrlError(f"The host {hostname!r} does not resolve.")
    allowed = _allowed_private_hosts()
    if (hostname, None) not in allowed and (hostname, port) not in allowed:
        for address in addresses:
            if not address_is_public(address):
                raise UnsafeUrlError(
                    f"The host {hostname!r} resolves to a non-public address ({address}); "
                    "webhooks are only sent to public internet addresses."
                )
    path = parts.path or "/"
    return Target(
        scheme=parts.scheme,
        hostname=hostname,
        port=port,
        path_and_query=f"{path}?{parts.query}" if parts.query else path,
        address=addresses[0],
    )


@dataclass(frozen=True)
class SendResult:
    status_code: int | None
    body: bytes  # at most STORED_RESPONSE_BYTES
    error: str
    latency_ms: int
    retry_after_seconds: float | None

    @property
    def is_success(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


_clients: OrderedDict[tuple, httpx.Client] = OrderedDict()
_clients_lock = threading.Lock()
_tls_context: ssl.SSLContext | None = None
MAX_POOLED_TARGETS = 256


def _http_client(target: Target) -> httpx.Client:
    """A keep-alive client per (scheme, host name, checked address, port), kept per process.

    Security invariant: a pooled connection is reused only for the host name *and* address it was
    opened for, so it never carries another name's request, and a name that now resolves
    elsewhere gets a fresh connection to the newly checked address. One TLS context serves all.
    """
    global _tls_context
    key = (target.scheme, target.hostname, target.address, target.port)
    with _clients_lock:
        client = _clients.get(key)
        if client is not None:
            _clients.move_to_end(key)
            return client
        if _tls_context is None:
            _tls_context = ssl.create_default_context(cafile=certifi.where())
        client = httpx.Client(
            verify=_tls_context,
            follow_redirects=False,
            trust_env=False,  # no proxy from the environment: we connect where we checked
            timeout=httpx.Timeout(TOTAL_TIMEOUT_SECONDS, connect=CONNECT_TIMEOUT_SECONDS),
            # Room for the 8 requests a fan-out batch may send to one host at once: with fewer
            # kept alive, each batch closes and reopens connections (and can overflow a small
            # receiver's accept backlog: a 1 s SYN retransmit).
            limits=httpx.Limits(
                max_connections=20, max_keepalive_connections=8, keepalive_expiry=5.0
            ),
        )
        _clients[key] = client
        if len(_clients) > MAX_POOLED_TARGETS:
            _clients.popitem(last=False)  # dropped, not closed: a thread may still be using it
        return client


def retry_after_parse(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def webhook_post(
    url: str, *, body: bytes, headers: dict[str, str], resolver: Resolver | None = None
) -> SendResult:
    """POST ``body`` to ``url``: 5 s to connect, 15 s to answer and the body read within 15 s of
    the start (checked between chunks), at most 64 KiB of the response read, redirects are
    failures. Never raises for network trouble: the result says what happened."""
    started = time.monotonic()

    def result(status_code=None, response_body=b"", error="", retry_after=None) -> SendResult:
        return SendResult(
            status_code=status_code,
            body=response_body[:STORED_RESPONSE_BYTES],
            error=error[:500],
            latency_ms=int((time.monotonic() - started) * 1000),
            retry_after_seconds=retry_after,
        )

    try:
        target = url_check(url, resolver=resolver)
    except UnsafeUrlError as error:
        return result(error=f"refused: {error}")
    request_headers = {**headers, "Host": target.host_header}
    extensions = {"sni_hostname": target.hostname} if target.scheme == "https" else {}
    deadline = started + TOTAL_TIMEOUT_SECONDS
    try:
        with _http_client(target).stream(
            "POST", target.connect_url, content=body, headers=request_headers, extensions=extensions
        ) as response:
            received = bytearray()
            for chunk in response.iter_raw():
                received += chunk
                if len(received) >= MAX_RESPONSE_BYTES:
                    break
                if time.monotonic() > deadline:
                    return result(response.status_code, bytes(received), "timeout reading body")
            status_code = response.status_code
            retry_after = None
            if status_code in (429, 503):
                retry_after = retry_after_parse(response.headers.get("Retry-After"))
            error = ""
            if 300 <= status_code < 400:
                error = f"redirect to {response.headers.get('Location', '?')!r} not followed"
            elif not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
            return result(status_code, bytes(received), error, retry_after)
    except httpx.ConnectTimeout:
        return result(error="connect timeout")
    except httpx.TimeoutException:
        return result(error="timeout")
    except httpx.HTTPError as error:
        return result(error=f"{type(error).__name__}: {error}")
