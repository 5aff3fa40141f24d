"""Self-hosting: a catalogue model served on rented GPUs, sized by memory and throughput."""

from __future__ import annotations

import math
from dataclasses import replace

from slmvllm.numbers.catalog import Catalog, Model
from slmvllm.numbers.cost_plans import (
    serving_plan,
)
from slmvllm.numbers.gpu_memory import memory_table
from slmvllm.numbers.pricing_inputs import _EPS, _Candidate, _Inputs, _license_warning


def _self_hosted_candidate(model: Model, inp: _Inputs, catalog: Catalog) -> _Candidate:
    cand = _Candidate(model, "self_hosted", warnings=_license_warning(model))
    if model.context_tokens is None:
        cand.warnings.append("context window not stated; not checked")
    elif model.context_tokens < inp.context_needed:
        cand.blockers.append(
            f"context window {model.context_tokens:,} tokens is smaller than the "
            f"{inp.context_needed:,} needed"
        )
    user_gpu = inp.gpu_memory_gb
    cand.serving = serving_plan(
        model,
        catalog,
        context_tokens=inp.context_needed,
        average_tokens=inp.input_tokens + inp.output_tokens,
        output_tokens=inp.output_tokens,
        gpu_memory_gb=user_gpu or None,
    )
    need = cand.serving.memory.total_gb
    if user_gpu is not None and user_gpu <= 0:
        cand.blockers.append("no GPU for self-hosting (gpu_memory_gb is 0)")
    elif user_gpu is not None and need > user_gpu + _EPS:
        smallest = memory_table(
            model,
            catalog,
            context_tokens=inp.context_needed,
            concurrency=catalog.throughput.concurrency,
            average_tokens=inp.input_tokens + inp.output_tokens,
            serving=True,
        )[-1]
        cand.blockers.append(
            f"does not fit one {user_gpu:g} GB GPU even at {smallest.precision_label} "
            f"({smallest.total_gb:,.1f} GB); it needs "
            f"{_gpus_to_share(smallest.total_gb, user_gpu)} such GPUs sharing the model"
        )
    if inp.hosting == "on_device":
        cand.no_cost = "runs on the users' devices: no GPU rental to price"
        if model.size_class == "llm":
            cand.blockers.append(
                "a large model does not run on a user's device (hosting: on_device)"
            )
        # One user, one request at a time, as compressed as the catalogue goes (GGUF Q4_K_M
        # and the like are what on-device runtimes load).
        device = memory_table(model, catalog, context_tokens=inp.context_needed)  # one request
        smallest = min(device, key=lambda m: m.total_gb)
        cand.serving = replace(cand.serving, memory=smallest, gpus_per_replica=1, sharded=False)
    return cand


def _gpus_to_share(total_gb: float, gpu_gb: float) -> str:
    # A GPU of a few bytes (gpu_memory_gb is any number >= 0) makes the count overflow.
    ratio = total_gb / gpu_gb
    if not math.isfinite(ratio) or ratio > 1e6:
        return "more than a million"
    return f"{math.ceil(ratio - _EPS):,}"
