"""`slmvllm rules check` through the real entry point: a team's rule set checked in CI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import ROOT, Run, run_cli

Invoke = Callable[..., Run]

DEFAULT = (ROOT / "rules" / "default.yaml").read_text(encoding="utf-8")
UNUSED_REFERENCE = DEFAULT.replace(
    "references:\n", "references:\n  unused: {title: Nobody cites me}\n", 1
)
# A rule on a field that does not exist: refused when loaded, with its line.
TYPO = DEFAULT.replace("field: task_type", "field: task_typo", 1)


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_default_rule_set_is_sound() -> None:
    run = run_cli("rules", "check")  # the real entry point, as CI runs it
    assert run.code == 0, run.err
    assert "ok: rule set default 3.0, 49 rules, 25 questions, 0 warning(s)" in run.out


def test_every_file_is_reported_and_errors_exit_2(invoke: Invoke, tmp_path: Path) -> None:
    good = write(tmp_path, "good.yaml", DEFAULT)
    bad = write(tmp_path, "bad.yaml", TYPO)
    run = invoke("rules", "check", good, bad, str(tmp_path / "missing.yaml"))
    assert run.code == 2
    lines = run.out.splitlines()
    assert lines[0].startswith(f"{good}: ok")
    assert lines[1] == f"{bad}: 1 error(s)"
    assert lines[2] == f"{tmp_path / 'missing.yaml'}: 1 error(s)"
    line = 1 + TYPO[: TYPO.index("task_typo")].count("\n")
    assert f"{bad}:{line}:" in run.err and "task_typo" in run.err
    assert "did you mean 'task_type'" in run.err
    assert "no such rule set; check the path" in run.err
    assert "Traceback" not in run.err


@pytest.mark.parametrize(("strict", "code"), [(False, 0), (True, 1)])
def test_warnings_fail_only_with_strict(
    invoke: Invoke, tmp_path: Path, strict: bool, code: int
) -> None:
    path = write(tmp_path, "team.yaml", UNUSED_REFERENCE)
    run = invoke("rules", "check", path, *(["--strict"] if strict else []))
    assert run.code == code
    assert "1 warning(s)" in run.out
    assert "reference 'unused' is cited by no rule" in run.err
    assert ("--strict" in run.err) is strict


def test_json_lists_each_file(invoke: Invoke, tmp_path: Path) -> None:
    good = write(tmp_path, "good.yaml", UNUSED_REFERENCE)
    bad = write(tmp_path, "bad.yaml", "rules: [\n")
    run = invoke("rules", "check", good, bad, "--format", "json")
    assert run.code == 2
    docs = json.loads(run.out)
    assert [(d["file"], d["ok"]) for d in docs] == [(good, True), (bad, False)]
    assert docs[0]["rules"] == 49 and len(docs[0]["warnings"]) == 1
    assert docs[1]["errors"] and docs[1]["errors"][0].startswith(f"{bad}:")


def test_a_rule_set_is_never_run(invoke: Invoke, tmp_path: Path) -> None:
    # Text that looks like code stays text: the check loads it as data and says so.
    path = write(
        tmp_path, "team.yaml", DEFAULT.replace("name: default", "name: \"__import__('os')\"", 1)
    )
    run = invoke("rules", "check", path)
    assert run.code == 0, run.err
    assert "rule set __import__('os') 3.0" in run.out


def test_rules_list_says_when_each_rule_applies(invoke: Invoke) -> None:
    text = invoke("rules", "list")
    assert text.code == 0, text.err
    assert text.out.startswith("Rule set default 3.0: 49 rules")
    assert "when: task_type in [classification, extraction]" in text.out
    docs = json.loads(invoke("rules", "list", "--format", "json").out)
    assert len(docs) == 49
    by_id = {d["id"]: d for d in docs}
    assert by_id["constraint.on-device"]["when"] == "hosting is on_device"
    assert by_id["constraint.on-device"]["exclude"] == ["llm", "hybrid"]
    assert by_id["article.slm-efficiency"]["when"] is None
    assert all(d["source"] for d in docs)  # every rule cites something


def test_rules_list_shows_a_strangers_text_literally(invoke: Invoke, tmp_path: Path) -> None:
    hostile = DEFAULT.replace("name: default", 'name: "\\e[31mred [bold]x[/bold]"', 1)
    run = invoke("rules", "list", "--rules", write(tmp_path, "team.yaml", hostile))
    assert run.code == 0, run.err
    assert "\x1b" not in run.out
    assert "\\x1b[31mred [bold]x[/bold]" in run.out  # the escape made visible, markup kept as text


def test_rules_list_of_a_broken_file_is_a_located_error(invoke: Invoke, tmp_path: Path) -> None:
    run = invoke("rules", "list", "--rules", write(tmp_path, "bad.yaml", TYPO))
    assert run.code == 2
    assert f"{tmp_path / 'bad.yaml'}:" in run.err and run.out == ""


def test_a_name_with_a_newline_cannot_forge_a_line(invoke: Invoke, tmp_path: Path) -> None:
    forged = DEFAULT.replace("name: default", 'name: "x, 1 rules\\nother.yaml: ok: rule set y"', 1)
    run = invoke("rules", "check", write(tmp_path, "team.yaml", forged))
    assert run.code == 0, run.err
    assert len(run.out.splitlines()) == 1
    assert "x, 1 rules\\nother.yaml" in run.out


def test_each_file_is_checked_once_and_failures_keep_every_key(
    invoke: Invoke, tmp_path: Path
) -> None:
    bad = write(tmp_path, "bad.yaml", "")
    run = invoke("rules", "check", bad, bad, "-", "--format", "json", stdin=DEFAULT)
    assert run.code == 2
    docs = json.loads(run.out)
    assert [d["file"] for d in docs] == [bad, "<stdin>"]
    assert set(docs[0]) == set(docs[1])  # a failed file has the same keys, null where unknown
    assert docs[0]["ok"] is False and docs[0]["rules"] is None and docs[1]["ok"] is True


def test_listing_commands_take_text_or_json_only(invoke: Invoke) -> None:
    for args in (["models"], ["rules", "check"], ["rules", "list"]):
        run = invoke(*args, "--format", "markdown")
        assert run.code == 2 and "'markdown' is not one of 'text', 'json'" in run.err


@pytest.mark.parametrize(
    "command",
    [
        ["rules", "check"],
        ["rules", "list", "--rules"],
        ["advise", "-r", str(ROOT / "examples" / "support-triage.yaml"), "--rules"],
    ],
)
def test_warnings_show_a_strangers_text_literally(
    invoke: Invoke, tmp_path: Path, command: list[str]
) -> None:
    hostile = DEFAULT.replace(
        "references:\n",
        'references:\n  "\\e[31mred\\nslmvllm: forged": {title: Nobody cites me}\n',
        1,
    )
    run = invoke(*command, write(tmp_path, "team.yaml", hostile))
    assert run.code == 0, run.err
    warning = [line for line in run.err.splitlines() if "cited by no rule" in line]
    assert len(warning) == 1 and "\\x1b[31mred\\nslmvllm: forged" in warning[0]
    assert "\x1b" not in run.err
