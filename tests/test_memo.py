"""The numbers half's identity memo: made once per objects, never served to others, bounded."""

from __future__ import annotations

from slmvllm.numbers.memo import IdentityMemo


class Thing:
    """A plain object, to be kept by identity."""


def test_a_value_is_made_once_per_objects_and_extra_key() -> None:
    memo: IdentityMemo[int] = IdentityMemo(8)
    made: list[int] = []
    a, b = Thing(), Thing()

    def make(n: int) -> int:
        made.append(n)
        return n

    assert memo.get((a,), (1,), lambda: make(1)) == 1
    assert memo.get((a,), (1,), lambda: make(99)) == 1  # kept: not made again
    assert memo.get((a,), (2,), lambda: make(2)) == 2  # another extra key
    assert memo.get((b,), (1,), lambda: make(3)) == 3  # another object
    assert memo.get((a,), (1,), lambda: make(98)) == 1  # a's value outlived b's
    assert made == [1, 2, 3]


def test_an_entry_for_other_objects_under_the_same_ids_is_never_served() -> None:
    memo: IdentityMemo[str] = IdentityMemo(8)
    a = Thing()
    memo._items[(id(a), "k")] = ((Thing(),), "stale")  # an id reused by another object
    assert memo.get((a,), ("k",), lambda: "fresh") == "fresh"
    assert memo.get((a,), ("k",), lambda: "again") == "fresh"


def test_the_memo_empties_when_full() -> None:
    memo: IdentityMemo[int] = IdentityMemo(2)
    things = [Thing() for _ in range(3)]
    for i, t in enumerate(things):
        memo.get((t,), (), lambda i=i: i)  # type: ignore[misc]
    assert len(memo._items) == 1  # the third emptied it first: memory stays bounded
    assert memo.get((things[0],), (), lambda: 42) == 42  # forgotten, so made again
