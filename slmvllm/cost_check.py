"""Do the rules' cost judgement and the catalogue's figures agree for this use case?

The rule set weighs cost in general terms (the article: small models are cheaper to run;
large ones are resource-intensive). The estimates price the user's own volume against
the catalogue. When the two point different ways, the report says so instead of leaving
a reader to find the contradiction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slmvllm.estimates import money

PURE_OPTIONS = ("slm", "llm")


def _cheapest(candidates: list[dict[str, Any]], option: str) -> dict[str, Any] | None:
    fitting = [
        c
        for c in candidates
        if c["option"] == option and c["fits"] and c.get("monthly_cost_usd") is not None
    ]
    return min(fitting, key=lambda c: c["monthly_cost_usd"], default=None)


def _label(cand: dict[str, Any]) -> str:
    where = f"via {cand['provider']}" if cand["hosting"] == "api" else "self-hosted"
    return f"{cand['model']} {where}, {money(cand['monthly_cost_usd'])} a month"


def cost_check(
    criteria_scores: Mapping[str, Mapping[str, float]],
    excluded: set[str],
    estimates: Mapping[str, Any],
) -> dict[str, Any]:
    """Compare the cost criterion's favourite (slm or llm) with the cheaper fitting candidate.

    Returns `agrees` (True, False, or None when there is nothing to compare), the option
    each side favours, the two cheapest candidates and a one-line statement.
    """
    inputs = estimates.get("inputs", {})
    requests = inputs.get("monthly_requests")
    cheapest = {o: _cheapest(estimates.get("candidates", []), o) for o in PURE_OPTIONS}
    cost = {o: criteria_scores.get(o, {}).get("cost", 0.0) for o in PURE_OPTIONS}
    record: dict[str, Any] = {
        "rules_favour": None,
        "figures_favour": None,
        "agrees": None,
        "cheapest": {
            o: None if c is None else {k: c[k] for k in ("model", "hosting", "monthly_cost_usd")}
            for o, c in cheapest.items()
        },
    }
    ruled_out = [o for o in PURE_OPTIONS if o in excluded]
    missing = [o for o in PURE_OPTIONS if cheapest[o] is None]
    slm, llm = cheapest["slm"], cheapest["llm"]
    if ruled_out or slm is None or llm is None:
        why = (
            f"{' and '.join(ruled_out)} ruled out"
            if ruled_out
            else f"no fitting {' or '.join(o.upper() for o in missing)} candidate"
        )
        record["statement"] = f"Cost cross-check: nothing to compare ({why})."
        return record
    if cost["slm"] != cost["llm"]:
        record["rules_favour"] = "slm" if cost["slm"] > cost["llm"] else "llm"
    if slm["monthly_cost_usd"] != llm["monthly_cost_usd"]:
        record["figures_favour"] = (
            "slm" if slm["monthly_cost_usd"] < llm["monthly_cost_usd"] else "llm"
        )
    rules, figures = record["rules_favour"], record["figures_favour"]
    volume = f"{requests:,} requests a month" + (
        " (assumed)" if inputs.get("monthly_requests_assumed") else ""
    )
    pair = f"cheapest SLM {_label(slm)}; cheapest LLM {_label(llm)}"
    if rules is None or figures is None:
        tied = "the rules' cost criterion does" if rules is None else "the figures do"
        record["statement"] = f"Cost cross-check: {tied} not separate SLM and LLM ({pair})."
        return record
    record["agrees"] = rules == figures
    if record["agrees"]:
        record["statement"] = (
            f"Cost cross-check: the rules' cost criterion and the figures at {volume} both "
            f"favour {rules.upper()} ({pair})."
        )
    else:
        record["statement"] = (
            f"Cost cross-check: the rules' cost criterion favours {rules.upper()}, but at "
            f"{volume} the figures favour {figures.upper()} ({pair}). The rules judge cost "
            "in general terms; the figures price this volume with the catalogue."
        )
    return record
