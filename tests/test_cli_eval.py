"""`slmvllm eval` through the real entry point, on the shipped calibration cases and made-up labels."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from slmvllm.evaluation.evaluator import evaluate
from slmvllm.loading.labels import load_labels

from .conftest import CASES, EXAMPLES, ROOT, Run, run_cli

Invoke = Callable[..., Run]


def labels(folder: Path, *items: tuple[str, str, str, bool]) -> Path:
    """A labels file naming shipped case files: (id, case file, expected, ambiguous).

    The case files are copied next to it: a labels file names files in its own folder.
    """
    text = ""
    for case_id, file, expected, ambiguous in items:
        shipped = CASES / file
        (folder / shipped.name).write_bytes(shipped.read_bytes())
        text += (
            f"- id: {case_id}\n  file: {shipped.name}\n  expected: {expected}\n"
            f"  ambiguous: {str(ambiguous).lower()}\n"
            + ("  note: made up for a test\n" if ambiguous else "")
        )
    path = folder / "labels.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_cases_through_the_installed_command() -> None:
    run = run_cli("eval", "examples/cases")  # a real process, as CI runs it
    assert run.code == 0, run.err
    assert run.err == ""
    out = run.out
    assert out.startswith("Rule set default 3.0 on 21 labelled cases (10 clean, 11 ambiguous)\n")
    # Per case: recommendation and confidence.
    assert (
        "  jetbrains-full-line-code-completion         slm       slm           0.95  right\n" in out
    )
    # Accuracy beside the rules of thumb, on all and on clean cases.
    assert "  advice (this rule set)     14/21 (67%)   8/10 (80%)\n" in out
    assert "  rule of thumb: two-line    15/21 (71%)   7/10 (70%)\n" in out
    for name in ("always-slm", "always-llm", "article", "two-line"):
        assert f"rule of thumb: {name}" in out
    # Confusion matrix of all 21: six of the seven hybrid cases are missed (all but one
    # of them benchmark studies or vendor guidance whose files give no volume).
    assert "    hybrid    4    2       1\n" in out
    assert "    hybrid       1.00    0.14        1         7\n" in out  # precision 1/1, recall 1/7
    assert "    [0.5, 0.6)      2             0.54         0.50\n" in out
    assert "  Expected calibration error: 0.102\n" in out
    assert "  At confidence >= 0.7: 7/8 (88%) right, covering 8 of 21 cases (38%)\n" in out
    assert "Clean cases (10)" in out
    # Each miss with the rules that drove it.
    assert (
        "Misses (7)\n  airtrain-ecommerce-product-categorisation: expected slm, advised llm" in out
    )
    assert "    - article.slm-efficiency: +6.0 for slm over hybrid (always applies)" in out
    assert not any(line != line.rstrip() for line in out.splitlines())


def test_json_holds_every_figure_and_agrees_with_advise(invoke: Invoke) -> None:
    run = invoke("eval", str(CASES), "--format", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert set(doc) == {"rule_set", "cases", "all", "clean", "baselines", "subsets", "tags"}
    assert doc["rule_set"] == {"name": "default", "version": "3.0"}
    assert len(doc["cases"]) == 21
    assert doc["all"]["accuracy"] == {"right": 14, "cases": 21, "share": round(14 / 21, 4)}
    assert doc["clean"]["accuracy"] == {"right": 8, "cases": 10, "share": 0.8}
    assert [b["name"] for b in doc["baselines"]] == [
        "always-slm",
        "always-llm",
        "article",
        "two-line",
        "precedents",
    ]
    # The matrix, the per-case verdicts and the baselines tell the same story.
    confusion = doc["all"]["confusion"]
    for case in doc["cases"]:
        assert case["correct"] == (case["recommendation"] == case["expected"])
        assert bool(case["drivers"]) == (not case["correct"])
    assert sum(sum(row.values()) for row in confusion.values()) == 21
    assert sum(confusion[o][o] for o in confusion) == 14
    for b in doc["baselines"]:
        right = sum(c["baselines"][b["name"]] == c["expected"] for c in doc["cases"])
        assert b["all"]["right"] == right
    assert sum(b["cases"] for b in doc["all"]["reliability"]) == 21
    assert doc["all"]["high_confidence"] == {
        "threshold": 0.7,
        "right": 7,
        "cases": 8,
        "share": 0.875,
        "coverage": round(8 / 21, 4),
    }
    # Every recommendation is advise's, case by case. The confidence may differ: in eval
    # a case is never its own precedent, and the precedents' vote moves the confidence.
    advised = invoke("advise", "-r", str(CASES), "--format", "json")
    assert advised.code == 0, advised.err  # the folder's index.yaml is not read as a use case
    by_file = {d["source"]: d["recommendation"] for d in json.loads(advised.out)}
    assert len(by_file) == 21
    assert {c["file"]: c["recommendation"] for c in doc["cases"]} == by_file


def test_markdown(invoke: Invoke) -> None:
    run = invoke("eval", str(CASES), "-f", "markdown")
    assert run.code == 0, run.err
    assert run.out.startswith("## Evaluation: rule set default 3.0, 21 labelled cases")
    assert "| advice (this rule set) | 14/21 (67%) | 8/10 (80%) |" in run.out
    assert "| hybrid | 4 | 2 | 1 |" in run.out
    assert "| \\[0.9, 1.0\\] |" not in run.out and "| [0.9, 1.0] | 3 | 0.94 | 1.00 |" in run.out
    assert "- **frugalgpt-llm-cascade** (ambiguous): expected hybrid, advised slm" in run.out


def test_a_miss_names_the_exclusion_and_a_tie_says_so(invoke: Invoke, tmp_path: Path) -> None:
    path = labels(
        tmp_path,
        ("jb", "jetbrains-full-line-code-completion.yaml", "llm", False),  # on-device: no LLM
        # slm and hybrid score alike (a case of the corpus): the option order chose slm
        (
            "jsm",
            str(
                ROOT
                / "benchmarks/decisions/cases/atlassian-jsm-virtual-agent-intents-plus-ai-answers.yaml"
            ),
            "hybrid",
            False,
        ),
    )
    run = invoke("eval", str(path), "-f", "json")
    jb, tied = json.loads(run.out)["cases"]
    assert (
        jb["drivers"][0]["kind"] == "excluded"
        and jb["drivers"][0]["rule"] == "constraint.on-device"
    )
    assert not jb["tie"]
    assert tied["tie"] and tied["scores"]["slm"] == tied["scores"]["hybrid"]
    differences = [d["difference"] for d in tied["drivers"]]
    assert differences == sorted(differences, reverse=True) and len(differences) == 3
    assert all(d > 0 for d in differences)
    text = invoke("eval", str(path)).out
    assert "    - constraint.on-device: rules out llm: " in text
    assert "    - a tie: slm and hybrid scored alike; the rule set's option order chose" in text


@pytest.mark.parametrize(
    ("threshold", "code"),
    [("0.8", 0), ("0.5", 0), ("0", 0), ("0.85", 1), ("1.0", 1)],
    ids=["eight-in-ten", "half", "zero", "above", "all"],
)
def test_min_accuracy_passes_on_the_shipped_cases(
    invoke: Invoke, threshold: str, code: int
) -> None:
    # 8 of 10 clean cases right: 0.8 passes, anything above fails.
    assert invoke("eval", str(CASES), "--min-accuracy", threshold).code == code


def test_min_accuracy_fails_with_the_report_still_on_stdout(invoke: Invoke, tmp_path: Path) -> None:
    path = labels(
        tmp_path,
        ("jb", "jetbrains-full-line-code-completion.yaml", "slm", False),  # right
        ("klarna", "klarna-customer-service-assistant.yaml", "hybrid", False),  # a miss
        ("gsm8k", "anyscale-gsm8k-math-reasoning.yaml", "slm", True),  # ambiguous: not counted
    )
    run = invoke("eval", str(path), "--min-accuracy", "0.6")
    assert run.code == 1
    assert "advice (this rule set)" in run.out
    assert "gate failed: accuracy on clean cases 1/2 (50.0%) is below --min-accuracy 0.6" in run.err
    assert invoke("eval", str(path), "--min-accuracy", "0.5").code == 0


def test_min_accuracy_with_no_clean_case_fails(invoke: Invoke, tmp_path: Path) -> None:
    path = labels(tmp_path, ("gsm8k", "anyscale-gsm8k-math-reasoning.yaml", "llm", True))
    run = invoke("eval", str(path), "--min-accuracy", "0.1")
    assert run.code == 1 and "every case is marked ambiguous" in run.err
    assert "All cases (1)" in run.out and "Clean cases (0)" in run.out


@pytest.mark.parametrize("value", ["1.5", "-0.1", "most"])
def test_min_accuracy_out_of_range_is_usage(invoke: Invoke, value: str) -> None:
    assert invoke("eval", str(CASES), "--min-accuracy", value).code == 2


def test_rules_and_catalog_options(invoke: Invoke, tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    default = (ROOT / "rules" / "default.yaml").read_text(encoding="utf-8")
    team.write_text(default.replace("name: default", "name: team", 1), encoding="utf-8")
    catalog = EXAMPLES / "catalogs" / "aws-h100-on-demand.yaml"
    run = invoke("eval", str(CASES), "--rules", str(team), "--catalog", str(catalog), "-f", "json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["rule_set"]["name"] == "team"
    bad = tmp_path / "bad.yaml"
    bad.write_text(default.replace("field: task_type", "field: task_typo", 1), encoding="utf-8")
    run = invoke("eval", str(CASES), "--rules", str(bad))
    assert run.code == 2 and f"{bad}:" in run.err and run.out == ""
    run = invoke("eval", str(CASES), "--catalog", str(tmp_path / "none.yaml"))
    assert run.code == 2 and "no such catalogue file" in run.err


def test_several_labels_files_in_one_run(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "more").mkdir()
    extra = labels(
        tmp_path / "more", ("jb-again", "jetbrains-full-line-code-completion.yaml", "slm", False)
    )
    run = invoke("eval", str(CASES), str(extra), "-f", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert len(doc["cases"]) == 22 and doc["cases"][-1]["labels_file"] == str(extra)


def test_the_python_api_gives_the_same_figures(invoke: Invoke) -> None:
    # What a fitting script does: load the labels, evaluate, read the metrics.
    ev = evaluate(load_labels(CASES))
    doc = json.loads(invoke("eval", str(CASES), "-f", "json").out)
    assert ev.clean.accuracy.share == doc["clean"]["accuracy"]["share"]
    assert round(ev.all.ece or 0, 4) == doc["all"]["ece"]
    assert [c.id for c in ev.misses] == [c["id"] for c in doc["cases"] if not c["correct"]]


def test_advise_on_a_folder_of_labels_alone(invoke: Invoke, tmp_path: Path) -> None:
    path = labels(tmp_path, ("jb", "jetbrains-full-line-code-completion.yaml", "slm", False))
    # The case file goes one folder down (still inside the labels file's folder).
    (tmp_path / "cases").mkdir()
    case = "jetbrains-full-line-code-completion.yaml"
    (tmp_path / case).rename(tmp_path / "cases" / case)
    (tmp_path / "index.yaml").write_text(
        path.read_text(encoding="utf-8").replace(f"file: {case}", f"file: cases/{case}"),
        encoding="utf-8",
    )
    path.unlink()
    run = invoke("advise", "-r", str(tmp_path))
    assert run.code == 2
    assert "folder has no *.yaml or *.yml file but index.yaml, which is not read here" in run.err
    assert invoke("eval", str(tmp_path)).code == 0  # the same folder is a labels folder
