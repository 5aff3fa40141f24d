"""Decision records: `advise --record DIR` writes them, `records check DIR` re-checks them."""

from __future__ import annotations

from pathlib import Path

from slmvllm.advisor import default_rule_set
from tests.conftest import ROOT, run_cli

VERSION = default_rule_set().version

TRIAGE = str(ROOT / "examples" / "support-triage.yaml")
RESEARCH = str(ROOT / "examples" / "research-agent.yaml")

FLIP = """\
extends: default
name: no-small-models
version: "1.0"
description: The default rules, and a policy that rules small models out.
references:
  policy:
    title: A team policy (a test fixture)
rules:
  - id: policy.no-small-models
    summary: The team runs no small models.
    sources: [{ref: policy}]
    when: {field: hosting, is: any}
    exclude: [slm]
    reason: the team runs no small models
"""


def _records(tmp_path: Path) -> Path:
    folder = tmp_path / "decisions"
    run = run_cli("advise", "-r", TRIAGE, "-r", RESEARCH, "--record", str(folder), "-f", "json")
    assert run.code == 0, run.err
    return folder


def test_a_record_holds_the_decision_and_what_it_rests_on(tmp_path: Path) -> None:
    folder = _records(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == ["research-agent.md", "support-triage.md"]
    text = (folder / "support-triage.md").read_text(encoding="utf-8")
    assert text.startswith("---\nslmvllm_record: 1\n")
    for part in (
        'recommendation: "slm"',
        f'rule_set: "default {VERSION}"',
        'prices_as_of: "2026-07-18"',
        "## Context: the answers",
        "## Decision, reasons and what would change it",
        "**What would change the answer:**",
        "## Numbers",
        f"Decided 2026-08-01 with rule set default {VERSION} and prices as of 2026-07-18",
    ):
        assert part in text, part


def test_check_passes_when_nothing_changed(tmp_path: Path) -> None:
    folder = _records(tmp_path)
    run = run_cli("records", "check", str(folder))
    assert run.code == 0, run.err
    assert run.out.splitlines() == [
        f"{folder}/research-agent.md: still llm",
        f"{folder}/support-triage.md: still slm",
    ]


def test_check_exits_1_naming_a_flipped_record(tmp_path: Path) -> None:
    folder = _records(tmp_path)
    rules = tmp_path / "flip.yaml"
    rules.write_text(FLIP, encoding="utf-8")
    run = run_cli("records", "check", str(folder), "--rules", str(rules))
    assert run.code == 1
    assert f"{folder}/support-triage.md: recommendation slm -> llm" in run.out
    assert run.err.endswith(
        f"slmvllm: 1 of 2 decision records changed: {folder}/support-triage.md\n"
    )


def test_check_names_a_crossed_break_even(tmp_path: Path) -> None:
    folder = _records(tmp_path)
    record = folder / "research-agent.md"
    text = record.read_text(encoding="utf-8")
    # As if the record had been made when the break-even was below its volume.
    record.write_text(
        text.replace("break_even_monthly_requests: 148766", "break_even_monthly_requests: 10000"),
        encoding="utf-8",
    )
    run = run_cli("records", "check", str(folder))
    assert run.code == 1
    assert (
        f"{folder}/research-agent.md: break-even 10,000 -> 148,766 requests/month, "
        "crossed at 15,000"
    ) in run.out


def test_a_bad_record_is_located(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "x.md").write_text("# no front matter\n", encoding="utf-8")
    run = run_cli("records", "check", str(folder))
    assert run.code == 2
    assert run.err == (
        f"slmvllm: error: {folder}/x.md:1: not a decision record: no front matter "
        "(--- ... ---) first\n"
    )
    empty = tmp_path / "e"
    empty.mkdir()
    assert run_cli("records", "check", str(empty)).code == 2
