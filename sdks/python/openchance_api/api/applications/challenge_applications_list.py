import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.application_list import ApplicationList
from ...models.challenge_applications_list_expand_item import (
    ChallengeApplicationsListExpandItem,
)
from ...models.challenge_applications_list_fields_item import (
    ChallengeApplicationsListFieldsItem,
)
from ...models.challenge_applications_list_metadata import (
    ChallengeApplicationsListMetadata,
)
from ...models.challenge_applications_list_ordering import (
    ChallengeApplicationsListOrdering,
)
from ...models.challenge_applications_list_status_item import (
    ChallengeApplicationsListStatusItem,
)
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    challenge_id: str,
    *,
    applicant_email: str | Unset = UNSET,
    applicant_external_id: str | Unset = UNSET,
    created_atgt: datetime.datetime | Unset = UNSET,
    created_atgte: datetime.datetime | Unset = UNSET,
    created_atlt: datetime.datetime | Unset = UNSET,
    created_atlte: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    expand: list[ChallengeApplicationsListExpandItem] | Unset = UNSET,
    fields: list[ChallengeApplicationsListFieldsItem] | Unset = UNSET,
    limit: int | Unset = 10,
    metadata: ChallengeApplicationsListMetadata | Unset = UNSET,
    offset: int | Unset = UNSET,
    ordering: ChallengeApplicationsListOrdering | Unset = "-created_at",
    status: list[ChallengeApplicationsListStatusItem] | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["applicant_email"] = applicant_email

    params["applicant_external_id"] = applicant_external_id

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

    json_status: list[str] | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = []
        for status_item_data in status:
            status_item: str = status_item_data
            json_status.append(status_item)

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/challenges/{challenge_id}/applications".format(
            challenge_id=quote(str(challenge_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApplicationList | Problem | None:
    if response.status_code == 200:
        response_200 = ApplicationList.from_dict(response.json())

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
) -> Response[ApplicationList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    challenge_id: str,
    *,
    client: AuthenticatedClient,
    applicant_email: str | Unset = UNSET,
    applicant_external_id: str | Unset = UNSET,
    created_atgt: datetime.datetime | Unset = UNSET,
    created_atgte: datetime.datetime | Unset = UNSET,
    created_atlt: datetime.datetime | Unset = UNSET,
    created_atlte: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    expand: list[ChallengeApplicationsListExpandItem] | Unset = UNSET,
    fields: list[ChallengeApplicationsListFieldsItem] | Unset = UNSET,
    limit: int | Unset = 10,
    metadata: ChallengeApplicationsListMetadata | Unset = UNSET,
    offset: int | Unset = UNSET,
    ordering: ChallengeApplicationsListOrdering | Unset = "-created_at",
    status: list[ChallengeApplicationsListStatusItem] | Unset = UNSET,
) -> Response[ApplicationList | Problem]:
    """List a challenge's applications

    Args:
        challenge_id (str):
        applicant_email (str | Unset):
        applicant_external_id (str | Unset):
        created_atgt (datetime.datetime | Unset):
        created_atgte (datetime.datetime | Unset):
        created_atlt (datetime.datetime | Unset):
        created_atlte (datetime.datetime | Unset):
        cursor (str | Unset):
        expand (list[ChallengeApplicationsListExpandItem] | Unset):
        fields (list[ChallengeApplicationsListFieldsItem] | Unset):
        limit (int | Unset):  Default: 10.
        metadata (ChallengeApplicationsListMetadata | Unset):
        offset (int | Unset):
        ordering (ChallengeApplicationsListOrdering | Unset):  Default: '-created_at'.
        status (list[ChallengeApplicationsListStatusItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApplicationList | Problem]
    """

    kwargs = _get_kwargs(
        challenge_id=challenge_id,
        applicant_email=applicant_email,
        applicant_external_id=applicant_external_id,
        created_atgt=created_atgt,
        created_atgte=created_atgte,
        created_atlt=created_atlt,
        created_atlte=created_atlte,
        cursor=cursor,
        expand=expand,
        fields=fields,
        limit=limit,
        metadata=metadata,
        offset=offset,
        ordering=ordering,
        status=status,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    challenge_id: str,
    *,
    client: AuthenticatedClient,
    applicant_email: str | Unset = UNSET,
    applicant_external_id: str | Unset = UNSET,
    created_atgt: datetime.datetime | Unset = UNSET,
    created_atgte: datetime.datetime | Unset = UNSET,
    created_atlt: datetime.datetime | Unset = UNSET,
    created_atlte: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    expand: list[ChallengeApplicationsListExpandItem] | Unset = UNSET,
    fields: list[ChallengeApplicationsListFieldsItem] | Unset = UNSET,
    limit: int | Unset = 10,
    metadata: ChallengeApplicationsListMetadata | Unset = UNSET,
    offset: int | Unset = UNSET,
    ordering: ChallengeApplicationsListOrdering | Unset = "-created_at",
    status: list[ChallengeApplicationsListStatusItem] | Unset = UNSET,
) -> ApplicationList | Problem | None:
    """List a challenge's applications

    Args:
        challenge_id (str):
        applicant_email (str | Unset):
        applicant_external_id (str | Unset):
        created_atgt (datetime.datetime | Unset):
        created_atgte (datetime.datetime | Unset):
        created_atlt (datetime.datetime | Unset):
        created_atlte (datetime.datetime | Unset):
        cursor (str | Unset):
        expand (list[ChallengeApplicationsListExpandItem] | Unset):
        fields (list[ChallengeApplicationsListFieldsItem] | Unset):
        limit (int | Unset):  Default: 10.
        metadata (ChallengeApplicationsListMetadata | Unset):
        offset (int | Unset):
        ordering (ChallengeApplicationsListOrdering | Unset):  Default: '-created_at'.
        status (list[ChallengeApplicationsListStatusItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApplicationList | Problem
    """

    return sync_detailed(
        challenge_id=challenge_id,
        client=client,
        applicant_email=applicant_email,
        applicant_external_id=applicant_external_id,
        created_atgt=created_atgt,
        created_atgte=created_atgte,
        created_atlt=created_atlt,
        created_atlte=created_atlte,
        cursor=cursor,
        expand=expand,
        fields=fields,
        limit=limit,
        metadata=metadata,
        offset=offset,
        ordering=ordering,
        status=status,
    ).parsed


async def asyncio_detailed(
    challenge_id: str,
    *,
    client: AuthenticatedClient,
    applicant_email: str | Unset = UNSET,
    applicant_external_id: str | Unset = UNSET,
    created_atgt: datetime.datetime | Unset = UNSET,
    created_atgte: datetime.datetime | Unset = UNSET,
    created_atlt: datetime.datetime | Unset = UNSET,
    created_atlte: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    expand: list[ChallengeApplicationsListExpandItem] | Unset = UNSET,
    fields: list[ChallengeApplicationsListFieldsItem] | Unset = UNSET,
    limit: int | Unset = 10,
    metadata: ChallengeApplicationsListMetadata | Unset = UNSET,
    offset: int | Unset = UNSET,
    ordering: ChallengeApplicationsListOrdering | Unset = "-created_at",
    status: list[ChallengeApplicationsListStatusItem] | Unset = UNSET,
) -> Response[ApplicationList | Problem]:
    """List a challenge's applications

    Args:
        challenge_id (str):
        applicant_email (str | Unset):
        applicant_external_id (str | Unset):
        created_atgt (datetime.datetime | Unset):
        created_atgte (datetime.datetime | Unset):
        created_atlt (datetime.datetime | Unset):
        created_atlte (datetime.datetime | Unset):
        cursor (str | Unset):
        expand (list[ChallengeApplicationsListExpandItem] | Unset):
        fields (list[ChallengeApplicationsListFieldsItem] | Unset):
        limit (int | Unset):  Default: 10.
        metadata (ChallengeApplicationsListMetadata | Unset):
        offset (int | Unset):
        ordering (ChallengeApplicationsListOrdering | Unset):  Default: '-created_at'.
        status (list[ChallengeApplicationsListStatusItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApplicationList | Problem]
    """

    kwargs = _get_kwargs(
        challenge_id=challenge_id,
        applicant_email=applicant_email,
        applicant_external_id=applicant_external_id,
        created_atgt=created_atgt,
        created_atgte=created_atgte,
        created_atlt=created_atlt,
        created_atlte=created_atlte,
        cursor=cursor,
        expand=expand,
        fields=fields,
        limit=limit,
        metadata=metadata,
        offset=offset,
        ordering=ordering,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    challenge_id: str,
    *,
    client: AuthenticatedClient,
    applicant_email: str | Unset = UNSET,
    applicant_external_id: str | Unset = UNSET,
    created_atgt: datetime.datetime | Unset = UNSET,
    created_atgte: datetime.datetime | Unset = UNSET,
    created_atlt: datetime.datetime | Unset = UNSET,
    created_atlte: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    expand: list[ChallengeApplicationsListExpandItem] | Unset = UNSET,
    fields: list[ChallengeApplicationsListFieldsItem] | Unset = UNSET,
    limit: int | Unset = 10,
    metadata: ChallengeApplicationsListMetadata | Unset = UNSET,
    offset: int | Unset = UNSET,
    ordering: ChallengeApplicationsListOrdering | Unset = "-created_at",
    status: list[ChallengeApplicationsListStatusItem] | Unset = UNSET,
) -> ApplicationList | Problem | None:
    """List a challenge's applications

    Args:
        challenge_id (str):
        applicant_email (str | Unset):
        applicant_external_id (str | Unset):
        created_atgt (datetime.datetime | Unset):
        created_atgte (datetime.datetime | Unset):
        created_atlt (datetime.datetime | Unset):
        created_atlte (datetime.datetime | Unset):
        cursor (str | Unset):
        expand (list[ChallengeApplicationsListExpandItem] | Unset):
        fields (list[ChallengeApplicationsListFieldsItem] | Unset):
        limit (int | Unset):  Default: 10.
        metadata (ChallengeApplicationsListMetadata | Unset):
        offset (int | Unset):
        ordering (ChallengeApplicationsListOrdering | Unset):  Default: '-created_at'.
        status (list[ChallengeApplicationsListStatusItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApplicationList | Problem
    """

    return (
        await asyncio_detailed(
            challenge_id=challenge_id,
            client=client,
            applicant_email=applicant_email,
            applicant_external_id=applicant_external_id,
            created_atgt=created_atgt,
            created_atgte=created_atgte,
            created_atlt=created_atlt,
            created_atlte=created_atlte,
            cursor=cursor,
            expand=expand,
            fields=fields,
            limit=limit,
            metadata=metadata,
            offset=offset,
            ordering=ordering,
            status=status,
        )
    ).parsed
