"""Unit prices as API text (invoice lines, plans): plain digits, never an exponent."""

from decimal import Decimal

import pytest

from billing.selectors import decimal_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("4900.000000"), "4900"),  # a base fee line: normalize() alone says "4.9E+3"
        (Decimal("49000"), "49000"),
        (Decimal("0.100000"), "0.1"),  # $0.001 a call, in cents
        (Decimal("0.000001"), "0.000001"),
        (Decimal("0"), "0"),
        (Decimal("1E+6"), "1000000"),
    ],
)
def test_unit_prices_are_plain_decimal_text(value, text):
    assert decimal_text(value) == text
