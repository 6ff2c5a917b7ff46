from typing import Literal

ApplicationsWithdrawFieldsItem = Literal[
    "applicant",
    "challenge",
    "created_at",
    "id",
    "links",
    "livemode",
    "metadata",
    "object",
    "pitch",
    "score",
    "status",
    "updated_at",
]

APPLICATIONS_WITHDRAW_FIELDS_ITEM_VALUES: set[ApplicationsWithdrawFieldsItem] = {
    "applicant",
    "challenge",
    "created_at",
    "id",
    "links",
    "livemode",
    "metadata",
    "object",
    "pitch",
    "score",
    "status",
    "updated_at",
}


def check_applications_withdraw_fields_item(
    value: str,
) -> ApplicationsWithdrawFieldsItem:
    if value in APPLICATIONS_WITHDRAW_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {APPLICATIONS_WITHDRAW_FIELDS_ITEM_VALUES!r}"
    )
