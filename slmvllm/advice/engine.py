"""Pure scoring: rule set + requirements -> advice. No I/O, no printing, deterministic.

How a score is computed (also in docs/rule-sets.md):

1. Every requirements field takes the value given, else the questionnaire's
   default (reported as an assumption; a default may be "unknown").
2. A rule fires when it has no condition or its condition holds. It awards
   points per option per criterion; its effect on an option is
   ``sum(weight[criterion] * points)``, where a criterion's weight is the rule
   set's default or the requirements' ``priorities`` override (0..5).
3. An option's score is the sum of the effects of the fired rules. Rules with
   ``exclude`` rule options out; the recommendation is the best-scoring option
   still allowed (ties go to the option listed first in the rule set).
4. Confidence: with the rule set's `calibration`, the logistic map
   ``1 / (1 + exp(-(a + b x margin)))`` of the winner's lead over the runner-up
   per unit of mean criterion weight (fitted on documented decisions: the chance a
   well-informed team chose the same); without one, the share of the evidence
   separating the two that favours the winner (``for / (for + against)`` over the
   fired rules' ``d = effect on winner - effect on runner-up``). 1.0 when the
   constraints leave one option. `standing` says tie, close or clear.
5. What would change the answer: every value of every field a rule reads
   (for numbers, one value in each interval the rules' thresholds cut) is
   tried alone; each change that gives another recommendation is reported,
   the nearest value per field and outcome.
"""

from __future__ import annotations

from typing import Any

from slmvllm.advice.advice_model import Advice, Assumption, Exclusion, Reason, RuleSetId
from slmvllm.advice.conditions import (
    describe,
    fields_read,
)

# The engine's parts, re-exported: callers import the whole engine from here.
from slmvllm.advice.confidence import (
    CLOSE_MARGIN,
    MAX_CONFIDENCE,
    calibrated,
    closeness,
    confidence,
    margin,
)
from slmvllm.advice.rule_set_model import Rule, RuleSet
from slmvllm.advice.scoring import (
    _COMPILED,
    _ROUND,
    FigureSource,
    Scoring,
    _compiled,
    _effects,
    _fired,
    _weighted_effects,
    candidate_values,
    check_requirements,
    defaults,
    field_probes,
    resolve,
    rule_tests,
    score,
    weights,
)
from slmvllm.advice.sensitivity import (
    _beyond_swing,
    _nearer,
    _nearest_in_region,
    what_would_change,
)
from slmvllm.requirements import FIGURE_FIELDS, OptionName, Requirements

__all__ = [
    "CLOSE_MARGIN",
    "MAX_CONFIDENCE",
    "_COMPILED",
    "FigureSource",
    "Scoring",
    "_beyond_swing",
    "_compiled",
    "_effects",
    "_fired",
    "_nearer",
    "_nearest_in_region",
    "_weighted_effects",
    "advice_for",
    "calibrated",
    "candidate_values",
    "check_feasible",
    "check_requirements",
    "citation_text",
    "closeness",
    "confidence",
    "defaults",
    "field_probes",
    "margin",
    "resolve",
    "rule_facts",
    "rule_tests",
    "score",
    "weights",
    "what_would_change",
]


def _raise_if_infeasible(scoring: Scoring) -> OptionName:
    """The recommendation; `NoFeasibleOptionError` when the constraints leave none."""
    if scoring.recommendation is None:
        from slmvllm.errors import NoFeasibleOptionError, Problem

        why = "; ".join(f"{o}: {r.reason}" for o, r in scoring.excluded)
        raise NoFeasibleOptionError(
            Problem("requirements", f"the hard constraints rule out every option ({why})")
        )
    return scoring.recommendation


def check_feasible(rs: RuleSet, req: Requirements, figures: FigureSource | None = None) -> None:
    """Raise `NoFeasibleOptionError` when the hard constraints rule out every option.

    Cheap (one scoring pass, no sensitivity search): a batch checks every file first,
    so that a file no option fits stops the run before anything is advised.
    """
    values, _ = resolve(rs, req)
    figs = figures(values)[0] if figures is not None else {}
    _raise_if_infeasible(score(rs, {**values, **figs}, weights(rs, req.priorities)))


def advice_for(
    rs: RuleSet,
    req: Requirements,
    figures: FigureSource | None = None,
    *,
    vote: OptionName | None = None,
) -> Advice:
    """The rules' explained recommendation for one use case (no numbers: see `slmvllm.advisor`).

    `figures` works out the cost figures rules may test; without it they are unknown.
    `vote` is what the closest documented decisions chose, if known: when it is not the
    recommendation, the confidence falls (`calibrated`). Raises `NoFeasibleOptionError`
    when the hard constraints rule out every option.
    """
    values, assumed = resolve(rs, req)
    figs, figure_cuts = figures(values) if figures is not None else ({}, {})
    weight = weights(rs, req.priorities)
    scoring = score(rs, {**values, **figs}, weight)
    best = _raise_if_infeasible(scoring)
    share, favour, against = confidence(scoring)
    lead = margin(scoring, weight)
    assumed_set = set(assumed)
    changes = what_would_change(rs, values, weight, best, figures=figures, base=(figs, figure_cuts))
    unknowns = len({c.field for c in changes} & assumed_set)
    conf = calibrated(rs, lead, share, unknowns, disagree=vote is not None and vote != best)
    # A figure rests on requirement values; those that were assumed count as read.
    behind_figures = assumed_set & figures.reads if figures is not None else set()
    questions = {q.field: q for q in rs.questions}
    reasons = [
        Reason(
            rule=rule.id,
            summary=rule.summary,
            effect={o: round(v, _ROUND) for o, v in effect.items()},
            source=citation_text(rs, rule),
            points=rule.points,
            assumed=sorted(_assumed_by(rule, assumed_set, behind_figures)),
            when=describe(rule.when) if rule.when else None,
        )
        for rule, effect in scoring.fired
        if rule.points
    ]
    excluded = [
        Exclusion(
            option=o,
            rule=r.id,
            reason=r.reason or r.summary,
            source=citation_text(rs, r),
            when=describe(r.when) if r.when else None,
        )
        for o, r in scoring.excluded
    ]
    assumptions = [
        Assumption(
            field=name,
            value=values[name],
            why=questions[name].assumption if name in questions else "not given; no default",
        )
        for name in assumed
    ]
    return Advice(
        recommendation=best,
        confidence=round(conf, _ROUND),
        scores={o: round(v, _ROUND) for o, v in scoring.scores.items()},
        reasons=reasons,
        excluded=excluded,
        assumptions=assumptions,
        what_would_change=changes,
        rule_set=RuleSetId(name=rs.name, version=rs.version),
        requirements=values,
        criteria_scores={
            o: {c: round(v, _ROUND) for c, v in per.items()}
            for o, per in scoring.by_criterion.items()
        },
        confidence_basis={
            "runner_up": scoring.runner_up or "",
            "evidence_for": round(favour, _ROUND),
            "evidence_against": round(against, _ROUND),
            "evidence_share": round(share, _ROUND),
            "margin": round(lead, _ROUND) if lead is not None else 0.0,
            "standing": closeness(lead),
            "decisive_unknowns": unknowns,
            "method": rs.calibration.method if rs.calibration else "evidence-share",
        },
        figures=figs,
    )


def _assumed_by(rule: Rule, assumed: set[str], behind_figures: set[str]) -> set[str]:
    """The assumed fields a rule's condition read, directly or through a figure."""
    if rule.when is None:
        return set()
    read = fields_read(rule.when)
    out = read & assumed
    if read & set(FIGURE_FIELDS):
        out |= behind_figures
    return out


def rule_facts(rs: RuleSet, rule: Rule) -> dict[str, Any]:
    """A rule as JSON-ready data: its condition in words, points, exclusions and sources.

    `rules list` and `rules explain` add what they know of layers and use cases.
    """
    return {
        "id": rule.id,
        "summary": rule.summary,
        "claim": rule.claim,
        "when": describe(rule.when) if rule.when else None,
        "points": rule.points,
        "exclude": list(rule.exclude),
        "reason": rule.reason,
        "source": citation_text(rs, rule),
    }


def citation_text(rs: RuleSet, rule: Rule) -> str:
    """A rule's sources as one line of text: title, where, url; several joined by ' | '."""
    parts = []
    for citation in rule.sources:
        ref = rs.references.get(citation.ref)
        if ref is None:
            parts.append(citation.ref)
            continue
        text = ref.title
        if citation.where:
            text += f", {citation.where}"
        if ref.url:
            text += f" <{ref.url}>"
        parts.append(text)
    return " | ".join(parts)
