"""Every bad input through the real CLI: exit 2, `file:line:col`, no traceback, nothing on stdout."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ROOT, Run, run_cli, tree_env

Invoke = Callable[..., Run]
TRIAGE = str(EXAMPLES / "support-triage.yaml")

# (file text, expected "line:col: message" after the file name). One row per case of issue 4.
YAML_CASES = [
    pytest.param(
        "task_type: !!python/object/apply:os.system [id]\n", "1:12: task_type: tag", id="python-tag"
    ),
    pytest.param("task_type: !!python/name:os.system\n", "1:12: task_type: tag", id="python-name"),
    pytest.param(
        "task_type: !chat chat\n", "1:12: task_type: tag '!chat' is not allowed", id="unknown-tag"
    ),
    pytest.param(
        "a: &a [x, x]\nb: &b [*a, *a]\nuse_case: &c [*c]\n",
        "3:11: use_case[0]: an alias refers to the node",
        id="self-alias",
    ),
    pytest.param(
        "use_case: x\nuse_case: y\n",
        "2:1: use_case: duplicate key 'use_case' (first at line 1)",
        id="duplicate-key",
    ),
    pytest.param(
        "priorities:\n  cost: 1\n  cost: 2\n",
        "3:3: priorities.cost: duplicate key 'cost'",
        id="duplicate-nested",
    ),
    pytest.param("hosting: no\n", "1:10: hosting: the text 'no' is not allowed", id="yaml11-no"),
    pytest.param("hosting: on\n", "1:10: hosting: the text 'on' is not allowed", id="yaml11-on"),
    pytest.param(
        "weeks_to_launch: 1:30\n",
        "1:18: weeks_to_launch: expected a number, got the text '1:30'",
        id="sexagesimal",
    ),
    pytest.param(
        "monthly_requests: 0755\n",
        "1:19: monthly_requests: expected a whole number, got the text '0755'",
        id="octal",
    ),
    pytest.param(
        "use_case: 3.10\n",
        "1:11: use_case: expected text, got the number 3.1; put it in quotes",
        id="float-for-text",
    ),
    pytest.param(
        "weeks_to_launch: 2024-02-30\n",
        "1:18: weeks_to_launch: expected a number, got the text '2024-02-30'",
        id="impossible-date",
    ),
    pytest.param(
        "monthly_requests: " + "9" * 50 + "\n",
        "1:19: monthly_requests: the number 99999999999999999999... is too large",
        id="huge-int",
    ),
    pytest.param(
        "budget_usd_per_month: .nan\n",
        "1:23: budget_usd_per_month: .nan (NaN or infinity) is not allowed",
        id="nan",
    ),
    pytest.param(
        "budget_usd_per_month: -.inf\n",
        "1:23: budget_usd_per_month: -.inf (NaN or infinity)",
        id="infinity",
    ),
    pytest.param("task_type:\n\tchat\n", "2:1: not valid YAML: a tab character here", id="tab"),
    pytest.param(
        "use_case: a\x1bb\n", "1:12: not valid YAML: the control character U+001B", id="raw-escape"
    ),
    pytest.param("", "1:1: is empty (or only comments)", id="empty"),
    pytest.param("# a comment\n\n", "1:1: is empty (or only comments)", id="comment-only"),
    pytest.param("- chat\n- code\n", "1:1: the top level is a list", id="top-list"),
    pytest.param("chat\n", "1:1: the top level is a single value", id="top-scalar"),
    pytest.param(
        "task_type: chat\n---\ntask_type: code\n",
        "2:1: holds several YAML documents",
        id="several-documents",
    ),
    pytest.param(
        "a: " + "[" * 200 + "]" * 200 + "\n",
        ": is nested more than 64 levels deep",
        id="deep-nesting",
    ),
    pytest.param(
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{c}: &{c} [" + ", ".join([f"*{p}"] * 10) + "]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        ": expands to more than 100,000 values (an alias bomb?)",
        id="alias-bomb",
    ),
]


def _check(run: Run, name: str, expected: str) -> None:
    assert run.code == 2, run.err
    assert run.out == ""
    assert "Traceback" not in run.err
    first = run.err.splitlines()[0]
    assert first.startswith(f"slmvllm: error: {name}:"), run.err
    if expected.startswith(":"):  # the place depends on the parser; that there is one does not
        where = rf"slmvllm: error: {re.escape(name)}:\d+:\d+: ([^ ]+: )?"
        assert re.match(where + re.escape(expected[2:]), first), first
    else:
        assert f"{name}:{expected}" in run.err, run.err


@pytest.mark.parametrize(("text", "expected"), YAML_CASES)
def test_yaml_cases_through_the_cli(
    invoke: Invoke, tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "req.yaml"
    path.write_text(text, encoding="utf-8")
    _check(invoke("advise", "-r", str(path), "-f", "json"), str(path), expected)


@pytest.mark.parametrize(("text", "expected"), YAML_CASES[:3] + YAML_CASES[16:19])
def test_yaml_cases_from_stdin(invoke: Invoke, text: str, expected: str) -> None:
    _check(invoke("advise", "-r", "-", "-f", "json", stdin=text), "<stdin>", expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(b"task_type: chat\x00\n", "1:16: is a binary file", id="binary"),
        pytest.param(b"use_case: caf\xe9\n", "1:14: is not UTF-8 text (byte 0xe9)", id="latin-1"),
        pytest.param(b"\xff\xfet\x00a\x00", "1:4: is a binary file", id="utf-16"),
        pytest.param(
            b"\xef\xbb\xbfuse_case: 3.10\n", "1:11: use_case: expected text", id="bom-then-error"
        ),
    ],
)
def test_bytes_through_the_cli(invoke: Invoke, tmp_path: Path, raw: bytes, expected: str) -> None:
    path = tmp_path / "req.yaml"
    path.write_bytes(raw)
    _check(invoke("advise", "-r", str(path)), str(path), expected)


def test_a_byte_order_mark_is_accepted(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbftask_type: chat\n")
    assert invoke("advise", "-r", str(path), "-f", "json").code == 0


def test_real_process_gives_the_same_errors(tmp_path: Path) -> None:
    for param in YAML_CASES[16:17]:  # a raw escape character: the case that used to crash
        text, expected = param.values
        path = tmp_path / "req.yaml"
        path.write_text(str(text), encoding="utf-8")
        _check(run_cli("advise", "-r", str(path)), str(path), str(expected))


def test_a_large_file_is_refused_before_parsing(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"task_type: chat\n" + b"#" * (5 * 1024 * 1024) + b"\n")
    run = invoke("advise", "-r", str(path))
    assert run.code == 2 and run.out == ""
    assert f"{path}: is larger than 4 MiB" in run.err


def test_endless_stdin_stops_at_the_limit() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "slmvllm", "advise", "-r", "-", "-f", "json"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=tree_env(NO_COLOR="1"),
    )
    assert proc.stdin is not None
    sent = 0

    def feed() -> None:  # like `yes '# x' | slmvllm advise -r -`
        nonlocal sent
        chunk = b"# padding\n" * 6554
        try:
            while True:
                proc.stdin.write(chunk)  # type: ignore[union-attr]
                sent += len(chunk)
        except (BrokenPipeError, ValueError, OSError):
            pass

    writer = threading.Thread(target=feed, daemon=True)
    started = time.monotonic()
    writer.start()
    try:
        code = proc.wait(timeout=60)
    finally:
        proc.kill()
    out, err = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    assert time.monotonic() - started < 60
    assert code == 2
    assert out == b""
    assert b"<stdin>: is larger than 4 MiB" in err and b"Traceback" not in err
    assert sent < 4 * 1024 * 1024 + 2 * 65536 * 10  # it stopped reading at the limit


# --------------------------------------------------------------------------- paths


def test_missing_file(invoke: Invoke, tmp_path: Path) -> None:
    run = invoke("advise", "-r", str(tmp_path / "none.yaml"))
    assert run.code == 2 and run.out == ""
    assert f"{tmp_path / 'none.yaml'}: no such requirements file; check the path" in run.err


def test_folder_without_yaml(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# notes\n")
    run = invoke("advise", "-r", str(tmp_path))
    assert run.code == 2 and run.out == ""
    assert f"{tmp_path}: folder has no *.yaml or *.yml file" in run.err


def test_broken_symlink(invoke: Invoke, tmp_path: Path) -> None:
    link = tmp_path / "req.yaml"
    link.symlink_to(tmp_path / "gone.yaml")
    run = invoke("advise", "-r", str(link))
    assert run.code == 2 and run.out == ""
    assert f"{link}: broken symbolic link (points to {tmp_path / 'gone.yaml'})" in run.err


def test_broken_symlink_inside_a_folder_is_reported(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text("task_type: chat\n")
    (tmp_path / "bad.yaml").symlink_to(tmp_path / "gone.yaml")
    run = invoke("advise", "-r", str(tmp_path), "-f", "json")
    assert run.code == 0  # a folder lists the files it can read; the dangling link is no file
    assert "good.yaml" in run.out


def test_name_too_long(invoke: Invoke, tmp_path: Path) -> None:
    name = str(tmp_path / ("a" * 5000))
    for flag in ("-r", "--rules"):
        run = (
            invoke("advise", flag, name)
            if flag == "-r"
            else invoke("advise", "-r", TRIAGE, flag, name)
        )
        assert run.code == 2, run.err
        assert "cannot be read: File name too long" in run.err and run.out == ""


def test_unreadable_file(invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("task_type: chat\n")
    real_open = Path.open

    def guarded(self: Path, *args: object, **kwargs: object) -> object:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", guarded)
    run = invoke("advise", "-r", str(path))
    assert run.code == 2 and run.out == ""
    assert f"{path}: permission denied; check the file's permissions" in run.err


def test_unreadable_file_for_real(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads any file; test_unreadable_file covers the code path")
    path = tmp_path / "secret.yaml"
    path.write_text("task_type: chat\n")
    path.chmod(0)
    run = run_cli("advise", "-r", str(path))
    assert run.code == 2 and "permission denied" in run.err and run.out == ""


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "README.md",
            "# Title\n\nSome `code` and prose: here.\n",
            "3:1: Some `code` and prose: unknown key",
        ),
        (
            "pyproject.toml",
            '[project]\nname = "x"\n',
            "2:1: not valid YAML: text after the end of the first value; is it a YAML file?",
        ),
        ("script.py", "import os\nos.system('id')\n", "1:1: the top level is a single value"),
        ("data.csv", "task_type,hosting\nchat,any\n", "1:1: the top level is a single value"),
        ("picture.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "3:1: is a binary file"),
    ],
)
def test_a_file_that_is_not_yaml(
    invoke: Invoke, tmp_path: Path, name: str, content: str | bytes, expected: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    _check(invoke("advise", "-r", str(path)), str(path), expected)


def test_json_is_yaml(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "req.json"
    path.write_text('{"task_type": "chat", "monthly_requests": 5000}')
    run = invoke("advise", "-r", str(path), "-f", "json")
    assert run.code == 0, run.err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: !!python/object/apply:os.system [id]\n", "1:7: name: tag"),
        ("", "1:1: is empty"),
    ],
)
def test_a_rule_set_goes_through_the_same_front_door(
    invoke: Invoke, tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "shared.yaml"
    path.write_text(text)
    _check(invoke("advise", "-r", TRIAGE, "--rules", str(path)), str(path), expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("models: !!python/object/apply:os.system [id]\n", "1:9: models: tag"),
        ("a: &a [*a]\n", "1:4: a[0]: an alias refers to the node"),
        ("models:\n- id: x\n  id: y\n", "3:3: models[0].id: duplicate key 'id'"),
    ],
)
def test_a_catalogue_goes_through_the_same_front_door(
    tmp_path: Path, text: str, expected: str
) -> None:
    from slmvllm.errors import InputError
    from slmvllm.numbers.catalog import load_catalog

    path = tmp_path / "catalog.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        load_catalog(extra=path)
    assert str(err.value).startswith(f"{path}:{expected}")
