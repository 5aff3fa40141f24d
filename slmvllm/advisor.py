"""The one core function: requirements + rule set + catalogue -> the whole `Result`.

`advise` puts the two halves together: the rules' advice (`slmvllm.advice.engine`)
and the numbers behind it (`slmvllm.numbers.estimates`, `slmvllm.numbers.cost_check`).
The `advise` and `eval` commands, `rules diff`, the tests and Python users all call
it, so there is exactly one way a result is made.

    >>> from slmvllm.advisor import advise
    >>> from slmvllm.requirements import Requirements
    >>> advise(Requirements(task_type="classification")).recommendation in {"slm", "llm", "hybrid"}
    True
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from slmvllm.advice.engine import advice_for, weights
from slmvllm.advice.engine import check_feasible as engine_check_feasible
from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advice.rule_sets import load_rule_set
from slmvllm.numbers.catalog import Catalog, load_catalog
from slmvllm.numbers.cost_check import cost_check
from slmvllm.numbers.estimates import estimate
from slmvllm.numbers.figures import FIGURE_INPUTS, cost_figures, figures_settled
from slmvllm.precedents import find_precedents
from slmvllm.requirements import Requirements
from slmvllm.result import Result


@dataclass(frozen=True)
class CatalogFigures:
    """The cost figures rules may test, worked out from a catalogue (`cost_figures`)."""

    catalog: Catalog
    reads: frozenset[str] = FIGURE_INPUTS

    def __call__(self, values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[float]]]:
        return cost_figures(values, self.catalog)

    def settled(self, values: Mapping[str, Any], open_fields: Collection[str]) -> bool:
        """Whether the figures stay as they are whatever the open fields turn out to be."""
        return figures_settled(values, open_fields)


@cache
def default_rule_set() -> RuleSet:
    """The shipped rule set, loaded and checked once per process."""
    return load_rule_set().rule_set


@cache
def default_catalog() -> Catalog:
    """The shipped catalogue and serving figures, loaded and checked once per process."""
    return load_catalog()


def check_feasible(
    requirements: Requirements, rule_set: RuleSet | None = None, catalog: Catalog | None = None
) -> None:
    """Raise `NoFeasibleOptionError` when the hard constraints rule out every option (cheap)."""
    rs = rule_set if rule_set is not None else default_rule_set()
    cat = catalog if catalog is not None else default_catalog()
    engine_check_feasible(rs, requirements, CatalogFigures(cat))


def advise(
    requirements: Requirements,
    rule_set: RuleSet | None = None,
    catalog: Catalog | None = None,
    *,
    all_candidates: bool = False,
    tier: str | None = None,
    exclude_precedents: Iterable[str] = (),
) -> Result:
    """The full, explained recommendation for one use case, with the numbers behind it.

    `rule_set` and `catalog` default to the shipped ones. The estimates list the
    compact candidate list unless `all_candidates` (see `estimate`). `tier` overrides the
    quality tier the large model is picked from (`slmvllm.numbers.tiers`). Raises
    `NoFeasibleOptionError` when the hard constraints rule out every option. The
    result names the documented decisions most like the use case (`precedents`), never
    one whose id is in `exclude_precedents` (`eval` leaves each case out of its own).
    """
    rs = rule_set if rule_set is not None else default_rule_set()
    cat = catalog if catalog is not None else default_catalog()
    # The figures the rules read compare against the cheapest large model of any tier, as
    # the rule set was fitted on; the estimates below price the tier the use case needs.
    shown, vote = find_precedents(requirements.given(), exclude_precedents)
    advice = advice_for(
        rs, requirements, CatalogFigures(cat), vote=vote.choice if vote is not None else None
    )
    numbers = estimate(
        advice.requirements, advice.recommendation, cat, all_candidates=all_candidates, tier=tier
    )
    cost_weight = weights(rs, requirements.priorities).get("cost")
    excluded = {e.option for e in advice.excluded}
    check = cost_check(advice.criteria_scores, excluded, numbers, cost_weight)
    numbers = numbers.model_copy(update={"cost_check": check})
    basis = dict(advice.confidence_basis)
    if vote is None:
        basis["precedents"] = "none"
    else:
        agree = vote.choice == advice.recommendation
        basis["precedents"] = "agree" if agree else "disagree"
    return Result.model_construct(
        **{**dict(advice), "confidence_basis": basis},
        estimates=numbers,
        precedents=shown,
        precedent_vote=vote,
    )
