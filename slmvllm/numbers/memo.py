"""A bounded memo for pure functions of frozen objects, keyed by those objects' identity.

The numbers half works the same figures out many times in a batch and in the
sensitivity search (a catalogue's models, one request shape's candidates). Catalogues,
models and candidate lists are frozen or never changed after they are made, so a
result can be kept per object; the memo keeps the objects themselves alive beside it,
so that an id cannot be reused by another object while its entry exists, and it is
emptied when full, so a long batch's memory stays flat.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class IdentityMemo(Generic[V]):
    """`value = memo.get(objects, extra, make)`: `make()` once per objects and extra key."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: dict[tuple[Hashable, ...], tuple[tuple[object, ...], V]] = {}

    def get(
        self, objects: tuple[object, ...], extra: tuple[Hashable, ...], make: Callable[[], V]
    ) -> V:
        """The value for these very objects (by identity) and `extra`, made once."""
        key = (*(id(o) for o in objects), *extra)
        hit = self._items.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], objects, strict=True)):
            return hit[1]
        if len(self._items) >= self.size:
            self._items.clear()
        value = make()
        self._items[key] = (objects, value)
        return value

    def clear(self) -> None:
        """Forget every value."""
        self._items.clear()
