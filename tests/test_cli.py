"""The CLI through its real entry point: streams, exit codes, formats, gates."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import CONTRACT_KEYS, EXAMPLES, ROOT, Run, run_cli, tree_env

Invoke = Callable[..., Run]
TRIAGE = str(EXAMPLES / "support-triage.yaml")


def check_contract(doc: dict[str, Any], known: dict[str, str] | None = None) -> None:
    """The contract's shape; a lean document (version 2) cites its sources by key, in its
    own `references` or, in a list, in `known` (the earlier items')."""
    assert CONTRACT_KEYS <= set(doc)
    assert doc["schema_version"] == (2 if "references" in doc else 1)
    if "references" in doc:
        table = {**(known or {}), **doc["references"]}
        assert all(reason["source"] in table for reason in doc["reasons"])
        if known is not None:
            known.update(doc["references"])
    assert doc["recommendation"] in {"slm", "llm", "hybrid"}
    assert 0.0 <= doc["confidence"] <= 1.0
    assert set(doc["scores"]) == {"slm", "llm", "hybrid"}
    for reason in doc["reasons"]:
        assert {"rule", "summary", "effect", "source"} <= set(reason)
    for item in doc["excluded"]:
        assert {"option", "rule", "reason"} <= set(item)
    for item in doc["assumptions"]:
        assert {"field", "value", "why"} <= set(item)
    for item in doc["what_would_change"]:
        assert {"field", "to", "recommendation"} <= set(item)
    assert {"name", "version"} <= set(doc["rule_set"])


def test_json_for_one_file(invoke: Invoke) -> None:
    run = invoke("advise", "-r", TRIAGE, "--format", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    check_contract(doc)
    assert doc["recommendation"] == "slm"
    assert doc["source"] == TRIAGE


def test_json_list_for_a_folder(invoke: Invoke) -> None:
    run = invoke("advise", "-r", str(EXAMPLES), "--format", "json")
    assert run.code == 0, run.err
    docs = json.loads(run.out)
    assert isinstance(docs, list) and len(docs) == len(list(EXAMPLES.glob("*.yaml")))
    assert {d["recommendation"] for d in docs} == {"slm", "llm", "hybrid"}
    known: dict[str, str] = {}
    for doc in docs:
        check_contract(doc, known)
        assert doc["source"].endswith(".yaml")


def test_several_files_give_a_list(invoke: Invoke) -> None:
    run = invoke("advise", "-r", TRIAGE, "-r", str(EXAMPLES / "faq-bot-mvp.yaml"), "-f", "json")
    assert [d["recommendation"] for d in json.loads(run.out)] == ["slm", "llm"]


def test_stdin(invoke: Invoke) -> None:
    run = invoke(
        "advise", "-r", "-", "-f", "json", stdin="task_type: agentic\ndomain_focus: broad\n"
    )
    assert run.code == 0, run.err
    assert json.loads(run.out)["recommendation"] == "llm"


def test_set_overrides_and_reports_no_assumption(invoke: Invoke) -> None:
    run = invoke(
        "advise",
        "-r",
        TRIAGE,
        "--set",
        "hosting=on_device",
        "--set",
        "priorities.cost=5",
        "-f",
        "json",
    )
    doc = json.loads(run.out)
    assert doc["recommendation"] == "slm"
    assert {e["option"] for e in doc["excluded"]} == {"llm", "hybrid"}
    assert doc["requirements"]["priorities"] == {"cost": 5}
    assert "hosting" not in {a["field"] for a in doc["assumptions"]}


@pytest.mark.parametrize(
    ("args", "code", "stderr"),
    [
        (["--expect", "slm"], 0, ""),
        (
            ["--expect", "llm"],
            1,
            "gate failed: " + TRIAGE + ": recommendation is slm, expected llm",
        ),
        (["--min-confidence", "0.5"], 0, ""),
        (["--min-confidence", "0.99"], 1, "is below --min-confidence 0.99"),
        (["--min-confidence", "1.5"], 2, "--min-confidence"),
        (["--expect", "medium"], 2, "'medium' is not one of"),
    ],
)
def test_gates(invoke: Invoke, args: list[str], code: int, stderr: str) -> None:
    run = invoke("advise", "-r", TRIAGE, "-f", "json", *args)
    assert run.code == code, run.err
    assert stderr in run.err
    if code == 1:
        assert len(run.err.strip().splitlines()) == 1
        check_contract(json.loads(run.out))  # the result is still written


@pytest.mark.parametrize(
    ("args", "stdin", "stderr"),
    [
        (["advise", "-r", "missing.yaml"], "", "missing.yaml: no such requirements file"),
        (["advise", "--no-input"], "", "pass -r FILE"),
        (["advise"], "", "standard input is not a terminal"),
        (
            ["advise", "-r", TRIAGE, "--set", "monthly_requests=lots"],
            "",
            "--set monthly_requests: expected a whole number",
        ),
        (["advise", "-r", TRIAGE, "--set", "hostin=any"], "", "did you mean 'hosting'?"),
        (["advise", "-r", TRIAGE, "--set", "priorities.speed=3"], "", "unknown criterion 'speed'"),
        (["advise", "-r", TRIAGE, "--rules", "nope.yaml"], "", "nope.yaml: no such rule set"),
        (["advise", "--bogus"], "", "No such option: --bogus"),
        (["advise", "-r", "-"], "- [1, 2]\n", "<stdin>:1:1: the top level is a list"),
        (
            ["advise", "-r", "-"],
            "priorities: {speed: 3}\n",
            "<stdin>:1:14: priorities.speed: unknown criterion 'speed'",
        ),
        (["advise", "-r", "-", "-i"], "task_type: chat\n", "--interactive needs a terminal"),
    ],
)
def test_bad_input_exits_2_without_traceback(
    invoke: Invoke, args: list[str], stdin: str, stderr: str
) -> None:
    run = invoke(*args, stdin=stdin)
    assert run.code == 2
    assert stderr in run.err
    assert "Traceback" not in run.err
    assert run.out == ""


def test_every_bad_file_is_reported(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("task_type: chta\n")
    (tmp_path / "b.yaml").write_text("hosting: cloud\n")
    (tmp_path / "c.yaml").write_text("task_type: chat\n")
    run = invoke("advise", "-r", str(tmp_path))
    assert run.code == 2
    assert "a.yaml:1:12" in run.err and "b.yaml:1:10" in run.err
    assert run.out == ""


def test_text_report(invoke: Invoke) -> None:
    run = invoke("advise", "-r", str(EXAMPLES / "contract-clause-extraction.yaml"), "--explain")
    assert run.code == 0, run.err
    for part in [
        "Recommendation: SLM",
        "confidence",
        "Scores",
        "Why:",
        "source:",
        "Assumptions",
        "What would change",
    ]:
        assert part in run.out
    assert run.err == ""


def test_markdown_report(invoke: Invoke) -> None:
    run = invoke("advise", "-r", TRIAGE, "-f", "markdown")
    assert run.out.splitlines()[0].endswith("SLM (Small language model), confidence 0.93")
    assert "| rule | effect | summary | because | source |" in run.out


def test_custom_rule_set(invoke: Invoke, tmp_path: Path) -> None:
    rules = (ROOT / "rules" / "default.yaml").read_text(encoding="utf-8")
    rules = rules.replace('name: default\nversion: "3.0"', 'name: team\nversion: "7.2"')
    path = tmp_path / "team.yaml"
    path.write_text(rules, encoding="utf-8")
    doc = json.loads(invoke("advise", "-r", TRIAGE, "--rules", str(path), "-f", "json").out)
    assert doc["rule_set"] == {"name": "team", "version": "7.2"}


def test_internal_error_is_one_line(monkeypatch: pytest.MonkeyPatch, invoke: Invoke) -> None:
    import slmvllm.commands.advise_jobs as advise_command

    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(advise_command, "advise", boom)
    run = invoke("advise", "-r", TRIAGE)
    assert run.code == 3
    assert run.err.strip().count("\n") == 0 and "internal error: RuntimeError: boom" in run.err
    run = invoke("--debug", "advise", "-r", TRIAGE)
    assert run.code == 3 and "Traceback" in run.err


def test_real_process_streams_and_exit_codes(tmp_path: Path) -> None:
    ok = run_cli("advise", "-r", TRIAGE, "-f", "json")
    assert ok.code == 0 and json.loads(ok.out)["recommendation"] == "slm" and ok.err == ""
    bad = run_cli("advise", "-r", str(tmp_path / "none.yaml"))
    assert bad.code == 2 and bad.out == "" and "no such requirements file" in bad.err
    version = run_cli("--version")
    assert version.code == 0 and version.out.startswith("slmvllm ")


def test_version_is_answered_without_building_the_cli() -> None:
    # The fast path and the typer option print the same line; the fast path loads no typer.
    from slmvllm import __version__

    fast = run_cli("--version")
    slow = run_cli("--debug", "--version")  # not the bare query: through typer
    assert fast.out == slow.out == f"slmvllm {__version__}\n"
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.argv = ['slmvllm', '--version']\n"
            "from slmvllm.launch import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('typer' in sys.modules, file=sys.stderr)",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=tree_env(),
    )
    assert probe.stderr.strip() == "False"


def test_save_answers_with_a_file_keeps_the_set_values(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "variant.yaml"
    run = invoke(
        "advise",
        "-r",
        TRIAGE,
        "--set",
        "hosting=on_prem",
        "--save-answers",
        str(target),
        "-f",
        "json",
    )
    assert run.code == 0, run.err
    saved = target.read_text(encoding="utf-8")
    assert "with --set applied" in saved and "hosting: on_prem" in saved
    again = invoke("advise", "-r", str(target), "-f", "json")
    assert json.loads(again.out)["requirements"]["hosting"] == "on_prem"
    refused = invoke("advise", "-r", TRIAGE, "--save-answers", str(target))
    assert refused.code == 2 and "already exists; pass --force" in refused.err
    assert "with --set applied" in target.read_text(encoding="utf-8")  # untouched
    several = invoke("advise", "-r", str(EXAMPLES), "--save-answers", str(tmp_path / "x.yaml"))
    assert several.code == 2 and "exactly one requirements file" in several.err


def test_set_takes_enum_values_in_any_case_like_the_prompt(invoke: Invoke) -> None:
    doc = json.loads(invoke("advise", "-r", TRIAGE, "--set", "task_type=Chat", "-f", "json").out)
    assert doc["requirements"]["task_type"] == "chat"
