"""Do the rules' cost judgement and the catalogue's figures agree for this use case?

The rule set weighs cost in general terms (the article: small models are cheaper to run;
large ones are resource-intensive). The estimates price the user's own volume against
the catalogue. When the two point different ways, the report says so instead of leaving
a reader to find the contradiction.
"""

from __future__ import annotations

from collections.abc import Mapping

from slmvllm.estimate_models import (
    Candidate,
    CheapestCandidate,
    CostCheck,
    Estimates,
    PureOption,
)
from slmvllm.estimates import money

PURE_OPTIONS: tuple[PureOption, ...] = ("slm", "llm")


def _cheapest(candidates: list[Candidate], option: str) -> Candidate | None:
    fitting = [
        c for c in candidates if c.option == option and c.fits and c.monthly_cost_usd is not None
    ]
    return min(fitting, key=lambda c: c.monthly_cost_usd or 0.0, default=None)


def _label(cand: Candidate) -> str:
    where = f"via {cand.provider}" if cand.hosting == "api" else "self-hosted"
    return f"{cand.model} {where}, {money(cand.monthly_cost_usd or 0.0)} a month"


def _favoured(slm: float, llm: float, lower_wins: bool) -> PureOption | None:
    if slm == llm:
        return None
    return "slm" if (slm < llm) == lower_wins else "llm"


def cost_check(
    criteria_scores: Mapping[str, Mapping[str, float]],
    excluded: set[str],
    estimates: Estimates,
) -> CostCheck:
    """Compare the cost criterion's favourite (slm or llm) with the cheaper fitting candidate.

    `agrees` is None when there is nothing to compare: an option ruled out, no fitting
    candidate, or a tie on either side.
    """
    cheapest = {o: _cheapest(estimates.candidates, o) for o in PURE_OPTIONS}
    named = {
        o: None
        if c is None or c.monthly_cost_usd is None
        else CheapestCandidate(
            model=c.model, hosting=c.hosting, monthly_cost_usd=c.monthly_cost_usd
        )
        for o, c in cheapest.items()
    }
    slm, llm = cheapest["slm"], cheapest["llm"]
    ruled_out = [o for o in PURE_OPTIONS if o in excluded]
    if ruled_out or slm is None or llm is None:
        missing = [o.upper() for o in PURE_OPTIONS if cheapest[o] is None]
        why = (
            f"{' and '.join(ruled_out)} ruled out"
            if ruled_out
            else f"no fitting {' or '.join(missing)} candidate"
        )
        return CostCheck(
            rules_favour=None,
            figures_favour=None,
            agrees=None,
            cheapest=named,
            statement=f"Cost cross-check: nothing to compare ({why}).",
        )
    cost = {o: criteria_scores.get(o, {}).get("cost", 0.0) for o in PURE_OPTIONS}
    rules = _favoured(cost["slm"], cost["llm"], lower_wins=False)
    figures = _favoured(slm.monthly_cost_usd or 0.0, llm.monthly_cost_usd or 0.0, lower_wins=True)
    inputs = estimates.inputs
    volume = f"{inputs.monthly_requests:,} requests a month" + (
        " (assumed)" if inputs.monthly_requests_assumed else ""
    )
    pair = f"cheapest SLM {_label(slm)}; cheapest LLM {_label(llm)}"
    agrees: bool | None = None
    if rules is None or figures is None:
        tied = "the rules' cost criterion does" if rules is None else "the figures do"
        statement = f"Cost cross-check: {tied} not separate SLM and LLM ({pair})."
    elif rules == figures:
        agrees = True
        statement = (
            f"Cost cross-check: the rules' cost criterion and the figures at {volume} both "
            f"favour {rules.upper()} ({pair})."
        )
    else:
        agrees = False
        statement = (
            f"Cost cross-check: the rules' cost criterion favours {rules.upper()}, but at "
            f"{volume} the figures favour {figures.upper()} ({pair}). The rules judge cost "
            "in general terms; the figures price this volume with the catalogue."
        )
    return CostCheck(
        rules_favour=rules,
        figures_favour=figures,
        agrees=agrees,
        cheapest=named,
        statement=statement,
    )
