"""The rule condition language: declarative data that the engine interprets, never code.

A condition is one of:

* a test on one field: ``{field: F, <op>: value, ...}`` where every op given must
  hold. Ops: ``is``, ``in``, ``not_in`` (values), ``gt``, ``gte``, ``lt``, ``lte``
  (numbers), ``known`` (true: the field has a value, given or default).
* ``{all: [conditions]}``, ``{any: [conditions]}``, ``{not: condition}``.

A field with no value (unknown) satisfies no op except ``known: false``: a rule
never fires on a guess about a value nobody gave.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import Annotated, Any

from pydantic import (
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from slmvllm.errors import did_you_mean
from slmvllm.loading.scalars import scalar_kinds
from slmvllm.loading.validation import literal_choices
from slmvllm.requirements import (
    Requirements,
    Strict,
    condition_annotation,
    condition_fields,
    known_field,
    model_in_context,
    unbuilt_in_context,
)

Scalar = StrictStr | StrictInt | StrictFloat
Number = StrictInt | StrictFloat

_COMPARISONS = ("gt", "gte", "lt", "lte")


class FieldTest(Strict):
    """A test on one requirements field; every op given must hold."""

    field: StrictStr
    is_: Scalar | None = Field(default=None, alias="is")
    in_: list[Scalar] | None = Field(default=None, alias="in", min_length=1)
    not_in: list[Scalar] | None = Field(default=None, min_length=1)
    gt: Number | None = None
    gte: Number | None = None
    lt: Number | None = None
    lte: Number | None = None
    known: StrictBool | None = None

    @field_validator("field")
    @classmethod
    def _known_field(cls, value: str, info: ValidationInfo) -> str:
        # A rule set that adds fields validates its conditions with its own model as context.
        if value in unbuilt_in_context(info.context):
            return value  # the question adding it is wrong, and says so
        return known_field(value, condition_fields(model_in_context(info.context)))

    @model_validator(mode="after")
    def _fits_the_field(self, info: ValidationInfo) -> FieldTest:
        ops = self.ops()
        if not ops:
            raise ValueError(
                f"the test on {self.field!r} has no operator; use is, in, not_in, gt, gte, lt, "
                "lte or known"
            )
        if self.field in unbuilt_in_context(info.context):
            return self  # no type to check against: the question adding it is wrong
        choices, numeric = _field_shape(model_in_context(info.context), self.field)
        for op, value in ops.items():
            if op == "known":
                continue
            values = value if isinstance(value, list) else [value]
            if op in _COMPARISONS and not numeric:
                raise ValueError(f"{op!r} compares numbers, but {self.field!r} is not a number")
            for item in values:
                if choices and item not in choices:
                    raise ValueError(
                        f"{item!r} is not a value of {self.field!r}; use one of: "
                        + ", ".join(choices)
                        + did_you_mean(str(item), choices)
                    )
                if numeric and not isinstance(item, (int, float)):
                    raise ValueError(f"{self.field!r} is a number, so {op!r} needs numbers")
                if not choices and not numeric:
                    raise ValueError(f"{self.field!r} is free text; only 'known' can test it")
        low = max((v for k, v in ops.items() if k in ("gt", "gte")), default=None)
        high = min((v for k, v in ops.items() if k in ("lt", "lte")), default=None)
        if (
            low is not None
            and high is not None
            and (low > high or (low == high and ("gt" in ops or "lt" in ops)))
        ):
            raise ValueError(f"the test on {self.field!r} can never hold (lower bound above upper)")
        return self

    def ops(self) -> dict[str, Any]:
        """The operators this test uses, by their YAML names."""
        raw = {
            "is": self.is_,
            "in": self.in_,
            "not_in": self.not_in,
            "gt": self.gt,
            "gte": self.gte,
            "lt": self.lt,
            "lte": self.lte,
            "known": self.known,
        }
        return {k: v for k, v in raw.items() if v is not None}


@lru_cache(maxsize=1024)
def _field_shape(model: type[Requirements], name: str) -> tuple[tuple[Any, ...], bool]:
    """A field's allowed values (empty unless a Literal) and whether it is a number.

    Worked out once per rule set model and field, not once per test: a rule set of
    thousands of tests is validated without re-reading the annotations each time.
    """
    annotation = condition_annotation(model, name)  # a requirements field or a figure
    return tuple(literal_choices(annotation)), bool(scalar_kinds(annotation) & {int, float})


class AllOf(Strict):
    all: list[Condition] = Field(min_length=1)


class AnyOf(Strict):
    any: list[Condition] = Field(min_length=1)


class NotOf(Strict):
    not_: Condition = Field(alias="not")


def _condition_kind(value: Any) -> str | None:
    if isinstance(value, Mapping):
        for key, tag in (
            ("field", "cond:test"),
            ("all", "cond:all"),
            ("any", "cond:any"),
            ("not", "cond:not"),
        ):
            if key in value:
                return tag
        return None
    if isinstance(value, (FieldTest, AllOf, AnyOf, NotOf)):
        return {FieldTest: "cond:test", AllOf: "cond:all", AnyOf: "cond:any", NotOf: "cond:not"}[
            type(value)
        ]
    return None


Condition = Annotated[
    Annotated[FieldTest, Tag("cond:test")]
    | Annotated[AllOf, Tag("cond:all")]
    | Annotated[AnyOf, Tag("cond:any")]
    | Annotated[NotOf, Tag("cond:not")],
    Discriminator(
        _condition_kind,
        custom_error_type="condition",
        custom_error_message="a condition is a mapping with 'field', 'all', 'any' or 'not'",
    ),
]


def holds(condition: Condition, values: Mapping[str, Any]) -> bool:
    """Whether `condition` holds for the resolved requirement values."""
    if isinstance(condition, AllOf):
        return all(holds(c, values) for c in condition.all)
    if isinstance(condition, AnyOf):
        return any(holds(c, values) for c in condition.any)
    if isinstance(condition, NotOf):
        return not holds(condition.not_, values)
    return _test(condition, values.get(condition.field))


Predicate = Callable[[Mapping[str, Any]], bool]


def compile_condition(condition: Condition) -> Predicate:
    """`condition` as a function of the resolved values, equal to `holds` but much faster.

    Built from closures over the parsed condition (nothing is evaluated from text), so
    the sensitivity search, which scores each use case dozens of times, pays the
    condition's interpretation once per rule set instead of once per test.
    """
    if isinstance(condition, AllOf):
        parts = tuple(compile_condition(c) for c in condition.all)
        return lambda values: all(p(values) for p in parts)
    if isinstance(condition, AnyOf):
        options = tuple(compile_condition(c) for c in condition.any)
        return lambda values: any(p(values) for p in options)
    if isinstance(condition, NotOf):
        inner = compile_condition(condition.not_)
        return lambda values: not inner(values)
    return _compile_test(condition)


def _compile_test(test: FieldTest) -> Predicate:
    ops = test.ops()
    name = test.field
    known = ops.pop("known", None)
    checks: list[Callable[[Any], bool]] = []
    for op, expected in ops.items():
        checks.append(_CHECKS[op](expected))
    if not checks:
        # Only `known`: true when the field has a value (known: true) or has none (false).
        return lambda values: (values.get(name) is not None) == known
    need_known = known is not False  # `known: false` with another op can never hold

    def check(values: Mapping[str, Any]) -> bool:
        value = values.get(name)
        if value is None or not need_known:
            return False
        return all(c(value) for c in checks)

    return check


_CHECKS: dict[str, Callable[[Any], Callable[[Any], bool]]] = {
    "is": lambda e: lambda v: v == e,
    "in": lambda e: lambda v: v in e,
    "not_in": lambda e: lambda v: v not in e,
    "gt": lambda e: lambda v: v > e,
    "gte": lambda e: lambda v: v >= e,
    "lt": lambda e: lambda v: v < e,
    "lte": lambda e: lambda v: v <= e,
}


def _test(test: FieldTest, value: Any) -> bool:
    for op, expected in test.ops().items():
        if op == "known":
            if (value is not None) != expected:
                return False
            continue
        if value is None:
            return False
        if op == "is" and value != expected:
            return False
        if op == "in" and value not in expected:
            return False
        if op == "not_in" and value in expected:
            return False
        if op == "gt" and not value > expected:
            return False
        if op == "gte" and not value >= expected:
            return False
        if op == "lt" and not value < expected:
            return False
        if op == "lte" and not value <= expected:
            return False
    return True


def field_tests(condition: Condition) -> Iterator[FieldTest]:
    """Every field test inside a condition."""
    if isinstance(condition, AllOf):
        for c in condition.all:
            yield from field_tests(c)
    elif isinstance(condition, AnyOf):
        for c in condition.any:
            yield from field_tests(c)
    elif isinstance(condition, NotOf):
        yield from field_tests(condition.not_)
    else:
        yield condition


def fields_read(condition: Condition) -> set[str]:
    """The requirement fields a condition looks at."""
    return {t.field for t in field_tests(condition)}


def thresholds(condition: Condition) -> dict[str, set[float]]:
    """The numbers each numeric field is compared with: where its value can change an outcome."""
    found: dict[str, set[float]] = {}
    for test in field_tests(condition):
        for op, value in test.ops().items():
            if op in _COMPARISONS:
                found.setdefault(test.field, set()).add(value)
            elif op in ("is", "in", "not_in"):
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, (int, float)):
                        found.setdefault(test.field, set()).add(item)
    return found


_OP_WORDS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


def _shown(value: Any, *, grouped: bool = True) -> str:
    # Thousands separators only outside lists: [1,000, 20,000] would read as four values.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int) and abs(value) < 10**15:
        return f"{value:,}" if grouped else str(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def describe(condition: Condition) -> str:
    """The condition in words a reader can check: `task_type in [code, agentic] and ...`.

    A test on an unknown field is false, so `not` of it is true: the words say so.
    """
    if isinstance(condition, FieldTest):
        parts = []
        for op, value in condition.ops().items():
            name = condition.field
            if op == "known":
                parts.append(f"{name} is {'known' if value else 'unknown'}")
            elif op == "is":
                parts.append(f"{name} is {_shown(value)}")
            elif op in ("in", "not_in"):
                words = "in" if op == "in" else "not in"
                listed = ", ".join(_shown(v, grouped=False) for v in value)
                parts.append(f"{name} {words} [{listed}]")
            else:
                parts.append(f"{name} {_OP_WORDS[op]} {_shown(value)}")
        return " and ".join(parts)
    if isinstance(condition, AllOf):
        return " and ".join(_grouped(c, AnyOf) for c in condition.all)
    if isinstance(condition, AnyOf):
        return " or ".join(_grouped(c, AllOf) for c in condition.any)
    inner = condition.not_
    text = f"not ({describe(inner)})"
    if isinstance(inner, FieldTest) and _true_when_unknown(condition):
        return f"{text}, or {inner.field} unknown"
    return text


def _true_when_unknown(condition: Condition) -> bool:
    """`not` of a value test on one field: it holds when that field is unknown."""
    inner = condition.not_ if isinstance(condition, NotOf) else None
    return isinstance(inner, FieldTest) and "known" not in inner.ops()


def _grouped(condition: Condition, needs_brackets: type) -> str:
    text = describe(condition)
    multi_test = isinstance(condition, FieldTest) and len(condition.ops()) > 1
    if (
        isinstance(condition, needs_brackets)
        or (needs_brackets is AllOf and multi_test)
        or _true_when_unknown(condition)
    ):
        return f"({text})"
    return text
