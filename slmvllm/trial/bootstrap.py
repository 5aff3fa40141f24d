"""A seeded bootstrap over requests: how sure is the quality a routing point keeps?

The statistic is the quality a policy keeps as a share of the large model's quality,
both measured on the same resampled requests: sum(policy grades) / sum(large grades).
Resample b (b = 1..B) draws its requests with `random.Random(seed).choices(range(n),
k=m)`, one call per resample in order, so a seed gives the same interval everywhere.

Up to SAMPLE_LIMIT requests, m = n: the plain percentile bootstrap. Above it, m =
SAMPLE_LIMIT and each resampled value v is moved to est + (v - est) x sqrt(m / n), est
being the value on the whole log: the spread of a ratio of means shrinks as 1/sqrt(n)
(the "m out of n" bootstrap; Bickel, Goetze and van Zwet 1997, Statistica Sinica 7(1)),
which keeps a million-request log's interval to a second's work.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

RESAMPLES = 200
SAMPLE_LIMIT = 10_000
LOW, HIGH = 0.025, 0.975


@dataclass(frozen=True)
class Interval:
    """A 95% percentile interval of the quality kept, and how often the target held."""

    low: float
    high: float
    target_held: float  # share of resamples at or above the target
    resamples: int
    seed: int
    sample: int  # requests drawn per resample (m)


def nearest_rank(sorted_values: Sequence[float], p: float) -> float:
    """The value at index round(p x (B - 1)) of B sorted values."""
    return sorted_values[round(p * (len(sorted_values) - 1))]


def bootstrap_kept(
    policy: Sequence[float],
    large: Sequence[float],
    target: float,
    *,
    seed: int = 0,
    resamples: int = RESAMPLES,
    limit: int = SAMPLE_LIMIT,
) -> Interval | None:
    """The interval of sum(policy) / sum(large) over resampled requests (None: no large grade)."""
    n = len(policy)
    total_large = sum(large)
    if n == 0 or total_large <= 0:
        return None
    est = sum(policy) / total_large
    m = min(n, limit)
    scale = math.sqrt(m / n)
    rng = random.Random(seed)
    population = range(n)
    values: list[float] = []
    for _ in range(resamples):
        idx = rng.choices(population, k=m)
        den = sum(map(large.__getitem__, idx))
        if den <= 0:
            continue
        value = sum(map(policy.__getitem__, idx)) / den
        values.append(value if m == n else est + (value - est) * scale)
    if not values:
        return None
    values.sort()
    held = sum(1 for v in values if v >= target - 1e-12) / len(values)
    return Interval(
        nearest_rank(values, LOW), nearest_rank(values, HIGH), held, len(values), seed, m
    )
