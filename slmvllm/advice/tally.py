"""The article's chart, counted from a rule set: each option's advantages and limitations.

A rule is an *advantage* of an option when its points raise that option's score at the
rule set's default weights, a *limitation* when they lower it; a rule that rules an
option out is a limitation of it. Nothing here is hard-coded: another rule set gives
another chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from slmvllm.advice.conditions import describe
from slmvllm.advice.rule_set_model import RuleSet


@dataclass(frozen=True)
class TallyItem:
    """One rule as an advantage or a limitation of one option."""

    rule: str
    summary: str
    effect: float  # weighted points at the default weights; 0 for an exclusion
    when: str | None  # the condition in words; None: the rule always applies
    excludes: bool = False


@dataclass
class OptionTally:
    """An option's advantages and limitations, general ones (no condition) first."""

    option: str
    label: str
    advantages: list[TallyItem] = field(default_factory=list)
    limitations: list[TallyItem] = field(default_factory=list)


def tally(rule_set: RuleSet, *, general_only: bool = False) -> list[OptionTally]:
    """Every option's advantages and limitations, in the rule set's option order.

    With `general_only`, only rules without a condition count: the trade-offs that hold
    for every use case (in the default rule set, the founding article's).
    """
    weight = {name: c.weight for name, c in rule_set.criteria.items()}
    out = {name: OptionTally(name, info.label) for name, info in rule_set.options.items()}
    for rule in rule_set.rules:
        if general_only and rule.when is not None:
            continue
        when = describe(rule.when) if rule.when is not None else None
        for option, points in rule.points.items():
            effect = sum(weight[c] * p for c, p in points.items())  # criteria are checked
            item = TallyItem(rule.id, rule.summary, effect, when)
            if effect > 0:
                out[option].advantages.append(item)
            elif effect < 0:
                out[option].limitations.append(item)
        for option in rule.exclude:
            text = f"ruled out: {rule.reason}"  # a rule that excludes must say why
            out[option].limitations.append(TallyItem(rule.id, text, 0.0, when, excludes=True))
    for entry in out.values():  # general first, then by size of the effect
        entry.advantages.sort(key=lambda i: (i.when is not None, -i.effect))
        entry.limitations.sort(key=lambda i: (i.when is not None, i.effect))
    return list(out.values())
