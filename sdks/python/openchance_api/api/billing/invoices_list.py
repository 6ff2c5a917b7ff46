from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.invoice_list import InvoiceList
from ...models.invoices_list_ordering import (
    InvoicesListOrdering,
)
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 10,
    offset: int | Unset = UNSET,
    ordering: InvoicesListOrdering | Unset = "-period_start",
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    params["limit"] = limit

    params["offset"] = offset

    json_ordering: str | Unset = UNSET
    if not isinstance(ordering, Unset):
        json_ordering = ordering

    params["ordering"] = json_ordering

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/invoices",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> InvoiceList | Problem | None:
    if response.status_code == 200:
        response_200 = InvoiceList.from_dict(response.json())

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

    if response.status_code == 411:
        response_411 = Problem.from_dict(response.json())

        return response_411

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

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
) -> Response[InvoiceList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 10,
    offset: int | Unset = UNSET,
    ordering: InvoicesListOrdering | Unset = "-period_start",
) -> Response[InvoiceList | Problem]:
    """List invoices

     The organisation's invoices, newest period first: one per billing period, finalised at the period's
    close (drafts included while a close runs). A test key gets an empty list (the sandbox is never
    billed).

    Args:
        cursor (str | Unset):
        limit (int | Unset):  Default: 10.
        offset (int | Unset):
        ordering (InvoicesListOrdering | Unset):  Default: '-period_start'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[InvoiceList | Problem]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        limit=limit,
        offset=offset,
        ordering=ordering,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 10,
    offset: int | Unset = UNSET,
    ordering: InvoicesListOrdering | Unset = "-period_start",
) -> InvoiceList | Problem | None:
    """List invoices

     The organisation's invoices, newest period first: one per billing period, finalised at the period's
    close (drafts included while a close runs). A test key gets an empty list (the sandbox is never
    billed).

    Args:
        cursor (str | Unset):
        limit (int | Unset):  Default: 10.
        offset (int | Unset):
        ordering (InvoicesListOrdering | Unset):  Default: '-period_start'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        InvoiceList | Problem
    """

    return sync_detailed(
        client=client,
        cursor=cursor,
        limit=limit,
        offset=offset,
        ordering=ordering,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 10,
    offset: int | Unset = UNSET,
    ordering: InvoicesListOrdering | Unset = "-period_start",
) -> Response[InvoiceList | Problem]:
    """List invoices

     The organisation's invoices, newest period first: one per billing period, finalised at the period's
    close (drafts included while a close runs). A test key gets an empty list (the sandbox is never
    billed).

    Args:
        cursor (str | Unset):
        limit (int | Unset):  Default: 10.
        offset (int | Unset):
        ordering (InvoicesListOrdering | Unset):  Default: '-period_start'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[InvoiceList | Problem]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        limit=limit,
        offset=offset,
        ordering=ordering,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 10,
    offset: int | Unset = UNSET,
    ordering: InvoicesListOrdering | Unset = "-period_start",
) -> InvoiceList | Problem | None:
    """List invoices

     The organisation's invoices, newest period first: one per billing period, finalised at the period's
    close (drafts included while a close runs). A test key gets an empty list (the sandbox is never
    billed).

    Args:
        cursor (str | Unset):
        limit (int | Unset):  Default: 10.
        offset (int | Unset):
        ordering (InvoicesListOrdering | Unset):  Default: '-period_start'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        InvoiceList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            cursor=cursor,
            limit=limit,
            offset=offset,
            ordering=ordering,
        )
    ).parsed
