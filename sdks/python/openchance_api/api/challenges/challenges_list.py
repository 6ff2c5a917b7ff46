import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.challenge_list import ChallengeList
from ...models.challenges_list_category_item import (
    ChallengesListCategoryItem,
)
from ...models.challenges_list_fields_item import (
    ChallengesListFieldsItem,
)
from ...models.challenges_list_metadata import ChallengesListMetadata
from ...models.challenges_list_ordering import (
    ChallengesListOrdering,
)
from ...models.challenges_list_status_item import (
    ChallengesListStatusItem,
)
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    category: list[ChallengesListCategoryItem] | Unset = UNSET,
    created_atgt: datetime.datetime | Unset = UNSET,
    created_atgte: datetime.datetime | Unset = UNSET,
    created_atlt: datetime.datetime | Unset = UNSET,
    created_atlte: datetime.datetime | Unset = UNSET,
    currency: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    deadlinegt: datetime.datetime | Unset = UNSET,
    deadlinegte: datetime.datetime | Unset = UNSET,
    deadlinelt: datetime.datetime | Unset = UNSET,
    deadlinelte: datetime.datetime | Unset = UNSET,
    fields: list[ChallengesListFieldsItem] | Unset = UNSET,
    limit: int | Unset = 10,
    metadata: ChallengesListMetadata | Unset = UNSET,
    offset: int | Unset = UNSET,
    ordering: ChallengesListOrdering | Unset = UNSET,
    remote: bool | None | Unset = UNSET,
    reward_amountgt: int | Unset = UNSET,
    reward_amountgte: int | Unset = UNSET,
    reward_amountlt: int | Unset = UNSET,
    reward_amountlte: int | Unset = UNSET,
    search: str | Unset = UNSET,
    skills: list[str] | Unset = UNSET,
    status: list[ChallengesListStatusItem] | Unset = UNSET,
    tags: list[str] | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_category: list[str] | Unset = UNSET
    if not isinstance(category, Unset):
        json_category = []
        for category_item_data in category:
            category_item: str = category_item_data
            json_category.append(category_item)

    params["category"] = json_category

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

    params["currency"] = currency

    params["cursor"] = cursor

    json_deadlinegt: str | Unset = UNSET
    if not isinstance(deadlinegt, Unset):
        json_deadlinegt = deadlinegt.isoformat()
    params["deadline[gt]"] = json_deadlinegt

    json_deadlinegte: str | Unset = UNSET
    if not isinstance(deadlinegte, Unset):
        json_deadlinegte = deadlinegte.isoformat()
    params["deadline[gte]"] = json_deadlinegte

    json_deadlinelt: str | Unset = UNSET
    if not isinstance(deadlinelt, Unset):
        json_deadlinelt = deadlinelt.isoformat()
    params["deadline[lt]"] = json_deadlinelt

    json_deadlinelte: str | Unset = UNSET
    if not isinstance(deadlinelte, Unset):
        json_deadlinelte = deadlinelte.isoformat()
    params["deadline[lte]"] = json_deadlinelte

    json_fields: list[str] | Unset = UNSET
    if not isinstance(fields, Unset):
        json_fields = []
        for fields_item_data in fields:
            fields_item: str = fields_item_data
            json_fields.append(fields_item)

    params["fields"] = json_fields

    params["limit"] = limit

    json_metadata: dict[str, Any] | Unset = UNSET
    if not isinstance(metadata, Unset):
        json_metadata = metadata.to_dict()
    if not isinstance(json_metadata, Unset):
        params.update(json_metadata)

    params["offset"] = offset

    json_ordering: str | Unset = UNSET
    if not isinstance(ordering, Unset):
        json_ordering = ordering

    params["ordering"] = json_ordering

    json_remote: bool | None | Unset
    if isinstance(remote, Unset):
        json_remote = UNSET
    else:
        json_remote = remote
    params["remote"] = json_remote

    params["reward_amount[gt]"] = reward_amountgt

    params["reward_amount[gte]"] = reward_amountgte

    params["reward_amount[lt]"] = reward_amountlt

    params["reward_amount[lte]"] = reward_amountlte

    params["search"] = search

    json_skills: list[str] | Unset = UNSET
    if not isinstance(skills, Unset):
        json_skills = skills

    params["skills"] = json_skills

    json_status: list[str] | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = []
        for status_item_data in status:
            status_item: str = status_item_data
            json_status.append(status_item)

    params["status"] = json_status

    json_tags: list[str] | Unset = UNSET
    if not isinstance(tags, Unset):
        json_tags = tags

    params["tags"] = json_tags

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/challenges",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ChallengeList | Problem | None:
    if response.status_code == 200:
        response_200 = ChallengeList.from_dict(response.json())

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
) -> Response[ChallengeList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    category: list[ChallengesListCategoryItem] | Unset = UNSET,
    created_atgt: datetime.datetime | Unset = UNSET,
    created_atgte: datetime.datetime | Unset = UNSET,
    created_atlt: datetime.datetime | Unset = UNSET,
    created_atlte: datetime.datetime | Unset = UNSET,
    currency: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    deadlinegt: datetime.datetime | Unset = UNSET,
    deadlinegte: datetime.datetime | Unset = UNSET,
    deadlinelt: datetime.datetime | Unset = UNSET,
    deadlinelte: datetime.datetime | Unset = UNSET,
    fields: list[ChallengesListFieldsItem] | Unset = UNSET,
    limit: int | Unset = 10,
    metadata: ChallengesListMetadata | Unset = UNSET,
    offset: int | Unset = UNSET,
    ordering: ChallengesListOrdering | Unset = UNSET,
    remote: bool | None | Unset = UNSET,
    reward_amountgt: int | Unset = UNSET,
    reward_amountgte: int | Unset = UNSET,
    reward_amountlt: int | Unset = UNSET,
    reward_amountlte: int | Unset = UNSET,
    search: str | Unset = UNSET,
    skills: list[str] | Unset = UNSET,
    status: list[ChallengesListStatusItem] | Unset = UNSET,
    tags: list[str] | Unset = UNSET,
) -> Response[ChallengeList | Problem]:
    """List challenges

    Args:
        category (list[ChallengesListCategoryItem] | Unset):
        created_atgt (datetime.datetime | Unset):
        created_atgte (datetime.datetime | Unset):
        created_atlt (datetime.datetime | Unset):
        created_atlte (datetime.datetime | Unset):
        currency (str | Unset):
        cursor (str | Unset):
        deadlinegt (datetime.datetime | Unset):
        deadlinegte (datetime.datetime | Unset):
        deadlinelt (datetime.datetime | Unset):
        deadlinelte (datetime.datetime | Unset):
        fields (list[ChallengesListFieldsItem] | Unset):
        limit (int | Unset):  Default: 10.
        metadata (ChallengesListMetadata | Unset):
        offset (int | Unset):
        ordering (ChallengesListOrdering | Unset):
        remote (bool | None | Unset):
        reward_amountgt (int | Unset):
        reward_amountgte (int | Unset):
        reward_amountlt (int | Unset):
        reward_amountlte (int | Unset):
        search (str | Unset):
        skills (list[str] | Unset):
        status (list[ChallengesListStatusItem] | Unset):
        tags (list[str] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ChallengeList | Problem]
    """

    kwargs = _get_kwargs(
        category=category,
        created_atgt=created_atgt,
        created_atgte=created_atgte,
        created_atlt=created_atlt,
        created_atlte=created_atlte,
        currency=currency,
        cursor=cursor,
        deadlinegt=deadlinegt,
        deadlinegte=deadlinegte,
        deadlinelt=deadlinelt,
        deadlinelte=deadlinelte,
        fields=fields,
        limit=limit,
        metadata=metadata,
        offset=offset,
        ordering=ordering,
        remote=remote,
        reward_amountgt=reward_amountgt,
        reward_amountgte=reward_amountgte,
        reward_amountlt=reward_amountlt,
        reward_amountlte=reward_amountlte,
        search=search,
        skills=skills,
        status=status,
        tags=tags,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    category: list[ChallengesListCategoryItem] | Unset = UNSET,
    created_atgt: datetime.datetime | Unset = UNSET,
    created_atgte: datetime.datetime | Unset = UNSET,
    created_atlt: datetime.datetime | Unset = UNSET,
    created_atlte: datetime.datetime | Unset = UNSET,
    currency: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    deadlinegt: datetime.datetime | Unset = UNSET,
    deadlinegte: datetime.datetime | Unset = UNSET,
    deadlinelt: datetime.datetime | Unset = UNSET,
    deadlinelte: datetime.datetime | Unset = UNSET,
    fields: list[ChallengesListFieldsItem] | Unset = UNSET,
    limit: int | Unset = 10,
    metadata: ChallengesListMetadata | Unset = UNSET,
    offset: int | Unset = UNSET,
    ordering: ChallengesListOrdering | Unset = UNSET,
    remote: bool | None | Unset = UNSET,
    reward_amountgt: int | Unset = UNSET,
    reward_amountgte: int | Unset = UNSET,
    reward_amountlt: int | Unset = UNSET,
    reward_amountlte: int | Unset = UNSET,
    search: str | Unset = UNSET,
    skills: list[str] | Unset = UNSET,
    status: list[ChallengesListStatusItem] | Unset = UNSET,
    tags: list[str] | Unset = UNSET,
) -> ChallengeList | Problem | None:
    """List challenges

    Args:
        category (list[ChallengesListCategoryItem] | Unset):
        created_atgt (datetime.datetime | Unset):
        created_atgte (datetime.datetime | Unset):
        created_atlt (datetime.datetime | Unset):
        created_atlte (datetime.datetime | Unset):
        currency (str | Unset):
        cursor (str | Unset):
        deadlinegt (datetime.datetime | Unset):
        deadlinegte (datetime.datetime | Unset):
        deadlinelt (datetime.datetime | Unset):
        deadlinelte (datetime.datetime | Unset):
        fields (list[ChallengesListFieldsItem] | Unset):
        limit (int | Unset):  Default: 10.
        metadata (ChallengesListMetadata | Unset):
        offset (int | Unset):
        ordering (ChallengesListOrdering | Unset):
        remote (bool | None | Unset):
        reward_amountgt (int | Unset):
        reward_amountgte (int | Unset):
        reward_amountlt (int | Unset):
        reward_amountlte (int | Unset):
        search (str | Unset):
        skills (list[str] | Unset):
        status (list[ChallengesListStatusItem] | Unset):
        tags (list[str] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ChallengeList | Problem
    """

    return sync_detailed(
        client=client,
        category=category,
        created_atgt=created_atgt,
        created_atgte=created_atgte,
        created_atlt=created_atlt,
        created_atlte=created_atlte,
        currency=currency,
        cursor=cursor,
        deadlinegt=deadlinegt,
        deadlinegte=deadlinegte,
        deadlinelt=deadlinelt,
        deadlinelte=deadlinelte,
        fields=fields,
        limit=limit,
        metadata=metadata,
        offset=offset,
        ordering=ordering,
        remote=remote,
        reward_amountgt=reward_amountgt,
        reward_amountgte=reward_amountgte,
        reward_amountlt=reward_amountlt,
        reward_amountlte=reward_amountlte,
        search=search,
        skills=skills,
        status=status,
        tags=tags,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    category: list[ChallengesListCategoryItem] | Unset = UNSET,
    created_atgt: datetime.datetime | Unset = UNSET,
    created_atgte: datetime.datetime | Unset = UNSET,
    created_atlt: datetime.datetime | Unset = UNSET,
    created_atlte: datetime.datetime | Unset = UNSET,
    currency: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    deadlinegt: datetime.datetime | Unset = UNSET,
    deadlinegte: datetime.datetime | Unset = UNSET,
    deadlinelt: datetime.datetime | Unset = UNSET,
    deadlinelte: datetime.datetime | Unset = UNSET,
    fields: list[ChallengesListFieldsItem] | Unset = UNSET,
    limit: int | Unset = 10,
    metadata: ChallengesListMetadata | Unset = UNSET,
    offset: int | Unset = UNSET,
    ordering: ChallengesListOrdering | Unset = UNSET,
    remote: bool | None | Unset = UNSET,
    reward_amountgt: int | Unset = UNSET,
    reward_amountgte: int | Unset = UNSET,
    reward_amountlt: int | Unset = UNSET,
    reward_amountlte: int | Unset = UNSET,
    search: str | Unset = UNSET,
    skills: list[str] | Unset = UNSET,
    status: list[ChallengesListStatusItem] | Unset = UNSET,
    tags: list[str] | Unset = UNSET,
) -> Response[ChallengeList | Problem]:
    """List challenges

    Args:
        category (list[ChallengesListCategoryItem] | Unset):
        created_atgt (datetime.datetime | Unset):
        created_atgte (datetime.datetime | Unset):
        created_atlt (datetime.datetime | Unset):
        created_atlte (datetime.datetime | Unset):
        currency (str | Unset):
        cursor (str | Unset):
        deadlinegt (datetime.datetime | Unset):
        deadlinegte (datetime.datetime | Unset):
        deadlinelt (datetime.datetime | Unset):
        deadlinelte (datetime.datetime | Unset):
        fields (list[ChallengesListFieldsItem] | Unset):
        limit (int | Unset):  Default: 10.
        metadata (ChallengesListMetadata | Unset):
        offset (int | Unset):
        ordering (ChallengesListOrdering | Unset):
        remote (bool | None | Unset):
        reward_amountgt (int | Unset):
        reward_amountgte (int | Unset):
        reward_amountlt (int | Unset):
        reward_amountlte (int | Unset):
        search (str | Unset):
        skills (list[str] | Unset):
        status (list[ChallengesListStatusItem] | Unset):
        tags (list[str] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ChallengeList | Problem]
    """

    kwargs = _get_kwargs(
        category=category,
        created_atgt=created_atgt,
        created_atgte=created_atgte,
        created_atlt=created_atlt,
        created_atlte=created_atlte,
        currency=currency,
        cursor=cursor,
        deadlinegt=deadlinegt,
        deadlinegte=deadlinegte,
        deadlinelt=deadlinelt,
        deadlinelte=deadlinelte,
        fields=fields,
        limit=limit,
        metadata=metadata,
        offset=offset,
        ordering=ordering,
        remote=remote,
        reward_amountgt=reward_amountgt,
        reward_amountgte=reward_amountgte,
        reward_amountlt=reward_amountlt,
        reward_amountlte=reward_amountlte,
        search=search,
        skills=skills,
        status=status,
        tags=tags,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    category: list[ChallengesListCategoryItem] | Unset = UNSET,
    created_atgt: datetime.datetime | Unset = UNSET,
    created_atgte: datetime.datetime | Unset = UNSET,
    created_atlt: datetime.datetime | Unset = UNSET,
    created_atlte: datetime.datetime | Unset = UNSET,
    currency: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    deadlinegt: datetime.datetime | Unset = UNSET,
    deadlinegte: datetime.datetime | Unset = UNSET,
    deadlinelt: datetime.datetime | Unset = UNSET,
    deadlinelte: datetime.datetime | Unset = UNSET,
    fields: list[ChallengesListFieldsItem] | Unset = UNSET,
    limit: int | Unset = 10,
    metadata: ChallengesListMetadata | Unset = UNSET,
    offset: int | Unset = UNSET,
    ordering: ChallengesListOrdering | Unset = UNSET,
    remote: bool | None | Unset = UNSET,
    reward_amountgt: int | Unset = UNSET,
    reward_amountgte: int | Unset = UNSET,
    reward_amountlt: int | Unset = UNSET,
    reward_amountlte: int | Unset = UNSET,
    search: str | Unset = UNSET,
    skills: list[str] | Unset = UNSET,
    status: list[ChallengesListStatusItem] | Unset = UNSET,
    tags: list[str] | Unset = UNSET,
) -> ChallengeList | Problem | None:
    """List challenges

    Args:
        category (list[ChallengesListCategoryItem] | Unset):
        created_atgt (datetime.datetime | Unset):
        created_atgte (datetime.datetime | Unset):
        created_atlt (datetime.datetime | Unset):
        created_atlte (datetime.datetime | Unset):
        currency (str | Unset):
        cursor (str | Unset):
        deadlinegt (datetime.datetime | Unset):
        deadlinegte (datetime.datetime | Unset):
        deadlinelt (datetime.datetime | Unset):
        deadlinelte (datetime.datetime | Unset):
        fields (list[ChallengesListFieldsItem] | Unset):
        limit (int | Unset):  Default: 10.
        metadata (ChallengesListMetadata | Unset):
        offset (int | Unset):
        ordering (ChallengesListOrdering | Unset):
        remote (bool | None | Unset):
        reward_amountgt (int | Unset):
        reward_amountgte (int | Unset):
        reward_amountlt (int | Unset):
        reward_amountlte (int | Unset):
        search (str | Unset):
        skills (list[str] | Unset):
        status (list[ChallengesListStatusItem] | Unset):
        tags (list[str] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ChallengeList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            category=category,
            created_atgt=created_atgt,
            created_atgte=created_atgte,
            created_atlt=created_atlt,
            created_atlte=created_atlte,
            currency=currency,
            cursor=cursor,
            deadlinegt=deadlinegt,
            deadlinegte=deadlinegte,
            deadlinelt=deadlinelt,
            deadlinelte=deadlinelte,
            fields=fields,
            limit=limit,
            metadata=metadata,
            offset=offset,
            ordering=ordering,
            remote=remote,
            reward_amountgt=reward_amountgt,
            reward_amountgte=reward_amountgte,
            reward_amountlt=reward_amountlt,
            reward_amountlte=reward_amountlte,
            search=search,
            skills=skills,
            status=status,
            tags=tags,
        )
    ).parsed
