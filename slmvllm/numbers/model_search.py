"""Searching the catalogue for `slmvllm models`: filters, and one JSON record per model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slmvllm.numbers.catalog import Catalog, Model
from slmvllm.numbers.gpu_memory import MemoryEstimate, smallest_fit

#: Context the --fits-gpu-gb filter sizes the KV cache for when no --min-context is given.
FILTER_CONTEXT_TOKENS = 4096


@dataclass(frozen=True)
class ModelMatch:
    """A model that passed the filters, with the memory estimate that made it fit (if asked)."""

    model: Model
    fit: MemoryEstimate | None = None


def filter_models(
    catalog: Catalog,
    *,
    open_weights: bool | None = None,
    max_params: float | None = None,
    fits_gpu_gb: float | None = None,
    min_context: int | None = None,
) -> list[ModelMatch]:
    """The catalogue's models that pass every filter given, in catalogue order.

    * ``open_weights``: only models whose weights can (True) or cannot (False) be downloaded.
    * ``max_params``: total parameters (all experts of a MoE) at most this many billions;
      models of undisclosed size are left out.
    * ``fits_gpu_gb``: weights, KV cache for one request of ``min_context`` tokens (or
      `FILTER_CONTEXT_TOKENS`) and runtime overhead fit one GPU of this many GB at the
      least compressed precision that fits; the match says which. Open weights only.
    * ``min_context``: a context window of at least this many tokens.
    """
    out: list[ModelMatch] = []
    for model in catalog.models:
        if open_weights is not None and model.open_weights != open_weights:
            continue
        if max_params is not None and (
            model.params_billion is None or model.params_billion > max_params
        ):
            continue
        if min_context is not None and (
            model.context_tokens is None or model.context_tokens < min_context
        ):
            continue
        fit = None
        if fits_gpu_gb is not None:
            if not model.open_weights:
                continue
            fit = smallest_fit(
                model,
                catalog,
                fits_gpu_gb,
                context_tokens=min_context or FILTER_CONTEXT_TOKENS,
            )
            if fit is None:
                continue
        out.append(ModelMatch(model, fit))
    return out


def model_record(model: Model, fit: MemoryEstimate | None = None) -> dict[str, Any]:
    """A JSON-ready description of one model for `slmvllm models --format json`."""
    from slmvllm.numbers.tiers import model_tier

    tier = model_tier(model)
    record: dict[str, Any] = {
        "id": model.id,
        "name": model.name,
        "vendor": model.vendor,
        "params_billion": model.params_billion,
        "active_params_billion": model.active_params_billion,
        "open_weights": model.open_weights,
        "license": model.license,
        "commercial_use": model.commercial_use,
        "commercial_use_note": model.commercial_use_note,
        "context_tokens": model.context_tokens,
        "context_note": model.context_note,
        "size_class": model.size_class,
        "prices": [
            {
                "provider": p.provider,
                "input_usd_per_million": p.input_usd_per_million,
                "output_usd_per_million": p.output_usd_per_million,
                "as_of": p.as_of,
                "status": p.status,
                **({"max_input_tokens": p.max_input_tokens} if p.max_input_tokens else {}),
                **({"note": p.note} if p.note else {}),
            }
            for p in model.prices
        ],
        "sources": list(model.sources),
        "caveats": list(model.caveats),
        "quality_tier": tier.tier,
        "quality_tier_source": tier.source,
    }
    if fit is not None:
        record["fits_gpu"] = fit.report().model_dump()
    return record
