"""The share of requests a hybrid router sends to the large model, from router results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slmvllm.numbers.catalog import Routing, ShareFigure


def llm_share(values: Mapping[str, Any], routing: Routing) -> tuple[float, str]:
    """The share of requests a router sends to the large model, and why.

    The quality bar sets how much of the large model's quality the router must keep:
    best_effort half the gap between the models (RouteLLM's CPT(50%)), high 80% of it
    (CPT(80%)), critical all of it (Hybrid LLM: up to 40% fewer large-model calls with
    no drop in quality). Those figures hold for a router trained on data like the
    traffic: RouteLLM's routers learned from Chatbot Arena (open-ended chat) and were
    near random on an out-of-distribution benchmark until about 1,500 in-domain labels
    were added. So the learned-router figures apply when the task is chat or
    open-ended, or there are that many labelled examples; otherwise the router is
    assumed no better than random (share = the quality kept; critical: every request).
    """
    quality = values.get("quality_bar") or "high"
    assumed_quality = values.get("quality_bar") is None
    labels = values.get("labelled_examples")
    needed = routing.in_distribution_labels.value
    reasons = []
    if values.get("task_type") == "chat":
        reasons.append("the task is chat, like the router's Arena training data")
    if values.get("task_breadth") == "open_ended":
        reasons.append("the traffic is open-ended, like the router's Arena training data")
    if labels is not None and labels >= needed:
        reasons.append(f"{labels:,} labelled examples (>= {needed:,.0f}) can train it in-domain")
    trained = bool(reasons)
    figure: ShareFigure | None
    if trained:
        figure = {
            "best_effort": routing.learned_router_cpt50,
            "high": routing.learned_router_cpt80,
            "critical": routing.no_quality_drop,
        }[quality]
        why = "a trained router applies: " + "; ".join(reasons)
    else:
        figure = {
            "best_effort": routing.random_router_cpt50,
            "high": routing.random_router_cpt80,
            "critical": None,
        }[quality]
        why = (
            "no sign the router can be trained on traffic like yours (task not chat, "
            f"not open-ended, fewer than {needed:,.0f} labelled examples), so it is assumed "
            "no better than random"
        )
    target = {
        "best_effort": "keep half the quality gap between the models (CPT(50%))",
        "high": "keep 80% of the quality gap (CPT(80%))",
        "critical": "keep all of the large model's quality",
    }[quality]
    qb = f"quality_bar {quality}" + (" (assumed)" if assumed_quality else "")
    if figure is None:
        return 1.0, (
            f"{qb}: {target}; {why}, and only a trained router has been shown to keep full "
            "quality, so every request goes to the large model (a hybrid saves nothing)"
        )
    return figure.value, f"{qb}: {target}; {why}; share {figure.value:g} from {figure.source}"
