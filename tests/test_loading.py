"""The YAML front door: what is accepted, what is rejected, and where the error points."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from slmvllm.errors import InputError
from slmvllm.loading import Source, parse_yaml, read_source, resolve_plain, validate
from slmvllm.requirements import Requirements


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5", 5),
        ("-3", -3),
        ("1_000_000", 1_000_000),
        ("2.5", 2.5),
        ("1e3", 1000.0),
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("", None),
        # YAML 1.1 surprises stay text
        ("no", "no"),
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("1:30", "1:30"),
        ("0755", "0755"),
        ("0x1F", "0x1F"),
        ("2024-02-30", "2024-02-30"),
        ("1.2.3", "1.2.3"),
        ("classification", "classification"),
    ],
)
def test_plain_scalars_follow_the_documented_policy(text: str, expected: Any) -> None:
    value = resolve_plain(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("text", [".nan", ".NaN", ".inf", "-.inf", "+.INF"])
def test_nan_and_infinity_are_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="NaN or infinity"):
        resolve_plain(text)


def test_huge_integer_is_rejected() -> None:
    with pytest.raises(ValueError, match="too large"):
        resolve_plain("9" * 40)


def _parse(text: str) -> Any:
    return parse_yaml(Source("req.yaml", text)).data


@pytest.mark.parametrize(
    ("text", "message", "where"),
    [
        ("a: 1\na: 2\n", "duplicate key 'a' (first at line 1)", "req.yaml:2:1"),
        ("x:\n  a: 1\n  a: 2\n", "duplicate key 'a'", "req.yaml:3:3"),
        ("a: !!python/object:os.system x\n", "is not allowed", "req.yaml:1:4"),
        ("a: !custom 1\n", "is not allowed", "req.yaml:1:4"),
        ("a: !!binary aGk=\n", "is not allowed", "req.yaml:1:4"),
        ("a: &x [*x]\n", "refers to the node that contains it", "req.yaml:1"),
        ("a: 1\n---\nb: 2\n", "several YAML documents", "req.yaml:2:1"),
        ("", "is empty", "req.yaml"),
        ("# only a comment\n", "is empty", "req.yaml"),
        ("a:\n\tb: 1\n", "spaces, not tabs", "req.yaml:2"),
        ("a: [1, 2\n", "", "req.yaml:2"),
        ("<<: {a: 1}\n", "merge keys", "req.yaml:1:1"),
        ("[1, 2]: x\n", "keys must be plain names", "req.yaml:1:1"),
        ("1: x\n", "must be a name", "req.yaml:1:1"),
        ("a: .nan\n", "NaN or infinity", "req.yaml:1:4"),
    ],
)
def test_bad_yaml_is_located(text: str, message: str, where: str) -> None:
    with pytest.raises(InputError) as err:
        _parse(text)
    assert message in str(err.value)
    assert str(err.value).startswith(where)


def test_alias_bomb_is_stopped() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    with pytest.raises(InputError, match="alias bomb"):
        _parse("\n".join(lines) + "\n")


def test_deep_nesting_is_rejected() -> None:
    with pytest.raises(InputError, match="nest"):
        _parse("a: " + "[" * 5000 + "]" * 5000 + "\n")


def test_moderate_aliases_are_accepted() -> None:
    assert _parse("a: &x [1, 2]\nb: *x\n") == {"a": [1, 2], "b": [1, 2]}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"a: 1\x00\n", "binary file"),
        (b"a: \xff\xfe\n", "not UTF-8"),
    ],
)
def test_unreadable_bytes(tmp_path: Path, raw: bytes, message: str) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(raw)
    with pytest.raises(InputError, match=message):
        read_source(path)


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes("\ufefftask_type: chat\n".encode())
    assert parse_yaml(read_source(path)).data == {"task_type": "chat"}


def test_paths(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_source(tmp_path / "missing.yaml")
    with pytest.raises(InputError, match="is a directory"):
        read_source(tmp_path)
    link = tmp_path / "link.yaml"
    link.symlink_to(tmp_path / "gone.yaml")
    with pytest.raises(InputError, match="broken symbolic link"):
        read_source(link)


def test_too_large_file(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * (5 * 1024 * 1024) + b"\n")
    with pytest.raises(InputError, match="larger than"):
        read_source(path)


@pytest.mark.parametrize(
    ("text", "message", "where"),
    [
        ("task_typ: chat\n", "unknown key 'task_typ'; did you mean 'task_type'?", "r.yaml:1:1"),
        ("task_type: chta\n", "did you mean 'chat'?", "r.yaml:1:12"),
        ("monthly_requests: '5'\n", "numbers are written without quotes", "r.yaml:1:19"),
        ("monthly_requests: 2.5\n", "whole number", "r.yaml:1:19"),
        ("monthly_requests: -1\n", "greater than or equal to 0", "r.yaml:1:19"),
        ("monthly_requests: 1:30\n", "write a single number", "r.yaml:1:19"),
        ("monthly_requests: 0755\n", "leading zero", "r.yaml:1:19"),
        ("use_case: 3.10\n", "put it in quotes", "r.yaml:1:11"),
        ("use_case: true\n", "expected text, got the boolean true", "r.yaml:1:11"),
        ("hosting: no\n", "use one of: any, private_cloud, on_prem, on_device", "r.yaml:1:10"),
        ("priorities: {cost: 9}\n", "less than or equal to 5", "r.yaml:1:20"),
        ("latency_p95_ms: 0\n", "greater than 0", "r.yaml:1:17"),
    ],
)
def test_requirement_errors_are_located(text: str, message: str, where: str) -> None:
    doc = parse_yaml(Source("r.yaml", text))
    with pytest.raises(InputError) as err:
        validate(Requirements, doc)
    assert message in str(err.value)
    assert str(err.value).startswith(where)


def test_use_case_no_stays_text() -> None:
    doc = parse_yaml(Source("r.yaml", "use_case: no\n"))
    assert validate(Requirements, doc).use_case == "no"
