import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.event_list import EventList
from ...models.events_list_ordering import (
    EventsListOrdering,
)
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    created_atgt: datetime.datetime | Unset = UNSET,
    created_atgte: datetime.datetime | Unset = UNSET,
    created_atlt: datetime.datetime | Unset = UNSET,
    created_atlte: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 10,
    offset: int | Unset = UNSET,
    ordering: EventsListOrdering | Unset = "-created_at",
    type_: list[str] | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_created_atgt: str | Unset = UNSET
    if not isinstance(created_atgt, Unset):
        json_created_atgt = created_atgt.isoformat()
    params["created_at[gt]"] = json_created_atgt

    json_created_atgte: str | Unset = UNSET
    if not isinstance(created_atgte, Unset):
        json_created_atgte = created_atgte.isoformat()
    params["created_at[gte]"] = json_created_atgte

    json_created_atlt: str | Unset = UNSET
    if not isinstance(created_atlt, Unset):
        json_created_atlt = created_atlt.isoformat()
    params["created_at[lt]"] = json_created_atlt

    json_created_atlte: str | Unset = UNSET
    if not isinstance(created_atlte, Unset):
        json_created_atlte = created_atlte.isoformat()
    params["created_at[lte]"] = json_created_atlte

    params["cursor"] = cursor

    params["limit"] = limit

    params["offset"] = offset

    json_ordering: str | Unset = UNSET
    if not isinstance(ordering, Unset):
        json_ordering = ordering

    params["ordering"] = json_ordering

    json_type_: list[str] | Unset = UNSET
    if not isinstance(type_, Unset):
        json_type_ = type_

    params["type"] = json_type_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/events",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EventList | Problem | None:
    if response.status_code == 200:
        response_200 = EventList.from_dict(response.json())

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
) -> Response[EventList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    created_atgt: datetime.datetime | Unset = UNSET,
    created_atgte: datetime.datetime | Unset = UNSET,
    created_atlt: datetime.datetime | Unset = UNSET,
    created_atlte: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 10,
    offset: int | Unset = UNSET,
    ordering: EventsListOrdering | Unset = "-created_at",
    type_: list[str] | Unset = UNSET,
) -> Response[EventList | Problem]:
    """List events

     Every state change, newest first: `challenge.created`, `challenge.updated`, `challenge.published`,
    `challenge.closed`, `challenge.awarded`, `challenge.cancelled`, `challenge.deleted`,
    `application.submitted`, `application.updated`, `application.status_changed`, `message.created`,
    `review.created`. A key sees the events of the families it may read: `challenge.*` needs
    `challenges:read`, `application.*` `applications:read`, `message.*` `messages:read`, `review.*`
    `reviews:read`, `webhook_endpoint.*` and `ping` `webhooks:read` (besides `events:read`).

    Args:
        created_atgt (datetime.datetime | Unset):
        created_atgte (datetime.datetime | Unset):
        created_atlt (datetime.datetime | Unset):
        created_atlte (datetime.datetime | Unset):
        cursor (str | Unset):
        limit (int | Unset):  Default: 10.
        offset (int | Unset):
        ordering (EventsListOrdering | Unset):  Default: '-created_at'.
        type_ (list[str] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventList | Problem]
    """

    kwargs = _get_kwargs(
        created_atgt=created_atgt,
        created_atgte=created_atgte,
        created_atlt=created_atlt,
        created_atlte=created_atlte,
        cursor=cursor,
        limit=limit,
        offset=offset,
        ordering=ordering,
        type_=type_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    created_atgt: datetime.datetime | Unset = UNSET,
    created_atgte: datetime.datetime | Unset = UNSET,
    created_atlt: datetime.datetime | Unset = UNSET,
    created_atlte: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 10,
    offset: int | Unset = UNSET,
    ordering: EventsListOrdering | Unset = "-created_at",
    type_: list[str] | Unset = UNSET,
) -> EventList | Problem | None:
    """List events

     Every state change, newest first: `challenge.created`, `challenge.updated`, `challenge.published`,
    `challenge.closed`, `challenge.awarded`, `challenge.cancelled`, `challenge.deleted`,
    `application.submitted`, `application.updated`, `application.status_changed`, `message.created`,
    `review.created`. A key sees the events of the families it may read: `challenge.*` needs
    `challenges:read`, `application.*` `applications:read`, `message.*` `messages:read`, `review.*`
    `reviews:read`, `webhook_endpoint.*` and `ping` `webhooks:read` (besides `events:read`).

    Args:
        created_atgt (datetime.datetime | Unset):
        created_atgte (datetime.datetime | Unset):
        created_atlt (datetime.datetime | Unset):
        created_atlte (datetime.datetime | Unset):
        cursor (str | Unset):
        limit (int | Unset):  Default: 10.
        offset (int | Unset):
        ordering (EventsListOrdering | Unset):  Default: '-created_at'.
        type_ (list[str] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventList | Problem
    """

    return sync_detailed(
        client=client,
        created_atgt=created_atgt,
        created_atgte=created_atgte,
        created_atlt=created_atlt,
        created_atlte=created_atlte,
        cursor=cursor,
        limit=limit,
        offset=offset,
        ordering=ordering,
        type_=type_,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    created_atgt: datetime.datetime | Unset = UNSET,
    created_atgte: datetime.datetime | Unset = UNSET,
    created_atlt: datetime.datetime | Unset = UNSET,
    created_atlte: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 10,
    offset: int | Unset = UNSET,
    ordering: EventsListOrdering | Unset = "-created_at",
    type_: list[str] | Unset = UNSET,
) -> Response[EventList | Problem]:
    """List events

     Every state change, newest first: `challenge.created`, `challenge.updated`, `challenge.published`,
    `challenge.closed`, `challenge.awarded`, `challenge.cancelled`, `challenge.deleted`,
    `application.submitted`, `application.updated`, `application.status_changed`, `message.created`,
    `review.created`. A key sees the events of the families it may read: `challenge.*` needs
    `challenges:read`, `application.*` `applications:read`, `message.*` `messages:read`, `review.*`
    `reviews:read`, `webhook_endpoint.*` and `ping` `webhooks:read` (besides `events:read`).

    Args:
        created_atgt (datetime.datetime | Unset):
        created_atgte (datetime.datetime | Unset):
        created_atlt (datetime.datetime | Unset):
        created_atlte (datetime.datetime | Unset):
        cursor (str | Unset):
        limit (int | Unset):  Default: 10.
        offset (int | Unset):
        ordering (EventsListOrdering | Unset):  Default: '-created_at'.
        type_ (list[str] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventList | Problem]
    """

    kwargs = _get_kwargs(
        created_atgt=created_atgt,
        created_atgte=created_atgte,
        created_atlt=created_atlt,
        created_atlte=created_atlte,
        cursor=cursor,
        limit=limit,
        offset=offset,
        ordering=ordering,
        type_=type_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    created_atgt: datetime.datetime | Unset = UNSET,
    created_atgte: datetime.datetime | Unset = UNSET,
    created_atlt: datetime.datetime | Unset = UNSET,
    created_atlte: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 10,
    offset: int | Unset = UNSET,
    ordering: EventsListOrdering | Unset = "-created_at",
    type_: list[str] | Unset = UNSET,
) -> EventList | Problem | None:
    """List events

     Every state change, newest first: `challenge.created`, `challenge.updated`, `challenge.published`,
    `challenge.closed`, `challenge.awarded`, `challenge.cancelled`, `challenge.deleted`,
    `application.submitted`, `application.updated`, `application.status_changed`, `message.created`,
    `review.created`. A key sees the events of the families it may read: `challenge.*` needs
    `challenges:read`, `application.*` `applications:read`, `message.*` `messages:read`, `review.*`
    `reviews:read`, `webhook_endpoint.*` and `ping` `webhooks:read` (besides `events:read`).

    Args:
        created_atgt (datetime.datetime | Unset):
        created_atgte (datetime.datetime | Unset):
        created_atlt (datetime.datetime | Unset):
        created_atlte (datetime.datetime | Unset):
        cursor (str | Unset):
        limit (int | Unset):  Default: 10.
        offset (int | Unset):
        ordering (EventsListOrdering | Unset):  Default: '-created_at'.
        type_ (list[str] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            created_atgt=created_atgt,
            created_atgte=created_atgte,
            created_atlt=created_atlt,
            created_atlte=created_atlte,
            cursor=cursor,
            limit=limit,
            offset=offset,
            ordering=ordering,
            type_=type_,
        )
    ).parsed
