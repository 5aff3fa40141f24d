"""Scoring: which rules fire for the resolved requirements, and each option's points.

See slmvllm/advice/engine.py for how a score is computed (steps 1 to 3)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import compress
from typing import Any, Protocol

from slmvllm.advice.conditions import (
    Predicate,
    compile_condition,
    fields_read,
    thresholds,
)
from slmvllm.advice.rule_set_model import Rule, RuleSet
from slmvllm.advice.rule_sets import probe_values
from slmvllm.requirements import OptionName, Requirements, field_names

_ROUND = 4


@dataclass
class Scoring:
    """The arithmetic of one evaluation, before it is dressed as a `Result`."""

    fired: list[tuple[Rule, dict[str, float]]] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    by_criterion: dict[str, dict[str, float]] = field(default_factory=dict)
    excluded: list[tuple[OptionName, Rule]] = field(default_factory=list)
    recommendation: OptionName | None = None
    runner_up: OptionName | None = None


class FigureSource(Protocol):
    """Works out the figures rules may test (`slmvllm.requirements.Figures`).

    Called with the resolved requirement values; returns the figures by name and, per
    requirements field, the thresholds at which a figure changes (so the sensitivity
    search tries both sides). `reads` names the requirement fields the figures depend
    on. The numbers half provides one (`slmvllm.advisor`); the advice half never
    imports it.
    """

    @property
    def reads(self) -> frozenset[str]: ...

    def __call__(
        self, values: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, list[float]]]: ...


def defaults(rs: RuleSet) -> dict[str, Any]:
    """The value each field takes when not given: the questionnaire's default (None = unknown)."""
    out: dict[str, Any] = dict.fromkeys(field_names(rs.requirements_model()))
    for question in rs.questions:
        out[question.field] = question.default
    return out


def resolve(rs: RuleSet, req: Requirements) -> tuple[dict[str, Any], list[str]]:
    """The value of every field (given or default) and the names of the assumed ones."""
    given = req.given()
    values = defaults(rs) | given
    assumed = [name for name in field_names(rs.requirements_model()) if name not in given]
    return values, assumed


def weights(rs: RuleSet, priorities: Mapping[str, float] | None) -> dict[str, float]:
    """Each criterion's weight: the requirements' priority if given, else the rule set's."""
    overrides = priorities or {}
    return {name: float(overrides.get(name, c.weight)) for name, c in rs.criteria.items()}


def check_requirements(rs: RuleSet, req: Requirements) -> list[tuple[tuple[str, ...], str]]:
    """What in the requirements does not fit this rule set (for now: unknown priority names)."""
    from slmvllm.errors import did_you_mean

    problems: list[tuple[tuple[str, ...], str]] = []
    for name in req.priorities or {}:
        if name not in rs.criteria:
            problems.append(
                (
                    ("priorities", name),
                    f"unknown criterion {name!r}; the rule set's criteria are: "
                    + ", ".join(rs.criteria)
                    + did_you_mean(name, rs.criteria),
                )
            )
    return problems


@dataclass(frozen=True)
class _Compiled:
    """A rule set prepared for scoring many times: each condition compiled once."""

    rule_set: RuleSet
    tests: tuple[Predicate | None, ...]
    reads: dict[str, tuple[int, ...]]  # field -> the rules whose condition reads it
    probes: dict[str, tuple[list[Any], list[float]]]
    # Effects per option of each rule, by the criterion weights they were worked out for.
    effects: dict[tuple[tuple[str, float], ...], list[dict[str, float]]] = field(
        default_factory=dict
    )


_COMPILED: dict[int, _Compiled] = {}


def _compiled(rs: RuleSet) -> _Compiled:
    # Rule sets are frozen; keyed by identity, with the rule set kept alive in the entry so
    # the id cannot be reused while the entry exists. A handful per process at most.
    found = _COMPILED.get(id(rs))
    if found is not None and found.rule_set is rs:
        return found
    reads: dict[str, list[int]] = {}
    for i, rule in enumerate(rs.rules):
        for name in fields_read(rule.when) if rule.when is not None else ():
            reads.setdefault(name, []).append(i)
    made = _Compiled(
        rule_set=rs,
        tests=tuple(None if r.when is None else compile_condition(r.when) for r in rs.rules),
        reads={name: tuple(found) for name, found in reads.items()},
        probes=candidate_values(rs),
    )
    if len(_COMPILED) >= 16:
        _COMPILED.clear()
    _COMPILED[id(rs)] = made
    return made


def field_probes(rs: RuleSet) -> dict[str, tuple[list[Any], list[float]]]:
    """`candidate_values` of a rule set, worked out once per rule set."""
    return _compiled(rs).probes


def rule_tests(rs: RuleSet) -> tuple[Predicate | None, ...]:
    """Each rule's compiled condition (None: always fires), in rule order."""
    return _compiled(rs).tests


def _fired(compiled: _Compiled, values: Mapping[str, Any]) -> list[bool]:
    return [test is None or test(values) for test in compiled.tests]


def _effects(rs: RuleSet, weight: Mapping[str, float]) -> list[dict[str, float]]:
    """Each rule's weighted effect per option, in rule order (worked out once per weights)."""
    compiled = _compiled(rs)
    key = tuple(sorted(weight.items()))
    found = compiled.effects.get(key)
    if found is None:
        if len(compiled.effects) >= 64:
            compiled.effects.clear()
        found = compiled.effects[key] = _weighted_effects(rs, weight)
    return found


def _weighted_effects(rs: RuleSet, weight: Mapping[str, float]) -> list[dict[str, float]]:
    options = rs.option_order()
    out: list[dict[str, float]] = []
    for rule in rs.rules:
        effect: dict[str, float] = dict.fromkeys(options, 0.0)
        for option, per_criterion in rule.points.items():
            for criterion, points in per_criterion.items():
                effect[option] += weight[criterion] * points
        out.append(effect)
    return out


def _ranked(
    rs: RuleSet, fired: list[bool], effects: list[dict[str, float]]
) -> tuple[dict[str, float], set[OptionName], list[OptionName]]:
    """(scores, options excluded, allowed options best first) for a set of fired rules.

    The one place scores are added up (in rule order) and ties broken, so that
    `score` and the sensitivity search can never disagree.
    """
    options = rs.option_order()
    on = list(compress(effects, fired))
    scores: dict[str, float] = {o: sum([e[o] for e in on], 0.0) for o in options}
    out: set[OptionName] = set()
    for rule in compress(rs.rules, fired):
        out.update(rule.exclude)
    allowed = [o for o in options if o not in out]
    ranked = sorted(allowed, key=lambda o: (-scores[o], options.index(o)))
    return scores, out, ranked


def score(rs: RuleSet, values: Mapping[str, Any], weight: Mapping[str, float]) -> Scoring:
    """Fire the rules on resolved values and add up their weighted points."""
    result = Scoring()
    options = rs.option_order()
    fired = _fired(_compiled(rs), values)
    effects = _effects(rs, weight)
    result.scores, _, ranked = _ranked(rs, fired, effects)
    result.by_criterion = {o: dict.fromkeys(rs.criteria, 0.0) for o in options}
    for rule, on, effect in zip(rs.rules, fired, effects, strict=True):
        if not on:
            continue
        for option, per_criterion in rule.points.items():
            for criterion, points in per_criterion.items():
                result.by_criterion[option][criterion] += weight[criterion] * points
        result.fired.append((rule, effect))
        for option in rule.exclude:
            result.excluded.append((option, rule))
    result.recommendation = ranked[0] if ranked else None
    result.runner_up = ranked[1] if len(ranked) > 1 else None
    return result


def candidate_values(rs: RuleSet) -> dict[str, tuple[list[Any], list[float]]]:
    """For each field a rule reads: the values worth trying and the thresholds behind them."""
    cuts: dict[str, set[float]] = {}
    read: set[str] = set()
    for rule in rs.rules:
        if rule.when is None:
            continue
        read |= fields_read(rule.when)
        for name, found in thresholds(rule.when).items():
            cuts.setdefault(name, set()).update(found)
    out: dict[str, tuple[list[Any], list[float]]] = {}
    model = rs.requirements_model()
    for name in field_names(model):
        if name in read:
            field_cuts = cuts.get(name, set())
            out[name] = (probe_values(name, field_cuts, model), sorted(field_cuts))
    return out
