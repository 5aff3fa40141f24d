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

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import compress
from typing import Any, Protocol

from slmvllm.advice.advice_model import Advice, Assumption, Change, Exclusion, Reason, RuleSetId
from slmvllm.advice.conditions import (
    Predicate,
    compile_condition,
    describe,
    fields_read,
    thresholds,
)
from slmvllm.advice.rule_set_model import Rule, RuleSet
from slmvllm.advice.rule_sets import probe_values, valid_value
from slmvllm.requirements import FIGURE_FIELDS, OptionName, Requirements, field_names

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


def confidence(scoring: Scoring) -> tuple[float, float, float]:
    """(share, evidence for, evidence against) the winner vs the runner-up; see module doc."""
    best, second = scoring.recommendation, scoring.runner_up
    if best is None:
        return 0.0, 0.0, 0.0
    if second is None:
        return 1.0, 0.0, 0.0
    gaps = [effect[best] - effect[second] for _, effect in scoring.fired]
    favour = sum(g for g in gaps if g > 0)
    against = -sum(g for g in gaps if g < 0)
    if favour + against <= 0:
        return 0.5, favour, against
    return favour / (favour + against), favour, against


#: A margin at most this (points at the mean criterion weight) is reported as a close call:
#: one point on one criterion, the smallest step a single rule of the default set moves.
CLOSE_MARGIN = 1.0


def margin(scoring: Scoring, weight: Mapping[str, float]) -> float | None:
    """The winner's lead over the runner-up per unit of mean criterion weight (None: no rival)."""
    best, second = scoring.recommendation, scoring.runner_up
    if best is None or second is None:
        return None
    mean = sum(weight.values()) / len(weight) if weight else 1.0
    return (scoring.scores[best] - scoring.scores[second]) / (mean or 1.0)


#: No advice is certain: even a single option left by the constraints rests on the rules
#: being right. Without a calibration of its own a rule set's confidence stops here.
MAX_CONFIDENCE = 0.95


def calibrated(
    rs: RuleSet,
    lead: float | None,
    share: float,
    unknowns: int = 0,
    disagree: bool = False,
) -> float:
    """The confidence to report: the rule set's calibrated map, if it has one.

    The map reads the margin, the number of decisive fields left unknown (`unknowns`:
    fields not given whose answer alone could flip the recommendation) and whether the
    closest documented decisions chose another option (`disagree`), and stops at its
    ceiling. Without a calibration (a team's own rule set may have none) it is the share
    of the separating evidence that favours the winner (`confidence`), at most
    `MAX_CONFIDENCE`. A single allowed option gets the ceiling.
    """
    ceiling = rs.calibration.ceiling if rs.calibration is not None else MAX_CONFIDENCE
    if lead is None:
        return ceiling
    if rs.calibration is None:
        return min(share, ceiling)
    cal = rs.calibration
    z = cal.intercept + cal.slope * lead + cal.per_unknown * unknowns
    z += cal.disagree if disagree else 0.0
    return min(1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0))), ceiling)


def closeness(lead: float | None) -> str:
    """`tie`, `close` or `clear`: how the winner stands against the runner-up."""
    if lead is None:
        return "clear"
    if abs(lead) < 1e-9:
        return "tie"
    return "close" if lead <= CLOSE_MARGIN else "clear"


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


def advice_for(rs: RuleSet, req: Requirements, figures: FigureSource | None = None) -> Advice:
    """The rules' explained recommendation for one use case (no numbers: see `slmvllm.advisor`).

    `figures` works out the cost figures rules may test; without it they are unknown.
    Raises `NoFeasibleOptionError` when the hard constraints rule out every option.
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
    conf = calibrated(rs, lead, share, unknowns)
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


def what_would_change(
    rs: RuleSet,
    values: Mapping[str, Any],
    weight: Mapping[str, float],
    current: OptionName,
    *,
    figures: FigureSource | None = None,
    base: tuple[dict[str, Any], dict[str, list[float]]] = ({}, {}),
) -> list[Change]:
    """Single-field changes that flip the recommendation, nearest value per field and outcome.

    With `figures`, a change to a field the figures read works the figures out again, and
    the volume thresholds at which a figure changes are tried as well.
    """
    compiled = _compiled(rs)
    effects = _effects(rs, weight)
    base_figs, figure_cuts = base
    now_values = {**values, **base_figs}
    fired_now = _fired(compiled, now_values)
    by_figure = tuple(sorted({i for f in FIGURE_FIELDS for i in compiled.reads.get(f, ())}))
    probes = dict(compiled.probes)
    if by_figure:  # (without a figure source, figure_cuts is empty)
        model = rs.requirements_model()
        for name, extra in figure_cuts.items():
            joined = set(probes[name][1]) if name in probes else set()
            joined |= set(extra)
            probes[name] = (probe_values(name, joined, model), sorted(joined))
    swing = _figure_swing(rs, by_figure, effects)
    now_scores, _, now_ranked = _ranked(rs, fired_now, effects)
    changes: list[Change] = []
    for name, (candidates, cuts) in probes.items():
        now = values.get(name)
        best: dict[OptionName, tuple[Any, Any]] = {}
        refigure = figures is not None and bool(by_figure) and name in figures.reads
        readers = compiled.reads.get(name, ())
        for candidate in candidates:
            if candidate == now:
                continue
            # Only the rules that read this field (or a figure it moves) can change; the
            # sum is redone in rule order, so the scores are exactly those `score` gives.
            probe = {**now_values, name: candidate}
            fired = list(fired_now)
            for i in readers:
                test = compiled.tests[i]
                fired[i] = test is None or test(probe)
            if fired == fired_now:
                scores, ranked = now_scores, now_ranked
            else:
                scores, _, ranked = _ranked(rs, fired, effects)
            if (
                refigure
                and figures is not None
                and not _beyond_swing(scores, ranked, swing, fired, by_figure)
            ):
                # The figures could decide it: work them out for this value (exactly).
                probe.update(figures({**values, name: candidate})[0])
                for i in by_figure:
                    test = compiled.tests[i]
                    fired[i] = test is None or test(probe)
                scores, _, ranked = _ranked(rs, fired, effects)
            outcome = ranked[0] if ranked else None
            if outcome is None or outcome == current:
                continue
            shown = _nearest_in_region(candidate, cuts, now, name, rs.requirements_model())
            if outcome not in best or _nearer(shown, best[outcome][1], now, cuts):
                best[outcome] = (candidate, shown)
        changes += [
            Change(field=name, to=best[outcome][1], recommendation=outcome)
            for outcome in rs.option_order()
            if outcome in best
        ]
    return changes


def _figure_swing(
    rs: RuleSet, by_figure: tuple[int, ...], effects: list[dict[str, float]]
) -> list[dict[str, float]] | None:
    """The figure rules' effects, when the figures alone cannot rule an option out."""
    if any(rs.rules[i].exclude for i in by_figure):
        return None  # a figure rule that excludes can change anything
    return [effects[i] for i in by_figure]


def _beyond_swing(
    scores: Mapping[str, float],
    ranked: list[OptionName],
    swing: list[dict[str, float]] | None,
    fired: list[bool],
    by_figure: tuple[int, ...],
) -> bool:
    """Whether no change of the figure rules' firing could overtake the leader.

    Each figure rule that fires could stop (taking its effect away) and each that does
    not could start (adding it); the leader's lead over every other option must exceed
    the most those changes could take from it. Then the figures need not be worked out
    again for this probe: the recommendation is the same as if they were.
    """
    if swing is None or not ranked:
        return False
    top = ranked[0]
    for other in ranked[1:]:
        worst = 0.0
        for i, effect in zip(by_figure, swing, strict=True):
            gain = effect[top] - effect[other]  # what this rule adds to the lead when on
            worst += max(gain, 0.0) if fired[i] else max(-gain, 0.0)
        if scores[top] - scores[other] <= worst + 1e-9:
            return False
    return True


def _nearest_in_region(
    candidate: Any, cuts: list[float], now: Any, name: str, model: type[Requirements]
) -> Any:
    """The value nearest to `now` that behaves like `candidate` (same side of every threshold)."""
    if not isinstance(candidate, (int, float)) or candidate in cuts or not cuts:
        return candidate
    low = max((c for c in cuts if c < candidate), default=None)
    high = min((c for c in cuts if c > candidate), default=None)
    step = 1
    if isinstance(now, (int, float)) and now > candidate and high is not None:
        shown = high - step
        ok = low is None or shown > low
    elif low is not None:
        shown = low + step
        ok = high is None or shown < high
    else:  # below the lowest threshold (so one lies above), now unknown or lower still
        assert high is not None
        shown = high - step
        ok = shown >= 0
    shown_value = shown if isinstance(candidate, float) else int(shown)
    if not ok or not valid_value(name, shown_value, model):
        return candidate
    return float(shown) if isinstance(candidate, float) else int(shown)


def _nearer(candidate: Any, incumbent: Any, now: Any, cuts: list[float]) -> bool:
    if not isinstance(candidate, (int, float)) or not isinstance(incumbent, (int, float)):
        return False  # enum values: keep the first in the field's own order
    if not isinstance(now, (int, float)):
        # Unknown now: prefer a threshold itself (the value a rule names), then the smaller.
        return (candidate not in cuts, candidate) < (incumbent not in cuts, incumbent)
    return abs(candidate - now) < abs(incumbent - now)
