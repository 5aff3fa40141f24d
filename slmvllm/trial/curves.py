"""Quality against the large model's share: a router's curve, the oracle, random routing.

A router sends a request to the large model when its `router_score` is below a
threshold t (a higher score says the small model is more likely good enough). Sorting
the requests by score, the possible cuts are "the k lowest-scored requests go to the
large model", for every k where the score changes (ties move together). At cut k the
quality is (sum of small grades + sum over the k routed requests of large - small) / n.

RouteLLM's measures (Ong et al. 2024, "RouteLLM: Learning to Route LLMs with Preference
Data", arXiv 2406.18665, section 5.1 and lm-sys/RouteLLM routellm/evals/evaluate.py):
* PGR at a point: (quality - small quality) / (large quality - small quality).
* APGR: the area under the quality curve over the large-model share in [0, 1]
  (trapezoids), less the small model's quality, over the gap; random routing scores 0.5.
* CPT(x%): the large-model share needed to recover x% of the gap (interpolated
  between the two curve points around it).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass

_EPS = 1e-12


@dataclass(frozen=True)
class Curve:
    """A routing curve: parallel arrays, shares ascending from 0 to 1."""

    shares: array[float]
    qualities: array[float]
    thresholds: array[float]  # route to the large model when router_score < t; inf: all

    def quality_at(self, share: float) -> float:
        """The curve's quality at a large-model share, linear between its points."""
        shares, quals = self.shares, self.qualities
        lo, hi = 0, len(shares) - 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if shares[mid] <= share:
                lo = mid
            else:
                hi = mid
        if share <= shares[lo] or shares[hi] == shares[lo]:
            return quals[lo]
        w = (share - shares[lo]) / (shares[hi] - shares[lo])
        return quals[lo] + w * (quals[hi] - quals[lo])


def mean(values: Sequence[float]) -> float:
    """The mean of a non-empty sequence."""
    return sum(values) / len(values)


def router_curve(small: Sequence[float], large: Sequence[float], router: Sequence[float]) -> Curve:
    """Every cut a threshold on `router` can make, from none to all routed to the large model."""
    n = len(small)
    order = sorted(range(n), key=router.__getitem__)
    running = sum(small)
    shares, quals = array("d", [0.0]), array("d", [running / n])
    # the threshold of a cut is the lowest score kept on the small model (inf: none kept)
    thresholds = array("d", [router[order[0]]])
    for pos, i in enumerate(order):
        running += large[i] - small[i]
        k = pos + 1
        if k == n or router[order[k]] != router[i]:
            shares.append(k / n)
            quals.append(running / n)
            thresholds.append(router[order[k]] if k < n else float("inf"))
    return Curve(shares, quals, thresholds)


def oracle_curve(small: Sequence[float], large: Sequence[float]) -> Curve:
    """The best any router could do: the largest gains (large - small) routed first."""
    n = len(small)
    gains = sorted((g for g in map(float.__sub__, large, small) if g > 0), reverse=True)
    running = sum(small)
    shares, quals = array("d", [0.0]), array("d", [running / n])
    for k, gain in enumerate(gains, start=1):
        running += gain
        shares.append(k / n)
        quals.append(running / n)
    if shares[-1] < 1.0:
        shares.append(1.0)
        quals.append(running / n)
    return Curve(shares, quals, array("d", [float("nan")] * len(shares)))


def random_curve(small_quality: float, large_quality: float) -> Curve:
    """Random routing: each request to the large model with probability s (expected quality)."""
    return Curve(
        array("d", [0.0, 1.0]),
        array("d", [small_quality, large_quality]),
        array("d", [float("nan"), float("nan")]),
    )


def area(curve: Curve) -> float:
    """The area under the quality curve over shares 0..1 (trapezoids)."""
    s, q = curve.shares, curve.qualities
    return sum((s[i] - s[i - 1]) * (q[i] + q[i - 1]) / 2 for i in range(1, len(s)))


def apgr(curve: Curve, small_quality: float, large_quality: float) -> float | None:
    """Average performance gap recovered; None when the large model is no better."""
    gap = large_quality - small_quality
    if gap <= _EPS:
        return None
    return (area(curve) - small_quality) / gap


def share_to_recover(
    curve: Curve, fraction: float, small_quality: float, large_quality: float
) -> float | None:
    """CPT: the least large-model share at which the curve recovers `fraction` of the gap."""
    gap = large_quality - small_quality
    if gap <= _EPS:
        return None
    target = small_quality + fraction * gap
    s, q = curve.shares, curve.qualities
    for i in range(len(s)):
        if q[i] >= target - _EPS:
            if i == 0 or q[i] == q[i - 1]:
                return s[i]
            w = (target - q[i - 1]) / (q[i] - q[i - 1])
            return s[i - 1] + w * (s[i] - s[i - 1])
    return None


def points_near(curve: Curve, count: int) -> list[int]:
    """Indices of curve points closest to `count` + 1 evenly spaced shares (no repeats)."""
    chosen: list[int] = []
    shares = curve.shares
    j = 0
    for step in range(count + 1):
        want = step / count
        while j + 1 < len(shares) and abs(shares[j + 1] - want) <= abs(shares[j] - want):
            j += 1
        if not chosen or chosen[-1] != j:
            chosen.append(j)
    return chosen
