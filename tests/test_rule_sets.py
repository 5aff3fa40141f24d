"""Rule sets are untrusted data: every inconsistency is an error naming the rule and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from slmvllm.advice.engine import advice_for
from slmvllm.advice.rule_sets import default_rule_set_path, load_rule_set
from slmvllm.errors import InputError
from slmvllm.requirements import Requirements

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
            rule("\"__import__('os').getcwd()\""),
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
    result = advice_for(loaded.rule_set, Requirements(task_type="chat"))  # type: ignore[attr-defined]
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


# --------------------------------------------------------------------------- issue 4: untrusted


EXCLUDE = "  - id: {id}\n    summary: x\n    sources: [{{ref: paper}}]\n    exclude: [llm]\n    reason: r\n    when: {when}\n"
WITH_DEFAULT = HEAD.replace(
    "questions: []",
    "questions:\n  - {field: hosting, type: enum, prompt: p, help: h, default: any, assumption: a}",
)


@pytest.mark.parametrize(
    ("extra", "head", "message", "line"),
    [
        # Values a field can never take make a rule dead, though the comparison is legal.
        (rule("{field: monthly_requests, lt: 0}"), HEAD, "rule 'r2' can never fire", 23),
        (rule("{field: weeks_to_launch, lte: 0}"), HEAD, "rule 'r2' can never fire", 23),
        (rule("{field: monthly_requests, is: 2.5}"), HEAD, "rule 'r2' can never fire", 23),
        (rule("{field: latency_p95_ms, lte: 0}"), HEAD, "rule 'r2' can never fire", 23),
        # A field with a default is never unknown, so `known: false` never holds.
        (rule("{field: hosting, known: false}"), WITH_DEFAULT, "rule 'r2' can never fire", 24),
        # Rules that together rule an option out whatever the use case.
        (
            EXCLUDE.format(id="r3", when="{field: monthly_requests, gte: 10}")
            + EXCLUDE.format(id="r4", when="{not: {field: monthly_requests, gte: 10}}"),
            HEAD,
            "option 'llm' is excluded for every use case by rules 'r3', 'r4' together",
            22,
        ),
        # Code where a field name, a value or a condition goes is only an unknown name.
        (
            rule("{field: \"__import__('os').system('id')\", is: 1}"),
            HEAD,
            "unknown requirements field",
            23,
        ),
        (rule("{field: task_type, is: '{{ 7*7 }}'}"), HEAD, "is not a value of 'task_type'", 23),
        (rule("'lambda values: True'"), HEAD, "a condition is a mapping", 23),
        (
            rule("!!python/object/apply:os.system [id]"),
            HEAD,
            "is not allowed: slmvllm reads plain data",
            23,
        ),
    ],
)
def test_untrusted_rule_sets_are_refused_by_rule_and_line(
    tmp_path: Path, extra: str, head: str, message: str, line: int
) -> None:
    with pytest.raises(InputError) as err:
        load(tmp_path, extra, head)
    text = str(err.value)
    assert message in text
    assert f"rules.yaml:{line}:" in text


def test_a_default_makes_known_true_always_hold(tmp_path: Path) -> None:
    loaded = load(tmp_path, rule("{field: hosting, known: true}"), WITH_DEFAULT)
    warnings = [str(w) for w in loaded.warnings]  # type: ignore[attr-defined]
    assert any("rule 'r2': its condition always holds" in w and ":24:" in w for w in warnings)


def test_one_rule_whose_condition_always_holds_excludes_for_every_use_case(
    tmp_path: Path,
) -> None:
    extra = EXCLUDE.format(
        id="r3", when="{any: [{field: hosting, known: true}, {field: hosting, known: false}]}"
    )
    with pytest.raises(
        InputError, match="rule 'r3' \\(its condition always holds\\); it can never"
    ):
        load(tmp_path, extra)


def test_an_option_excluded_only_sometimes_is_fine(tmp_path: Path) -> None:
    extra = EXCLUDE.format(id="r3", when="{field: monthly_requests, gte: 10}")
    loaded = load(tmp_path, extra)
    assert not any("excluded for every" in str(w) for w in loaded.warnings)  # type: ignore[attr-defined]


def test_a_huge_condition_does_not_make_loading_hang(tmp_path: Path) -> None:
    import time

    fields = ["monthly_requests", "input_tokens", "output_tokens", "labelled_examples"]
    anys = ", ".join(
        "{any: [" + ", ".join(f"{{field: {f}, is: {i}}}" for i in range(1, 8)) + "]}"
        for f in fields
    )
    extra = "".join(rule(f"{{all: [{anys}]}}", rule_id=f"big{k}") for k in range(40))
    started = time.monotonic()
    loaded = load(tmp_path, extra)
    assert time.monotonic() - started < 10
    warnings = [str(w) for w in loaded.warnings]  # type: ignore[attr-defined]
    assert any(
        "too many combinations to prove that every rule can fire; not checked: 'big0', 'big1'" in w
        and "and 35 more" in w
        for w in warnings
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "rules.yaml:1:1: is empty"),
        ("# nothing here\n", "rules.yaml:1:1: is empty"),
        (
            "- a\n",
            "rules.yaml:1:1: the file is a list, not a mapping of keys; is it the right file?",
        ),
        (
            "rules\n",
            "rules.yaml:1:1: the file is one piece of text, not a mapping of keys; is it the "
            "right file?",
        ),
    ],
)
def test_empty_or_shapeless_rule_set(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace(".", r"\.")):
        load(tmp_path, head=text)


def test_code_in_every_text_field_is_shown_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    code = f"__import__('os').system('touch {marker}')"
    head = (
        HEAD.replace("small is cheap", code)
        .replace("A paper", code)
        .replace("description: large", f'description: "{code}"')
        .replace("label: LLM", f'label: "{code}"')
    )
    loaded = load(
        tmp_path, rule("{field: task_type, is: chat}", points="{llm: {quality: 3}}"), head
    )
    result = advice_for(loaded.rule_set, Requirements(task_type="chat"))  # type: ignore[attr-defined]
    assert any(r.summary == code for r in result.reasons)
    assert any(code in r.source for r in result.reasons)
    assert loaded.rule_set.options["llm"].label == code  # type: ignore[attr-defined]
    assert not marker.exists()


def test_rules_that_together_exclude_every_option_are_refused(tmp_path: Path) -> None:
    clash = "".join(
        f"  - id: x.no-{o}\n    summary: x\n    sources: [{{ref: paper}}]\n"
        f"    when: {{field: hosting, is: on_prem}}\n    exclude: [{o}]\n    reason: r\n"
        for o in ("llm", "slm", "hybrid")
    )
    with pytest.raises(InputError, match="can exclude every option for the same use case"):
        load(tmp_path, clash)
    # Disjoint conditions leave something for every use case: accepted.
    fine = clash.replace("is: on_prem}\n    exclude: [slm]", "is: on_device}\n    exclude: [slm]")
    load(tmp_path, fine)


def test_a_reference_no_rule_cites_is_a_warning(tmp_path: Path) -> None:
    head = HEAD.replace("references:\n", "references:\n  unused: {title: Nobody cites me}\n")
    loaded = load(tmp_path, head=head)
    assert any("reference 'unused' is cited by no rule" in str(w) for w in loaded.warnings)  # type: ignore[attr-defined]
