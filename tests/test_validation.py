"""The loader's validation messages: what each pydantic error becomes, and where it points.

A small strict model stands in for the contract's models, so each kind of mistake can be
made once on purpose. Every expected message is written out here, not read from the code.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import pytest
from pydantic import AfterValidator, BaseModel, Field, RootModel

from slmvllm.errors import InputError, Problem
from slmvllm.loading.documents import Document, Source
from slmvllm.loading.validation import (
    allowed_keys,
    annotation_at,
    describe,
    literal_choices,
    validate,
)
from slmvllm.loading.yaml_parsing import parse_yaml
from slmvllm.requirements import Strict


def _always_refused(value: str) -> str:
    raise ValueError(f"{value!r} is refused by a check")


class Alpha(Strict):
    alpha_one: int = 0
    alpha_two: int = 0


class Beta(Strict):
    beta_one: int = 0


class Inner(Strict):
    a: str = ""
    b: str = ""


class Sample(Strict):
    level: Literal["low", "high"] | None = None
    size: Literal[1, 2] | None = None
    checked: Annotated[Literal["x", "y"], AfterValidator(_always_refused)] | None = None
    count: int | None = None
    ratio: float | None = None
    name: str | None = None
    flag: bool | None = None
    table: dict[str, int] | None = None
    items: list[int] | None = None
    inner: Inner | None = None
    inners: dict[str, Inner] | None = None
    either: Alpha | Beta | None = None
    choice: Alpha | Literal["auto"] | None = None
    scalar: int | str | None = None
    pair: tuple[int, int] | None = None
    positive: Annotated[int, Field(gt=0)] | None = None
    dashed: int | None = Field(default=None, alias="dash-ed")
    needed: Inner | None = None


class Needs(Strict):
    must: int
    also: int


def problems_of(text: str, model: type[BaseModel] = Sample) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        validate(model, parse_yaml(Source("f.yaml", text)))
    return caught.value.problems


def only_problem(text: str, model: type[BaseModel] = Sample) -> str:
    problems = problems_of(text, model)
    assert len(problems) == 1, [str(p) for p in problems]
    return str(problems[0])


# Each line: the document, then the one problem it gives as the user sees it
# (file:line:column field: message).
MESSAGES = [
    # literal values: the choices come from the annotation, even when they are not text
    ("level: medium\n", "f.yaml:1:8: level: the text 'medium' is not allowed; use one of: low, high"),
    ("level: hihg\n", "f.yaml:1:8: level: the text 'hihg' is not allowed; use one of: low, high;"
     " did you mean 'high'?"),
    ("size: 3\n", "f.yaml:1:7: size: the number 3 is not allowed; use one of: 1, 2"),
    # a check's own message (a value error) is kept as it is, even on a literal field
    ("checked: x\n", "f.yaml:1:10: checked: 'x' is refused by a check"),
    # numbers: each quoted or misshapen number gets its own hint
    ("count: '10'\n", "f.yaml:1:8: count: expected a whole number, got the text '10';"
     " numbers are written without quotes"),
    ("count: '07'\n", "f.yaml:1:8: count: expected a whole number, got the text '07';"
     " write it without the leading zero"),
    ("count: '08:30'\n", "f.yaml:1:8: count: expected a whole number, got the text '08:30';"
     " write it without the leading zero"),
    ("count: '8:30'\n", "f.yaml:1:8: count: expected a whole number, got the text '8:30';"
     " write a single number"),
    ("count: '0'\n", "f.yaml:1:8: count: expected a whole number, got the text '0';"
     " numbers are written without quotes"),
    ("count: lots\n", "f.yaml:1:8: count: expected a whole number, got the text 'lots'"),
    ("count: 2.5\n", "f.yaml:1:8: count: expected a whole number, got the number 2.5;"
     " use a whole number"),
    ("count: true\n", "f.yaml:1:8: count: expected a whole number, got the boolean true"),
    ("ratio: '1e400'\n", "f.yaml:1:8: ratio: expected a number, got the text '1e400';"
     " numbers are written without quotes"),
    ("ratio: '.nan'\n", "f.yaml:1:8: ratio: expected a number, got the text '.nan';"
     " numbers are written without quotes"),
    ("ratio: [1]\n", "f.yaml:1:8: ratio: expected a number, got a list"),
    # text, booleans, mappings, lists
    ("name: 5\n", "f.yaml:1:7: name: expected text, got the number 5;"
     " put it in quotes to keep it as text"),
    ("scalar: null\nname: [x]\n", "f.yaml:2:7: name: expected text, got a list;"
     " put it in quotes to keep it as text"),
    # a null where text is required: no hint to quote it (there is nothing to quote)
    ("inner: {a: null}\n", "f.yaml:1:12: inner.a: expected text, got nothing (null)"),
    ("flag: 'yes'\n", "f.yaml:1:7: flag: expected true or false, got the text 'yes'"),
    ("table: [1]\n", "f.yaml:1:8: table: expected a mapping of keys, got a list"),
    ("inner: 5\n", "f.yaml:1:8: inner: expected a mapping of keys, got the number 5"),
    ("items: 5\n", "f.yaml:1:8: items: expected a list, got the number 5"),
    # anything else keeps pydantic's words, with what was given
    ("positive: -1\n", "f.yaml:1:11: positive: input should be greater than 0"
     " (got the number -1)"),
    ("pair: 5\n", "f.yaml:1:7: pair: input should be a valid tuple (got the number 5)"),
    # a value inside a list or a mapping is located at itself
    ("items: [1, x]\n", "f.yaml:1:12: items[1]: expected a whole number, got the text 'x'"),
    ("table:\n  k: x\n", "f.yaml:2:6: table.k: expected a whole number, got the text 'x'"),
    ("inners:\n  one:\n    a: 5\n", "f.yaml:3:8: inners.one.a: expected text, got the number 5;"
     " put it in quotes to keep it as text"),
    # an alias is a key like any other
    ("dash-ed: x\n", "f.yaml:1:10: dash-ed: expected a whole number, got the text 'x'"),
    # a plain union reports once per member: one problem, at the value, not at 'scalar.int'
    ("scalar: [1]\n", "f.yaml:1:9: scalar: expected a whole number, got a list"),
    # unknown keys: located at the key, with a hint from the mapping's own keys
    ("inner:\n  zz: x\n", "f.yaml:2:3: inner.zz: unknown key 'zz'"),
    ("levle: low\n", "f.yaml:1:1: levle: unknown key 'levle'; did you mean 'level'?"),
    # in a union of mappings, the key is the one named, and the hint draws on every member
    ("either:\n  beta_onee: 1\n",
     "f.yaml:2:3: either.beta_onee: unknown key 'beta_onee'; did you mean 'beta_one'?"),
]  # fmt: skip


def _id(text: str) -> str:
    # Plain ids: mutation runs pass test ids back to pytest, and some punctuation trips it.
    return re.sub(r"\W+", "-", text).strip("-") or "root"


@pytest.mark.parametrize(("text", "expected"), MESSAGES, ids=[_id(m[0]) for m in MESSAGES])
def test_each_mistake_reads_as_one_located_message(text: str, expected: str) -> None:
    assert only_problem(text) == expected


def test_bytes_are_named_by_their_type() -> None:
    # Strict models take no bytes; a document built from answers could hold them.
    doc = Document("answers", {"name": b"\xff"})
    with pytest.raises(InputError) as caught:
        validate(Sample, doc)
    assert [p.message for p in caught.value.problems] == [
        "expected text, got bytes; put it in quotes to keep it as text"
    ]


def test_a_mapping_where_a_mapping_or_a_word_may_stand_gets_both_readings() -> None:
    # `choice` is a mapping of Alpha's keys or the word "auto": the file's mapping has a
    # typo, so the user is told of the key and of the word, both at line 2.
    problems = problems_of("choice:\n  alpha_onne: 1\n")
    assert [str(p) for p in problems] == [
        "f.yaml:2:3: choice.alpha_onne: unknown key 'alpha_onne'; did you mean 'alpha_one'?",
        "f.yaml:2:3: choice: a mapping is not allowed; use one of: auto",
    ]


def test_every_unknown_key_is_reported_not_only_the_first() -> None:
    problems = problems_of("levle: low\ncuont: 1\n")
    assert [str(p) for p in problems] == [
        "f.yaml:1:1: levle: unknown key 'levle'; did you mean 'level'?",
        "f.yaml:2:1: cuont: unknown key 'cuont'; did you mean 'count'?",
    ]


def test_every_missing_key_of_one_mapping_is_reported() -> None:
    # Both point at the mapping (its first value), so they share a spot; both are kept.
    problems = problems_of("{}\n", Needs)
    assert sorted(p.message for p in problems) == [
        "missing required key 'also'",
        "missing required key 'must'",
    ]


def test_a_missing_key_in_a_union_member_names_the_mapping_not_the_member() -> None:
    class Strict1(Strict):
        k: int

    class Strict2(Strict):
        j: int

    class Holder(Strict):
        either: Strict1 | Strict2

    problems = problems_of("either:\n  z: 1\n", Holder)
    fields = {p.field for p in problems if p.message.startswith("missing")}
    assert fields == {"either"}


def test_two_wrong_values_are_both_reported() -> None:
    problems = problems_of("count: x\nname: 5\n")
    assert [p.field for p in problems] == ["count", "name"]


def test_problems_are_sorted_by_line_then_column_not_by_field_order() -> None:
    # The model declares `a` before `b`; the file gives b's value before a's.
    problems = problems_of("inner: {b: 1, a: 2}\nname: 5\ncount: x\n")
    assert [(p.field, p.line, p.column) for p in problems] == [
        ("inner.b", 1, 12),
        ("inner.a", 1, 18),
        ("name", 2, 7),
        ("count", 3, 8),
    ]


def test_a_later_line_with_a_smaller_column_comes_after() -> None:
    # `ratio` (line 1, column 8) comes before `name` (line 2, column 7): line first.
    problems = problems_of("ratio: x\nname: 5\n")
    assert [(p.field, p.line, p.column) for p in problems] == [("ratio", 1, 8), ("name", 2, 7)]


DESCRIBED = [
    (None, "nothing (null)"),
    (True, "the boolean true"),
    (False, "the boolean false"),
    (5, "the number 5"),
    (2.5, "the number 2.5"),
    ("short", "the text 'short'"),
    ("x" * 60, f"the text '{'x' * 60}'"),  # 60 characters: shown whole
    ("x" * 61, f"the text '{'x' * 57}...'"),  # 61: cut to 57 and an ellipsis
    ([1, 2], "a list"),
    ({"a": 1}, "a mapping"),
    (b"raw", "bytes"),  # anything else: its type's name
]


@pytest.mark.parametrize(("value", "expected"), DESCRIBED, ids=[e for _, e in DESCRIBED])
def test_describe_names_a_value_briefly(value: Any, expected: str) -> None:
    assert describe(value) == expected


class Rows(RootModel[list[Inner]]):
    pass


ANNOTATIONS: list[tuple[type[BaseModel], tuple[str | int, ...], Any]] = [
    (Sample, (), Sample),
    (Sample, ("count",), int | None),
    (Sample, ("items", 0), int),  # a list's item
    (Sample, ("table", "k"), int),  # a mapping's value, not its key
    (Sample, ("inners", "one", "a"), str),  # through a mapping into a model
    (Sample, ("pair", 0), int),
    (Sample, ("dash-ed",), int | None),  # by alias
    (Sample, ("dashed",), int | None),  # by name
    (Sample, ("nothing",), None),  # not a field
    (Sample, ("count", "deeper"), None),  # below a number there is nothing
    (Sample, ("scalar", "int"), None),  # a union's member name is not a place
    (Sample, ("inner", "zz"), None),
    (Rows, (0, "a"), str),  # a file that is a list
]


@pytest.mark.parametrize(
    ("model", "loc", "expected"), ANNOTATIONS, ids=[_id(str(a[1])) for a in ANNOTATIONS]
)
def test_annotation_at_follows_the_location(
    model: type[BaseModel], loc: tuple[str | int, ...], expected: Any
) -> None:
    assert annotation_at(model, loc) == expected


KEYS: list[tuple[type[BaseModel], tuple[str | int, ...], list[str]]] = [
    (Inner, (), ["a", "b"]),
    (Sample, ("inner",), ["a", "b"]),
    (Sample, ("inners", "one"), ["a", "b"]),
    (Sample, ("either",), ["alpha_one", "alpha_two", "beta_one"]),  # every member's keys
    (Sample, ("choice",), ["alpha_one", "alpha_two"]),  # the literal member has none
    (Sample, ("items",), []),  # a list holds no keys
    (Sample, ("table",), []),  # a free mapping names none
    (Sample, ("count",), []),
    (Rows, (0,), ["a", "b"]),
]


@pytest.mark.parametrize(("model", "loc", "expected"), KEYS, ids=[_id(str(k[1])) for k in KEYS])
def test_allowed_keys_lists_what_the_mapping_may_hold(
    model: type[BaseModel], loc: tuple[str | int, ...], expected: list[str]
) -> None:
    assert allowed_keys(model, loc) == expected


def test_allowed_keys_of_a_model_with_an_alias_gives_the_alias() -> None:
    assert "dash-ed" in allowed_keys(Sample, ())
    assert "dashed" not in allowed_keys(Sample, ())


CHOICES: list[tuple[Any, list[Any]]] = [
    (Literal["a", "b"], ["a", "b"]),
    (Literal["a", "b"] | None, ["a", "b"]),
    (Annotated[Literal["a"], Field(description="d")], ["a"]),
    (Annotated[Literal["a"], Field(description="d")] | None, ["a"]),
    (Literal[1, 2], [1, 2]),
    (int, []),
    (Literal["a"] | int, []),
]


@pytest.mark.parametrize(
    ("annotation", "expected"), CHOICES, ids=[str(i) for i in range(len(CHOICES))]
)
def test_literal_choices_see_through_optional_and_annotated(
    annotation: Any, expected: list[Any]
) -> None:
    assert literal_choices(annotation) == expected
