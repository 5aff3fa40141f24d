"""What each model of a trial costs a month, from the catalogue: its API or self-hosting.

The candidates are the estimates' own (`slmvllm.numbers.estimates.shape_candidates`):
an API at the model's cheapest active price row, and, for open weights, self-hosting on
the catalogue's serving GPU (replicas always on). At each volume the cheaper of the
ways the requirements allow is taken, so a model split by a router is priced for the
share of traffic it gets (a self-hosted replica costs the same however little it serves).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slmvllm.errors import InputError, Problem, did_you_mean
from slmvllm.numbers.catalog import Catalog, Model
from slmvllm.numbers.estimates import shape_candidates, shape_inputs


@dataclass(frozen=True)
class Shape:
    """The volume and request shape costs are worked out at, and where each came from."""

    monthly_requests: int
    input_tokens: int
    output_tokens: int
    values: dict[str, Any]
    notes: tuple[str, ...]


def trial_shape(
    requirements: Mapping[str, Any] | None, log_tokens: tuple[float | None, float | None]
) -> Shape:
    """The requirements' volume and token lengths; the log's mean tokens where they give none."""
    values = dict(requirements or {})
    notes: list[str] = []
    for key, logged in zip(("input_tokens", "output_tokens"), log_tokens, strict=True):
        if values.get(key) is None and logged is not None:
            values[key] = round(logged)
            notes.append(f"{key}: {round(logged):,} a request, the log's mean")
        elif values.get(key) is not None:
            notes.append(f"{key}: {values[key]:,} a request, from the requirements")
    inp = shape_inputs(values)
    if values.get("monthly_requests") is not None:
        notes.insert(0, f"monthly_requests: {inp.requests:,}, from the requirements")
    notes.extend(inp.notes)
    values.update(
        monthly_requests=inp.requests,
        input_tokens=inp.input_tokens,
        output_tokens=inp.output_tokens,
    )
    return Shape(inp.requests, inp.input_tokens, inp.output_tokens, values, tuple(notes))


@dataclass(frozen=True)
class ModelPricing:
    """The ways one model can be run under the requirements, priced at any volume."""

    model: Model
    catalog: Catalog
    values: Mapping[str, Any]
    why_not: str | None  # why no way is priced, when none is

    def monthly(self, requests: float) -> tuple[float | None, str]:
        """The cheapest monthly cost at this volume and how (None when not priced)."""
        if requests <= 0:
            return 0.0, "no requests"
        best: tuple[float, str] | None = None
        for cand in shape_candidates(shape_inputs(self.values), self.catalog):
            if cand.model.id != self.model.id or cand.blockers:
                continue
            cost = cand.cost(requests)
            if cost is None:
                continue
            if cand.api is not None:
                how = f"API {cand.api.price.provider} (prices as of {cand.api.price.as_of})"
            else:
                assert cand.serving is not None
                plan = cand.serving
                gpus = plan.replicas(requests) * plan.gpus_per_replica
                how = (
                    f"self-hosted on {gpus} x {plan.gpu.id} "
                    f"(${plan.gpu.usd_per_gpu_hour:g}/GPU-hour as of {plan.gpu.as_of})"
                )
            if best is None or cost < best[0] - 1e-9:
                best = (cost, how)
        if best is None:
            return None, self.why_not or "not priced"
        return best


def model_pricing(catalog: Catalog, model_id: str, flag: str, shape: Shape) -> ModelPricing:
    """The pricing of the catalogue model `model_id`, or an InputError naming the flag."""
    try:
        model = catalog.model(model_id)
    except KeyError:
        raise InputError(
            Problem(
                "command line",
                f"{flag} {model_id!r} is not in the catalogue"
                f"{did_you_mean(model_id, [m.id for m in catalog.models])}; "
                "`slmvllm models` lists the ids, --catalog adds your own",
            )
        ) from None
    reasons = [
        "; ".join(c.blockers)
        for c in shape_candidates(shape_inputs(shape.values), catalog)
        if c.model.id == model.id and c.blockers
    ]
    why = reasons[0] if reasons else None
    return ModelPricing(model, catalog, shape.values, why)
