"""Loading a rule set and checking it as a whole: references, reachability, the questionnaire."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from slmvllm.advice.conditions import (
    AllOf,
    AnyOf,
    Condition,
    compile_condition,
    field_tests,
    fields_read,
    thresholds,
)
from slmvllm.advice.layers import (
    DEFAULT_RULE_SET,
    build_rule_set,
    default_rule_set_path,
    resolve_chain,
)
from slmvllm.advice.placement import Placement
from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.errors import InputError, Problem
from slmvllm.loading.documents import Location
from slmvllm.loading.scalars import scalar_kinds
from slmvllm.loading.validation import literal_choices
from slmvllm.requirements import (
    FIGURE_FIELDS,
    OPTIONS,
    REQUIREMENT_FIELDS,
    Figures,
    Requirements,
    condition_annotation,
    field_names,
)

__all__ = ["DEFAULT_RULE_SET", "default_rule_set_path", "load_rule_set", "check_rule_set"]
# Proving a rule can fire tries every combination of probe values of the fields it
# reads; a hostile or huge rule set must not make loading hang, so the work (cases
# times field tests) has a cap per condition and per rule set.
_MAX_CONDITION_WORK = 50_000
_MAX_RULE_SET_WORK = 500_000


@dataclass
class _Budget:
    """The reachability work left for one rule set, and what was skipped for lack of it."""

    left: int = _MAX_RULE_SET_WORK
    skipped: list[str] = field(default_factory=list)
    model: type[Requirements] = Requirements  # the rule set's fields, added ones included


@dataclass(frozen=True)
class Finding:
    """Something wrong (error) or suspicious (warning) in a rule set, at a location."""

    loc: Location
    message: str
    severity: Literal["error", "warning"] = "error"
    #: other parts the finding depends on (an exclusion depends on its rule's condition);
    #: the message is shown where the newest of `loc` and these was written (a layer's
    #: override rather than the base it changed)
    related: tuple[Location, ...] = ()


@dataclass(frozen=True)
class LoadedRuleSet:
    """A validated rule set with the warnings its checks raised (shown on stderr)."""

    rule_set: RuleSet
    warnings: list[Problem]
    #: where each part was written: the chain of layers, each rule's origin, disabled rules
    placement: Placement | None = None


def load_rule_set(path: Path | None = None) -> LoadedRuleSet:
    """Load, validate and check a rule set file (the default one when `path` is None).

    A file that `extends` a base is read with its whole chain and merged
    (`slmvllm.advice.layers`); every message names the file, line and column where
    the part it is about was written.
    """
    try:
        return _load(path, use_cache=True)
    except InputError as exc:
        if not any(p.line is None for p in exc.problems):
            raise
        # A problem in a part the precompiled cache supplied has no line: read the files
        # again from their text so that every message is located (the cache only saves
        # time; it never changes what is reported).
        return _load(path, use_cache=False)


def _load(path: Path | None, *, use_cache: bool) -> LoadedRuleSet:
    chain = resolve_chain(path or default_rule_set_path(), use_cache=use_cache)
    rule_set, placement = build_rule_set(chain)
    findings = check_rule_set(rule_set, ignore_uncited=placement.cited_by_disabled)
    errors = [_problem(placement, f) for f in findings if f.severity == "error"]
    if errors:
        raise InputError(sorted(errors, key=_file_order(placement)))
    warnings = [_problem(placement, f) for f in findings if f.severity == "warning"]
    if use_cache and any(w.line is None for w in warnings):
        return _load(path, use_cache=False)  # located warnings, as above
    return LoadedRuleSet(rule_set, warnings, placement)


def _file_order(placement: Placement) -> Callable[[Problem], tuple[int, int, int]]:
    # Problems grouped by file, the top layer first, then by line and column.
    order = {source: i for i, source in enumerate(reversed(placement.sources))}
    return lambda p: (order[p.source], p.line or 0, p.column or 0)  # each is a chain file


def _problem(placement: Placement, finding: Finding) -> Problem:
    prefix = "warning: " if finding.severity == "warning" else ""
    return placement.problem(finding.loc, prefix + finding.message, also=finding.related)


def check_rule_set(rs: RuleSet, *, ignore_uncited: Set[str] = frozenset()) -> list[Finding]:
    """Every inconsistency a schema cannot see: unknown references, dead rules, bad defaults."""
    findings: list[Finding] = []
    budget = _Budget(model=rs.requirements_model())
    unknowns = _unknown_possible(rs)
    missing = [o for o in OPTIONS if o not in rs.options]
    if missing:
        findings.append(
            Finding(("options",), f"options must list slm, llm and hybrid; missing {missing}")
        )
    seen: dict[str, int] = {}
    for i, rule in enumerate(rs.rules):
        here: Location = ("rules", i)
        if rule.id in seen:
            findings.append(
                Finding(
                    (*here, "id"),
                    f"rule id {rule.id!r} is used twice (also rules[{seen[rule.id]}])",
                )
            )
        seen.setdefault(rule.id, i)
        for j, citation in enumerate(rule.sources):
            if citation.ref not in rs.references:
                findings.append(
                    Finding(
                        (*here, "sources", j, "ref"),
                        f"rule {rule.id!r} cites {citation.ref!r}, which is not in 'references'",
                    )
                )
        for option, per_criterion in rule.points.items():
            if option not in rs.options:
                findings.append(
                    Finding(
                        (*here, "points", option), f"rule {rule.id!r}: unknown option {option!r}"
                    )
                )
            for criterion in per_criterion:
                if criterion not in rs.criteria:
                    findings.append(
                        Finding(
                            (*here, "points", option, criterion),
                            f"rule {rule.id!r}: unknown criterion {criterion!r}",
                        )
                    )
        if rule.when is None and rule.exclude:
            findings.append(
                Finding(
                    (*here, "exclude"),
                    f"rule {rule.id!r} has no condition, so it excludes {rule.exclude} "
                    "for every use case",
                    related=((*here, "when"),),
                )
            )
        can_hold, always_holds = (
            (True, False) if rule.when is None else _proof(rule.when, unknowns, budget, rule.id)
        )
        if not can_hold:
            findings.append(
                Finding(
                    (*here, "when"), f"rule {rule.id!r} can never fire: its condition never holds"
                )
            )
        if always_holds:
            findings.append(
                Finding(
                    (*here, "when"),
                    f"rule {rule.id!r}: its condition always holds; drop 'when' to say so",
                    "warning",
                )
            )
    findings += _check_exclusions(rs, unknowns, budget)
    findings += _check_clashing_exclusions(rs, unknowns, budget)
    cited = {c.ref for rule in rs.rules for c in rule.sources}
    findings += [
        Finding(("references", ref), f"reference {ref!r} is cited by no rule", "warning")
        for ref in rs.references
        if ref not in cited and ref not in ignore_uncited
    ]
    findings += _check_questions(rs)
    if budget.skipped:
        shown = ", ".join(repr(r) for r in budget.skipped[:5])
        more = f" and {len(budget.skipped) - 5} more" if len(budget.skipped) > 5 else ""
        findings.append(
            Finding(
                ("rules",),
                f"too many combinations to prove that every rule can fire; not checked: "
                f"{shown}{more}",
                "warning",
            )
        )
    return findings


def _check_exclusions(rs: RuleSet, unknowns: frozenset[str], budget: _Budget) -> list[Finding]:
    """An option that some rule excludes whatever the use case can never be recommended."""
    findings: list[Finding] = []
    for option in OPTIONS:
        excluding = [(i, r) for i, r in enumerate(rs.rules) if option in r.exclude]
        if not excluding or any(r.when is None for _, r in excluding):
            continue  # none, or an unconditional one, which is reported on its own
        either = AnyOf.model_construct(any=[r.when for _, r in excluding if r.when is not None])
        ids = [r.id for _, r in excluding]
        if _always_holds(either, unknowns, budget, " + ".join(ids)):
            first = excluding[0][0]
            by = (
                f"rule {ids[0]!r} (its condition always holds)"
                if len(ids) == 1
                else f"rules {', '.join(map(repr, ids))} together"
            )
            findings.append(
                Finding(
                    ("rules", first, "exclude"),
                    f"option {option!r} is excluded for every use case by {by}; "
                    "it can never be recommended",
                    related=_exclusion_parts(i for i, _ in excluding),
                )
            )
    return findings


def _check_clashing_exclusions(
    rs: RuleSet, unknowns: frozenset[str], budget: _Budget
) -> list[Finding]:
    """Some use case whose constraints rule out every option leaves nothing to recommend."""
    per_option: list[list[tuple[int, Any]]] = []
    for option in OPTIONS:
        excluding = [(i, r) for i, r in enumerate(rs.rules) if option in r.exclude and r.when]
        if not excluding:
            return []  # this option is never excluded (or always: reported on its own)
        per_option.append(excluding)
    clash = AllOf.model_construct(
        all=[AnyOf.model_construct(any=[r.when for _, r in group]) for group in per_option]
    )
    ids = sorted({r.id for group in per_option for _, r in group})
    what = " + ".join(ids)
    if not _can_hold(clash, unknowns, budget, what) or what in budget.skipped:
        return []  # no clash, or too large to prove one (then a warning names the rules)
    first = min(i for group in per_option for i, _ in group)
    return [
        Finding(
            ("rules", first, "exclude"),
            f"rules {', '.join(map(repr, ids))} can exclude every option for the same use "
            "case, leaving nothing to recommend; narrow their conditions",
            related=_exclusion_parts(sorted({i for group in per_option for i, _ in group})),
        )
    ]


def _exclusion_parts(indexes: Iterable[int]) -> tuple[Location, ...]:
    """The parts an exclusion finding depends on: each rule's exclude and condition."""
    return tuple(("rules", i, key) for i in indexes for key in ("exclude", "when"))


def _check_questions(rs: RuleSet) -> list[Finding]:
    findings: list[Finding] = []
    model = rs.requirements_model()
    asked: set[str] = set()
    for i, question in enumerate(rs.questions):
        here: Location = ("questions", i)
        if question.field in asked:
            findings.append(Finding((*here, "field"), f"{question.field!r} is asked twice"))
        asked.add(question.field)
        expected = question_type(question.field, model)
        if question.type != expected:
            findings.append(
                Finding(
                    (*here, "type"),
                    f"{question.field!r} is of type {expected!r}, not {question.type!r}",
                )
            )
        allowed = literal_choices(model.model_fields[question.field].annotation)
        for choice in question.choices or []:
            if choice not in allowed:
                findings.append(
                    Finding((*here, "choices"), f"{choice!r} is not a value of {question.field!r}")
                )
        if question.default is not None:
            try:
                model.model_validate({question.field: question.default})
            except ValidationError as exc:
                detail = exc.errors()[0]["msg"]
                findings.append(
                    Finding(
                        (*here, "default"), f"default {question.default!r} is not valid: {detail}"
                    )
                )
    for name in REQUIREMENT_FIELDS:
        if name not in asked:
            findings.append(
                Finding(
                    ("questions",),
                    f"no question asks for {name!r}: the questionnaire cannot fill it",
                    "warning",
                )
            )
    return findings


def question_type(field: str, model: type[Requirements] = Requirements) -> str:
    """The question type that fits a requirements field (of `model`)."""
    if field == "priorities":
        return "priorities"
    annotation = model.model_fields[field].annotation
    if literal_choices(annotation):
        return "enum"
    kinds = scalar_kinds(annotation)
    if float in kinds:
        return "number"
    if int in kinds:
        return "integer"
    return "text"


def probe_values(field: str, cuts: set[float], model: type[Requirements]) -> list[Any]:
    """Valid values of `field` that visit every region its thresholds cut the number line
    into (a value the field does not allow is unreachable, so it is left out)."""
    annotation = condition_annotation(model, field)
    choices = literal_choices(annotation)
    if choices:
        return list(choices)
    kinds = scalar_kinds(annotation)
    if not cuts:
        # Nothing to compare with: one known value stands for every known value, so that
        # `known: true` can hold (free text is only ever tested with `known`).
        sample: Any = "text" if str in kinds else 1
        return [sample] if valid_value(field, sample, model) else []
    integral = float not in kinds
    # One step away from a cut: a whole one, or for a positive real number a factor of 2
    # (0.5 has room below it above 0, where most fields start).
    halve = not integral
    points: set[float] = set()
    ordered = sorted(cuts)
    for k, cut in enumerate(ordered):
        points.add(cut)
        if k > 0:
            points.add((ordered[k - 1] + cut) / 2)
        else:
            points.add(cut / 2 if halve and cut > 0 else cut - 1)
    last = ordered[-1]
    points.add(last * 2 if halve and last > 0 else last + 1)
    out: list[Any] = []
    seen: set[Any] = set()  # a list's `in` would make a field with many cuts quadratic
    for p in sorted(points):
        value: Any = int(p) if integral else p
        if integral and value != p:
            value = int(p) + 1
        if value not in seen:
            seen.add(value)
            out.append(value)
    return [v for v in out if valid_value(field, v, model)]


@lru_cache(maxsize=4096, typed=True)  # 9 and 9.0 differ: a strict int field takes one
def valid_value(name: str, value: Any, model: type[Requirements]) -> bool:
    """Whether `value` is allowed for requirements field `name` (a probe outside is unreachable)."""
    try:
        (Figures if name in FIGURE_FIELDS else model).model_validate({name: value})
    except ValidationError:
        return False
    return True


def _unknown_possible(rs: RuleSet) -> frozenset[str]:
    """Fields that can be unknown when the engine runs: those without a default."""
    defaulted = {q.field for q in rs.questions if q.default is not None}
    fields = field_names(rs.requirements_model()) + FIGURE_FIELDS  # figures can be unknown
    return frozenset(name for name in fields if name not in defaulted)


def _probe_cases(
    condition: Condition, unknowns: frozenset[str], budget: _Budget
) -> tuple[list[str], list[list[Any]], int]:
    """The fields `condition` reads, the values to try for each, and the work of trying all."""
    cuts = thresholds(condition)
    names = sorted(fields_read(condition))
    spaces = [
        probe_values(name, cuts.get(name, set()), budget.model)
        + ([None] if name in unknowns else [])
        for name in names
    ]
    work = sum(1 for _ in field_tests(condition))
    for space in spaces:
        work *= len(space)
    return names, spaces, work


def _charge(budget: _Budget, work: int, what: str) -> bool:
    """Take one proof's `work` from the budget; False, and `what` noted, when it is too much."""
    if work > min(_MAX_CONDITION_WORK, budget.left):
        if what not in budget.skipped:
            budget.skipped.append(what)
        return False
    budget.left -= work
    return True


def _outcomes(
    condition: Condition,
    names: list[str],
    spaces: list[list[Any]],
    *,
    want_true: bool,
    want_false: bool,
) -> tuple[bool, bool]:
    """Whether some case makes `condition` true, and whether some makes it false.

    Stops as soon as it has found what it was asked for; tests the compiled
    condition (`compile_condition`, equal to `holds`).
    """
    predicate = compile_condition(condition)
    some_true = some_false = False
    for case in itertools.product(*spaces):
        if predicate(dict(zip(names, case, strict=True))):
            some_true = True
        else:
            some_false = True
        if (some_true or not want_true) and (some_false or not want_false):
            break
    return some_true, some_false


def _proof(
    condition: Condition, unknowns: frozenset[str], budget: _Budget, what: str
) -> tuple[bool, bool]:
    """Whether a rule's condition can hold and whether it always holds, in one pass.

    Each of the two proofs is charged to the budget, as `_can_hold` and then
    `_always_holds` would be; one the budget cannot pay for is not made (a condition
    is then taken to be able to hold, and not to always hold).
    """
    names, spaces, work = _probe_cases(condition, unknowns, budget)
    if not _charge(budget, work, what):
        return True, False
    both = _charge(budget, work, what)
    some_true, some_false = _outcomes(condition, names, spaces, want_true=True, want_false=both)
    return some_true, both and not some_false


def _can_hold(condition: Condition, unknowns: frozenset[str], budget: _Budget, what: str) -> bool:
    names, spaces, work = _probe_cases(condition, unknowns, budget)
    if not _charge(budget, work, what):
        return True  # too many combinations to prove it dead; assume it can fire
    return _outcomes(condition, names, spaces, want_true=True, want_false=False)[0]


def _always_holds(
    condition: Condition, unknowns: frozenset[str], budget: _Budget, what: str
) -> bool:
    names, spaces, work = _probe_cases(condition, unknowns, budget)
    if not _charge(budget, work, what):
        return False
    return not _outcomes(condition, names, spaces, want_true=False, want_false=True)[1]
