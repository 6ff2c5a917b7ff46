from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.challenge import Challenge
from ...models.challenge_item import ChallengeItem
from ...models.challenges_publish_fields_item import (
    ChallengesPublishFieldsItem,
)
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    challenge_id: str,
    *,
    fields: list[ChallengesPublishFieldsItem] | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    params: dict[str, Any] = {}

    json_fields: list[str] | Unset = UNSET
    if not isinstance(fields, Unset):
        json_fields = []
        for fields_item_data in fields:
            fields_item: str = fields_item_data
            json_fields.append(fields_item)

    params["fields"] = json_fields

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/challenges/{challenge_id}/publish".format(
            challenge_id=quote(str(challenge_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Challenge | ChallengeItem | Problem | None:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> Challenge | ChallengeItem:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_challenge_response_type_0 = Challenge.from_dict(data)

                return componentsschemas_challenge_response_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_challenge_response_type_1 = ChallengeItem.from_dict(data)

            return componentsschemas_challenge_response_type_1

        response_200 = _parse_response_200(response.json())

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
) -> Response[Challenge | ChallengeItem | Problem]:
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
    fields: list[ChallengesPublishFieldsItem] | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Challenge | ChallengeItem | Problem]:
    """Publish a challenge

     `draft` → `open`: it starts taking applications. Its deadline must be ahead.

    Args:
        challenge_id (str):
        fields (list[ChallengesPublishFieldsItem] | Unset):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Challenge | ChallengeItem | Problem]
    """

    kwargs = _get_kwargs(
        challenge_id=challenge_id,
        fields=fields,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    challenge_id: str,
    *,
    client: AuthenticatedClient,
    fields: list[ChallengesPublishFieldsItem] | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Challenge | ChallengeItem | Problem | None:
    """Publish a challenge

     `draft` → `open`: it starts taking applications. Its deadline must be ahead.

    Args:
        challenge_id (str):
        fields (list[ChallengesPublishFieldsItem] | Unset):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Challenge | ChallengeItem | Problem
    """

    return sync_detailed(
        challenge_id=challenge_id,
        client=client,
        fields=fields,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    challenge_id: str,
    *,
    client: AuthenticatedClient,
    fields: list[ChallengesPublishFieldsItem] | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Challenge | ChallengeItem | Problem]:
    """Publish a challenge

     `draft` → `open`: it starts taking applications. Its deadline must be ahead.

    Args:
        challenge_id (str):
        fields (list[ChallengesPublishFieldsItem] | Unset):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Challenge | ChallengeItem | Problem]
    """

    kwargs = _get_kwargs(
        challenge_id=challenge_id,
        fields=fields,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    challenge_id: str,
    *,
    client: AuthenticatedClient,
    fields: list[ChallengesPublishFieldsItem] | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Challenge | ChallengeItem | Problem | None:
    """Publish a challenge

     `draft` → `open`: it starts taking applications. Its deadline must be ahead.

    Args:
        challenge_id (str):
        fields (list[ChallengesPublishFieldsItem] | Unset):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Challenge | ChallengeItem | Problem
    """

    return (
        await asyncio_detailed(
            challenge_id=challenge_id,
            client=client,
            fields=fields,
            idempotency_key=idempotency_key,
        )
    ).parsed
