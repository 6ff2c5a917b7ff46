from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.webhook_attempt_list import WebhookAttemptList
from ...models.webhook_endpoints_attempts_ordering import (
    WebhookEndpointsAttemptsOrdering,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: str,
    *,
    cursor: str | Unset = UNSET,
    delivery: str | Unset = UNSET,
    endpoint: str | Unset = UNSET,
    event: str | Unset = UNSET,
    limit: int | Unset = 10,
    offset: int | Unset = UNSET,
    ordering: WebhookEndpointsAttemptsOrdering | Unset = "-created_at",
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    params["delivery"] = delivery

    params["endpoint"] = endpoint

    params["event"] = event

    params["limit"] = limit

    params["offset"] = offset

    json_ordering: str | Unset = UNSET
    if not isinstance(ordering, Unset):
        json_ordering = ordering

    params["ordering"] = json_ordering

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/webhook_endpoints/{endpoint_id}/attempts".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | WebhookAttemptList | None:
    if response.status_code == 200:
        response_200 = WebhookAttemptList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 402:
        response_402 = Problem.from_dict(response.json())

        return response_402

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[Problem | WebhookAttemptList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    delivery: str | Unset = UNSET,
    endpoint: str | Unset = UNSET,
    event: str | Unset = UNSET,
    limit: int | Unset = 10,
    offset: int | Unset = UNSET,
    ordering: WebhookEndpointsAttemptsOrdering | Unset = "-created_at",
) -> Response[Problem | WebhookAttemptList]:
    """List the attempts of an endpoint

    Args:
        endpoint_id (str):
        cursor (str | Unset):
        delivery (str | Unset):
        endpoint (str | Unset):
        event (str | Unset):
        limit (int | Unset):  Default: 10.
        offset (int | Unset):
        ordering (WebhookEndpointsAttemptsOrdering | Unset):  Default: '-created_at'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookAttemptList]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        cursor=cursor,
        delivery=delivery,
        endpoint=endpoint,
        event=event,
        limit=limit,
        offset=offset,
        ordering=ordering,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    delivery: str | Unset = UNSET,
    endpoint: str | Unset = UNSET,
    event: str | Unset = UNSET,
    limit: int | Unset = 10,
    offset: int | Unset = UNSET,
    ordering: WebhookEndpointsAttemptsOrdering | Unset = "-created_at",
) -> Problem | WebhookAttemptList | None:
    """List the attempts of an endpoint

    Args:
        endpoint_id (str):
        cursor (str | Unset):
        delivery (str | Unset):
        endpoint (str | Unset):
        event (str | Unset):
        limit (int | Unset):  Default: 10.
        offset (int | Unset):
        ordering (WebhookEndpointsAttemptsOrdering | Unset):  Default: '-created_at'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WebhookAttemptList
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        client=client,
        cursor=cursor,
        delivery=delivery,
        endpoint=endpoint,
        event=event,
        limit=limit,
        offset=offset,
        ordering=ordering,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    delivery: str | Unset = UNSET,
    endpoint: str | Unset = UNSET,
    event: str | Unset = UNSET,
    limit: int | Unset = 10,
    offset: int | Unset = UNSET,
    ordering: WebhookEndpointsAttemptsOrdering | Unset = "-created_at",
) -> Response[Problem | WebhookAttemptList]:
    """List the attempts of an endpoint

    Args:
        endpoint_id (str):
        cursor (str | Unset):
        delivery (str | Unset):
        endpoint (str | Unset):
        event (str | Unset):
        limit (int | Unset):  Default: 10.
        offset (int | Unset):
        ordering (WebhookEndpointsAttemptsOrdering | Unset):  Default: '-created_at'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookAttemptList]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        cursor=cursor,
        delivery=delivery,
        endpoint=endpoint,
        event=event,
        limit=limit,
        offset=offset,
        ordering=ordering,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    delivery: str | Unset = UNSET,
    endpoint: str | Unset = UNSET,
    event: str | Unset = UNSET,
    limit: int | Unset = 10,
    offset: int | Unset = UNSET,
    ordering: WebhookEndpointsAttemptsOrdering | Unset = "-created_at",
) -> Problem | WebhookAttemptList | None:
    """List the attempts of an endpoint

    Args:
        endpoint_id (str):
        cursor (str | Unset):
        delivery (str | Unset):
        endpoint (str | Unset):
        event (str | Unset):
        limit (int | Unset):  Default: 10.
        offset (int | Unset):
        ordering (WebhookEndpointsAttemptsOrdering | Unset):  Default: '-created_at'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WebhookAttemptList
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            client=client,
            cursor=cursor,
            delivery=delivery,
            endpoint=endpoint,
            event=event,
            limit=limit,
            offset=offset,
            ordering=ordering,
        )
    ).parsed
