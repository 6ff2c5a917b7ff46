"""SSRF rules: refused at registration and at connect time, resolve once and connect to the
checked address; WEBHOOK_ALLOWED_PRIVATE_HOSTS is the only way to a private host."""

import pytest
from django_tenants.utils import tenant_context

from events.models import Event
from webhooks.models import WebhookAttempt, WebhookDelivery
from webhooks.sender import address_is_public, url_check
from webhooks.services import (
    InvalidWebhookUrlError,
    webhook_delivery_attempt,
    webhook_endpoint_create,
    webhook_event_fan_out,
)

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
    assert url_check("http://internal.test/x", resolver=_resolving_to("10.0.0.1"))
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
