"""Which addresses a webhook may reach, and the one way to turn a webhook URL into an address
the worker may connect to.

Webhook URLs are typed by users, and the worker POSTs to them from inside the cluster: without
a rule, a user could make it call the cluster's own services or the cloud's metadata endpoint
(server-side request forgery). So a URL is checked when it is registered (a field violation)
and again at every send (:meth:`WebhookTargets.check`): its host name is resolved **once**,
every address it resolves to must pass, and the connection goes to the checked address (see
``channels.post_webhook``), so a DNS answer that changes between the check and the connect
(rebinding) cannot lead to an internal address.

The rule: a target must be a public unicast address. Refused are loopback, private (RFC 1918,
unique local), shared/carrier-grade NAT, link-local, multicast, unspecified, documentation and
other reserved ranges (:data:`REFUSED_NETWORKS`), the same inside an IPv4-mapped or NAT64 IPv6
address, the names ``localhost``/``*.localhost``, and IPv4 addresses written any other way than
``a.b.c.d`` (``2130706433``, ``0x7f.1``, ``0177.0.0.1`` reach 127.0.0.1 through the resolver
but would escape a reader). Plain ``http`` is refused too.

The operator's allow-list (``WEBHOOK_ALLOWED_TARGETS``: CIDRs and host names, empty by
default) permits internal targets on purpose, over http as well. Cloud metadata endpoints
(:data:`METADATA_ADDRESSES`, :data:`METADATA_HOSTS`) are refused even then: they hold the
node's credentials and are never a webhook receiver.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Sequence[str]]
"""``(host name, port) -> addresses`` as strings; raises ``OSError`` when the name does not
resolve. :func:`resolve` asks the system; tests pass their own."""


def _networks(*pairs: tuple[str, str]) -> tuple[tuple[Network, str], ...]:
    return tuple((ipaddress.ip_network(cidr), reason) for cidr, reason in pairs)


REFUSED_NETWORKS = _networks(
    ("0.0.0.0/8", "an unspecified address"),
    ("10.0.0.0/8", "a private address"),
    ("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
    ("127.0.0.0/8", "a loopback address"),
    ("169.254.0.0/16", "a link-local address"),
    ("172.16.0.0/12", "a private address"),
    ("192.0.0.0/24", "a reserved address"),
    ("192.0.2.0/24", "a documentation address"),
    ("192.88.99.0/24", "a reserved address"),  # 6to4 relay anycast, deprecated
    ("192.168.0.0/16", "a private address"),
    ("198.18.0.0/15", "a reserved address"),  # benchmarking
    ("198.51.100.0/24", "a documentation address"),
    ("203.0.113.0/24", "a documentation address"),
    ("224.0.0.0/4", "a multicast address"),
    ("240.0.0.0/4", "a reserved address"),  # and 255.255.255.255, the broadcast address
    ("::/128", "an unspecified address"),
    ("::1/128", "a loopback address"),
    ("::/96", "a reserved address"),  # IPv4-compatible, deprecated
    ("64:ff9b:1::/48", "a private address"),  # local-use NAT64
    ("100::/64", "a reserved address"),  # discard-only
    ("2001::/23", "a reserved address"),  # IETF protocol assignments, Teredo
    ("2001:db8::/32", "a documentation address"),
    ("2002::/16", "a reserved address"),  # 6to4: an IPv4 address inside
    ("3fff::/20", "a documentation address"),
    ("fc00::/7", "a private address"),  # unique local
    ("fe80::/10", "a link-local address"),
    ("fec0::/10", "a private address"),  # site-local, deprecated
    ("ff00::/8", "a multicast address"),
)
"""Where a webhook may not connect, with the reason its owner is shown. IPv6 outside
2000::/3 (global unicast) is refused as reserved too."""

GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # the well-known prefix: an IPv4 address inside

METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, Oracle, OpenStack, DigitalOcean ...
        "169.254.170.2",  # AWS ECS task metadata and credentials
        "169.254.170.23",  # AWS EKS pod identity
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "fd00:ec2::23",  # AWS EKS pod identity over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud (classic)
    )
)
"""Cloud metadata endpoints: refused even when the allow-list covers them."""

METADATA_HOSTS = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
"""Names of metadata endpoints: refused even when the allow-list names them."""

HOST_NAME = re.compile(r"^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_-]{1,63})*$")
HTTPS_ONLY = "must be an https URL"


class TargetRefused(ValueError):
    """The URL may not be a webhook's; ``str()`` says why, worded as a field violation."""


class TargetUnresolved(OSError):
    """The URL's host name does not resolve (now): nothing to connect to, nothing refused."""


@dataclass(frozen=True)
class WebhookUrl:
    """A syntactically acceptable webhook URL, taken apart."""

    url: str
    scheme: str
    host: str
    """Lower case, without a trailing dot; an IPv6 literal without its brackets."""
    port: int
    netloc: str
    """``host[:port]`` as the URL gives it: the ``Host`` header."""
    literal: Address | None
    """The address when the host is an IP address literal."""


@dataclass(frozen=True)
class Target:
    """Where a checked webhook goes: its URL, and the address it was checked at (connect
    there, never to what the name resolves to later)."""

    url: WebhookUrl
    address: Address


def parse_url(url: str) -> WebhookUrl:
    """Take a webhook URL apart, or raise :class:`TargetRefused` when it is not one: a
    scheme other than http(s), a user name or password, no host, a host that is not a name
    or an address, an IPv4 address not written ``a.b.c.d``."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise TargetRefused("is not a URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise TargetRefused(HTTPS_ONLY)
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("must not carry a user name or password")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise TargetRefused("must name a host")
    if not host.isascii():
        raise TargetRefused("write an international host name in its xn-- (punycode) form")
    literal = _address_literal(host)
    if literal is None:
        if _is_other_ipv4_form(host):
            raise TargetRefused("write an IPv4 address as four decimal numbers, a.b.c.d")
        if not HOST_NAME.match(host):
            raise TargetRefused("is not a valid host name")
    default_port = 443 if scheme == "https" else 80
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return WebhookUrl(
        url=url.strip(),
        scheme=scheme,
        host=host,
        port=port or default_port,
        netloc=netloc,
        literal=literal,
    )


def _address_literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _is_other_ipv4_form(host: str) -> bool:
    """True for what the C resolver reads as an IPv4 address though it is not ``a.b.c.d``:
    ``2130706433``, ``0x7f.1``, ``127.1``, ``0177.0.0.1`` (pure parsing, no lookup)."""
    try:
        socket.inet_aton(host)
    except OSError:
        return False
    return True


def _unscoped(address: Address) -> Address:
    """The address without an IPv6 zone (``fe80::1%eth0``): zones do not change the range."""
    if isinstance(address, ipaddress.IPv6Address) and address.scope_id:
        return ipaddress.IPv6Address(str(address).split("%", 1)[0])
    return address


def _inner(address: Address) -> Address:
    """The IPv4 address an IPv4-mapped (``::ffff:a.b.c.d``) or NAT64 (``64:ff9b::/96``) IPv6
    address reaches; the address itself otherwise."""
    address = _unscoped(address)
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def is_metadata(address: Address) -> bool:
    return _unscoped(address) in METADATA_ADDRESSES or _inner(address) in METADATA_ADDRESSES


def address_refusal(address: Address) -> str | None:
    """Why a webhook may not connect to ``address`` before any allow-list ("a loopback
    address"), or None when it is a public unicast address."""
    if is_metadata(address):
        return "a cloud metadata address"
    address = _inner(address)
    for network, reason in REFUSED_NETWORKS:
        if address in network:
            return reason
    if isinstance(address, ipaddress.IPv6Address) and address not in GLOBAL_UNICAST_V6:
        return "a reserved address"
    return None


@dataclass(frozen=True)
class AllowList:
    """The operator's internal targets permitted on purpose: networks and exact host names."""

    networks: tuple[Network, ...] = ()
    hosts: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, value: str) -> AllowList:
        """``10.40.0.0/24, 192.168.7.12, hooks.corp.example``: comma-separated CIDRs (a bare
        address is one host) and host names. Raises ``ValueError`` naming a bad entry."""
        networks: list[Network] = []
        hosts: set[str] = set()
        for entry in (part.strip().lower().rstrip(".") for part in value.split(",")):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
                continue
            except ValueError:
                pass
            if "/" in entry or _is_other_ipv4_form(entry) or not HOST_NAME.match(entry):
                raise ValueError(f"{entry!r} is neither a CIDR (10.40.0.0/24) nor a host name")
            hosts.add(entry)
        return cls(tuple(networks), frozenset(hosts))

    def permits(self, host: str, address: Address) -> bool:
        if host in self.hosts:
            return True
        candidates = {_unscoped(address), _inner(address)}
        return any(a in network for a in candidates for network in self.networks)


def resolve(host: str, port: int) -> list[str]:
    """The system resolver's addresses of ``host``, in its order, each once."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class WebhookTargets:
    """The address policy with the operator's allow-list and a resolver."""

    allow: AllowList = field(default_factory=AllowList)
    resolver: Resolver = resolve

    def check(self, url: str) -> Target:
        """Take ``url`` apart, resolve its host once and check every address it resolves to:
        the :class:`Target` to connect to. Raises :class:`TargetRefused` (the URL may not be
        used; the message is fit for its owner and names no address) or
        :class:`TargetUnresolved`."""
        parsed = parse_url(url)
        name_refused = self._name_refusal(parsed.host)
        if name_refused:
            raise TargetRefused(f"must not point to {name_refused}")
        addresses = [parsed.literal] if parsed.literal else self._resolve(parsed)
        permitted = True  # every address is one the operator allows
        for address in addresses:
            if is_metadata(address):
                raise TargetRefused("must not point to a cloud metadata address")
            if self.allow.permits(parsed.host, address):
                continue
            permitted = False
            reason = address_refusal(address)
            if reason:
                raise TargetRefused(f"must not point to {reason}")
        if parsed.scheme != "https" and not permitted:
            raise TargetRefused(HTTPS_ONLY)
        return Target(parsed, addresses[0])

    def registration_refusal(self, url: str) -> str | None:
        """Why ``url`` cannot be registered as a webhook, or None. A name that does not
        resolve now is accepted over https (it is checked again at every send); plain http
        needs the allow-list, so it needs an answer."""
        try:
            self.check(url)
        except TargetRefused as refused:
            return str(refused)
        except TargetUnresolved:
            parsed = parse_url(url)
            if parsed.scheme != "https" and parsed.host not in self.allow.hosts:
                return HTTPS_ONLY
        return None

    def _name_refusal(self, host: str) -> str | None:
        if host in METADATA_HOSTS:
            return "a cloud metadata address"
        if host in self.allow.hosts:
            return None
        if host == "localhost" or host.endswith(".localhost"):
            return "a loopback address"
        return None

    def _resolve(self, parsed: WebhookUrl) -> list[Address]:
        try:
            answers = self.resolver(parsed.host, parsed.port)
        except OSError as exc:
            raise TargetUnresolved(parsed.host) from exc
        addresses = list(dict.fromkeys(ipaddress.ip_address(a) for a in answers))
        if not addresses:
            raise TargetUnresolved(parsed.host)
        return addresses
