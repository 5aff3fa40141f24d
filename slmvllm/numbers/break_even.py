"""Break-even: the volume from which self-hosting a small model stays cheaper than the
cheapest fitting large-model API."""

from __future__ import annotations

import math

from slmvllm.numbers.cost_plans import (
    BREAK_EVEN_LIMIT,
    break_even_requests,
    first_cheaper_requests,
    money,
    price_text,
)
from slmvllm.numbers.estimate_models import (
    BreakEven,
)
from slmvllm.numbers.memo import IdentityMemo
from slmvllm.numbers.pricing_inputs import _EPS, _Candidate, _Inputs

# --------------------------------------------------------------------------- the entry point


def _best(cands: list[_Candidate], requests: float) -> _Candidate | None:
    usable = [c for c in cands if not c.blockers and c.cost(requests) is not None]
    return min(usable, key=lambda c: c.rank(requests)) if usable else None


def _break_even_of(slm: _Candidate, llm: _Candidate) -> float | None:
    assert slm.serving is not None and llm.api is not None
    return break_even_requests(
        slm.serving.replica_usd_per_month,
        slm.serving.replica_requests_per_month,
        llm.api.usd_per_request,
    )


_Pair = tuple["_Candidate | None", "_Candidate | None"]
_PAIRS: IdentityMemo[_Pair] = IdentityMemo(256)


def break_even_pair(cands: list[_Candidate], requests: float) -> _Pair:
    """The cheapest fitting LLM API, and the fitting self-hosted SLM that beats it soonest.

    Worked out once per candidate list and volume (the cost figures ask for it at many
    volumes of one request shape, and the estimates again for the same one).
    """
    return _PAIRS.get((cands,), (float(requests),), lambda: _break_even_pair(cands, requests))


def _break_even_pair(cands: list[_Candidate], requests: float) -> _Pair:
    llm = _best([c for c in cands if c.option == "llm" and c.hosting == "api"], requests)
    slms = [
        c
        for c in cands
        if c.option == "slm" and c.hosting == "self_hosted" and not c.blockers and c.no_cost is None
    ]
    if llm is None or not slms:
        return None, llm

    def key(c: _Candidate) -> tuple[bool, float, tuple[bool, bool, float, float, str, str]]:
        volume = _break_even_of(c, llm)
        return (volume is None, volume or 0.0, c.rank(requests))

    return min(slms, key=key), llm


def _break_even_block(
    slm: _Candidate | None, llm: _Candidate | None, inp: _Inputs, share: float = 0.0
) -> tuple[int | None, BreakEven]:
    """Break-even of self-hosting `slm` (for 1 - share of traffic) against the `llm` API."""
    volume, first, statement = _break_even_terms(slm, llm, inp, share)
    return volume, BreakEven(
        small_model=slm.model.id if slm else None,
        llm_model=llm.model.id if llm else None,
        llm_provider=llm.api.price.provider if llm and llm.api else None,
        range_max_monthly_requests=BREAK_EVEN_LIMIT,
        first_cheaper_monthly_requests=first,
        statement=statement,
    )


def whole_traffic(part: float, share: float) -> int | None:
    """The monthly requests in all, when the small model's part (`1 - share`) is `part`.

    Whole requests, rounded up; None above `BREAK_EVEN_LIMIT` (not stated, as for one model).
    """
    total = math.ceil(part / (1 - share) - _EPS)
    return total if total <= BREAK_EVEN_LIMIT else None


def _break_even_terms(
    slm: _Candidate | None, llm: _Candidate | None, inp: _Inputs, share: float
) -> tuple[int | None, int | None, str]:
    """(break-even volume, first cheaper volume, statement)."""
    if inp.hosting == "on_device":
        return None, None, "Not estimated: on_device runs on the users' devices, not rented GPUs."
    if llm is None or llm.api is None:
        why = (
            f"hosting is {inp.hosting}, so no API is allowed"
            if inp.hosting != "any"
            else "no large-model API fits the requirements"
        )
        return None, None, f"Not applicable: {why}."
    if slm is None or slm.serving is None:
        return (
            None,
            None,
            "Not applicable: no small model can be self-hosted under the requirements.",
        )
    if share >= 1:
        return (
            None,
            None,
            "Never: every request goes to the large model, so the router saves nothing.",
        )
    plan = slm.serving
    k = llm.api.usd_per_request
    c = plan.replica_usd_per_month
    r = plan.replica_requests_per_month
    volume = _break_even_of(slm, llm)
    per_k = f"{price_text(round(k * 1000, 6))} per 1,000 requests"
    who = f"self-hosting {slm.model.id}"
    if share:
        who = f"the hybrid ({slm.model.id} self-hosted for {1 - share:.1%} of requests)"
    not_within = f"Not within 0 to {BREAK_EVEN_LIMIT:,} requests a month."
    if volume is None:
        if k <= 0:
            return (
                None,
                None,
                f"Never: at {inp.input_tokens:,} input and {inp.output_tokens:,} output tokens "
                f"a request, {llm.model.id} via {llm.api.price.provider} costs nothing.",
            )
        if c / k >= r:
            return (
                None,
                None,
                f"Never: even the small model that comes closest, {slm.model.id}, costs "
                f"{price_text(round(c / r * 1000, 6))} per 1,000 requests on a fully used replica "
                f"({plan.gpus_per_replica} x {plan.gpu.id}, {money(c)} a month for "
                f"{math.floor(r):,} requests), more than {llm.model.id} via "
                f"{llm.api.price.provider} at {per_k}.",
            )
        return None, None, not_within
    total = whole_traffic(volume, share)
    if total is None:
        return None, None, not_within
    first = first_cheaper_requests(c, r, k)
    assert first is not None  # a break-even exists, so one replica beats the API somewhere
    first_total = whole_traffic(first, share)
    assert first_total is not None  # first <= volume, so it is within the limit too
    earlier = (
        f"; it is first cheaper at {first_total:,}, while one replica suffices"
        if first_total < total
        else ""
    )
    return (
        total,
        first_total,
        f"From {total:,} requests a month {who} stays cheaper than sending everything to "
        f"{llm.model.id} via {llm.api.price.provider} ({per_k}){earlier}; one replica "
        f"({plan.gpus_per_replica} x {plan.gpu.id}) costs {money(c)} a month and serves "
        f"up to {math.floor(r):,} requests.",
    )
