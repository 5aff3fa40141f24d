"""Rule sets are untrusted data: every inconsistency is an error naming the rule and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from slmvllm.engine import advise
from slmvllm.errors import InputError
from slmvllm.requirements import Requirements
from slmvllm.rule_sets import default_rule_set_path, load_rule_set

HEAD = """\
name: team
version: "2.1"
description: a small rule set for tests
references:
  paper: {title: "A paper", url: "https://example.org/paper"}
options:
  llm: {label: LLM, description: large}
  slm: {label: SLM, description: small}
  hybrid: {label: Hybrid, description: both}
criteria:
  cost: {meaning: money}
  quality: {meaning: right answers}
questions: []
rules:
  - id: base
    summary: small is cheap
    sources: [{ref: paper}]
    points: {slm: {cost: 1}}
"""


def load(tmp_path: Path, extra: str = "", head: str = HEAD) -> object:
    path = tmp_path / "rules.yaml"
    path.write_text(head + extra, encoding="utf-8")
    return load_rule_set(path)


def rule(
    when: str = "",
    points: str = "{llm: {quality: 1}}",
    rule_id: str = "r2",
    sources: str = "[{ref: paper}]",
) -> str:
    text = (
        f"  - id: {rule_id}\n    summary: test rule\n    sources: {sources}\n    points: {points}\n"
    )
    if when:
        text += f"    when: {when}\n"
    return text


@pytest.mark.parametrize(
    ("extra", "message", "line"),
    [
        (
            rule("{field: task_tipe, is: chat}"),
            "unknown requirements field 'task_tipe'; did you mean 'task_type'?",
            23,
        ),
        (rule("{field: task_type, in: [chatt]}"), "'chatt' is not a value of 'task_type'", 23),
        (rule("{field: task_type, gte: 3}"), "compares numbers", 23),
        (rule("{field: monthly_requests, gte: big}"), "", 23),
        (rule("{field: use_case, is: x}"), "free text", 23),
        (rule("{field: task_type}"), "has no operator", 23),
        (
            rule("{all: [{field: task_type, is: chat}, {field: task_type, is: code}]}"),
            "can never fire",
            23,
        ),
        (rule("{field: monthly_requests, gt: 10, lt: 5}"), "can never hold", 23),
        (
            rule("\"eval('1+1')\""),
            "a condition is a mapping with 'field', 'all', 'any' or 'not'",
            23,
        ),
        (rule("{field: task_type, is: chat, run: x}"), "unknown key 'run'", 23),
        (rule(sources="[{ref: papr}]"), "cites 'papr', which is not in 'references'", 21),
        (rule(points="{llm: {qualty: 1}}"), "unknown criterion 'qualty'", 22),
        (rule(points="{llmm: {quality: 1}}"), "did you mean 'llm'?", 22),
        (rule(points="{llm: {quality: 99}}"), "outside -10..10", 19),
        (rule(rule_id="base"), "rule id 'base' is used twice", 19),
        (rule(points="{}"), "neither points nor exclude", 19),
        (
            "  - id: r3\n    summary: x\n    sources: [{ref: paper}]\n    exclude: [llm]\n    reason: never\n",
            "excludes ['llm'] for every use case",
            22,
        ),
        (
            "  - id: r3\n    summary: x\n    sources: [{ref: paper}]\n    exclude: [llm]\n",
            "needs a 'reason'",
            19,
        ),
        (
            "  - id: Bad Id\n    summary: x\n    sources: [{ref: paper}]\n    points: {llm: {cost: 1}}\n",
            "should match pattern",
            19,
        ),
    ],
)
def test_bad_rules_are_named_and_located(
    tmp_path: Path, extra: str, message: str, line: int
) -> None:
    with pytest.raises(InputError) as err:
        load(tmp_path, extra)
    text = str(err.value)
    assert message in text
    assert f"rules.yaml:{line}:" in text


@pytest.mark.parametrize(
    ("head_change", "message"),
    [
        (
            (
                "rules:\n  - id: base\n    summary: small is cheap\n    sources: [{ref: paper}]\n    points: {slm: {cost: 1}}\n",
                "rules: []\n",
            ),
            "at least 1 item",
        ),
        (("  hybrid: {label: Hybrid, description: both}\n", ""), "missing ['hybrid']"),
        (('version: "2.1"', "version: 2.10"), "put it in quotes"),
        (
            (
                "questions: []",
                "questions:\n  - {field: hosting, type: enum, prompt: p, help: h, default: cloud, assumption: a}",
            ),
            "default 'cloud' is not valid",
        ),
        (
            (
                "questions: []",
                "questions:\n  - {field: hosting, type: integer, prompt: p, help: h, assumption: a}",
            ),
            "is of type 'enum'",
        ),
        (
            (
                "questions: []",
                "questions:\n  - {field: hostin, type: enum, prompt: p, help: h, assumption: a}",
            ),
            "did you mean 'hosting'?",
        ),
    ],
)
def test_bad_rule_set_structure(tmp_path: Path, head_change: tuple[str, str], message: str) -> None:
    old, new = head_change
    assert old in HEAD
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load(tmp_path, head=HEAD.replace(old, new))


def test_code_in_a_rule_file_is_only_text(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payload = f"__import__('os').system('touch {marker}')"
    loaded = load(tmp_path, rule(points="{llm: {quality: 1}}").replace("test rule", payload))
    result = advise(loaded.rule_set, Requirements(task_type="chat"))  # type: ignore[attr-defined]
    assert any(r.summary == payload for r in result.reasons)
    assert not marker.exists()


def test_missing_questions_are_warnings_not_errors(tmp_path: Path) -> None:
    loaded = load(tmp_path)
    assert any("no question asks for 'task_type'" in str(w) for w in loaded.warnings)  # type: ignore[attr-defined]


def test_default_rule_set_is_clean() -> None:
    loaded = load_rule_set()
    assert loaded.warnings == []
    assert default_rule_set_path().name == "default.yaml"
    rs = loaded.rule_set
    assert set(rs.criteria) == {
        "cost",
        "generalization",
        "domain_fit",
        "deployment_speed",
        "data_control",
        "quality",
        "latency",
        "customization_effort",
    }
    assert {q.field for q in rs.questions} == set(Requirements.model_fields)
    for r in rs.rules:
        assert r.sources, r.id
    article_sections = " ".join(
        c.where or "" for r in rs.rules for c in r.sources if c.ref == "article"
    )
    for section in [
        "Efficiency and cost-effectiveness",
        "Domain-specific performance",
        "Rapid deployment",
        "Data security",
        "Limited generalization",
        "Technical challenges of customization",
        "Enhanced performance",
        "Versatility",
        "Advanced capabilities",
        "Resource intensity",
        "Cost",
        "Conclusion",
    ]:
        assert section in article_sections
