"""Which open questions can still change the recommendation, and when none can (no I/O).

The adaptive questionnaire asks, after each answer, for an `Outlook`: the current
leader (every open field at its default), and whether any combination of answers to
the open questions could put another option first. The bound is exact, not sampled:

1. Each open field ranges over the values its rules can tell apart: every choice of
   an enum, one number in each region the rules' thresholds cut (`probe_values`), and
   its default (Enter keeps it, so an unknown default stays reachable). A question
   whose `ask_if` can no longer hold is not open: it keeps its default.
2. The cost figures, worked out from several requirements fields, range over all
   their values (and unknown) while any field they read is open, unless the figure
   source can tell they are settled anyway (`SettlingFigures`).
3. A rule whose condition the fixed answers already decide (three-valued: an `all`
   with a false part is false whatever the rest) is fixed. The undecided rules are
   grouped by the open fields they share; within a group every combination of its
   fields' values is tried, so rules reading several fields, `not`, `any`/`all`,
   thresholds and exclusions are judged as the engine judges them. Groups share no
   open field, so the least lead the leader can keep over a rival is the sum of the
   groups' least contributions (a group too large to enumerate counts each rule
   alone, which can only overstate what could change).
4. The recommendation is settled when, against every rival still allowed, that
   least lead stays positive (or zero, with the leader first in the rule set's
   order, as the engine breaks ties), and no combination can rule the leader out.

Scores are floats added in rule order; a worst case within 1e-9 of a tie the leader
would lose counts as not settled.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from itertools import product
from typing import Any, Protocol, runtime_checkable

from slmvllm.advice.conditions import (
    AllOf,
    AnyOf,
    Condition,
    NotOf,
    compile_condition,
    field_tests,
    fields_read,
    holds,
)
from slmvllm.advice.engine import (
    FigureSource,
    calibrated,
    confidence,
    defaults,
    field_probes,
    margin,
    rule_tests,
    score,
    weights,
)
from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advice.rule_sets import valid_value
from slmvllm.loading.validation import literal_choices
from slmvllm.requirements import FIGURE_FIELDS, OptionName, condition_annotation

_EPS = 1e-9
#: Combinations tried in one group before its rules are counted one by one instead.
GROUP_LIMIT = 20_000


@runtime_checkable
class SettlingFigures(Protocol):
    """A figure source that can tell its figures are settled while some fields are open."""

    def settled(self, values: Mapping[str, Any], open_fields: Collection[str]) -> bool: ...


@dataclass(frozen=True)
class Outlook:
    """Where the questionnaire stands: the leader and what could still change it.

    `open_fields`: fields not yet answered that could still be asked. `deciding`:
    those that could still change the recommendation, the most decisive first (the
    largest swing of the leader's margin over the runner-up any one value could
    cause; ties in questionnaire order). `settled`: no combination of answers to the
    open fields can change the recommendation.
    """

    leader: OptionName | None
    confidence: float
    settled: bool
    open_fields: tuple[str, ...]
    deciding: tuple[str, ...]


def outlook(
    rs: RuleSet,
    answers: Mapping[str, Any],
    kept: Collection[str] = (),
    figures: FigureSource | None = None,
    priorities: Mapping[str, float] | None = None,
) -> Outlook:
    """The outlook given `answers` (fields given a value) and `kept` (asked, default kept).

    `priorities` (else the answers' own) weigh the criteria; the bound holds for those
    weights only, so priorities set later need a new outlook.
    """
    prios = priorities if priorities is not None else answers.get("priorities")
    weight = weights(rs, prios)
    values = defaults(rs) | {k: v for k, v in answers.items() if v is not None}
    free = _open_fields(rs, answers, kept, values)
    figs = _figures_of(figures, values)
    current = {**values, **figs}
    now = score(rs, current, weight)
    leader = now.recommendation
    share, _, _ = confidence(now)
    conf = calibrated(rs, margin(now, weight), share) if leader is not None else 0.0
    order = [q.field for q in rs.questions]
    if leader is None:
        return Outlook(None, 0.0, not free, tuple(free), tuple(f for f in order if f in free))
    variables = set(free)
    figures_open = figures is not None and bool(set(figures.reads) & free)
    if figures_open and isinstance(figures, SettlingFigures) and figures.settled(values, free):
        figures_open = False
    if figures_open:
        variables |= set(FIGURE_FIELDS)
    fixed = {k: v for k, v in current.items() if k not in variables}
    effects = _weighted(rs, weight)
    live = _live_fields(rs, fixed, variables, effects, leader)
    if figures_open and live & set(FIGURE_FIELDS) and figures is not None:
        live |= set(figures.reads) & free
    live &= free
    settled = not live
    askable = _askable(rs, answers)
    ranked = sorted(
        (f for f in order if f in live),
        # Only a question that can be asked now is weighed; the others wait their turn.
        key=lambda f: -_swing(rs, values, f, effects, leader, figures) if f in askable else 0.0,
    )
    return Outlook(leader, conf, settled, tuple(f for f in order if f in free), tuple(ranked))


_FIGURES: dict[tuple[int, tuple[Any, ...]], tuple[FigureSource, dict[str, Any]]] = {}


def _figures_of(figures: FigureSource | None, values: Mapping[str, Any]) -> dict[str, Any]:
    """The figures for `values`, remembered by the fields they read (asked many times over)."""
    if figures is None:
        return {}
    key = (id(figures), tuple(repr(values.get(f)) for f in sorted(figures.reads)))
    found = _FIGURES.get(key)
    if found is not None and found[0] is figures:
        return found[1]
    if len(_FIGURES) >= 4096:
        _FIGURES.clear()
    made = figures(values)[0]
    _FIGURES[key] = (figures, made)
    return made


def _open_fields(
    rs: RuleSet, answers: Mapping[str, Any], kept: Collection[str], values: Mapping[str, Any]
) -> set[str]:
    """Fields a question may still ask: unanswered, and `ask_if` not yet false for good."""
    free = {
        q.field
        for q in rs.questions
        if q.type != "priorities" and q.field not in answers and q.field not in kept
    }
    asks = {q.field: q.ask_if for q in rs.questions}
    while True:
        fixed = {k: v for k, v in values.items() if k not in free}
        closed = {f for f in free if _asks_never(asks[f], fixed, free)}
        if not closed:
            return free
        free -= closed


def _askable(rs: RuleSet, answers: Mapping[str, Any]) -> set[str]:
    values = defaults(rs) | dict(answers)
    return {q.field for q in rs.questions if q.ask_if is None or holds(q.ask_if, values)}


def _asks_never(ask_if: Condition | None, fixed: Mapping[str, Any], free: set[str]) -> bool:
    return ask_if is not None and _tri(ask_if, fixed, free) is False


def _tri(condition: Condition, fixed: Mapping[str, Any], free: Collection[str]) -> bool | None:
    """A condition in three-valued logic: True, False, or None (the open fields decide)."""
    if isinstance(condition, AllOf):
        parts = [_tri(c, fixed, free) for c in condition.all]
        return False if False in parts else (True if all(parts) else None)
    if isinstance(condition, AnyOf):
        parts = [_tri(c, fixed, free) for c in condition.any]
        return True if True in parts else (False if all(p is False for p in parts) else None)
    if isinstance(condition, NotOf):
        inner = _tri(condition.not_, fixed, free)
        return None if inner is None else not inner
    if condition.field in free:
        return None
    return holds(condition, fixed)


def domain(rs: RuleSet, name: str) -> list[Any]:
    """The values of a field (or figure) its rules can tell apart, with its default."""
    if name in FIGURE_FIELDS:
        model = rs.requirements_model()
        return [None, *literal_choices(condition_annotation(model, name))]
    found = field_probes(rs).get(name)
    values = list(found[0]) if found else []
    default = defaults(rs).get(name)
    if default not in values:
        values.append(default)
    return values


def _weighted(rs: RuleSet, weight: Mapping[str, float]) -> list[dict[OptionName, float]]:
    """Each rule's weighted effect per option, in rule order."""
    return [
        {
            o: float(sum(weight[c] * p for c, p in rule.points.get(o, {}).items()))
            for o in rs.option_order()
        }
        for rule in rs.rules
    ]


def _live_fields(
    rs: RuleSet,
    fixed: Mapping[str, Any],
    variables: set[str],
    effects: list[dict[OptionName, float]],
    leader: OptionName,
) -> set[str]:
    """The open fields (and figures) whose values could still put a rival first."""
    options = rs.option_order()
    base = dict.fromkeys(options, 0.0)
    out: set[str] = set()  # options the fixed answers rule out
    live: set[str] = set()
    undecided: list[int] = []
    for i, rule in enumerate(rs.rules):
        state = True if rule.when is None else _tri(rule.when, fixed, variables)
        if state is None:
            undecided.append(i)
        elif state:
            for o in options:
                base[o] += effects[i][o]
            out.update(rule.exclude)
    rivals = [o for o in options if o != leader and o not in out]
    groups = _groups(rs, undecided, variables)
    worst = {x: base[leader] - base[x] for x in rivals}
    spans: list[tuple[set[str], dict[OptionName, float], dict[OptionName, float]]] = []
    for rules, names in groups:
        low, high = _group_range(rs, rules, names, fixed, effects, leader, rivals)
        spans.append((names, low, high))
        for x in rivals:
            worst[x] += low[x]
    for x in rivals:
        ahead = options.index(leader) < options.index(x)
        if worst[x] > _EPS or (ahead and worst[x] >= -_EPS):
            continue
        for names, low, high in spans:
            if low[x] < high[x]:
                live |= names
    return live & variables


def _groups(
    rs: RuleSet, undecided: list[int], variables: set[str]
) -> list[tuple[list[int], set[str]]]:
    """Undecided rules joined when they share an open field (connected components)."""
    groups: list[tuple[list[int], set[str]]] = []
    for i in undecided:
        when = rs.rules[i].when
        names = fields_read(when) & variables if when is not None else set()
        merged = ([i], set(names))
        keep = []
        for rules, seen in groups:
            if seen & merged[1]:
                merged[0].extend(rules)
                merged[1].update(seen)
            else:
                keep.append((rules, seen))
        groups = [*keep, (sorted(merged[0]), merged[1])]
    return groups


def _group_range(
    rs: RuleSet,
    rules: list[int],
    names: set[str],
    fixed: Mapping[str, Any],
    effects: list[dict[OptionName, float]],
    leader: OptionName,
    rivals: list[OptionName],
) -> tuple[dict[OptionName, float], dict[OptionName, float]]:
    """Per rival: the least and most the group can add to the leader's lead.

    A combination that rules the leader out counts as -inf, one that rules the rival
    out as +inf (that rival can then not come first).
    """
    ordered = sorted(names)
    spaces = [_distinct(rs, rules, n) for n in ordered]
    size = math.prod(len(s) for s in spaces)
    low = dict.fromkeys(rivals, math.inf)
    high = dict.fromkeys(rivals, -math.inf)
    if size > GROUP_LIMIT:
        return _rules_alone(rs, rules, effects, leader, rivals)
    tests = rule_tests(rs)
    checks = [(i, tests[i]) for i in rules]
    probe = dict(fixed)
    for combo in product(*spaces):
        probe.update(zip(ordered, combo, strict=True))
        fired = [i for i, test in checks if test is None or test(probe)]
        _account(rs, fired, effects, leader, rivals, low, high)
    return low, high


def _distinct(rs: RuleSet, rules: list[int], name: str) -> list[Any]:
    """The field's values, one per way the group's tests on it can answer (exact).

    A test reads one field, so values every test on it answers alike are interchangeable
    in every condition of the group: `classification` and `extraction` when the rules
    only ask whether the task is one of the two.
    """
    tests = [
        compile_condition(t)
        for i in rules
        if (when := rs.rules[i].when) is not None
        for t in field_tests(when)
        if t.field == name
    ]
    seen: set[tuple[bool, ...]] = set()
    out: list[Any] = []
    for value in domain(rs, name):
        probe = {name: value}
        signature = tuple(test(probe) for test in tests)
        if signature not in seen:
            seen.add(signature)
            out.append(value)
    return out


def _rules_alone(
    rs: RuleSet,
    rules: list[int],
    effects: list[dict[OptionName, float]],
    leader: OptionName,
    rivals: list[OptionName],
) -> tuple[dict[OptionName, float], dict[OptionName, float]]:
    """Each rule on or off independently: a wider range than the group can reach."""
    low = dict.fromkeys(rivals, 0.0)
    high = dict.fromkeys(rivals, 0.0)
    for i in rules:
        rule = rs.rules[i]
        for x in rivals:
            gain = effects[i][leader] - effects[i][x]
            low[x] = -math.inf if leader in rule.exclude else low[x] + min(gain, 0.0)
            high[x] = math.inf if x in rule.exclude else high[x] + max(gain, 0.0)
    return low, high


def _account(
    rs: RuleSet,
    fired: Iterable[int],
    effects: list[dict[OptionName, float]],
    leader: OptionName,
    rivals: list[OptionName],
    low: dict[OptionName, float],
    high: dict[OptionName, float],
) -> None:
    out: set[str] = set()
    lead = dict.fromkeys(rivals, 0.0)
    for i in fired:
        out.update(rs.rules[i].exclude)
        for x in rivals:
            lead[x] += effects[i][leader] - effects[i][x]
    for x in rivals:
        value = -math.inf if leader in out else (math.inf if x in out else lead[x])
        low[x] = min(low[x], value)
        high[x] = max(high[x], value)


def _swing(
    rs: RuleSet,
    values: Mapping[str, Any],
    name: str,
    effects: list[dict[OptionName, float]],
    leader: OptionName,
    figures: FigureSource | None,
) -> float:
    """The most any one value of `name` moves the leader's margin over its best rival."""
    reads = figures is not None and name in figures.reads
    base = _figures_of(figures, values)
    now = _margin(rs, {**values, **base}, effects, leader)
    most = 0.0
    tried = domain(rs, name)
    if figures is not None and reads:
        # The figures' own thresholds, and volumes across the range, for fields they read.
        cuts = figures(values)[1].get(name, [])
        tried += [c for c in cuts if valid_value(name, c, rs.requirements_model())]
        tried += [10**k for k in range(1, 10) if valid_value(name, 10**k, rs.requirements_model())]
    for value in tried:
        probe = {**values, name: value}
        figs = _figures_of(figures, probe) if reads else base
        moved = _margin(rs, {**probe, **figs}, effects, leader)
        if moved == now:
            continue
        most = max(most, math.inf if math.isinf(moved) else abs(moved - now))
    return most


def _margin(
    rs: RuleSet,
    values: Mapping[str, Any],
    effects: list[dict[OptionName, float]],
    leader: OptionName,
) -> float:
    """The leader's lead over its best allowed rival (-inf: the leader is ruled out)."""
    scores = dict.fromkeys(rs.option_order(), 0.0)
    out: set[str] = set()
    for rule, test, effect in zip(rs.rules, rule_tests(rs), effects, strict=True):
        if test is None or test(values):
            out.update(rule.exclude)
            for option, points in effect.items():
                scores[option] += points
    if leader in out:
        return -math.inf
    rivals = [v for o, v in scores.items() if o != leader and o not in out]
    return scores[leader] - max(rivals) if rivals else 0.0
