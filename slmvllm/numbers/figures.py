"""Cost figures the rules may test: the estimates' own comparisons, as facts about a use case.

The default rule set's cost claims used to be fixed request counts ("10 million a
month or more favours a self-hosted small model") that the catalogue's prices did not
bear out. These figures read the same candidates, prices and break-even arithmetic as
the estimates (`slmvllm.numbers.estimates`), so the advice and the numbers cannot
disagree:

* ``self_hosting_vs_api``: at this volume, self-hosting the fitting small model that
  breaks even soonest is ``cheaper`` (the volume is at or above its break-even) or
  ``dearer`` than the cheapest fitting large-model API;
* ``hybrid_vs_api``: the same for the hybrid, whose small model serves the share of
  requests the router keeps (`slmvllm.numbers.hybrid_share`);
* ``llm_api_vs_gpu_month``: the cheapest fitting large-model API's bill is ``under`` or
  ``over`` the price of one always-on serving GPU for a month (the catalogue's GPU-hour
  price x 730 h), the least a self-hosted model costs.

Each is None when it cannot be worked out: no volume given, hosting that allows no
API, or no fitting candidate. Each comparison is a volume threshold (and the hybrid's
share turns on the count of labelled examples); `cost_figures` returns those
thresholds too, so the sensitivity search tries both sides of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from slmvllm.numbers.catalog import Catalog
from slmvllm.numbers.cost_plans import BREAK_EVEN_LIMIT, HOURS_PER_MONTH, break_even_requests
from slmvllm.numbers.estimates import break_even_pair, shape_candidates, shape_inputs
from slmvllm.numbers.hybrid_share import llm_share
from slmvllm.requirements import FIGURE_FIELDS

_EPS = 1e-9

#: The requirements fields the figures are worked out from.
FIGURE_INPUTS = frozenset(
    {
        "monthly_requests",
        "input_tokens",
        "output_tokens",
        "context_tokens",
        "hosting",
        "gpu_memory_gb",
        "quality_bar",
        "labelled_examples",
        "task_type",
        "task_breadth",
    }
)


def _threshold(volume: float | None, share: float = 0.0) -> int | None:
    """A break-even volume as the estimates state it (whole requests, within the range)."""
    if volume is None or share >= 1:
        return None
    total = math.ceil(volume / (1 - share) - _EPS)
    return total if total <= BREAK_EVEN_LIMIT else None


def _compared(requests: int, threshold: int | None) -> str:
    return "cheaper" if threshold is not None and requests >= threshold else "dearer"


def cost_figures(
    values: Mapping[str, Any], catalog: Catalog
) -> tuple[dict[str, Any], dict[str, list[float]]]:
    """(the figures by name, the volume thresholds they turn on: {"monthly_requests": [...]})."""
    figures: dict[str, Any] = dict.fromkeys(FIGURE_FIELDS)
    requests = values.get("monthly_requests")
    if requests is None or (values.get("hosting") or "any") != "any":
        return figures, {}
    inp = shape_inputs(values)
    cands = shape_candidates(inp, catalog)
    slm, llm = break_even_pair(cands, requests)
    if llm is None or llm.api is None:
        return figures, {}
    cuts: list[float] = []
    per_request = llm.api.usd_per_request
    gpu_month = catalog.serving_gpu.usd_per_gpu_hour * HOURS_PER_MONTH
    figures["llm_api_vs_gpu_month"] = "under" if requests * per_request < gpu_month else "over"
    if per_request > 0:
        cuts.append(gpu_month / per_request)
    if slm is not None and slm.serving is not None:
        volume = break_even_requests(
            slm.serving.replica_usd_per_month,
            slm.serving.replica_requests_per_month,
            per_request,
        )
        own = _threshold(volume)
        share, _ = llm_share(values, catalog.routing)
        mixed = _threshold(volume, share)
        figures["self_hosting_vs_api"] = _compared(requests, own)
        figures["hybrid_vs_api"] = _compared(requests, mixed)
        cuts += [t for t in (own, mixed) if t is not None]
        # The router's share turns on the labelled examples too (a trained router from
        # this many): the search must try both sides of that count as well.
        labels = [float(catalog.routing.in_distribution_labels.value)]
        return figures, {"monthly_requests": sorted(set(cuts)), "labelled_examples": labels}
    return figures, {"monthly_requests": sorted(set(cuts))}
