from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.message_list import MessageList
from ...models.messages_list_author import (
    MessagesListAuthor,
)
from ...models.messages_list_expand_item import (
    MessagesListExpandItem,
)
from ...models.messages_list_fields_item import (
    MessagesListFieldsItem,
)
from ...models.messages_list_ordering import (
    MessagesListOrdering,
)
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    application: str | Unset = UNSET,
    author: MessagesListAuthor | Unset = UNSET,
    cursor: str | Unset = UNSET,
    expand: list[MessagesListExpandItem] | Unset = UNSET,
    fields: list[MessagesListFieldsItem] | Unset = UNSET,
    limit: int | Unset = 10,
    offset: int | Unset = UNSET,
    ordering: MessagesListOrdering | Unset = "-created_at",
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["application"] = application

    json_author: str | Unset = UNSET
    if not isinstance(author, Unset):
        json_author = author

    params["author"] = json_author

    params["cursor"] = cursor

    json_expand: list[str] | Unset = UNSET
    if not isinstance(expand, Unset):
        json_expand = []
        for expand_item_data in expand:
            expand_item: str = expand_item_data
            json_expand.append(expand_item)

    params["expand"] = json_expand

    json_fields: list[str] | Unset = UNSET
    if not isinstance(fields, Unset):
        json_fields = []
        for fields_item_data in fields:
            fields_item: str = fields_item_data
            json_fields.append(fields_item)

    params["fields"] = json_fields

    params["limit"] = limit

    params["offset"] = offset

    json_ordering: str | Unset = UNSET
    if not isinstance(ordering, Unset):
        json_ordering = ordering

    params["ordering"] = json_ordering

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/messages",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> MessageList | Problem | None:
    if response.status_code == 200:
        response_200 = MessageList.from_dict(response.json())

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
) -> Response[MessageList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    application: str | Unset = UNSET,
    author: MessagesListAuthor | Unset = UNSET,
    cursor: str | Unset = UNSET,
    expand: list[MessagesListExpandItem] | Unset = UNSET,
    fields: list[MessagesListFieldsItem] | Unset = UNSET,
    limit: int | Unset = 10,
    offset: int | Unset = UNSET,
    ordering: MessagesListOrdering | Unset = "-created_at",
) -> Response[MessageList | Problem]:
    """List messages

    Args:
        application (str | Unset):
        author (MessagesListAuthor | Unset):
        cursor (str | Unset):
        expand (list[MessagesListExpandItem] | Unset):
        fields (list[MessagesListFieldsItem] | Unset):
        limit (int | Unset):  Default: 10.
        offset (int | Unset):
        ordering (MessagesListOrdering | Unset):  Default: '-created_at'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MessageList | Problem]
    """

    kwargs = _get_kwargs(
        application=application,
        author=author,
        cursor=cursor,
        expand=expand,
        fields=fields,
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
    application: str | Unset = UNSET,
    author: MessagesListAuthor | Unset = UNSET,
    cursor: str | Unset = UNSET,
    expand: list[MessagesListExpandItem] | Unset = UNSET,
    fields: list[MessagesListFieldsItem] | Unset = UNSET,
    limit: int | Unset = 10,
    offset: int | Unset = UNSET,
    ordering: MessagesListOrdering | Unset = "-created_at",
) -> MessageList | Problem | None:
    """List messages

    Args:
        application (str | Unset):
        author (MessagesListAuthor | Unset):
        cursor (str | Unset):
        expand (list[MessagesListExpandItem] | Unset):
        fields (list[MessagesListFieldsItem] | Unset):
        limit (int | Unset):  Default: 10.
        offset (int | Unset):
        ordering (MessagesListOrdering | Unset):  Default: '-created_at'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MessageList | Problem
    """

    return sync_detailed(
        client=client,
        application=application,
        author=author,
        cursor=cursor,
        expand=expand,
        fields=fields,
        limit=limit,
        offset=offset,
        ordering=ordering,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    application: str | Unset = UNSET,
    author: MessagesListAuthor | Unset = UNSET,
    cursor: str | Unset = UNSET,
    expand: list[MessagesListExpandItem] | Unset = UNSET,
    fields: list[MessagesListFieldsItem] | Unset = UNSET,
    limit: int | Unset = 10,
    offset: int | Unset = UNSET,
    ordering: MessagesListOrdering | Unset = "-created_at",
) -> Response[MessageList | Problem]:
    """List messages

    Args:
        application (str | Unset):
        author (MessagesListAuthor | Unset):
        cursor (str | Unset):
        expand (list[MessagesListExpandItem] | Unset):
        fields (list[MessagesListFieldsItem] | Unset):
        limit (int | Unset):  Default: 10.
        offset (int | Unset):
        ordering (MessagesListOrdering | Unset):  Default: '-created_at'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MessageList | Problem]
    """

    kwargs = _get_kwargs(
        application=application,
        author=author,
        cursor=cursor,
        expand=expand,
        fields=fields,
        limit=limit,
        offset=offset,
        ordering=ordering,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    application: str | Unset = UNSET,
    author: MessagesListAuthor | Unset = UNSET,
    cursor: str | Unset = UNSET,
    expand: list[MessagesListExpandItem] | Unset = UNSET,
    fields: list[MessagesListFieldsItem] | Unset = UNSET,
    limit: int | Unset = 10,
    offset: int | Unset = UNSET,
    ordering: MessagesListOrdering | Unset = "-created_at",
) -> MessageList | Problem | None:
    """List messages

    Args:
        application (str | Unset):
        author (MessagesListAuthor | Unset):
        cursor (str | Unset):
        expand (list[MessagesListExpandItem] | Unset):
        fields (list[MessagesListFieldsItem] | Unset):
        limit (int | Unset):  Default: 10.
        offset (int | Unset):
        ordering (MessagesListOrdering | Unset):  Default: '-created_at'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MessageList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            application=application,
            author=author,
            cursor=cursor,
            expand=expand,
            fields=fields,
            limit=limit,
            offset=offset,
            ordering=ordering,
        )
    ).parsed
