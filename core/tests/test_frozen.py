"""``core.frozen.frozen_instance``: the same instance as the class's constructor makes, and every
use in the code base names only fields of its class, and all the fields without a default
(nothing checks that at run time)."""

import ast
import dataclasses
import importlib
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from api.gateway.limits import LimitResult
from core.frozen import frozen_instance
from metering.records import UsageRecord

BASE_DIR = Path(__file__).resolve().parents[2]

LIMIT_VALUES = {
    "allowed": True,
    "code": None,
    "limit": 10,
    "remaining": 9,
    "reset_seconds": 1,
    "retry_after": None,
    "rate_per_second": 10,
    "cost": 1,
    "plan_code": "free",
    "plan_name": "Free",
    "included_calls": 1000,
    "period_calls": 5,
    "period_start": datetime(2026, 12, 1, tzinfo=UTC),
    "period_end": datetime(2027, 1, 1, tzinfo=UTC),
    "is_degraded": False,
}


@pytest.mark.parametrize(
    "values", [LIMIT_VALUES, {**LIMIT_VALUES, "data_generation": 7, "spend_cap_calls": 3}]
)
def test_the_instance_is_the_constructors_defaults_included(values):
    made = frozen_instance(LimitResult, **values)
    expected = LimitResult(**values)
    assert made == expected
    assert hash(made) == hash(expected)
    assert repr(made) == repr(expected)
    assert dataclasses.asdict(made) == dataclasses.asdict(expected)
    assert made.overage_unit_price == Decimal(0)
    assert made.headers() == expected.headers()


def test_the_instance_stays_frozen():
    made = frozen_instance(LimitResult, **LIMIT_VALUES)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.remaining = 0  # type: ignore[misc]
    assert dataclasses.replace(made, remaining=0).remaining == 0


def _uses():
    """(file, line, class, keyword names, whether a ``**mapping`` is spread) of every call."""
    for path in sorted(BASE_DIR.glob("*/**/*.py")):
        if ".venv" in path.parts or "tests" in path.parts or path.name == "frozen.py":
            continue
        text = path.read_text()
        if "frozen_instance(" not in text:
            continue
        tree = ast.parse(text)
        imported = {
            alias.asname or alias.name: node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        }
        module = ".".join(path.relative_to(BASE_DIR).with_suffix("").parts)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "frozen_instance":
                name = node.args[0].id
                cls = getattr(importlib.import_module(imported.get(name, module)), name)
                names = {keyword.arg for keyword in node.keywords if keyword.arg is not None}
                spread = any(keyword.arg is None for keyword in node.keywords)
                yield f"{path.relative_to(BASE_DIR)}:{node.lineno}", cls, names, spread


USES = list(_uses())


def test_the_code_base_uses_it():
    assert {cls for _, cls, _, _ in USES} >= {LimitResult, UsageRecord}


@pytest.mark.parametrize("where, cls, names, spread", USES, ids=[use[0] for use in USES])
def test_every_use_names_fields_and_every_field_without_a_default(where, cls, names, spread):
    fields = {field.name: field for field in dataclasses.fields(cls)}
    assert cls.__dataclass_params__.frozen
    assert not hasattr(cls, "__post_init__")
    assert names <= set(fields), f"{where}: not fields of {cls.__name__}: {names - set(fields)}"
    required = {
        name
        for name, field in fields.items()
        if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
    }
    if not spread:  # a spread mapping is checked where it is made (test_limits)
        assert required <= names, f"{where}: {cls.__name__} fields missing: {required - names}"
