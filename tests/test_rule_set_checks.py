"""The whole-rule-set checks word for word: each finding's message, file:line:column and order.

`test_rule_sets.py` shows which rule sets are refused; this file pins what a user reads:
the exact message, the place it points at (worked out from the YAML text in the
comments), the `warning: ` prefix, the order of several findings, and the proof budget
that keeps a hostile rule set from making loading hang.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from slmvllm.advice import rule_sets
from slmvllm.advice.conditions import Condition
from slmvllm.advice.layers import resolve_chain, validate_full
from slmvllm.advice.rule_sets import load_rule_set, probe_values
from slmvllm.errors import InputError
from slmvllm.requirements import Requirements

from .test_rule_sets import HEAD, rule

# HEAD's lines: 4 references, 5 its `paper`, 6 options, 7-9 llm/slm/hybrid, 10 criteria,
# 13 `questions: []`, 14 rules, 15-18 rule `base`; an extra rule starts on line 19 with
# its id (19), summary (20), sources (21), points (22) and when (23).
NO_QUESTION = "no question asks for"


def findings(tmp_path: Path, text: str) -> tuple[list[str], list[str]]:
    """(errors, warnings) of loading `text`, as the user reads them, the folder left out."""
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        loaded = load_rule_set(path)
    except InputError as exc:
        return [str(p).replace(f"{tmp_path}/", "") for p in exc.problems], []
    warnings = [str(w).replace(f"{tmp_path}/", "") for w in loaded.warnings]
    return [], [w for w in warnings if NO_QUESTION not in w]


QUESTIONS = (
    "questions:\n"  # line 13; the items are lines 14 to 16
    "  - {field: hosting, prompt: p, help: h, type: enum, choices: [any, cloud], assumption: a}\n"
    "  - {type: text, field: hosting, prompt: p, help: h, assumption: a}\n"
    "  - {field: weeks_to_launch, prompt: p, help: h, type: number, default: 0, assumption: a}\n"
)

ERRORS: list[tuple[str, str, list[str]]] = [
    (
        "a rule id used twice: at the second id, naming the first",
        HEAD + rule(rule_id="base"),  # line 19: "  - id: base", the id at column 9
        ["rules.yaml:19:9: rules[1].id: rule id 'base' is used twice (also rules[0])"],
    ),
    (
        "a citation of a reference not listed: at its ref",
        HEAD + rule(sources="[{ref: papr}]"),  # line 21: "    sources: [{ref: papr}]"
        [
            "rules.yaml:21:21: rules[1].sources[0].ref: rule 'r2' cites 'papr', which is not in 'references'"
        ],
    ),
    (
        "points for an option the rule set does not list: at the option's points",
        HEAD.replace("  hybrid: {label: Hybrid, description: both}\n", "")
        + rule(points="{hybrid: {cost: 1}}"),  # hybrid's value starts at column 22
        [
            "rules.yaml:7:3: options: options must list slm, llm and hybrid; missing ['hybrid']",
            "rules.yaml:21:22: rules[1].points.hybrid: rule 'r2': unknown option 'hybrid'",
        ],
    ),
    (
        "an option missing from options: at the options",
        HEAD.replace("  hybrid: {label: Hybrid, description: both}\n", ""),
        ["rules.yaml:7:3: options: options must list slm, llm and hybrid; missing ['hybrid']"],
    ),
    (
        # Line 14's choices list starts at column 63; line 15 gives `type` (its value at
        # column 12) before `field` (25), so its two findings come in that order.
        "questions: a choice, a field asked twice, a type, a default",
        HEAD.replace("questions: []\n", QUESTIONS),
        [
            "rules.yaml:14:63: questions[0].choices: 'cloud' is not a value of 'hosting'",
            "rules.yaml:15:12: questions[1].type: 'hosting' is of type 'enum', not 'text'",
            "rules.yaml:15:25: questions[1].field: 'hosting' is asked twice",
            "rules.yaml:16:73: questions[2].default: default 0 is not valid: Input should be "
            "greater than 0",
        ],
    ),
    (
        "rules that together exclude every option: at the first one's exclude",
        HEAD
        + "".join(
            f"  - id: x.no-{o}\n    summary: x\n    sources: [{{ref: paper}}]\n"
            f"    when: {{field: hosting, is: on_prem}}\n    exclude: [{o}]\n    reason: r\n"
            for o in ("llm", "slm", "hybrid")
        ),  # the first of them starts on line 19; its exclude is line 23, column 14
        [
            "rules.yaml:23:14: rules[1].exclude: rules 'x.no-hybrid', 'x.no-llm', 'x.no-slm' can "
            "exclude every option for the same use case, leaving nothing to recommend; narrow "
            "their conditions"
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_each_error_reads_word_for_word(tmp_path: Path, text: str, expected: list[str]) -> None:
    assert findings(tmp_path, text) == (expected, [])


def _huge(rule_id: str) -> str:
    # Three fields, each tested at 20 values: 42 probes each (the 20 values, 21 between
    # and beyond them, and unknown), 42^3 cases times 60 tests: far past the cap.
    anys = ", ".join(
        "{any: [" + ", ".join(f"{{field: {f}, is: {i}}}" for i in range(1, 21)) + "]}"
        for f in ("monthly_requests", "input_tokens", "output_tokens")
    )
    return rule(f"{{all: [{anys}]}}", rule_id=rule_id)


WARNINGS: list[tuple[str, str, list[str]]] = [
    (
        "a reference nobody cites: at the reference",
        HEAD.replace("references:\n", "references:\n  unused: {title: Nobody cites me}\n"),
        ["rules.yaml:5:11: references.unused: warning: reference 'unused' is cited by no rule"],
    ),
    (
        "a condition that always holds: at the condition",
        HEAD + rule("{any: [{field: hosting, known: true}, {field: hosting, known: false}]}"),
        [
            "rules.yaml:23:11: rules[1].when: warning: rule 'r2': its condition always holds; "
            "drop 'when' to say so"
        ],
    ),
    (
        "a condition that holds for its first probe only: no warning",
        HEAD + rule("{field: monthly_requests, lte: 100}"),
        [],
    ),
    (
        # with no number to compare, a known value was never tried: the rule read as dead
        "a condition only a known value makes true: it can fire",
        HEAD + rule("{field: gpu_memory_gb, known: true}"),
        [],
    ),
    ("known free text", HEAD + rule("{field: use_case, known: true}"), []),
    ("unknown", HEAD + rule("{field: gpu_memory_gb, known: false}"), []),
    (
        "five rules too large to prove: each named",
        HEAD + "".join(_huge(f"big{k}") for k in range(5)),
        [
            "rules.yaml:15:3: rules: warning: too many combinations to prove that every rule can "
            "fire; not checked: 'big0', 'big1', 'big2', 'big3', 'big4'"
        ],
    ),
    (
        "six: the sixth counted",
        HEAD + "".join(_huge(f"big{k}") for k in range(6)),
        [
            "rules.yaml:15:3: rules: warning: too many combinations to prove that every rule can "
            "fire; not checked: 'big0', 'big1', 'big2', 'big3', 'big4' and 1 more"
        ],
    ),
    (
        "seven: two counted",
        HEAD + "".join(_huge(f"big{k}") for k in range(7)),
        [
            "rules.yaml:15:3: rules: warning: too many combinations to prove that every rule can "
            "fire; not checked: 'big0', 'big1', 'big2', 'big3', 'big4' and 2 more"
        ],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [w[1:] for w in WARNINGS], ids=[w[0] for w in WARNINGS]
)
def test_each_warning_reads_word_for_word(tmp_path: Path, text: str, expected: list[str]) -> None:
    assert findings(tmp_path, text) == ([], expected)


def test_a_missing_question_is_a_warning_at_the_questions(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(HEAD, encoding="utf-8")
    warnings = [str(w).replace(f"{tmp_path}/", "") for w in load_rule_set(path).warnings]
    # line 13 is "questions: []": the empty list at column 12
    assert (
        "rules.yaml:13:12: questions: warning: no question asks for 'use_case': the "
        "questionnaire cannot fill it"
    ) in warnings


# --------------------------------------------------------------------------- several files


def test_findings_in_a_chain_come_top_layer_first_then_by_line(tmp_path: Path) -> None:
    # The base's finding is on line 7; the layer's on line 9: the layer's still comes first.
    base = HEAD.replace("  hybrid: {label: Hybrid, description: both}\n", "") + rule()
    layer = (
        'extends: base.yaml\nname: t\nversion: "1"\n# one\n# two\n# three\n'
        "override:\n  r2:\n    when: {all: [{field: hosting, is: any}, {field: hosting, is: on_prem}]}\n"
    )
    (tmp_path / "base.yaml").write_text(base, encoding="utf-8")
    errors, _ = findings(tmp_path, layer)
    assert errors == [
        "rules.yaml:9:11: override.r2.when: rule 'r2' can never fire: its condition never holds",
        "base.yaml:7:3: options: options must list slm, llm and hybrid; missing ['hybrid']",
    ]


def test_a_reference_only_a_disabled_rule_cited_is_no_warning(tmp_path: Path) -> None:
    # evidence.long-context is the only rule of the default that cites model_windows.
    layer = 'extends: default\nname: t\nversion: "1"\ndisable:\n  evidence.long-context: no\n'
    assert findings(tmp_path, layer) == ([], [])


def _line_of(path: Path, line: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[line - 1]


def test_a_warning_in_the_shipped_file_is_located_though_it_was_read_from_its_cache(
    tmp_path: Path, parsed_files: list[str]
) -> None:
    # The cache holds the default's data without positions; a finding there is located
    # by reading the files again from their text, once.
    layer = (
        'extends: default\nname: t\nversion: "1"\nreferences:\n  ours: {title: Ours}\n'
        "override:\n  evidence.long-context:\n    sources: [{ref: ours}]\n"
    )
    _, warnings = findings(tmp_path, layer)
    default = rule_sets.default_rule_set_path()
    # the layer, the default from the cache; then both again from their text
    assert parsed_files == [
        str(tmp_path / "rules.yaml"),
        str(tmp_path / "rules.yaml"),
        str(default),
    ]
    [warning] = warnings
    found = re.fullmatch(
        rf"{re.escape(str(default))}:(\d+):(\d+): references\.model_windows: warning: "
        "reference 'model_windows' is cited by no rule",
        warning,
    )
    assert found, warning
    assert "model_windows" in _line_of(default, int(found[1]) - 1) + _line_of(
        default, int(found[1])
    )


def test_a_clash_a_layer_makes_with_the_shipped_rules_is_located_in_the_layer(
    tmp_path: Path,
) -> None:
    # The default's constraint.on-device excludes llm and hybrid on a device; a layer that
    # excludes slm there too leaves nothing: the finding points at the layer's rule, the
    # part written last, not into the default (read from its cache, without positions).
    layer = (
        'extends: default\nname: t\nversion: "1"\nreferences:\n  ours: {title: Ours}\n'
        "rules:\n  - id: t.no-slm\n    summary: s\n    sources: [{ref: ours}]\n"
        "    when: {field: hosting, is: on_device}\n    exclude: [slm]\n    reason: r\n"
    )
    errors, _ = findings(tmp_path, layer)
    assert errors == [
        "rules.yaml:11:14: rules[0].exclude: rules 'constraint.no-gpu-no-api', "
        "'constraint.on-device', 't.no-slm' can exclude every option for the same use case, "
        "leaving nothing to recommend; narrow their conditions"
    ]


# --------------------------------------------------------------------------- probe values


class Signed(Requirements):
    """A requirements model with fields that may be negative, to try every region."""

    delta: float | None = None
    level: int | None = None


PROBES: list[tuple[str, set[float], type[Requirements], list[Any]]] = [
    # real numbers: below the first cut by half (or by 1 at or under 0), between cuts
    # at the middle, above the last by doubling (or by 1 at or under 0)
    # no cuts: one known value for them all (a rule may test only whether it is known)
    ("budget_usd_per_month", set(), Requirements, [1]),
    ("use_case", set(), Requirements, ["text"]),
    ("budget_usd_per_month", {100.0}, Requirements, [50.0, 100.0, 200.0]),
    ("budget_usd_per_month", {10.0, 20.0}, Requirements, [5.0, 10.0, 15.0, 20.0, 40.0]),
    ("budget_usd_per_month", {0.5}, Requirements, [0.25, 0.5, 1.0]),
    ("budget_usd_per_month", {0.0}, Requirements, [0.0, 1.0]),  # -1 is not a budget
    ("delta", {0.0}, Signed, [-1.0, 0.0, 1.0]),
    ("delta", {-4.0}, Signed, [-5.0, -4.0, -3.0]),  # above a negative cut: +1, not x2
    ("delta", {-4.0, 6.0}, Signed, [-5.0, -4.0, 1.0, 6.0, 12.0]),
    # whole numbers: one step either side; a fractional point rounds up to the next whole
    ("monthly_requests", {3}, Requirements, [2, 3, 4]),
    ("monthly_requests", {2.5}, Requirements, [2, 3, 4]),  # 1.5, 2.5, 3.5 round up
    ("monthly_requests", {2.5, 3}, Requirements, [2, 3, 4]),  # 2.75 and 3 are both 3
    ("monthly_requests", {0}, Requirements, [0, 1]),  # -1 requests is not a volume
    ("level", {0}, Signed, [-1, 0, 1]),
    ("weeks_to_launch", {2.0}, Requirements, [1.0, 2.0, 4.0]),
    # a field with choices: every choice, whatever the cuts
    ("data_sensitivity", set(), Requirements, ["public", "internal", "confidential", "regulated"]),
]


@pytest.mark.parametrize(
    ("field", "cuts", "model", "expected"), PROBES, ids=[f"{p[0]}-{sorted(p[1])}" for p in PROBES]
)
def test_probe_values_visit_every_region_the_cuts_make(
    field: str, cuts: set[float], model: type[Requirements], expected: list[Any]
) -> None:
    got = probe_values(field, cuts, model)
    assert got == expected
    assert [type(v) for v in got] == [type(v) for v in expected]


# --------------------------------------------------------------------------- the proof budget

CHARGES = [
    # (work, left in the rule set's budget, charged?, left afterwards)
    (10, 100, True, 90),
    (100, 100, True, 0),  # exactly what is left: paid
    (101, 100, False, 100),
    (50_000, 1_000_000, True, 950_000),  # exactly one condition's cap: paid
    (50_001, 1_000_000, False, 1_000_000),
    (0, 0, True, 0),
]


@pytest.mark.parametrize(("work", "left", "charged", "after"), CHARGES)
def test_the_proof_budget_pays_up_to_its_caps(
    work: int, left: int, charged: bool, after: int
) -> None:
    budget = rule_sets._Budget(left=left)
    assert rule_sets._charge(budget, work, "r") is charged
    assert budget.left == after
    assert budget.skipped == ([] if charged else ["r"])


def test_a_proof_not_paid_for_is_noted_once() -> None:
    budget = rule_sets._Budget(left=0)
    assert rule_sets._charge(budget, 1, "r") is False
    assert rule_sets._charge(budget, 1, "r") is False
    assert budget.skipped == ["r"]


def condition(data: dict[str, Any]) -> Condition:
    return TypeAdapter(Condition).validate_python(data)


BETWEEN = condition(
    {"all": [{"field": "monthly_requests", "gte": 100}, {"field": "monthly_requests", "lte": 200}]}
)
UNKNOWNS = frozenset({"monthly_requests"})


def test_the_work_of_a_proof_is_tests_times_cases() -> None:
    # Cuts at 100 and 200: probes 99, 100, 150, 200, 201 and unknown (6); 2 tests: 12.
    names, spaces, work = rule_sets._probe_cases(BETWEEN, UNKNOWNS, rule_sets._Budget())
    assert names == ["monthly_requests"]
    assert spaces == [[99, 100, 150, 200, 201, None]]
    assert work == 12


def test_without_budget_a_condition_is_taken_to_fire_and_not_to_always_hold() -> None:
    budget = rule_sets._Budget(left=0)
    assert rule_sets._can_hold(BETWEEN, UNKNOWNS, budget, "a") is True
    assert rule_sets._always_holds(BETWEEN, UNKNOWNS, budget, "b") is False
    assert rule_sets._proof(BETWEEN, UNKNOWNS, budget, "c") == (True, False)
    assert budget.skipped == ["a", "b", "c"]


def test_a_budget_for_one_proof_only_proves_that_a_rule_can_fire() -> None:
    # 12 units: enough to prove the condition can hold, not also that it always holds.
    budget = rule_sets._Budget(left=12)
    assert rule_sets._proof(BETWEEN, UNKNOWNS, budget, "r") == (True, False)
    assert budget.skipped == ["r"] and budget.left == 0


def test_with_budget_the_proofs_see_every_case() -> None:
    budget = rule_sets._Budget()
    assert rule_sets._proof(BETWEEN, UNKNOWNS, budget, "r") == (True, False)
    always = condition({"field": "monthly_requests", "known": True})
    assert rule_sets._proof(always, frozenset(), budget, "r") == (True, True)
    never = condition({"field": "monthly_requests", "known": False})
    assert rule_sets._proof(never, frozenset(), budget, "r") == (False, False)
    assert budget.skipped == []


def test_exclusions_too_large_to_prove_are_named_by_their_rules(tmp_path: Path) -> None:
    excluding = "".join(
        f"  - id: x.no-{o}\n    summary: x\n    sources: [{{ref: paper}}]\n"
        f"    when: {{field: hosting, is: on_prem}}\n    exclude: [{o}]\n    reason: r\n"
        for o in ("llm", "slm", "hybrid")
    ) + "".join(
        f"  - id: y.no-{o}\n    summary: y\n    sources: [{{ref: paper}}]\n"
        f"    when: {{field: hosting, is: on_device}}\n    exclude: [{o}]\n    reason: r\n"
        for o in ("llm",)
    )
    path = tmp_path / "rules.yaml"
    path.write_text(HEAD + excluding, encoding="utf-8")
    full = validate_full(resolve_chain(path)[0].doc)
    unknowns = rule_sets._unknown_possible(full)
    budget = rule_sets._Budget(left=0, model=full.requirements_model())
    assert rule_sets._check_exclusions(full, unknowns, budget) == []
    assert rule_sets._check_clashing_exclusions(full, unknowns, budget) == []
    assert budget.skipped == [  # options in their order: slm, llm, hybrid
        "x.no-slm",
        "x.no-llm + y.no-llm",
        "x.no-hybrid",
        "x.no-hybrid + x.no-llm + x.no-slm + y.no-llm",
    ]


def test_an_unconditional_exclusion_is_reported_alone(tmp_path: Path) -> None:
    # x.no-llm excludes llm always; y and z exclude it on a device and off it, so together
    # they always hold too, but the unconditional rule already says the option is gone.
    rules = (
        "  - id: x.no-llm\n    summary: x\n    sources: [{ref: paper}]\n    exclude: [llm]\n"
        "    reason: r\n"
        "  - id: y.no-llm\n    summary: y\n    sources: [{ref: paper}]\n"
        "    when: {field: hosting, is: on_device}\n    exclude: [llm]\n    reason: r\n"
        "  - id: z.no-llm\n    summary: z\n    sources: [{ref: paper}]\n"
        "    when: {not: {field: hosting, is: on_device}}\n    exclude: [llm]\n    reason: r\n"
    )
    errors, _ = findings(tmp_path, HEAD + rules)
    assert errors == [
        "rules.yaml:22:14: rules[1].exclude: rule 'x.no-llm' has no condition, so it excludes "
        "['llm'] for every use case"
    ]


def test_an_exclusion_true_for_its_first_probe_only_is_not_for_every_use_case(
    tmp_path: Path,
) -> None:
    # 99 requests (the first probe) is excluded, 101 is not: llm stays possible.
    rules = (
        "  - id: x.no-llm\n    summary: x\n    sources: [{ref: paper}]\n"
        "    when: {field: monthly_requests, lte: 100}\n    exclude: [llm]\n    reason: r\n"
    )
    assert findings(tmp_path, HEAD + rules) == ([], [])


def test_the_shipped_rule_set_is_loaded_from_its_parsed_cache(parsed_files: list[str]) -> None:
    load_rule_set()
    assert parsed_files == []


def test_whether_a_value_is_valid_does_not_depend_on_what_was_asked_before() -> None:
    # 9 and 9.0 are equal and hash alike; a strict whole-number field takes only the first.
    # The memo of the answers told them apart only by value, so 9.0 was valid once 9 was.
    from slmvllm.advice.rule_sets import valid_value

    assert valid_value("labelled_examples", 9, Requirements) is True
    assert valid_value("labelled_examples", 9.0, Requirements) is False
    assert valid_value("input_tokens", 9.0, Requirements) is False
    assert valid_value("input_tokens", 9, Requirements) is True
