"""The advice measured on labelled cases: every result through `slmvllm.advisor.advise`.

`evaluate` runs each case of a labels file (see `slmvllm.loading.labels`) through
the one core function, compares the recommendation with the documented decision,
and measures the advice (`slmvllm.evaluation.metrics`) and the rules of thumb
(`slmvllm.evaluation.baselines`) on the same cases, on all of them and on the
clean (non-ambiguous) ones. No I/O, no printing; a fitting script can call it:

    >>> from slmvllm.loading.labels import load_labels
    >>> ev = evaluate(load_labels("examples/cases"))  # doctest: +SKIP
    >>> ev.clean.accuracy.share, ev.clean.ece  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from slmvllm.advice.advice_model import RuleSetId
from slmvllm.advice.engine import check_requirements
from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advisor import advise, default_rule_set
from slmvllm.errors import InputError, NoFeasibleOptionError, Problem
from slmvllm.evaluation.baselines import BASELINES, Baseline
from slmvllm.evaluation.metrics import (
    BIN_EDGES,
    HIGH_CONFIDENCE,
    Metrics,
    Outcome,
    Share,
    accuracy,
    summarize,
)
from slmvllm.loading.labels import LabelledCase
from slmvllm.numbers.catalog import Catalog
from slmvllm.precedents import VOTE_K
from slmvllm.result import Result

#: How many rules a miss lists: the ones that moved the score furthest the wrong way.
MAX_DRIVERS = 3


@dataclass(frozen=True)
class Driver:
    """A fired rule that drove a miss.

    `kind` "excluded": the rule ruled the expected option out (a hard constraint).
    `kind` "points": the rule's effect on the recommendation minus its effect on the
    expected option (`difference`, > 0) helped the wrong option win.
    """

    rule: str
    summary: str
    when: str | None
    kind: str
    difference: float | None


@dataclass(frozen=True)
class CaseResult:
    """One labelled case: the label, the advice, and each rule of thumb's answer."""

    id: str
    labels_file: str
    requirements_file: str
    expected: str
    ambiguous: bool
    source_confidence: str | None  # the label's: how clearly the source shows the choice
    recommendation: str
    confidence: float
    runner_up: str | None
    scores: dict[str, float]
    drivers: list[Driver]  # empty when right
    tie: bool  # missed on a tie with the expected option, broken by the rule set's option order
    baselines: dict[str, str]
    tags: tuple[str, ...] = ()
    decision_drivers: tuple[str, ...] = ()  # the label's: the reasons its sources state

    @property
    def correct(self) -> bool:
        """Whether the advice is the documented decision."""
        return self.recommendation == self.expected


@dataclass(frozen=True)
class BaselineResult:
    """A rule of thumb's accuracy on the same cases as the advice."""

    name: str
    rule: str
    all: Share
    clean: Share


@dataclass(frozen=True)
class Evaluation:
    """The advice measured on labelled cases, with the rules of thumb beside it."""

    rule_set: RuleSetId
    cases: list[CaseResult]
    all: Metrics
    clean: Metrics  # the non-ambiguous cases only
    baselines: list[BaselineResult]
    #: Clean cases cut by evidence: where the two-line rule is right or wrong, where the
    #: rules and the precedents' vote agree or disagree (name -> metrics; empty parts left out).
    subsets: dict[str, Metrics] = field(default_factory=dict)
    #: Clean cases by the tags their labels carry (tag -> metrics), tags in name order.
    tags: dict[str, Metrics] = field(default_factory=dict)

    @property
    def misses(self) -> list[CaseResult]:
        """The cases the advice got wrong, in input order."""
        return [c for c in self.cases if not c.correct]


def evaluate(
    cases: Sequence[LabelledCase],
    rule_set: RuleSet | None = None,
    catalog: Catalog | None = None,
    *,
    edges: Sequence[float] = BIN_EDGES,
    threshold: float = HIGH_CONFIDENCE,
    baselines: Sequence[Baseline] = BASELINES,
) -> Evaluation:
    """Advise on every case and measure the advice and the baselines against the labels.

    Raises `InputError` (every problem at once, located file:line:col) when a case
    does not fit the rule set (an unknown priority) or its constraints rule out
    every option.
    """
    rs = rule_set if rule_set is not None else default_rule_set()
    problems: list[Problem] = []
    results: list[CaseResult] = []
    for case in cases:
        found = check_requirements(rs, case.requirements)
        if found:
            problems += [case.document.problem(loc, msg, key=True) for loc, msg in found]
            continue
        try:
            result = advise(case.requirements, rs, catalog, exclude_precedents={case.label.id})
        except NoFeasibleOptionError as exc:
            problems += [
                Problem(case.requirements_file, p.message, field=p.field) for p in exc.problems
            ]
            continue
        given = case.requirements.given()
        answers: dict[str, str] = {b.name: b.predict(given) for b in baselines}
        if result.precedent_vote is not None:
            answers[PRECEDENTS] = result.precedent_vote.choice
        results.append(_case_result(case, result, answers))
    if problems:
        raise InputError(problems)
    options = rs.option_order()
    clean = [c for c in results if not c.ambiguous]

    def metrics(part: Sequence[CaseResult]) -> Metrics:
        return summarize(_outcomes(part), options, edges=edges, threshold=threshold)

    # The rules of thumb, then the precedents' vote, which comes with each result.
    voters = [(b.name, b.rule) for b in baselines] + [(PRECEDENTS, PRECEDENTS_RULE)]
    return Evaluation(
        rule_set=RuleSetId(name=rs.name, version=rs.version),
        cases=results,
        all=metrics(results),
        clean=metrics(clean),
        baselines=[
            BaselineResult(
                name=name,
                rule=rule,
                all=accuracy(_answers(results, name)),
                clean=accuracy(_answers(clean, name)),
            )
            for name, rule in voters
        ],
        subsets={name: metrics(part) for name, part in _subsets(clean).items() if part},
        tags={tag: metrics([c for c in clean if tag in c.tags]) for tag in _tags(clean)},
    )


#: The name the precedents' vote goes by among the baselines.
PRECEDENTS = "precedents"
PRECEDENTS_RULE = (
    f"the similarity-weighted vote of the {VOTE_K} documented decisions most like the case "
    "(the case itself left out)"
)


def _answers(cases: Sequence[CaseResult], name: str) -> list[Outcome]:
    return [Outcome(c.expected, c.baselines[name]) for c in cases if name in c.baselines]


def _subsets(clean: Sequence[CaseResult]) -> dict[str, list[CaseResult]]:
    def agree(c: CaseResult) -> bool | None:
        vote = c.baselines.get(PRECEDENTS)
        return None if vote is None else vote == c.recommendation

    two_line = [c for c in clean if "two-line" in c.baselines]
    return {
        "two-line rule right": [c for c in two_line if c.baselines["two-line"] == c.expected],
        "two-line rule wrong": [c for c in two_line if c.baselines["two-line"] != c.expected],
        "rules and precedents agree": [c for c in clean if agree(c) is True],
        "rules and precedents disagree": [c for c in clean if agree(c) is False],
    }


def _tags(cases: Sequence[CaseResult]) -> list[str]:
    return sorted({t for c in cases for t in c.tags})


def _outcomes(results: Sequence[CaseResult]) -> list[Outcome]:
    return [Outcome(c.expected, c.recommendation, c.confidence) for c in results]


def _case_result(case: LabelledCase, result: Result, baselines: dict[str, str]) -> CaseResult:
    label = case.label
    expected, got = label.expected, result.recommendation
    drivers: list[Driver] = []
    tie = False
    if got != expected:
        drivers, tie = miss_drivers(result, expected)
    runner_up = result.confidence_basis.get("runner_up")
    return CaseResult(
        id=label.id,
        labels_file=case.labels_file,
        requirements_file=case.requirements_file,
        expected=expected,
        ambiguous=label.ambiguous,
        source_confidence=label.confidence,
        recommendation=got,
        confidence=result.confidence,
        runner_up=str(runner_up) if runner_up else None,
        scores=dict(result.scores),
        drivers=drivers,
        tie=tie,
        baselines=baselines,
        tags=tuple(label.tags),
        decision_drivers=tuple(label.drivers),
    )


def miss_drivers(
    result: Result, expected: str, limit: int = MAX_DRIVERS
) -> tuple[list[Driver], bool]:
    """The rules that drove a recommendation away from `expected`, and whether it was a tie.

    First every exclusion of the expected option, then the fired rules whose effect on
    the recommendation exceeds their effect on `expected`, largest difference first
    (at most `limit`). A tie: `expected` was allowed and scored the same.
    """
    got = result.recommendation
    drivers = [
        Driver(e.rule, e.reason, e.when, "excluded", None)
        for e in result.excluded
        if e.option == expected
    ]
    pushes = [
        (r.effect.get(got, 0.0) - r.effect.get(expected, 0.0), i, r)
        for i, r in enumerate(result.reasons)
    ]
    pushes = sorted((p for p in pushes if p[0] > 0), key=lambda p: (-p[0], p[1]))
    drivers += [
        Driver(r.rule, r.summary, r.when, "points", round(d, 4)) for d, _, r in pushes[:limit]
    ]
    tie = not any(d.kind == "excluded" for d in drivers) and result.scores.get(
        got
    ) == result.scores.get(expected)
    return drivers, tie
