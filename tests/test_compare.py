"""`slmvllm compare`: the chart is counted from the rule set, readable at 80 and 40 columns."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advice.tally import tally

from .conftest import ROOT, Run
from .test_reports import check_snapshot

Invoke = Callable[..., Run]
# Relative to the repository (the tests run from it): the same text, and so the same
# wrapping, in every checkout.
TRIAGE = "examples/support-triage.yaml"


@pytest.fixture(autouse=True)
def _from_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("columns", ["80", "40"])
def test_compare_snapshot(invoke: Invoke, monkeypatch: pytest.MonkeyPatch, columns: str) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    run = invoke("compare", "-r", TRIAGE)
    assert run.code == 0, run.err
    assert max(len(line) for line in run.out.splitlines()) <= int(columns)
    assert "\x1b" not in run.out  # NO_COLOR (conftest): plain text
    check_snapshot(f"compare-{columns}.txt", run.out)


def test_compare_general_snapshot(invoke: Invoke) -> None:
    check_snapshot("compare-general-100.txt", invoke("compare", "--general").out)


def test_counts_come_from_the_rule_set(rule_set: RuleSet) -> None:
    tallies = {t.option: t for t in tally(rule_set)}
    weight = {c: v.weight for c, v in rule_set.criteria.items()}
    for option in rule_set.options:
        ups = [
            r.id
            for r in rule_set.rules
            if sum(weight[c] * p for c, p in r.points.get(option, {}).items()) > 0
        ]
        assert sorted(i.rule for i in tallies[option].advantages) == sorted(ups)
        downs = [
            r.id
            for r in rule_set.rules
            if sum(weight[c] * p for c, p in r.points.get(option, {}).items()) < 0
            or option in r.exclude
        ]
        assert sorted(i.rule for i in tallies[option].limitations) == sorted(downs)
    general = {t.option: t for t in tally(rule_set, general_only=True)}
    assert all(i.when is None for t in general.values() for i in t.advantages + t.limitations)
    assert len(general["slm"].advantages) < len(tallies["slm"].advantages)


def test_another_rule_set_gives_another_chart(invoke: Invoke, tmp_path: Path) -> None:
    text = (ROOT / "rules" / "default.yaml").read_text(encoding="utf-8")
    # Make the first rule (an SLM advantage in the default set) hurt SLM instead.
    text = text.replace("      slm: {cost: 2, latency: 1}", "      slm: {cost: -2, latency: -1}", 1)
    mine = tmp_path / "rules.yaml"
    mine.write_text(text, encoding="utf-8")
    base = json.loads(invoke("compare", "-f", "json").out)
    changed = json.loads(invoke("compare", "--rules", str(mine), "-f", "json").out)

    def counts(doc: dict[str, object]) -> dict[str, tuple[int, int]]:
        options = doc["options"]
        assert isinstance(options, list)
        return {o["option"]: (len(o["advantages"]), len(o["limitations"])) for o in options}

    slm_before, slm_after = counts(base)["slm"], counts(changed)["slm"]
    assert slm_after == (slm_before[0] - 1, slm_before[1] + 1)


def test_compare_with_requirements_shows_each_criterion(invoke: Invoke) -> None:
    doc = json.loads(invoke("compare", "-r", TRIAGE, "-f", "json").out)
    advised = json.loads(invoke("advise", "-r", TRIAGE, "-f", "json").out)
    assert doc["use_case"]["criteria_scores"] == advised["criteria_scores"]
    out = invoke("compare", "-r", TRIAGE).out
    for criterion in advised["criteria_scores"]["slm"]:
        assert f"\n{criterion}\n" in out


def test_compare_with_a_bad_file_is_exit_2(invoke: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("task_type: poetry\n", encoding="utf-8")
    run = invoke("compare", "-r", str(bad))
    assert run.code == 2 and "bad.yaml:1" in run.err and run.out == ""


def test_compare_without_utf8_uses_ascii(tmp_path: Path) -> None:
    from .conftest import run_cli

    run = run_cli("compare", env={"PYTHONIOENCODING": "ascii", "COLUMNS": "60"})
    assert run.code == 0, run.err
    assert "#" in run.out and "|" in run.out and "█" not in run.out
