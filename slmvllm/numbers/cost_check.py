"""Do the rules' cost judgement and the catalogue's figures agree for this use case?

The rule set weighs cost in general terms (the article: small models are cheaper to run;
large ones are resource-intensive). The estimates price the user's own volume against
the catalogue. When the two point different ways, the report says so instead of leaving
a reader to find the contradiction.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from slmvllm.numbers.cost_plans import money
from slmvllm.numbers.estimate_models import (
    Candidate,
    CheapestCandidate,
    CostCheck,
    Estimates,
    PureOption,
)

PURE_OPTIONS: tuple[PureOption, ...] = ("slm", "llm")


def _cheapest(candidates: list[Candidate], option: str) -> Candidate | None:
    priced = [
        c for c in candidates if c.option == option and c.fits and c.monthly_cost_usd is not None
    ]
    return min(priced, key=lambda c: c.monthly_cost_usd or 0.0, default=None)


def _named(cand: Candidate | None) -> CheapestCandidate | None:
    if cand is None or cand.monthly_cost_usd is None:
        return None
    return CheapestCandidate(
        model=cand.model,
        hosting=cand.hosting,
        provider=cand.provider,
        monthly_cost_usd=cand.monthly_cost_usd,
    )


def _label(cand: Candidate) -> str:
    where = f"via {cand.provider}" if cand.hosting == "api" else "self-hosted"
    return f"{cand.model} {where}, {money(cand.monthly_cost_usd or 0.0)} a month"


def _favoured(slm: float, llm: float, lower_wins: bool) -> PureOption | None:
    if slm == llm:
        return None
    return "slm" if (slm < llm) == lower_wins else "llm"


def cost_check(
    criteria_scores: Mapping[str, Mapping[str, float]],
    excluded: Collection[str],
    estimates: Estimates,
    cost_weight: float | None,
) -> CostCheck:
    """Compare the cost criterion's favourite (slm or llm) with the cheaper priced candidate.

    `criteria_scores` are weighted; `cost_weight` is the cost criterion's weight in this
    run (None when the rule set has no `cost` criterion). `agrees` is None when there is
    nothing to compare: an option ruled out, no priced fitting candidate, cost not
    weighed, or a tie on either side.
    """
    cheapest = {o: _cheapest(estimates.candidates, o) for o in PURE_OPTIONS}
    named = {o: _named(c) for o, c in cheapest.items()}
    slm, llm = cheapest["slm"], cheapest["llm"]
    ruled_out = [o.upper() for o in PURE_OPTIONS if o in excluded]
    if ruled_out or slm is None or llm is None:
        missing = [o.upper() for o in PURE_OPTIONS if cheapest[o] is None]
        why = (
            f"{' and '.join(ruled_out)} ruled out"
            if ruled_out
            else f"no fitting {' or '.join(missing)} candidate with a monthly cost"
        )
        return CostCheck(
            rules_favour=None,
            figures_favour=None,
            agrees=None,
            cheapest=named,
            statement=f"Cost cross-check: nothing to compare ({why}).",
        )
    cost = {o: criteria_scores.get(o, {}).get("cost", 0.0) for o in PURE_OPTIONS}
    rules = _favoured(cost["slm"], cost["llm"], lower_wins=False) if cost_weight else None
    figures = _favoured(slm.monthly_cost_usd or 0.0, llm.monthly_cost_usd or 0.0, lower_wins=True)
    inputs = estimates.inputs
    volume = f"{inputs.monthly_requests:,} requests a month" + (
        " (assumed)" if inputs.monthly_requests_assumed else ""
    )
    pair = f"cheapest SLM {_label(slm)}; cheapest LLM {_label(llm)}"
    agrees: bool | None = None
    if rules is not None and figures is not None:
        agrees = rules == figures
        statement = (
            f"the rules' cost criterion and the figures at {volume} both favour "
            f"{rules.upper()} ({pair})."
            if agrees
            else f"the rules' cost criterion favours {rules.upper()}, but at {volume} the "
            f"figures favour {figures.upper()} ({pair}). The rules judge cost in general "
            "terms; the figures price this volume with the catalogue."
        )
    else:
        if cost_weight is None:
            said = "the rule set has no cost criterion"
        elif cost_weight == 0:
            said = "cost weighs 0 in this run (priorities.cost), so the rules do not judge it"
        elif rules is None:
            said = "the rules' cost criterion does not separate SLM and LLM"
        else:
            said = f"the rules' cost criterion favours {rules.upper()}"
        shown = (
            f"at {volume} the figures favour {figures.upper()}"
            if figures is not None
            else f"at {volume} the figures do not separate them"
        )
        statement = f"{said}; {shown} ({pair})."
    return CostCheck(
        rules_favour=rules,
        figures_favour=figures,
        agrees=agrees,
        cheapest=named,
        statement=f"Cost cross-check: {statement}",
    )
