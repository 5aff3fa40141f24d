"""API pricing: a catalogue model sent requests through a provider's API, priced per token."""

from __future__ import annotations

import math

from slmvllm.numbers.catalog import Model
from slmvllm.numbers.cost_plans import (
    api_plan,
)
from slmvllm.numbers.pricing_inputs import _Candidate, _Inputs, _license_warning


def _api_candidate(model: Model, inp: _Inputs) -> _Candidate:
    cand = _Candidate(model, "api", warnings=_license_warning(model))
    active = model.active_prices()
    if not active:
        states = ", ".join(sorted({f"{p.provider} {p.status}" for p in model.prices}))
        cand.blockers.append(f"no price that can still be bought ({states})")
        return cand
    roomy = [
        p
        for p in active
        if (p.max_input_tokens or model.context_tokens or math.inf) >= inp.context_needed
    ]
    if not roomy:
        widest = max((p.max_input_tokens or model.context_tokens or 0) for p in active)
        cand.blockers.append(
            f"context window {widest:,} tokens is smaller than the {inp.context_needed:,} needed"
        )
        roomy = active
    plans = [api_plan(p, inp.input_tokens, inp.output_tokens) for p in roomy]
    cand.api = min(plans, key=lambda plan: (plan.usd_per_request, plan.price.provider))
    if model.context_tokens is None and cand.api.price.max_input_tokens is None:
        cand.warnings.append("context window not stated; not checked")
    return cand
