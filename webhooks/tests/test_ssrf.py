"""SSRF rules: refused at registration and at connect time, resolve once and connect to the
checked address; WEBHOOK_ALLOWED_PRIVATE_HOSTS is the only way to a private host. Every IPv6 form
that embeds an IPv4 address is tried as a family: every refused IPv4 range in every form."""

import ipaddress

import pytest
from django_tenants.utils import tenant_context
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from api.v1.tests.support import problem
from events.models import Event
from webhooks.models import WebhookAttempt, WebhookDelivery
from webhooks.sender import (
    REFUSED_IPV4_NETWORKS,
    UnsafeUrlError,
    address_is_public,
    embedded_ipv4_addresses,
    url_check,
)
from webhooks.services.attempts import webhook_delivery_attempt
from webhooks.services.endpoints import InvalidWebhookUrlError, webhook_endpoint_create
from webhooks.services.fan_out import webhook_event_fan_out

NON_PUBLIC = [
    "127.0.0.1", "127.1.2.3", "0.0.0.0", "10.1.2.3",  # noqa: S104 "172.16.5.4", "192.168.0.1",
    "169.254.169.254",  # cloud metadata (link-local)
    "100.64.0.1", "100.100.100.200",  # CGNAT (and Alibaba's metadata)
    "192.0.0.170", "198.18.0.1", "224.0.0.1", "239.255.255.250", "255.255.255.255",
    "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1",  # IPv4-mapped IPv6
    # NAT64, 6to4 and Teredo wrappings of private IPv4 addresses
    "64:ff9b::7f00:1", "2002:7f00:1::1", "2001:0:4136:e378:8000:63bf:80ff:fffe",
]  # fmt: skip
PUBLIC = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.216.34"]


@pytest.mark.parametrize("address", NON_PUBLIC)
def test_non_public_addresses_are_refused(address):
    assert not address_is_public(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_accepted(address):
    assert address_is_public(address)


def _resolving_to(*addresses):
    return lambda host, port: list(addresses)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[::1]:9000/",
        "http://2130706433/",  # 127.0.0.1 as one number
        "http://0x7f.1/",
    ],
)
def test_registration_refuses_private_urls_by_default(tenant, url):
    with tenant_context(tenant), pytest.raises(InvalidWebhookUrlError, match="non-public"):
        webhook_endpoint_create(url=url, event_types=["*"])


@pytest.mark.parametrize(
    ("addresses", "refused"),
    [
        (["10.0.0.7"], True),
        (["100.64.1.1"], True),
        (["::ffff:192.168.1.1"], True),
        (["93.184.216.34", "127.0.0.1"], True),  # any private answer taints the name
        (["93.184.216.34"], False),
    ],
)
def test_registration_checks_every_address_a_name_resolves_to(tenant, addresses, refused):
    with tenant_context(tenant):
        if refused:
            with pytest.raises(InvalidWebhookUrlError):
                webhook_endpoint_create(
                    url="https://hooks.example.com/x",
                    event_types=["*"],
                    resolver=_resolving_to(*addresses),
                )
        else:
            webhook_endpoint_create(
                url="https://hooks.example.com/x",
                event_types=["*"],
                resolver=_resolving_to(*addresses),
            )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://hooks.example.com/", "must use"),
        ("https://user:pass@hooks.example.com/", "credentials"),
        ("https:///nohost", "no host"),
    ],
)
def test_malformed_urls_are_refused(tenant, url, message):
    with tenant_context(tenant), pytest.raises(InvalidWebhookUrlError, match=message):
        webhook_endpoint_create(url=url, event_types=["*"], resolver=_resolving_to("8.8.8.8"))


def test_http_is_refused_where_the_setting_says_https_only(tenant, settings):
    # given: production's default
    settings.WEBHOOK_ALLOW_HTTP = False
    # when / then
    with tenant_context(tenant), pytest.raises(InvalidWebhookUrlError, match="must use https"):
        webhook_endpoint_create(
            url="http://hooks.example.com/", event_types=["*"], resolver=_resolving_to("8.8.8.8")
        )


def test_allowed_private_hosts_name_host_and_port(settings, sink):
    settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS = [sink.host, "internal.test"]
    assert url_check(sink.url()).address == "127.0.0.1"
    assert (
        url_check("http://internal.test/x", resolver=_resolving_to("10.0.0.1")).address
        == "10.0.0.1"
    )
    with pytest.raises(Exception, match="non-public"):
        url_check(f"http://127.0.0.1:{sink.port + 1}/")  # another port of the same host


def _attempt_once(tenant, endpoint, resolver):
    event = Event.objects.create(type="challenge.created", data={}, livemode=True)
    webhook_event_fan_out(event_id=event.id)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint, event=event)
    return webhook_delivery_attempt(delivery_id=delivery.id, resolver=resolver)


def test_dns_rebinding_is_refused_at_connect_time(tenant, sink):
    # given: public when registered...
    with tenant_context(tenant):
        endpoint = webhook_endpoint_create(
            url=f"http://hooks.example.com:{sink.port}/hook",
            event_types=["*"],
            resolver=_resolving_to("93.184.216.34"),
        )
        # when: ...loopback when delivered
        attempt = _attempt_once(tenant, endpoint, _resolving_to("127.0.0.1"))
        # then
        assert not attempt.is_success and attempt.status_code is None
        assert attempt.error.startswith("refused:") and "127.0.0.1" in attempt.error
        assert WebhookAttempt.objects.get().pk == attempt.pk
    assert sink.count == 0


def test_private_sink_is_refused_at_connect_time_once_no_longer_allowed(tenant, settings, sink):
    # given: registered while allowed
    settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS = [sink.host]
    with tenant_context(tenant):
        endpoint = webhook_endpoint_create(url=sink.url(), event_types=["*"])
        # when: the default (nothing allowed) is back
        settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS = []
        attempt = _attempt_once(tenant, endpoint, None)
    # then
    assert "non-public" in attempt.error and sink.count == 0


def test_connection_goes_to_the_checked_address_with_the_original_host(tenant, settings, sink):
    # given: a name allowed to be private, resolved by our resolver to the sink's address
    settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS = ["hooks.internal.test"]
    resolutions = []

    def resolver(host, port):
        resolutions.append(host)
        return ["127.0.0.1"]

    with tenant_context(tenant):
        endpoint = webhook_endpoint_create(
            url=f"http://hooks.internal.test:{sink.port}/in", event_types=["*"], resolver=resolver
        )
        # when
        attempt = _attempt_once(tenant, endpoint, resolver)
    # then: resolved once per check, connected to that address, Host kept
    assert attempt.is_success
    assert resolutions == ["hooks.internal.test", "hooks.internal.test"]
    (received,) = sink.requests
    assert received.headers["host"] == f"hooks.internal.test:{sink.port}"
    assert received.path == "/in"


# --- IPv6 forms that embed an IPv4 address, as a family

_ISATAP_PREFIX_FREE = 0xFCFFFFFF


def _within(network) -> st.SearchStrategy:
    return st.integers(int(network.network_address), int(network.broadcast_address)).map(
        ipaddress.IPv4Address
    )


# Ranges that are public (and will stay so): Google, Cloudflare, Quad9, Fastly, AWS us-east-1.
PUBLIC_IPV4 = st.sampled_from(
    [
        ipaddress.IPv4Network(network)
        for network in ("8.8.8.0/24", "1.1.1.0/24", "9.9.9.0/24", "151.101.0.0/16", "52.0.0.0/11")
    ]
).flatmap(_within)
_bits = st.integers(min_value=0, max_value=2**16 - 1)
# A random 64-bit interface id that is not itself an ISATAP one (that form is tested on its own).
_interface_id = st.integers(min_value=0, max_value=2**64 - 1).filter(
    lambda iid: (iid >> 32) & _ISATAP_PREFIX_FREE != 0x5EFE
)


def _v6(value: int) -> ipaddress.IPv6Address:
    return ipaddress.IPv6Address(value)


def _teredo(server: ipaddress.IPv4Address, client: ipaddress.IPv4Address, flags, port):
    inverted = int(client) ^ 0xFFFFFFFF
    return _v6((0x20010000 << 96) | (int(server) << 64) | (flags << 48) | (port << 32) | inverted)


# name → (strategy of an IPv6 address embedding ``ipv4``, is the IPv6 prefix itself allowed?)
EMBEDDINGS = {
    "IPv4-mapped ::ffff:0:0/96": (lambda v4: st.just(_v6(0xFFFF << 32 | int(v4))), True),
    "IPv4-compatible ::/96": (lambda v4: st.just(_v6(int(v4))), False),
    "IPv4-translated ::ffff:0:0:0/96": (lambda v4: st.just(_v6(0xFFFF << 48 | int(v4))), False),
    "NAT64 64:ff9b::/96": (lambda v4: st.just(_v6(0x64FF9B << 96 | int(v4))), True),
    "local NAT64 64:ff9b:1::/48": (
        lambda v4: st.integers(0, 2**48 - 1).map(
            lambda middle: _v6((0x64FF9B0001 << 80) | (middle << 32) | int(v4))
        ),
        False,
    ),
    "6to4 2002::/16": (
        lambda v4: st.tuples(_bits, _interface_id).map(
            lambda rest: _v6((0x2002 << 112) | (int(v4) << 80) | (rest[0] << 64) | rest[1])
        ),
        True,
    ),
    "Teredo 2001::/32, server": (
        lambda v4: st.tuples(PUBLIC_IPV4, _bits, _bits).map(lambda r: _teredo(v4, *r)),
        False,
    ),
    "Teredo 2001::/32, client": (
        lambda v4: st.tuples(PUBLIC_IPV4, _bits, _bits).map(lambda r: _teredo(r[0], v4, *r[1:])),
        False,
    ),
    "ISATAP interface id in a public /64": (
        lambda v4: st.tuples(st.integers(0, 2**32 - 1), st.sampled_from([0, 0x0200])).map(
            lambda r: _v6(
                (0x26064700 << 96) | (r[0] << 64) | ((r[1] << 16 | 0x5EFE) << 32) | int(v4)
            )
        ),
        True,
    ),
}


@pytest.mark.parametrize("form", sorted(EMBEDDINGS))
@pytest.mark.parametrize("network", REFUSED_IPV4_NETWORKS, ids=str)
@hypothesis_settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_a_refused_ipv4_address_is_refused_in_every_ipv6_form(network, form, data):
    # given: an address of every refused range, in every form
    ipv4 = data.draw(_within(network), label="ipv4")
    ipv6 = data.draw(EMBEDDINGS[form][0](ipv4), label="ipv6")
    # then
    assert not address_is_public(str(ipv4))
    assert ipv4 in embedded_ipv4_addresses(ipv6)
    assert not address_is_public(str(ipv6))
    with pytest.raises(UnsafeUrlError, match="non-public"):
        url_check(f"http://[{ipv6}]:8080/hook")


@pytest.mark.parametrize("form", sorted(EMBEDDINGS))
@hypothesis_settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_a_public_ipv4_address_embedded_is_allowed_unless_the_ipv6_prefix_is_refused(form, data):
    ipv4 = data.draw(PUBLIC_IPV4, label="ipv4")
    ipv6 = data.draw(EMBEDDINGS[form][0](ipv4), label="ipv6")
    _, prefix_allowed = EMBEDDINGS[form]
    assert address_is_public(str(ipv4))
    assert address_is_public(str(ipv6)) is prefix_allowed


@pytest.mark.parametrize(
    "url",
    [
        "http://[::127.0.0.1]:8080/",  # IPv4-compatible: the two forms issue 8 found
        "http://[::ffff:0:127.0.0.1]:8080/",  # IPv4-translated
        "http://[::7f00:1]/",
        "http://[::ffff:0:a9fe:a9fe]/latest/meta-data/",
        "http://[64:ff9b::10.0.0.1]/",
        "http://[64:ff9b:1::8.8.8.8]/",
        "http://[2002:a9fe:a9fe::1]/",
        "http://[2606:4700::5efe:127.0.0.1]/",
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",  # Teredo, client 127.0.0.1
    ],
)
def test_registration_refuses_ipv6_forms_of_private_addresses(api, url):
    with pytest.raises(UnsafeUrlError, match="non-public"):
        url_check(url)
    problem(
        api.post("/v1/webhook_endpoints", {"url": url, "events": ["*"]}), 422, "invalid_webhook_url"
    )
