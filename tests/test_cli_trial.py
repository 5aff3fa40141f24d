"""`slmvllm trial` through its real entry point: formats, the report, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from .conftest import ROOT, Run, run_cli
from .test_trial import CATALOG, HAND_LOG

Invoke = Callable[..., Run]
EXAMPLES = ROOT / "examples" / "trial"


def _files(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "log.jsonl").write_text(HAND_LOG, encoding="utf-8")
    (tmp_path / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    (tmp_path / "case.yaml").write_text(
        "task_type: classification\nmonthly_requests: 1000000\ninput_tokens: 1000\n"
        "output_tokens: 0\n",
        encoding="utf-8",
    )
    return str(tmp_path / "log.jsonl"), str(tmp_path / "catalog.yaml")


def test_json_holds_the_hand_worked_decision(invoke: Invoke, tmp_path: Path) -> None:
    log, catalog = _files(tmp_path)
    args = ["trial", log, "--small", "tiny", "--large", "huge", "--catalog", catalog]
    run = invoke(*args, "-r", str(tmp_path / "case.yaml"), "--format", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert doc["recommendation"] == "hybrid"
    assert doc["chosen"]["threshold"] == 0.9 and doc["chosen"]["monthly_cost"] == 8200.0
    assert abs(doc["router_measures"]["apgr"] - 0.6) < 1e-9
    assert doc["volume"] == {"monthly_requests": 1000000, "input_tokens": 1000, "output_tokens": 0}
    assert doc["rule_set"]["recommendation"] in {"slm", "llm", "hybrid"}
    assert doc["rule_set"]["agrees"] == (doc["rule_set"]["recommendation"] == "hybrid")
    assert doc["interval"]["seed"] == 0 and doc["has_router_score"] is True


def test_text_markdown_and_html(invoke: Invoke, tmp_path: Path) -> None:
    log, catalog = _files(tmp_path)
    args = ["trial", log, "--small", "tiny", "--large", "huge", "--catalog", catalog]
    text = invoke(*args)
    assert text.code == 0, text.err
    assert "> router < 0.9" in text.out and "Verdict: Hybrid at threshold 0.9" in text.out
    assert "router  APGR 0.600" in text.out and "random  APGR 0.500" in text.out
    md = invoke(*args, "--format", "markdown", "--report", str(tmp_path / "t.html"))
    assert md.code == 0 and md.out.startswith("## Trial:")
    assert "| **router < 0.9** |" in md.out
    page = (tmp_path / "t.html").read_text(encoding="utf-8")
    assert "<svg" in page and "<script" not in page and "Content-Security-Policy" in page
    assert "Wrote the report to" in md.err


def test_bad_log_is_exit_2_located(invoke: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"small_score": 2, "large_score": 1}\n', encoding="utf-8")
    run = invoke("trial", str(bad), "--small", "qwen2.5-7b", "--large", "gpt-4o")
    assert run.code == 2 and run.out == ""
    assert f"{bad}:1:17: small_score must be a number from 0 to 1" in run.err
    assert "Traceback" not in run.err


def test_unknown_model_names_the_flag(invoke: Invoke) -> None:
    log = str(EXAMPLES / "routellm-gsm8k.csv")
    run = invoke("trial", log, "--small", "qwen2.5-7", "--large", "gpt-4o")
    assert run.code == 2
    assert "--small 'qwen2.5-7' is not in the catalogue; did you mean 'qwen2.5-7b'?" in run.err


def test_report_must_be_html(invoke: Invoke) -> None:
    log = str(EXAMPLES / "routellm-gsm8k.csv")
    run = invoke("trial", log, "--small", "qwen2.5-7b", "--large", "gpt-4o", "--report", "x.svg")
    assert run.code == 2 and "--report writes a standalone .html page" in run.err


def test_public_example_runs_as_a_process() -> None:
    # RouteLLM's MMLU grades (no router score): the oracle says what a router must find.
    run = run_cli(
        "trial", str(EXAMPLES / "routellm-mmlu.csv"), "--small", "mixtral-8x7b", "--large", "gpt-4o"
    )
    assert run.code == 0, run.err
    assert "14,037 requests" in run.out
    assert "17.8% of requests need the large model" in run.out
    assert "By tag (the 12 largest; 45 more in --format json)" in run.out


def test_stdin_log(invoke: Invoke) -> None:
    run = invoke(
        "trial",
        "-",
        "--small",
        "qwen2.5-7b",
        "--large",
        "gpt-4o",
        "-f",
        "json",
        stdin='{"small_score": 1, "large_score": 1}\n',
    )
    assert run.code == 0, run.err
    assert json.loads(run.out)["recommendation"] == "slm"
