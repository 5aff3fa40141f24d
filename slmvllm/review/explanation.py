"""`rules explain`: one rule in words, and what it does to each use case (the view's model)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slmvllm.advice.engine import rule_facts
from slmvllm.advice.placement import Placement
from slmvllm.advice.rule_set_model import Rule, RuleSet
from slmvllm.errors import InputError, Problem, did_you_mean
from slmvllm.review.cases import Case, Outcome, _outcome, _outcome_record

# --------------------------------------------------------------------------- explain


@dataclass(frozen=True)
class CaseEffect:
    """What one rule does to one case: whether it fires, its effect, the result with and without."""

    source: str
    fires: bool
    effect: dict[str, float]
    excludes: list[str]
    with_rule: Outcome
    without_rule: Outcome

    @property
    def changes_recommendation(self) -> bool:
        return self.with_rule.recommendation != self.without_rule.recommendation


@dataclass(frozen=True)
class RuleExplanation:
    """A rule of a rule set, where it came from, and what it does to the given cases."""

    rule: Rule
    rule_set: RuleSet
    active: bool
    layer: str | None
    overridden_by: list[str]
    disabled_by: str | None
    disabled_because: str | None
    cases: list[CaseEffect]

    def record(self) -> dict[str, Any]:
        """As JSON-ready data."""
        return {
            **rule_facts(self.rule_set, self.rule),
            "rule_set": {"name": self.rule_set.name, "version": self.rule_set.version},
            "active": self.active,
            "layer": self.layer,
            "overridden_by": self.overridden_by,
            "disabled_by": self.disabled_by,
            "disabled_because": self.disabled_because,
            "cases": [
                {
                    "source": c.source,
                    "fires": c.fires,
                    "effect": c.effect,
                    "excludes": c.excludes,
                    "with_rule": _outcome_record(c.with_rule),
                    "without_rule": _outcome_record(c.without_rule),
                    "changes_recommendation": c.changes_recommendation,
                }
                for c in self.cases
            ],
        }


def explain_rule(
    rs: RuleSet, rule_id: str, cases: list[Case], placement: Placement | None = None
) -> RuleExplanation:
    """One rule (also a disabled one) and, per case, its effect and the result without it.

    A disabled rule is shown with what it would do if it were enabled again.
    Raises `InputError` for an id the rule set does not have (with a hint).
    """
    rules = {rule.id: rule for rule in rs.rules}
    disabled = {d.rule.id: d for d in placement.disabled} if placement else {}
    if rule_id in rules:
        rule = rules[rule_id]
        with_rs = rs
        without_rs = rs.model_copy(update={"rules": [r for r in rs.rules if r.id != rule_id]})
    elif rule_id in disabled:
        rule = disabled[rule_id].rule
        with_rs = rs.model_copy(update={"rules": [*rs.rules, rule]})
        without_rs = rs
    else:
        known = [*rules, *disabled]
        raise InputError(
            Problem(
                "command line",
                f"rule set {rs.name!r} {rs.version} has no rule {rule_id!r}"
                + did_you_mean(rule_id, known)
                + "; `slmvllm rules list` shows its rules",
            )
        )
    effects: list[CaseEffect] = []
    problems: list[Problem] = []
    for case in cases:
        try:
            with_rule = _outcome(with_rs, case, [])
            without_rule = _outcome(without_rs, case, [])
        except InputError as exc:
            problems += exc.problems
            continue
        fired = with_rule.effects()
        effects.append(
            CaseEffect(
                source=case.source,
                fires=rule_id in fired,
                effect=fired.get(rule_id, {}),
                excludes=with_rule.excluded().get(rule_id, []),
                with_rule=with_rule,
                without_rule=without_rule,
            )
        )
    if problems:
        raise InputError(problems)
    origin = placement.origins.get(rule_id) if placement else None
    gone = disabled.get(rule_id)
    return RuleExplanation(
        rule=rule,
        rule_set=rs,
        active=rule_id in rules,
        layer=gone.origin if gone else origin.layer if origin else None,
        overridden_by=list(origin.overridden_by) if origin else [],
        disabled_by=gone.layer if gone else None,
        disabled_because=gone.reason if gone else None,
        cases=effects,
    )
