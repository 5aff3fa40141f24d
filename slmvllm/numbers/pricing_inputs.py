"""What every candidate is priced from (volume, tokens, context, hosting, tier), and a
candidate as the pricing works with it before it becomes an `estimate_models.Candidate`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from slmvllm.numbers.catalog import Model, SizeClass
from slmvllm.numbers.cost_plans import (
    ApiPlan,
    ServingPlan,
)
from slmvllm.numbers.estimate_models import (
    Hosting,
)
from slmvllm.numbers.tiers import required_tier

#: Volume assumed when the requirements give none (break-even does not depend on it).
DEFAULT_MONTHLY_REQUESTS = 1_000_000
#: Token counts assumed when even the rule set gives none.
DEFAULT_INPUT_TOKENS = 500
DEFAULT_OUTPUT_TOKENS = 200
_EPS = 1e-9


# --------------------------------------------------------------------------- candidates


@dataclass
class _Inputs:
    requests: int
    requests_assumed: bool
    input_tokens: int
    output_tokens: int
    context_needed: int
    context_given: bool
    hosting: str
    gpu_memory_gb: float | None
    budget: float | None
    notes: list[str] = field(default_factory=list)
    tier: str | None = None  # the quality tier the large model must be of (None: any)
    tier_why: str = ""


def shape_inputs(values: Mapping[str, Any], tier: str | None = None) -> _Inputs:
    """The volume and request shape the estimates work with (defaults filled, with notes);
    `tier` overrides the quality tier the requirements call for."""
    return _inputs(values, tier)


def _inputs(values: Mapping[str, Any], tier_override: str | None = None) -> _Inputs:
    tier, tier_why = required_tier(values, tier_override)
    notes: list[str] = []
    requests = values.get("monthly_requests")
    assumed = requests is None
    if requests is None:
        requests = DEFAULT_MONTHLY_REQUESTS
        notes.append(
            f"monthly_requests not given: {requests:,} requests a month assumed, a round "
            "mid-size volume, so costs can be shown; the break-even volumes do not depend on it"
        )
    in_t = values.get("input_tokens")
    out_t = values.get("output_tokens")
    if in_t is None:
        in_t = DEFAULT_INPUT_TOKENS
        notes.append(f"input_tokens not given: {in_t} tokens per request assumed")
    if out_t is None:
        out_t = DEFAULT_OUTPUT_TOKENS
        notes.append(f"output_tokens not given: {out_t} tokens per request assumed")
    context = values.get("context_tokens")
    context_given = context is not None
    if context is None:
        context = max(in_t + out_t, 1)
        notes.append(
            f"context_tokens not given: the longest request is taken as input + output = "
            f"{context:,} tokens"
        )
    return _Inputs(
        requests=int(requests),
        requests_assumed=assumed,
        input_tokens=int(in_t),
        output_tokens=int(out_t),
        context_needed=int(context),
        context_given=context_given,
        hosting=values.get("hosting") or "any",
        gpu_memory_gb=values.get("gpu_memory_gb"),
        budget=values.get("budget_usd_per_month"),
        notes=notes,
        tier=tier,
        tier_why=tier_why,
    )


@dataclass
class _Candidate:
    model: Model
    hosting: Hosting
    api: ApiPlan | None = None
    serving: ServingPlan | None = None
    blockers: list[str] = field(default_factory=list)  # hard constraints, whatever the volume
    warnings: list[str] = field(default_factory=list)
    no_cost: str | None = None  # why no cost is given
    costs: dict[float, float | None] = field(default_factory=dict)  # memo of `cost`

    @property
    def option(self) -> SizeClass:
        return self.model.size_class

    def cost(self, requests: float) -> float | None:
        # Ranking, shortlisting and break-even ask for the same volume many times.
        if requests in self.costs:
            return self.costs[requests]
        found = self.costs[requests] = self._cost(requests)
        return found

    def _cost(self, requests: float) -> float | None:
        if self.no_cost is not None:
            return None
        if self.api is not None:
            return self.api.monthly_cost(requests)
        if self.serving is not None:
            return self.serving.monthly_cost(requests)
        return None

    def rank(self, requests: float) -> tuple[bool, bool, float, float, str, str]:
        cost = self.cost(requests)
        if cost is None and self.serving is not None:
            # Not priced (on the device): the smallest memory footprint first.
            size = self.serving.memory.total_gb
        else:
            size = -(self.model.params_billion or 0.0)  # equal cost: the larger model
        return (
            bool(self.blockers),
            self.model.commercial_use is False,
            math.inf if cost is None else cost,
            size,
            self.model.id,
            self.hosting,
        )


def _license_warning(model: Model) -> list[str]:
    if model.commercial_use is False:
        return [f"license forbids commercial use: {model.commercial_use_note}"]
    if model.commercial_use == "restricted":
        return [f"license restricts commercial use: {model.commercial_use_note}"]
    return []
