"""`rules explain` and `rules diff`, on the worked example in examples/rules/ against the default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from slmvllm.advice.rule_sets import load_rule_set
from slmvllm.advisor import advise
from slmvllm.review.cases import Case, read_cases
from slmvllm.review.diff import diff_rule_sets

from .conftest import ROOT, run_cli

ACME = "examples/rules/acme-platform.yaml"
USE_CASES = "examples/rules/use-cases"
SUMMARY = "3 of 5 use cases change: 3 llm→slm; 1 more move confidence by more than 0.05"


def test_diff_on_the_worked_example_text() -> None:
    run = run_cli("rules", "diff", "default", ACME, "-r", USE_CASES)
    assert run.code == 0, run.err
    assert run.out.rstrip("\n").splitlines()[-1] == SUMMARY
    assert f"~ {USE_CASES}/eu-contract-assistant.yaml: llm → slm" in run.out
    assert (
        "    acme.eu-residency-keeps-data-home (added, +24.0): does not fire -> llm -12.0, slm +12.0, hybrid +6.0"
        in run.out
    )
    assert "note: default ignores data_residency (not its field)" in run.out
    assert "evidence.regulated-data-single-path (removed, -3.0)" in run.out
    assert (
        "weights cost 3→4; defaults data_sensitivity internal→confidential; fields added: data_residency"
        in run.out
    )


def test_diff_json_and_every_result_from_the_core_function() -> None:
    run = run_cli("rules", "diff", "default", ACME, "-r", USE_CASES, "-f", "json")
    doc = json.loads(run.out)
    assert doc["summary"] == SUMMARY
    assert (doc["use_cases"], doc["changed"], doc["moved"]) == (5, 3, 1)
    assert doc["transitions"] == {"llm→slm": 3}
    assert doc["rule_set_changes"]["removed"] == ["evidence.regulated-data-single-path"]
    assert doc["rule_set_changes"]["changed"] == ["evidence.tight-deadline-api-fastest"]
    acme = load_rule_set(ROOT / ACME).rule_set
    default = load_rule_set().rule_set
    for case in doc["cases"]:
        data = read_cases([ROOT / case["source"]])[0].doc.data
        new = advise(acme.requirements_model().model_validate(data), acme)
        old_data = {k: v for k, v in data.items() if k != "data_residency"}
        old = advise(default.requirements_model().model_validate(old_data), default)
        assert case["new"]["recommendation"] == new.recommendation
        assert case["new"]["confidence"] == new.confidence
        assert case["old"]["recommendation"] == old.recommendation
        assert case["old"]["confidence"] == old.confidence


def test_diff_markdown_fail_on_change_and_threshold() -> None:
    md = run_cli("rules", "diff", "default", ACME, "-r", USE_CASES, "-f", "markdown")
    assert f"**{SUMMARY.replace('_', chr(92) + '_')}**" in md.out
    assert "| use case | old | new | confidence | rules behind it |" in md.out
    gate = run_cli("rules", "diff", "default", ACME, "-r", USE_CASES, "--fail-on-change")
    assert gate.code == 1 and gate.out.rstrip("\n").endswith(SUMMARY)
    assert f"changed: {USE_CASES}/eu-invoice-extraction.yaml: llm -> slm" in gate.err
    same = run_cli(
        "rules",
        "diff",
        "default",
        "default",
        "-r",
        USE_CASES + "/internal-faq-bot.yaml",
        "--fail-on-change",
    )
    assert same.code == 0 and "0 of 1 use case changes recommendation" in same.out
    loose = run_cli("rules", "diff", "default", ACME, "-r", USE_CASES, "--threshold", "0.5")
    assert loose.out.rstrip("\n").endswith("3 of 5 use cases change: 3 llm→slm")


def test_diff_errors_exit_2() -> None:
    no_r = run_cli("rules", "diff", "default", ACME)
    assert no_r.code == 2 and "give the use cases" in no_r.err
    missing = run_cli("rules", "diff", "default", "nope.yaml", "-r", USE_CASES)
    assert missing.code == 2 and "nope.yaml: no such rule set" in missing.err
    # A key neither rule set knows is an error; data_residency is not (acme knows it).
    bad = ROOT / "examples" / "support-triage.yaml"
    text = bad.read_text(encoding="utf-8") + "gpu_fleet: l4\n"
    run = run_cli("rules", "diff", "default", ACME, "-r", "-", stdin=text)
    assert run.code == 2 and "unknown key 'gpu_fleet' for rule set 'default' 3.0" in run.err


def test_unknown_key_names_the_rule_set_that_adds_it() -> None:
    # Comparing acme with itself minus nothing: a file for acme read for the default
    # names acme, the rule set of the run that adds the field.
    from slmvllm.advice.use_cases import requirements_for
    from slmvllm.errors import InputError

    acme = load_rule_set(ROOT / ACME).rule_set
    doc = read_cases([ROOT / USE_CASES / "eu-support-triage.yaml"])[0].doc
    with pytest.raises(InputError) as err:
        requirements_for(load_rule_set().rule_set, doc, others=[acme])
    assert (
        "unknown key 'data_residency' for rule set 'default' 3.0: rule set 'acme-platform' "
        "1.0 adds it" in str(err.value)
    )


def test_accuracy_moves_with_labelled_cases() -> None:
    # The hook labels files plug into: cases that carry the documented decision.
    acme = load_rule_set(ROOT / ACME).rule_set
    cases = read_cases([ROOT / USE_CASES])
    labelled = [Case(c.source, c.doc, "slm" if "invoice" in c.source else None) for c in cases]
    diff = diff_rule_sets(load_rule_set().rule_set, acme, labelled)
    assert diff.accuracy() == {"labelled": 1, "old_correct": 0, "new_correct": 1}
    assert diff.summary().endswith("; accuracy 0/1 → 1/1")


def test_explain_a_rule_and_what_it_does() -> None:
    run = run_cli(
        "rules", "explain", "acme.eu-residency-keeps-data-home", "--rules", ACME, "-r", USE_CASES
    )
    assert run.code == 0, run.err
    assert "  when: data_residency is eu\n" in run.out
    assert "  points: slm data_control +4; hybrid data_control +2; llm data_control -4\n" in run.out
    assert f"  from layer: {ACME}\n" in run.out
    assert "Fires on 3 of 5 use cases; decides the recommendation of 2." in run.out
    assert (
        f"{USE_CASES}/eu-invoice-extraction.yaml: fires: llm -12.0, slm +12.0, hybrid +6.0; llm (0.63) without it -> slm (0.84) with it"
        in run.out
    )
    doc = json.loads(
        run_cli(
            "rules", "explain", "evidence.tight-deadline-api-fastest", "--rules", ACME, "-f", "json"
        ).out
    )
    assert doc["layer"] == "default" and doc["overridden_by"] == [ACME] and doc["cases"] == []
    assert doc["points"]["llm"] == {"deployment_speed": 1}


def test_explain_a_disabled_rule_and_an_unknown_one() -> None:
    run = run_cli(
        "rules",
        "explain",
        "evidence.regulated-data-single-path",
        "--rules",
        ACME,
        "-r",
        USE_CASES,
        "-f",
        "json",
    )
    doc = json.loads(run.out)
    assert doc["active"] is False and doc["disabled_by"] == ACME
    fired = [c["source"] for c in doc["cases"] if c["fires"]]
    assert fired == [f"{USE_CASES}/regulated-claims-summaries.yaml"]
    unknown = run_cli("rules", "explain", "evidence.long-contex")
    assert unknown.code == 2 and unknown.out == ""
    assert (
        "rule set 'default' 3.0 has no rule 'evidence.long-contex'; did you mean 'evidence.long-context'?"
        in unknown.err
    )


@pytest.mark.parametrize("path", sorted((ROOT / USE_CASES).glob("*.yaml")), ids=lambda p: p.name)
def test_every_worked_example_file_advises_with_its_rule_set(path: Path) -> None:
    run = run_cli("advise", "-r", str(path), "--rules", ACME, "-f", "json")
    assert run.code == 0, run.err


@pytest.mark.parametrize(
    "args",
    [
        ("rules", "check", ACME),
        ("rules", "explain", "acme.eu-residency-keeps-data-home", "--rules", ACME, "-r", USE_CASES),
        ("rules", "diff", "default", ACME, "-r", USE_CASES),
    ],
    ids=["check", "explain", "diff"],
)
def test_the_docs_show_what_the_worked_example_prints(args: tuple[str, ...]) -> None:
    # The rule-set page's step-by-step section quotes output lines as `# ...` comments.
    page = (ROOT / "docs" / "rule-sets.md").read_text(encoding="utf-8")
    section = page[page.index("## Extending the default rule set") :]
    run = run_cli(*args)
    assert run.code == 0, run.err
    block = section[section.index("slmvllm " + " ".join(args[:3])) :]
    block = block[: block.index("```")]
    quoted = [line[2:] for line in block.splitlines() if line.startswith("# ") and line != "# ..."]
    assert quoted
    for line in quoted:
        assert line in run.out.splitlines(), line


def test_diff_on_labels_files_says_how_accuracy_moves(tmp_path: Path) -> None:
    # The calibration cases' labels, diffed against a copy of the default that drops the
    # world-knowledge rule: every recommendation it changes moves the accuracy line.
    text = (ROOT / "rules" / "default.yaml").read_text(encoding="utf-8")
    layer = tmp_path / "team.yaml"
    layer.write_text(
        'extends: default\nname: team\nversion: "1.0"\n'
        "disable:\n  evidence.world-knowledge: trying without it\n",
        encoding="utf-8",
    )
    assert "evidence.world-knowledge" in text
    run = run_cli("rules", "diff", "default", str(layer), "-r", "examples/cases", "-f", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert doc["use_cases"] == 21
    assert doc["summary"].endswith(
        f"accuracy {doc['accuracy']['old_correct']}/21 → {doc['accuracy']['new_correct']}/21"
    )
    folder = run_cli("rules", "diff", "default", str(layer), "-r", "examples/cases/index.yaml")
    assert folder.out.rstrip("\n").splitlines()[-1] == doc["summary"]


def test_a_bad_labels_entry_in_a_diff_is_exit_2_located(tmp_path: Path) -> None:
    labels = tmp_path / "labels.yaml"
    labels.write_text(
        "- id: a\n  file: missing.yaml\n  expected: slm\n  ambiguous: false\n"
        "- id: b\n  file: x.yaml\n  expectd: llm\n  ambiguous: false\n",
        encoding="utf-8",
    )
    run = run_cli("rules", "diff", "default", "default", "-r", str(labels))
    assert run.code == 2 and run.out == ""
    assert f"{labels}:5:3" in run.err and "did you mean 'expected'" in run.err
