"""The webhook address policy (``webhook_targets``): which URLs and addresses a webhook may
reach, with a resolver the tests control (no DNS is asked)."""

from __future__ import annotations

import ipaddress

import pytest
from notification_service.settings import NotificationWorkerSettings
from notification_service.webhook_targets import (
    AllowList,
    TargetRefused,
    TargetUnresolved,
    WebhookTargets,
    address_refusal,
    parse_url,
)

PUBLIC_V4 = "93.184.215.14"
PUBLIC_V6 = "2606:2800:21f:cb07:6820:80da:af6b:8b2c"
LOOPBACK = ipaddress.ip_address("127.0.0.1")


def answers(mapping: dict[str, list[str]]):
    """A resolver: the addresses the mapping gives each name; other names do not resolve."""
    calls: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        if host not in mapping:
            raise OSError(f"{host}: Name or service not known")
        return mapping[host]

    resolver.calls = calls
    return resolver


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "a loopback address"),
        ("127.255.255.254", "a loopback address"),
        ("10.0.0.1", "a private address"),
        ("172.16.0.1", "a private address"),
        ("172.31.255.255", "a private address"),
        ("192.168.1.1", "a private address"),
        ("100.64.0.1", "a shared (carrier-grade NAT) address"),
        ("100.127.255.254", "a shared (carrier-grade NAT) address"),
        ("169.254.1.1", "a link-local address"),
        ("169.254.169.254", "a cloud metadata address"),
        ("169.254.170.2", "a cloud metadata address"),
        ("100.100.100.200", "a cloud metadata address"),
        ("0.0.0.0", "an unspecified address"),
        ("0.1.2.3", "an unspecified address"),
        ("224.0.0.1", "a multicast address"),
        ("239.255.255.250", "a multicast address"),
        ("240.0.0.1", "a reserved address"),
        ("255.255.255.255", "a reserved address"),
        ("192.0.2.1", "a documentation address"),
        ("198.18.0.1", "a reserved address"),
        ("::1", "a loopback address"),
        ("::", "an unspecified address"),
        ("fc00::1", "a private address"),
        ("fd12:3456::1", "a private address"),
        ("fd00:ec2::254", "a cloud metadata address"),
        ("fe80::1", "a link-local address"),
        ("fe80::1%eth0", "a link-local address"),
        ("ff02::1", "a multicast address"),
        ("2001:db8::1", "a documentation address"),
        ("::ffff:127.0.0.1", "a loopback address"),  # IPv4-mapped
        ("::ffff:a00:1", "a private address"),  # ::ffff:10.0.0.1
        ("::ffff:169.254.169.254", "a cloud metadata address"),
        ("64:ff9b::7f00:1", "a loopback address"),  # NAT64 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "a cloud metadata address"),  # NAT64 of 169.254.169.254
        ("::127.0.0.1", "a reserved address"),  # IPv4-compatible, deprecated
        ("2002:7f00:1::1", "a reserved address"),  # 6to4 around 127.0.0.1
        ("100::1", "a reserved address"),
        ("4000::1", "a reserved address"),  # outside global unicast
    ],
)
def test_internal_and_reserved_addresses_are_refused_with_their_kind(address, reason):
    assert address_refusal(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize(
    "address",
    [
        PUBLIC_V4,
        "8.8.8.8",
        "1.1.1.1",
        "100.63.255.255",
        "100.128.0.1",
        "172.32.0.1",
        "::ffff:93.184.215.14",
        PUBLIC_V6,
        "2400:3200::1",
    ],
)
def test_public_unicast_addresses_pass(address):
    assert address_refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest/",
        "https://[::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://[fd00:ec2::254]/",
        "https://100.100.100.200/",
        "https://[fe80::1%25eth0]/",
    ],
)
def test_address_literals_are_refused_without_asking_any_resolver(url):
    resolver = answers({})
    with pytest.raises(TargetRefused, match="^must not point to "):
        WebhookTargets(resolver=resolver).check(url)
    assert resolver.calls == []


@pytest.mark.parametrize(
    "url",
    [
        "https://2130706433/",  # decimal 127.0.0.1
        "https://0x7f000001/",  # hexadecimal
        "https://0x7f.0.0.1/",
        "https://017700000001/",  # octal
        "https://0177.0.0.1/",
        "https://127.1/",  # short form
        "https://010.0.0.1/",  # octal 8.0.0.1 to the C resolver, not 10.0.0.1
    ],
)
def test_ipv4_addresses_not_written_a_b_c_d_are_refused(url):
    with pytest.raises(TargetRefused, match="four decimal numbers"):
        parse_url(url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://hooks.example.com/", "must be an https URL"),
        ("file:///etc/passwd", "must be an https URL"),
        ("hooks.example.com/crm", "must be an https URL"),
        ("https://user:pw@hooks.example.com/", "must not carry a user name or password"),
        ("https://127.0.0.1@hooks.example.com/", "must not carry a user name or password"),
        ("https:///crm", "must name a host"),
        ("https://hooks.example.com:99999/", "is not a URL"),
        ("https://bad_host!.example.com/", "is not a valid host name"),
        ("https://bücher.example/", "xn--"),
    ],
)
def test_what_is_not_a_webhook_url(url, message):
    with pytest.raises(TargetRefused, match=message):
        parse_url(url)


def test_a_url_is_taken_apart_for_the_connection():
    parsed = parse_url("https://Hooks.Example.com.:8443/crm?x=1")
    assert (parsed.scheme, parsed.host, parsed.port, parsed.netloc) == (
        "https",
        "hooks.example.com",
        8443,
        "Hooks.Example.com.:8443",
    )
    assert parse_url("https://[2606:2800::1]/").netloc == "[2606:2800::1]"
    assert parse_url("http://hooks.example.com/").port == 80


def test_a_name_is_resolved_once_and_every_address_must_pass():
    resolver = answers(
        {"hooks.example.com": [PUBLIC_V4, PUBLIC_V6], "mixed.example.com": [PUBLIC_V4, "10.0.0.7"]}
    )
    targets = WebhookTargets(resolver=resolver)

    target = targets.check("https://hooks.example.com/crm")
    assert target.address == ipaddress.ip_address(PUBLIC_V4)
    assert resolver.calls == ["hooks.example.com"]
    # One internal answer among public ones is enough to refuse: the client may pick any.
    with pytest.raises(TargetRefused, match="must not point to a private address"):
        targets.check("https://mixed.example.com/crm")


@pytest.mark.parametrize(
    "name",
    [
        "localhost",
        "LOCALHOST",
        "localhost.",
        "api.localhost",
        "metadata.google.internal",
        "metadata",
        "metadata.goog",
        "instance-data",
    ],
)
def test_loopback_and_metadata_names_are_refused_before_any_lookup(name):
    resolver = answers({name.lower().rstrip("."): [PUBLIC_V4]})
    with pytest.raises(TargetRefused, match="must not point to a (loopback|cloud metadata)"):
        WebhookTargets(resolver=resolver).check(f"https://{name}/hook")
    assert resolver.calls == []


def test_a_name_resolving_to_an_internal_address_is_refused():
    resolver = answers(
        {
            "rebind.example.com": ["127.0.0.1"],
            "intranet.example.com": ["192.168.10.5"],
            "meta.example.com": ["169.254.169.254"],
            "v6.example.com": ["::ffff:10.0.0.1"],
        }
    )
    targets = WebhookTargets(resolver=resolver)
    for host, kind in (
        ("rebind", "loopback"),
        ("intranet", "private"),
        ("meta", "cloud metadata"),
        ("v6", "private"),
    ):
        with pytest.raises(TargetRefused, match=f"a {kind} address"):
            targets.check(f"https://{host}.example.com/")


def test_plain_http_is_refused_for_public_targets():
    targets = WebhookTargets(resolver=answers({"hooks.example.com": [PUBLIC_V4]}))
    with pytest.raises(TargetRefused, match="must be an https URL"):
        targets.check("http://hooks.example.com/crm")


def test_the_allow_list_permits_internal_targets_on_purpose_but_never_metadata():
    allow = AllowList.parse("127.0.0.1, 10.40.0.0/24 ,hooks.corp.example., fd00::/8")
    resolver = answers(
        {
            "hooks.corp.example": ["192.168.3.3"],
            "svc.example.com": ["10.40.0.9"],
            "other.example.com": ["10.41.0.9"],
            "imds.corp.example": ["169.254.169.254"],
        }
    )
    targets = WebhookTargets(allow, resolver)

    assert str(targets.check("http://127.0.0.1:8080/hook").address) == "127.0.0.1"
    assert targets.check("https://[::ffff:127.0.0.1]/").address.ipv4_mapped == LOOPBACK
    assert str(targets.check("http://hooks.corp.example/").address) == "192.168.3.3"
    assert str(targets.check("https://svc.example.com/").address) == "10.40.0.9"
    with pytest.raises(TargetRefused, match="a private address"):
        targets.check("https://other.example.com/")
    with pytest.raises(TargetRefused, match="a loopback address"):
        targets.check("https://127.0.0.2/")
    with pytest.raises(TargetRefused, match="cloud metadata"):
        targets.check("https://imds.corp.example/")
    with pytest.raises(TargetRefused, match="cloud metadata"):
        targets.check("https://[fd00:ec2::254]/")  # inside fd00::/8, still refused
    with pytest.raises(TargetRefused, match="cloud metadata"):
        WebhookTargets(AllowList.parse("169.254.0.0/16, metadata.google.internal"), resolver).check(
            "https://metadata.google.internal/"
        )


@pytest.mark.parametrize(
    "value", ["10.0.0.0/33", "not a host", "hooks.example.com/24", "2130706433"]
)
def test_a_bad_allow_list_stops_the_process_at_start(value):
    with pytest.raises(ValueError, match="WEBHOOK_ALLOWED_TARGETS|webhook_allowed_targets"):
        NotificationWorkerSettings(
            service_name="notification", database_url="sqlite://", webhook_allowed_targets=value
        )


def test_registration_accepts_a_name_that_does_not_resolve_yet_over_https_only():
    targets = WebhookTargets(resolver=answers({}))
    assert targets.registration_refusal("https://not-yet.example.com/crm") is None
    assert targets.registration_refusal("http://not-yet.example.com/crm") == "must be an https URL"
    with pytest.raises(TargetUnresolved):
        targets.check("https://not-yet.example.com/crm")  # at send time: nothing to connect to
