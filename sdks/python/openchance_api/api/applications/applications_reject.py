from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.application import Application
from ...models.application_item import ApplicationItem
from ...models.applications_reject_fields_item import (
    ApplicationsRejectFieldsItem,
)
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    application_id: str,
    *,
    fields: list[ApplicationsRejectFieldsItem] | Unset = UNSET,
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
        "url": "/v1/applications/{application_id}/reject".format(
            application_id=quote(str(application_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Application | ApplicationItem | Problem | None:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> Application | ApplicationItem:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_application_response_type_0 = Application.from_dict(
                    data
                )

                return componentsschemas_application_response_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_application_response_type_1 = ApplicationItem.from_dict(
                data
            )

            return componentsschemas_application_response_type_1

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
) -> Response[Application | ApplicationItem | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    application_id: str,
    *,
    client: AuthenticatedClient,
    fields: list[ApplicationsRejectFieldsItem] | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Application | ApplicationItem | Problem]:
    """Reject an application

     `submitted` or `shortlisted` → `rejected`.

    Args:
        application_id (str):
        fields (list[ApplicationsRejectFieldsItem] | Unset):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Application | ApplicationItem | Problem]
    """

    kwargs = _get_kwargs(
        application_id=application_id,
        fields=fields,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    application_id: str,
    *,
    client: AuthenticatedClient,
    fields: list[ApplicationsRejectFieldsItem] | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Application | ApplicationItem | Problem | None:
    """Reject an application

     `submitted` or `shortlisted` → `rejected`.

    Args:
        application_id (str):
        fields (list[ApplicationsRejectFieldsItem] | Unset):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Application | ApplicationItem | Problem
    """

    return sync_detailed(
        application_id=application_id,
        client=client,
        fields=fields,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    application_id: str,
    *,
    client: AuthenticatedClient,
    fields: list[ApplicationsRejectFieldsItem] | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Application | ApplicationItem | Problem]:
    """Reject an application

     `submitted` or `shortlisted` → `rejected`.

    Args:
        application_id (str):
        fields (list[ApplicationsRejectFieldsItem] | Unset):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Application | ApplicationItem | Problem]
    """

    kwargs = _get_kwargs(
        application_id=application_id,
        fields=fields,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    application_id: str,
    *,
    client: AuthenticatedClient,
    fields: list[ApplicationsRejectFieldsItem] | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Application | ApplicationItem | Problem | None:
    """Reject an application

     `submitted` or `shortlisted` → `rejected`.

    Args:
        application_id (str):
        fields (list[ApplicationsRejectFieldsItem] | Unset):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Application | ApplicationItem | Problem
    """

    return (
        await asyncio_detailed(
            application_id=application_id,
            client=client,
            fields=fields,
            idempotency_key=idempotency_key,
        )
    ).parsed
