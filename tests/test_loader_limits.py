"""The loader's limits and messages at their edges, with every expected value worked out by hand.

Each limit is tried at, below and above its threshold: 30 digits in an integer
(`MAX_INT_DIGITS`), 100,000 values in a file (`MAX_VALUES`), 64 levels of nesting
(`MAX_DEPTH`). Messages are pinned word for word where a user reads them.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest
import yaml

from slmvllm.errors import InputError
from slmvllm.loading import yaml_parsing
from slmvllm.loading.documents import MAX_DEPTH, MAX_INT_DIGITS, MAX_VALUES, Source
from slmvllm.loading.scalars import resolve_plain
from slmvllm.loading.yaml_parsing import parse_yaml


def refusal(text: str, name: str = "r.yaml") -> str:
    with pytest.raises(InputError) as err:
        parse_yaml(Source(name, text))
    return str(err.value)


def test_the_limits_are_the_documented_ones() -> None:
    # The README's "Bad input" section and the tests below assume these figures.
    assert (MAX_INT_DIGITS, MAX_VALUES, MAX_DEPTH) == (30, 100_000, 64)


# --------------------------------------------------------------------------- integers

INTEGERS = [
    # (text, value or None when refused) — 30 digits is the most an integer may have
    ("9" * 29, int("9" * 29)),
    ("9" * 30, int("9" * 30)),  # exactly 30: accepted
    ("-" + "9" * 29, -int("9" * 29)),  # the sign counts: 30 characters
    ("-" + "9" * 30, None),  # 31 characters
    ("9" * 31, None),  # 31: refused
    ("1_" + "0" * 29, 10**29),  # 30 digits and an underscore: the underscore does not count
    ("1_" + "0" * 30, None),  # 31 digits
]


@pytest.mark.parametrize(("text", "value"), INTEGERS)
def test_an_integer_of_exactly_30_digits_is_accepted_and_31_refused(
    text: str, value: int | None
) -> None:
    if value is None:
        with pytest.raises(ValueError, match=r"^the number [-\d_]{20}\.\.\. is too large$"):
            resolve_plain(text)
    else:
        assert resolve_plain(text) == value


# --------------------------------------------------------------------------- floats

FLOATS = [
    ("1_000.5", 1000.5),  # underscores group digits, as in integers
    ("1_000_000.25", 1_000_000.25),
    ("2_5e3", 25_000.0),
    ("-1_0.5", -10.5),
]


@pytest.mark.parametrize(("text", "value"), FLOATS)
def test_underscores_in_a_float_are_digit_separators(text: str, value: float) -> None:
    assert resolve_plain(text) == value


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # An overflowing float shows its first 20 characters, no more, no less.
        ("1" + "0" * 400 + ".0", "1" + "0" * 19),
        ("-1" + "0" * 400 + ".0", "-1" + "0" * 18),
        ("1e400", "1e400"),  # shorter than 20: shown whole
        ("-1e400", "-1e400"),
    ],
)
def test_an_overflowing_float_names_its_first_20_characters(text: str, shown: str) -> None:
    with pytest.raises(ValueError) as err:
        resolve_plain(text)
    assert str(err.value) == f"the number {shown} is too large"


# --------------------------------------------------------------------------- values in a file


def flow_list(items: int) -> str:
    # `a: [0, 0, ...]`: the mapping, its key `a`, the list and the items are nodes.
    return "a: [" + ", ".join("0" for _ in range(items)) + "]\n"


def test_a_file_of_100001_values_is_refused_where_the_extra_value_starts() -> None:
    # (Exactly 100,000 is read: tests/test_loading.py.) `a: [...]` with 99,998 items is
    # 1 mapping + 1 key + 1 list + 99,998 items = 100,001 nodes; the 100,001st is the
    # last item. `a: [` is columns 1-4, so item 1 is at column 5 and each item takes
    # `0, `, three columns: item n is at 5 + 3 * (n - 1), the 99,998th at 299,996.
    message = refusal(flow_list(MAX_VALUES - 2))
    assert message == ("r.yaml:1:299996: holds more than 100,000 values; is it the right file?")


# --------------------------------------------------------------------------- nesting


def nested(levels: int) -> str:
    # `a: [[[...]]]`: the mapping is level 1, its value's k-th bracket is level k + 1.
    return "a: " + "[" * levels + "]" * levels + "\n"


def test_63_brackets_under_a_key_are_64_levels_and_read() -> None:
    doc = parse_yaml(Source("r.yaml", nested(MAX_DEPTH - 1)))
    value: Any = doc.data["a"]
    for _ in range(MAX_DEPTH - 2):
        value = value[0]
    assert value == []


def test_the_64th_bracket_is_refused_at_its_own_column() -> None:
    # The 64th bracket would be level 65. `a: ` is columns 1-3, so bracket k is at
    # column 3 + k: the 64th at column 67.
    message = refusal(nested(MAX_DEPTH))
    assert message == "r.yaml:1:67: is nested more than 64 levels deep"


def test_nesting_in_block_style_is_refused_at_the_first_key_too_deep() -> None:
    # Line i holds `k:` at indent 2 * (i - 1), a key of the i-th mapping. A key is one
    # level below its mapping, so the key on line 64 is level 65: refused at its column,
    # 2 * 63 + 1 = 127.
    text = "".join("  " * i + "k:\n" for i in range(MAX_DEPTH)) + "  " * MAX_DEPTH + "k: 1\n"
    assert refusal(text) == "r.yaml:64:127: is nested more than 64 levels deep"


def test_a_short_stack_still_gives_a_located_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    # A caller deep in its own stack can run out before the depth limit: the file is
    # then refused by name, not with a traceback.
    class ShortStack(yaml_parsing._Loader):  # type: ignore[misc]
        def get_single_node(self) -> Any:
            raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(yaml_parsing, "_Loader", ShortStack)
    with pytest.raises(InputError) as err:
        parse_yaml(Source("deep.yaml", "a: 1\n"))
    (problem,) = err.value.problems
    assert (problem.source, problem.message) == ("deep.yaml", "nesting is too deep")
    assert str(err.value) == "deep.yaml: nesting is too deep"


def test_a_real_recursion_limit_gives_the_same_refusal() -> None:
    # The same, with the interpreter's own limit lowered below what 60 levels need.
    text = nested(60)
    limit = sys.getrecursionlimit()
    depth = len(__import__("inspect").stack(0))
    sys.setrecursionlimit(depth + 80)
    try:
        with pytest.raises(InputError) as err:
            parse_yaml(Source("deep.yaml", text))
    finally:
        sys.setrecursionlimit(limit)
    assert str(err.value) == "deep.yaml: nesting is too deep"


# --------------------------------------------------------------------------- tabs

TABS = [
    # (text, where the tab is) — YAML's line breaks are \n, \r\n, \r, NEL, LS and PS;
    # the hint must find the tab whichever of them the file uses.
    ("a:\n\tb: 1\n", "2:1"),
    ("a:\r\n\tb: 1\r\n", "2:1"),
    ("a:\r\tb: 1\r", "2:1"),  # classic Mac line ends
    ("a: 1\x85b:\n\t- 1\n", "3:1"),  # NEL ends line 1
    ("a:\u2028\tb: 1\n", "2:1"),  # LINE SEPARATOR
    ("a:\u2029\tb: 1\n", "2:1"),  # PARAGRAPH SEPARATOR
    ("x: 1\ny:\n  \tz: 1\n", "3:3"),  # after spaces
]


@pytest.mark.parametrize(("text", "where"), TABS)
def test_a_tab_is_named_whatever_line_breaks_the_file_uses(text: str, where: str) -> None:
    assert refusal(text) == (
        f"r.yaml:{where}: not valid YAML: a tab character here; YAML indents with spaces, not tabs"
    )


def test_the_pure_python_parser_names_a_tab_too(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without LibYAML, PyYAML's own scanner reports the tab in other words.
    monkeypatch.setattr(yaml_parsing, "_Loader", yaml_parsing._PureLoader)
    assert refusal("a:\r\tb: 1\r") == (
        "r.yaml:2:1: not valid YAML: a tab character here; YAML indents with spaces, not tabs"
    )


# --------------------------------------------------------------------------- errors without a place

# PyYAML gives every error it raises for text a place; these stand in for one that would
# not (a future parser, a reader error), so the user still gets one message, never a crash.
UNPLACED: list[tuple[str, Exception, str]] = [
    (
        "a plain YAML error",
        yaml.YAMLError("the stream broke"),
        "r.yaml: not valid YAML: the stream broke",
    ),
    (
        "a marked error without marks",
        yaml.MarkedYAMLError(problem="no such thing"),
        "r.yaml: not valid YAML: no such thing",
    ),
    (
        "a marked error with only its context",
        yaml.MarkedYAMLError(context="while reading a value"),
        "r.yaml: not valid YAML: while reading a value",
    ),
    (
        "a marked error with nothing",
        yaml.MarkedYAMLError(),
        "r.yaml: not valid YAML: the parser gave no reason",
    ),
]


@pytest.mark.parametrize(
    ("error", "expected"), [u[1:] for u in UNPLACED], ids=[u[0] for u in UNPLACED]
)
def test_an_error_without_a_place_names_the_file_only(
    monkeypatch: pytest.MonkeyPatch, error: Exception, expected: str
) -> None:
    def fail(self: Any) -> Any:
        raise error

    monkeypatch.setattr(yaml_parsing._Loader, "get_single_node", fail)
    with pytest.raises(InputError) as err:
        parse_yaml(Source("r.yaml", "a: 1\n"))
    assert [str(p) for p in err.value.problems] == [expected]
    assert err.value.problems[0].line is None and err.value.problems[0].column is None
