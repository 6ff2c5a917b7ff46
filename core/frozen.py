"""``frozen_instance``: a frozen dataclass made without its generated ``__init__``.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` (its own
``__setattr__`` refuses): ~0.5 µs a field, ~12 µs for the gateway's 21-field ``LimitResult``,
made on every API call, against ~1 µs for a dictionary update. For hot paths only, and only with
every field named that has no default (``core/tests/test_frozen.py`` holds each use equal to the
class's own constructor): nothing checks the names here.
"""

from typing import TypeVar

T = TypeVar("T")


def frozen_instance(cls: type[T], /, **values) -> T:
    """``cls(**values)`` for a frozen dataclass without ``__post_init__``, faster (see module).
    Fields left out read their class-level default, as the constructor would set them."""
    instance = object.__new__(cls)
    instance.__dict__.update(values)
    return instance
