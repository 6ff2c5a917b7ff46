"""TEST SUPPORT ONLY — never imported by product code (localstripe is GPL-3.0 and a dev
requirement). ``billing.testing.LocalStripe`` runs this file as a script, in its own process::

    python -m billing.localstripe_server --port 8420 --state /tmp/ls.pickle

It serves localstripe (a stateful fake of Stripe's HTTP API) with what dj-stripe 2.11 and our
tests need and localstripe lacks or does differently from Stripe:

- ``expand`` of fields localstripe lacks is ignored (Stripe expands them to nothing; localstripe
  answers 400 "Bad expand");
- ``GET /v1/account``: a stub account (dj-stripe resolves the owner ``Account`` of every object
  it syncs through it);
- ``discounts: []`` on invoices, invoice lines and subscriptions, ``subscription`` on
  subscription items, ``[]`` instead of ``null`` for list fields (dj-stripe iterates them);
- ``POST /v1/invoices`` without ``subscription`` makes a one-off invoice, as Stripe does
  (localstripe attaches the customer's subscription and bills its plan again): of the
  customer's pending items, or of none with ``pending_invoice_items_behavior=exclude``; it keeps
  ``metadata`` and ``currency``; ``POST /v1/invoiceitems`` with ``invoice=`` adds the item to
  that draft (localstripe only records the id) and takes ``period``; ``attempt_count`` counts
  payment attempts;
- ``POST /v1/invoices/{id}/pay`` with a card that declines answers 402 ``card_declined`` and
  sends ``invoice.payment_failed`` (localstripe answers 200 and sends nothing); a paid invoice
  sends ``invoice.paid`` besides ``invoice.payment_succeeded``;
- ``customer.subscription.updated`` is sent on updates, and ``proration_behavior`` accepted;
- ``Idempotency-Key`` is honoured: the same key on the same method and path replays the first
  response (header ``Idempotent-Replayed: true``) — localstripe ignores the header;
- the state lives in ``--state`` (localstripe always uses ``/tmp/localstripe.pickle``, which
  other test runs on the machine would share), so a stopped server restarts with its data;
- test controls under ``/_config/`` (no key needed, as localstripe's own):
  ``GET /_config/requests`` lists the API requests served (method, path, idempotency key,
  status; ``DELETE`` forgets them and the faults); ``POST /_config/faults`` with
  ``{"status": 503, "count": 2, "path": "/v1/invoices"}`` makes the next ``count`` requests
  whose path starts with ``path`` answer ``status`` (``DELETE /_config/faults`` ends them).
"""

import argparse
import json
import pickle
import socket
import time

from aiohttp import web
from localstripe import resources
from localstripe.errors import UserError
from localstripe.webhooks import schedule_webhook

# localstripe.server registers its routes when imported, from resources.extra_apis: it is
# imported in main(), once the resources below are patched.

ACCOUNT_ID = "acct_1LocalStripeTest"
IDEMPOTENCY_STORE_KEY = "_oc_idempotency"
LIST_FIELDS = {
    "invoice": (
        "account_tax_ids",
        "customer_tax_ids",
        "default_tax_rates",
        "discounts",
        "total_discount_amounts",
        "total_tax_amounts",
        "total_pretax_credit_amounts",
    ),
    "line_item": ("discounts", "discount_amounts", "tax_amounts", "tax_rates"),
    "subscription": ("default_tax_rates", "discounts"),
    "subscription_item": ("tax_rates", "discounts"),
    "invoiceitem": ("discounts", "tax_rates"),
    "customer": ("preferred_locales",),
}

_state_path = "/tmp/localstripe.pickle"  # noqa: S108 - replaced by --state before serving
_requests: list[dict] = []
_faults: list[dict] = []


# --- State in a file of our own


def _load_state(self):
    try:
        with open(_state_path, "rb") as state:
            self.clear()
            self.update(pickle.load(state))  # noqa: S301 - the file this process wrote
    except FileNotFoundError:
        pass


def _dump_state(self):
    with open(_state_path, "wb") as state:
        pickle.dump(self, state, protocol=pickle.HIGHEST_PROTOCOL)


resources.Store.try_load_from_disk = _load_state
resources.Store.dump_to_disk = _dump_state


# --- Shapes dj-stripe parses

_original_export = resources.StripeObject._export


def _export(self, expand=None):
    """localstripe's export, completed, then expanded leniently: dj-stripe expands fields
    localstripe lacks (``discounts``, ``lines.data.discounts``…), which Stripe expands to
    nothing and localstripe refuses (400 "Bad expand")."""
    if expand is not None and (
        not isinstance(expand, list) or not all(isinstance(path, str) for path in expand)
    ):
        raise UserError(400, "Bad request")
    exported = _original_export(self)
    _complete(exported)
    for path in expand or []:
        _expand(exported, path.split("."))
    return exported


def _expand(exported, parts):
    if isinstance(exported, list):
        for item in exported:
            _expand(item, parts)
        return
    if not isinstance(exported, dict) or exported.get(parts[0]) is None:
        return
    value = exported[parts[0]]
    if isinstance(value, str):
        cls = resources.StripeObject._get_class_for_id(value)
        if cls is not None:
            value = exported[parts[0]] = cls._api_retrieve(value)._export()
    if len(parts) > 1:
        _expand(value, parts[1:])


def _complete(exported):
    """Fill what dj-stripe expects in an exported object (and its nested lists), in place."""
    if not isinstance(exported, dict):
        return
    kind = exported.get("object")
    for name in LIST_FIELDS.get(kind, ()):
        if exported.get(name) is None:
            exported[name] = []
    if kind == "subscription":
        for item in (exported.get("items") or {}).get("data") or []:
            item.setdefault("subscription", exported["id"])
            item["subscription"] = item["subscription"] or exported["id"]
    if kind == "invoice":
        exported.setdefault("parent", None)
        for line in (exported.get("lines") or {}).get("data") or []:
            _complete(line)
    for value in exported.values():
        if not isinstance(value, dict):
            continue
        kind = value.get("object")
        if kind == "list":
            for item in value.get("data") or []:
                _complete(item)
        elif isinstance(kind, str) and kind in LIST_FIELDS:
            _complete(value)


resources.StripeObject._export = _export


def _subscription_item_subscription(self):
    return self._subscription


resources.SubscriptionItem.subscription = property(_subscription_item_subscription)


# --- Invoices as Stripe makes them

_original_invoice_create = resources.Invoice._api_create.__func__


@classmethod
def _invoice_create(cls, customer=None, subscription=None, description=None, metadata=None,
                    pending_invoice_items_behavior=None, auto_advance=None,
                    collection_method=None, currency=None, **kwargs):  # fmt: skip
    if subscription is not None:
        return _original_invoice_create(
            cls, customer=customer, subscription=subscription, description=description,
            metadata=metadata, pending_invoice_items_behavior=pending_invoice_items_behavior,
            **kwargs,
        )  # fmt: skip
    if not isinstance(customer, str) or not customer.startswith("cus_"):
        raise UserError(400, "Bad request")
    if pending_invoice_items_behavior not in (None, "include", "exclude"):
        raise UserError(400, "Bad request", {"param": "pending_invoice_items_behavior"})
    resources.Customer._api_retrieve(customer)
    pending = [
        item
        for item in resources.InvoiceItem._api_list_all(None, customer=customer, limit=99)._list
        if item.invoice is None
    ]
    if pending_invoice_items_behavior != "exclude" and not pending:
        raise UserError(
            400, "Nothing to invoice for customer", {"code": "invoice_no_customer_line_items"}
        )
    invoice = cls(customer=customer, description=description, metadata=metadata)
    if pending_invoice_items_behavior == "exclude":
        # localstripe's constructor takes every pending item: give them back.
        for item in pending:
            item.invoice = None
        invoice.lines._list = []
        invoice.currency = currency or invoice.currency
    invoice.attempt_count = 0
    invoice.attempted = False
    return invoice


_original_invoice_item_create = resources.InvoiceItem._api_create.__func__


@classmethod
def _invoice_item_create(cls, invoice=None, **data):
    """``invoice=`` adds the item to that draft invoice, as Stripe does (localstripe records
    the id and leaves the invoice's lines as they were)."""
    target = None
    if invoice is not None:
        target = resources.Invoice._api_retrieve(invoice)
        if target.status != "draft":
            raise UserError(400, "The invoice is not a draft", {"param": "invoice"})
    period = data.pop("period", None)
    if isinstance(period, dict):  # Stripe's period[start], period[end]
        data["period_start"], data["period_end"] = period.get("start"), period.get("end")
    item = _original_invoice_item_create(cls, invoice=invoice, **data)
    if target is not None:
        target.lines._list.append(resources.InvoiceLineItem(item))
        target.currency = target.lines._list[0].currency
    return item


resources.InvoiceItem._api_create = _invoice_item_create
resources.Invoice._api_create = _invoice_create

_original_pay = resources.Invoice._api_pay_invoice.__func__


@classmethod
def _invoice_pay(cls, id, **kwargs):  # noqa: A002 - localstripe's signature
    invoice = resources.Invoice._api_retrieve(id)
    if invoice.status in ("draft", "open"):
        # Stripe counts payment attempts (localstripe says 1 from the start).
        invoice.attempt_count = (invoice.attempt_count if invoice.attempted else 0) + 1
        invoice.attempted = True
    invoice = _original_pay(cls, id)
    if invoice.status == "open" and invoice.payment_intent:
        intent = resources.PaymentIntent._api_retrieve(invoice.payment_intent)
        charge = intent.latest_charge
        if charge is not None and charge.status == "failed":
            schedule_webhook(resources.Event("invoice.payment_failed", invoice))
            error = UserError(
                402,
                charge.failure_message or "Your card was declined.",
                {"code": "card_declined", "decline_code": "generic_decline", "charge": charge.id},
            )
            error.body["error"]["type"] = "card_error"
            raise error
    return invoice


resources.Invoice._api_pay_invoice = _invoice_pay
for index, (method, url, _func) in enumerate(resources.extra_apis):
    if url == "/v1/invoices/{id}/pay":
        resources.extra_apis[index] = (method, url, resources.Invoice._api_pay_invoice)

_original_payment_success = resources.Invoice._on_payment_success


def _on_payment_success(self):
    _original_payment_success(self)
    schedule_webhook(resources.Event("invoice.paid", self))


resources.Invoice._on_payment_success = _on_payment_success


# --- Subscriptions: today's parameters, and the update event Stripe sends

_original_subscription_update = resources.Subscription._update


def _subscription_update(self, proration_behavior=None, payment_behavior=None, **data):
    # Our Stripe plans cost nothing (the ledger rates, our invoices charge), so there is never
    # anything to prorate: these parameters change nothing here.
    _original_subscription_update(self, **data)


resources.Subscription._update = _subscription_update

_original_subscription_api_update = resources.Subscription._api_update.__func__


@classmethod
def _subscription_api_update(cls, id, **data):  # noqa: A002 - localstripe's signature
    subscription = _original_subscription_api_update(cls, id, **data)
    schedule_webhook(resources.Event("customer.subscription.updated", subscription))
    return subscription


resources.Subscription._api_update = _subscription_api_update


# --- The account dj-stripe looks up


def _json(body, status=200):
    return web.json_response(body, status=status, dumps=lambda value: json.dumps(value, indent=2))


def _account(request):
    return _json(
        {
            "id": ACCOUNT_ID,
            "object": "account",
            "business_profile": {"name": "localstripe", "url": None},
            "business_type": "company",
            "capabilities": {},
            "charges_enabled": True,
            "country": "US",
            "created": 1700000000,
            "default_currency": "usd",
            "details_submitted": True,
            "email": "localstripe@example.com",
            "external_accounts": {"object": "list", "data": [], "has_more": False, "url": ""},
            "metadata": {},
            "payouts_enabled": True,
            "requirements": {},
            "settings": {
                "branding": {"icon": None, "logo": None},
                "dashboard": {"display_name": "localstripe", "timezone": "Etc/UTC"},
            },
            "tos_acceptance": {},
            "type": "standard",
            "livemode": False,
        }
    )


# --- Idempotency, fault injection and the request log (outermost middleware)


@web.middleware
async def _test_controls(request, handler):
    if not request.path.startswith("/v1/"):
        return await handler(request)
    key = request.headers.get("Idempotency-Key", "")
    entry = {"method": request.method, "path": request.path, "idempotency_key": key}
    _requests.append(entry)
    for fault in _faults:
        if fault["count"] > 0 and request.path.startswith(fault["path"]):
            fault["count"] -= 1
            entry["status"] = fault["status"]
            body = {"error": {"type": "api_error", "message": "Injected fault (test)"}}
            return _json(body, status=fault["status"])
    replays = resources.store.get(IDEMPOTENCY_STORE_KEY) or {}
    replay_key = f"{request.method} {request.path} {key}"
    if request.method == "POST" and key and replay_key in replays:
        status, body = replays[replay_key]
        entry["status"] = status
        entry["replayed"] = True
        return web.Response(
            status=status,
            body=body,
            content_type="application/json",
            headers={"Idempotent-Replayed": "true"},
        )
    response = await handler(request)
    entry["status"] = response.status
    if request.method == "POST" and key and response.status < 500:
        replays = dict(resources.store.get(IDEMPOTENCY_STORE_KEY) or {})
        replays[replay_key] = (response.status, response.body)
        dict.__setitem__(resources.store, IDEMPOTENCY_STORE_KEY, replays)
        resources.store.dump_to_disk()
    return response


async def _requests_list(request):
    return _json(_requests)


async def _requests_clear(request):
    _requests.clear()
    _faults.clear()
    return web.Response()


async def _faults_clear(request):
    _faults.clear()
    return web.Response()


async def _faults_set(request):
    data = await request.json()
    _faults.append(
        {
            "status": int(data["status"]),
            "count": int(data.get("count", 1)),
            "path": data.get("path", "/v1/"),
        }
    )
    return web.Response()


def _errors_as_stripe(app):
    """Unexpected keyword arguments (an API parameter localstripe does not know) raise a
    TypeError there, which aiohttp answers with an HTML 500; answer a Stripe 400 instead."""

    @web.middleware
    async def middleware(request, handler):
        try:
            return await handler(request)
        except TypeError as error:
            body = {"error": {"type": "invalid_request_error", "message": str(error)}}
            return _json(body, status=400)

    app.middlewares.insert(1, middleware)


def main():
    global _state_path
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state", required=True)
    args = parser.parse_args()
    _state_path = args.state
    resources.store.try_load_from_disk()
    from localstripe import server

    # Webhook registrations are not part of localstripe's saved state: billing.testing
    # registers ours again after every start.
    app = server.app
    app.middlewares.insert(0, _test_controls)
    _errors_as_stripe(app)
    app.router.add_get("/v1/account", _account)
    app.router.add_get("/_config/requests", _requests_list)
    app.router.add_delete("/_config/requests", _requests_clear)
    app.router.add_post("/_config/faults", _faults_set)
    app.router.add_delete("/_config/faults", _faults_clear)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    print(json.dumps({"listening": args.port, "at": time.time()}), flush=True)
    web.run_app(app, sock=sock, access_log=None, print=None)


if __name__ == "__main__":
    main()
