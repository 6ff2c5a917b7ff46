from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.billing_settings import BillingSettings
from ...models.patched_billing_settings_update_request import (
    PatchedBillingSettingsUpdateRequest,
)
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: PatchedBillingSettingsUpdateRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/billing/settings",
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BillingSettings | Problem | None:
    if response.status_code == 200:
        response_200 = BillingSettings.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 406:
        response_406 = Problem.from_dict(response.json())

        return response_406

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 411:
        response_411 = Problem.from_dict(response.json())

        return response_411

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[BillingSettings | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PatchedBillingSettingsUpdateRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[BillingSettings | Problem]:
    """Update the billing settings

     Only the fields sent change. `spend_cap`: `{amount, kind}` in minor units per period, or `null` for
    none; once the period's live calls reach it they are refused with 402 `spend_cap_reached`, and
    raising or removing it lets them through again within 5 seconds. `budgets`: alert amounts.
    `pay_as_you_go`: hard-capped plans (Free) bill overage instead of refusing calls (needs a payment
    method; 422 otherwise). Live keys with `billing:write` only.

    Args:
        idempotency_key (str | Unset):
        body (PatchedBillingSettingsUpdateRequest | Unset): A nested object that refuses members
            it does not declare.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BillingSettings | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: PatchedBillingSettingsUpdateRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> BillingSettings | Problem | None:
    """Update the billing settings

     Only the fields sent change. `spend_cap`: `{amount, kind}` in minor units per period, or `null` for
    none; once the period's live calls reach it they are refused with 402 `spend_cap_reached`, and
    raising or removing it lets them through again within 5 seconds. `budgets`: alert amounts.
    `pay_as_you_go`: hard-capped plans (Free) bill overage instead of refusing calls (needs a payment
    method; 422 otherwise). Live keys with `billing:write` only.

    Args:
        idempotency_key (str | Unset):
        body (PatchedBillingSettingsUpdateRequest | Unset): A nested object that refuses members
            it does not declare.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BillingSettings | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: PatchedBillingSettingsUpdateRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[BillingSettings | Problem]:
    """Update the billing settings

     Only the fields sent change. `spend_cap`: `{amount, kind}` in minor units per period, or `null` for
    none; once the period's live calls reach it they are refused with 402 `spend_cap_reached`, and
    raising or removing it lets them through again within 5 seconds. `budgets`: alert amounts.
    `pay_as_you_go`: hard-capped plans (Free) bill overage instead of refusing calls (needs a payment
    method; 422 otherwise). Live keys with `billing:write` only.

    Args:
        idempotency_key (str | Unset):
        body (PatchedBillingSettingsUpdateRequest | Unset): A nested object that refuses members
            it does not declare.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BillingSettings | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: PatchedBillingSettingsUpdateRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> BillingSettings | Problem | None:
    """Update the billing settings

     Only the fields sent change. `spend_cap`: `{amount, kind}` in minor units per period, or `null` for
    none; once the period's live calls reach it they are refused with 402 `spend_cap_reached`, and
    raising or removing it lets them through again within 5 seconds. `budgets`: alert amounts.
    `pay_as_you_go`: hard-capped plans (Free) bill overage instead of refusing calls (needs a payment
    method; 422 otherwise). Live keys with `billing:write` only.

    Args:
        idempotency_key (str | Unset):
        body (PatchedBillingSettingsUpdateRequest | Unset): A nested object that refuses members
            it does not declare.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BillingSettings | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
