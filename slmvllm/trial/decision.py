"""A trial's decision: SLM, LLM, or a router at a threshold, from a graded request log.

Each candidate point (the small model alone, the large model alone, each router cut)
has a quality (mean grade on the log) and a monthly cost (the small model priced for
the requests it keeps, the large model for those it gets; `slmvllm.trial.pricing`).
The target is a share of the large model's quality (default 95%). The decision is the
cheapest point whose quality reaches the target; equal costs go to the smaller
large-model share. The oracle (each request to the cheapest good-enough model: the
small one unless the large one grades higher) and random routing are the baselines.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field

from slmvllm.result import Result
from slmvllm.trial.bootstrap import Interval, bootstrap_kept
from slmvllm.trial.curves import (
    Curve,
    apgr,
    mean,
    oracle_curve,
    points_near,
    random_curve,
    router_curve,
    share_to_recover,
)
from slmvllm.trial.log_reader import TrialLog
from slmvllm.trial.pricing import ModelPricing, Shape

#: Router cuts priced when looking for the cheapest point (plus both single models).
PRICED_POINTS = 200
#: Points of the routing curve shown in reports.
SHOWN_POINTS = 10
_EPS = 1e-12


@dataclass(frozen=True)
class Point:
    """One way to serve the traffic: quality, share sent to the large model, monthly cost."""

    label: str
    large_share: float
    quality: float
    kept: float | None  # quality / the large model's quality
    monthly_cost: float | None
    threshold: float | None = None  # send to the large model when router_score < threshold
    how: str = ""


@dataclass(frozen=True)
class Measures:
    """RouteLLM's summary measures for one routing policy."""

    apgr: float | None
    share_for_50: float | None
    share_for_80: float | None


@dataclass(frozen=True)
class TagFigures:
    """The same figures on the requests with one tag."""

    tag: str
    requests: int
    small_quality: float
    large_quality: float
    kept_by_small: float | None
    large_needed: float  # share of requests where the large model grades higher
    router: Measures | None
    small_reaches_target: bool


@dataclass(frozen=True)
class RuleSetView:
    """The rule set's recommendation for the same requirements, beside the log's."""

    recommendation: str
    confidence: float
    agrees: bool
    text: str


@dataclass
class Trial:
    """Everything `slmvllm trial` reports."""

    source: str
    requests: int
    small_model: str
    large_model: str
    quality_target: float
    shape: Shape
    small: Point
    large: Point
    oracle: Point
    oracle_measures: Measures
    random_measures: Measures
    router_measures: Measures | None
    curve: list[Point]
    chosen: Point
    recommendation: str  # slm | llm | hybrid
    verdict: str
    interval: Interval | None
    interval_of: str
    router_must_find: str | None
    tags: list[TagFigures] = field(default_factory=list)
    rule_set: RuleSetView | None = None
    notes: list[str] = field(default_factory=list)


def _kept(quality: float, large_quality: float) -> float | None:
    return quality / large_quality if large_quality > _EPS else None


def _measures(curve: Curve, qs: float, ql: float) -> Measures:
    return Measures(
        apgr(curve, qs, ql),
        share_to_recover(curve, 0.5, qs, ql),
        share_to_recover(curve, 0.8, qs, ql),
    )


def _cost(
    small: ModelPricing, large: ModelPricing, volume: int, share: float
) -> tuple[float | None, str]:
    to_large = volume * share
    s_cost, s_how = small.monthly(volume - to_large)
    l_cost, l_how = large.monthly(to_large)
    if share <= 0:
        return s_cost, s_how
    if share >= 1:
        return l_cost, l_how
    if s_cost is None or l_cost is None:
        return None, f"small: {s_how}; large: {l_how}"
    return s_cost + l_cost, f"small: {s_how}; large: {l_how}"


def _point(
    label: str,
    curve: Curve,
    i: int,
    ql: float,
    small: ModelPricing,
    large: ModelPricing,
    volume: int,
) -> Point:
    share = curve.shares[i]
    cost, how = _cost(small, large, volume, share)
    t = curve.thresholds[i]
    return Point(
        label,
        share,
        curve.qualities[i],
        _kept(curve.qualities[i], ql),
        cost,
        None if t != t else t,
        how,  # NaN: no threshold (oracle, random)
    )


def _cheapest(points: Sequence[Point], target: float) -> Point:
    good = [p for p in points if p.quality >= target - _EPS]
    return min(
        good,
        key=lambda p: (p.monthly_cost is None, p.monthly_cost or 0.0, p.large_share),
    )


def _money(value: float | None) -> str:
    return "not priced" if value is None else f"${value:,.2f}"


def _verdict(
    chosen: Point, small: Point, large: Point, target: float, qt: float
) -> tuple[str, str]:
    def saving() -> str:
        if chosen.monthly_cost is None or large.monthly_cost is None:
            return "the saving cannot be priced"
        save = large.monthly_cost - chosen.monthly_cost
        pct = f" ({save / large.monthly_cost:.0%})" if large.monthly_cost > 0 else ""
        return f"saving {_money(save)} a month{pct} against the large model alone"

    kept = f"{chosen.kept:.1%}" if chosen.kept is not None else "all"
    if chosen.large_share <= 0:
        return "slm", (
            f"SLM: the small model alone keeps {kept} of the large model's quality "
            f"(target {qt:.0%}) for {_money(chosen.monthly_cost)} a month, {saving()}."
        )
    if chosen.large_share >= 1:
        small_kept = f"{small.kept:.1%}" if small.kept is not None else "n/a"
        return "llm", (
            f"LLM: no cheaper point on this log keeps {qt:.0%} of the large model's quality "
            f"(the small model alone keeps {small_kept}); the large model costs "
            f"{_money(large.monthly_cost)} a month."
        )
    return "hybrid", (
        f"Hybrid at threshold {chosen.threshold:g}: send requests with router_score below it "
        f"({chosen.large_share:.1%} of them) to the large model; keeps {kept} of its quality "
        f"(target {qt:.0%}) for {_money(chosen.monthly_cost)} a month, {saving()}."
    )


def _tag_figures(log: TrialLog, target_share: float) -> list[TagFigures]:
    out: list[TagFigures] = []
    for tag, rows in sorted(log.tag_rows.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        small = array("d", (log.small[i] for i in rows))
        large = array("d", (log.large[i] for i in rows))
        qs, ql = mean(small), mean(large)
        needed = sum(1 for a, b in zip(small, large, strict=True) if b > a) / len(rows)
        router = None
        if log.router is not None:
            scores = array("d", (log.router[i] for i in rows))
            router = _measures(router_curve(small, large, scores), qs, ql)
        kept = _kept(qs, ql)
        out.append(
            TagFigures(tag, len(rows), qs, ql, kept, needed, router, qs >= target_share * ql - _EPS)
        )
    return out


def _rule_set_view(advice: Result, recommendation: str) -> RuleSetView:
    rec = advice.recommendation
    reasons = "; ".join(r.summary.rstrip(". ") for r in advice.reasons[:2]) or "no rule applied"
    if rec == recommendation:
        text = (
            f"The rule set also recommends {rec.upper()} for these requirements "
            f"(confidence {advice.confidence:.2f}): the description and the log agree."
        )
    else:
        text = (
            f"The rule set recommends {rec.upper()} (confidence {advice.confidence:.2f}) from the "
            f"use case's description, chiefly: {reasons}. The log says "
            f"{recommendation.upper()}: it measures both models on your own requests, which the "
            "rules can only assume, so on quality and cost the log is the stronger evidence; "
            "the rules may still weigh what a log cannot show (data sensitivity, latency, the "
            "team's skills, time to launch)."
        )
    return RuleSetView(rec, advice.confidence, rec == recommendation, text)


def decide(
    log: TrialLog,
    small_pricing: ModelPricing,
    large_pricing: ModelPricing,
    shape: Shape,
    *,
    quality_target: float = 0.95,
    seed: int = 0,
    advice: Result | None = None,
) -> Trial:
    """The trial's figures and decision for a graded log (pure: no I/O)."""
    small, large = log.small, log.large
    qs, ql = mean(small), mean(large)
    volume = shape.monthly_requests
    target = quality_target * ql
    s_cost, s_how = small_pricing.monthly(volume)
    l_cost, l_how = large_pricing.monthly(volume)
    small_pt = Point("small model alone", 0.0, qs, _kept(qs, ql), s_cost, None, s_how)
    large_pt = Point("large model alone", 1.0, ql, _kept(ql, ql), l_cost, None, l_how)
    oracle = oracle_curve(small, large)
    best = oracle.qualities[-1]
    needed = next(
        (s for s, q in zip(oracle.shares, oracle.qualities, strict=True) if q >= best - _EPS), 1.0
    )
    o_cost, o_how = _cost(small_pricing, large_pricing, volume, needed)
    oracle_pt = Point("oracle", needed, best, _kept(best, ql), o_cost, None, o_how)
    candidates = [small_pt, large_pt]
    curve_points: list[Point] = []
    router_measures = None
    policy: Sequence[float] = small
    if log.router is not None:
        curve = router_curve(small, large, log.router)
        router_measures = _measures(curve, qs, ql)
        priced = [
            _point("router", curve, i, ql, small_pricing, large_pricing, volume)
            for i in points_near(curve, PRICED_POINTS)
        ]
        candidates += priced
        curve_points = [
            _point("router", curve, i, ql, small_pricing, large_pricing, volume)
            for i in points_near(curve, SHOWN_POINTS)
            if 0 < curve.shares[i] < 1  # the ends are the two models alone
        ]
    chosen = _cheapest(candidates, target)
    if chosen.label == "router" and chosen.threshold is not None:
        t, router = chosen.threshold, log.router
        assert router is not None
        policy = array(
            "d", (b if r < t else a for a, b, r in zip(small, large, router, strict=True))
        )
    interval_of = chosen.label
    if chosen.large_share >= 1:  # the large model keeps all of itself: show what the small keeps
        interval_of = small_pt.label
    recommendation, verdict = _verdict(chosen, small_pt, large_pt, target, quality_target)
    must_find = None
    if log.router is None and needed > 0:
        must_find = (
            f"{needed:.1%} of requests need the large model (it grades higher there); a router "
            f"must find them. If it found them all: {oracle_pt.kept or 0:.1%} of the large "
            f"model's quality for {_money(o_cost)} a month. The log has no router_score, so "
            "no threshold can be measured."
        )
    trial = Trial(
        source=log.source,
        requests=log.requests,
        small_model=small_pricing.model.id,
        large_model=large_pricing.model.id,
        quality_target=quality_target,
        shape=shape,
        small=small_pt,
        large=large_pt,
        oracle=oracle_pt,
        oracle_measures=_measures(oracle, qs, ql),
        random_measures=_measures(random_curve(qs, ql), qs, ql),
        router_measures=router_measures,
        curve=curve_points,
        chosen=chosen,
        recommendation=recommendation,
        verdict=verdict,
        interval=bootstrap_kept(policy, large, quality_target, seed=seed),
        interval_of=interval_of,
        router_must_find=must_find,
        tags=_tag_figures(log, quality_target),
        notes=list(shape.notes),
    )
    if ql <= qs + _EPS:
        trial.notes.append(
            "the large model grades no higher than the small one on this log: there is no "
            "gap for a router to recover (APGR and the shares to recover are not defined)"
        )
    if advice is not None:
        trial.rule_set = _rule_set_view(advice, recommendation)
    return trial
