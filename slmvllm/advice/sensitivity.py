"""What would change the answer: the sensitivity search (step 5 of slmvllm/advice/engine.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slmvllm.advice.advice_model import Change
from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advice.rule_sets import probe_values, valid_value
from slmvllm.advice.scoring import (
    FigureSource,
    _compiled,
    _effects,
    _fired,
    _ranked,
)
from slmvllm.requirements import FIGURE_FIELDS, OptionName, Requirements


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
