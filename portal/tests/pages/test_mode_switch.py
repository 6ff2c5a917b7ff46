"""The live/sandbox switch in the header (P1's POST /mode/) flips what every data page shows:
each reads the schema and ledger mode of the switch, and says which it is."""

import pytest

from apikeys.services import api_key_create

pytestmark = pytest.mark.django_db


def test_the_switch_flips_every_data_page(
    portal_client, tenant, sandbox, endpoint_in, request_log, ledger_row
):
    # given: one of each thing in each mode
    live_key = api_key_create(tenant=tenant, name="live only", mode="live").api_key
    test_key = api_key_create(tenant=tenant, name="test only", mode="test").api_key
    live_hook, test_hook = endpoint_in(tenant), endpoint_in(sandbox)
    live_log, test_log = request_log(tenant, status=500), request_log(sandbox, status=404)
    ledger_row(mode="live", calls=5)
    ledger_row(mode="test", calls=3)
    client = portal_client("developer")

    def seen():
        keys = {row["key"].pk for row in client.get("/keys/").context["rows"]}
        hooks = {row["endpoint"].pk for row in client.get("/webhooks/").context["rows"]}
        logs = {row["log"].request_id for row in client.get("/logs/").context["logs"]}
        usage = client.get("/usage/").context
        return keys, hooks, logs, usage["summary"]["calls"], usage["mode"]

    # when / then
    keys, hooks, logs, calls, mode = seen()
    assert mode == "test" and calls == 3
    assert test_key.pk in keys and live_key.pk not in keys
    assert hooks == {test_hook.pk} and logs == {test_log.request_id}

    assert client.post("/mode/", {"mode": "live", "next": "/usage/"})["Location"] == "/usage/"
    keys, hooks, logs, calls, mode = seen()
    assert mode == "live" and calls == 5
    assert live_key.pk in keys and test_key.pk not in keys
    assert hooks == {live_hook.pk} and logs == {live_log.request_id}
    assert "Sandbox: you are viewing test data" not in client.get("/logs/").content.decode()
