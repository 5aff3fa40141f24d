"""The cost cross-check: the rules' cost criterion against the catalogue's cheapest figures."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from slmvllm.numbers.catalog import load_catalog
from slmvllm.numbers.cost_check import cost_check
from slmvllm.numbers.estimate_models import Candidate, Estimates
from slmvllm.numbers.estimates import estimate

from .conftest import EXAMPLES, Run

Invoke = Callable[..., Run]


def cand(option: str, model: str, usd: float | None, *, fits: bool = True) -> Candidate:
    return Candidate(
        model=model,
        name=model,
        option=option,
        hosting="api",
        provider="p",
        monthly_cost_usd=usd,
        gpu_memory_gb=None,
        precision=None,
        gpus=None,
        params_billion=None,
        active_params_billion=None,
        context_tokens=None,
        license=None,
        commercial_use=True,
        fits=fits,
        why_not=None if fits else "does not fit",
        warnings=[],
    )


def numbers(*cands: Candidate, assumed: bool = False) -> Estimates:
    """Real estimates with the candidates and the volume replaced."""
    base = estimate({}, "slm", load_catalog())
    inputs = base.inputs.model_copy(
        update={"monthly_requests": 2_000_000, "monthly_requests_assumed": assumed}
    )
    return base.model_copy(update={"candidates": list(cands), "inputs": inputs})


S10, S90, L50 = cand("slm", "s", 10), cand("slm", "s", 90), cand("llm", "l", 50)
# fmt: off
CASES = [
    # (slm cost points, llm cost points, cost weight, excluded, candidates,
    #  rules favour, figures favour, agrees, phrase in the statement)
    (6.0, -3.0, 3.0, set(), [S10, L50], "slm", "slm", True, "both favour SLM"),
    (6.0, -3.0, 3.0, set(), [S90, L50], "slm", "llm", False, "the figures favour LLM"),
    (-3.0, 6.0, 3.0, set(), [S10, L50], "llm", "slm", False, "cost criterion favours LLM"),
    (3.0, 3.0, 3.0, set(), [S10, L50], None, "slm", None,
     "does not separate SLM and LLM; at 2,000,000 requests a month the figures favour SLM"),
    (6.0, 0.0, 3.0, set(), [cand("slm", "s", 50), L50], "slm", None, None,
     "the rules' cost criterion favours SLM; at 2,000,000 requests a month the figures do "
     "not separate them"),
    # cost weighed 0 (priorities.cost=0): every weighted cost score is 0
    (0.0, 0.0, 0.0, set(), [S10, L50], None, "slm", None, "cost weighs 0 in this run"),
    (0.0, 0.0, None, set(), [S10, L50], None, "slm", None, "the rule set has no cost criterion"),
    (6.0, 0.0, 3.0, {"llm"}, [S10, L50], None, None, None, "nothing to compare (LLM ruled out)"),
    # the cheapest SLM does not fit: the next one counts
    (6.0, 0.0, 3.0, set(), [cand("slm", "s", 1, fits=False), cand("slm", "t", 70), L50],
     "slm", "llm", False, "cheapest SLM t via p, $70.00"),
    # fitting but not priced (on the device) counts as no candidate with a cost
    (6.0, 0.0, 3.0, set(), [cand("slm", "s", None), L50], None, None, None,
     "no fitting SLM candidate with a monthly cost"),
    (6.0, 0.0, 3.0, set(), [S10, cand("llm", "l", 50, fits=False)], None, None, None,
     "no fitting LLM candidate"),
]
# fmt: on


@pytest.mark.parametrize(
    ("slm", "llm", "weight", "excluded", "cands", "rules", "figures", "agrees", "phrase"), CASES
)
def test_cost_check(
    slm: float,
    llm: float,
    weight: float | None,
    excluded: set[str],
    cands: list[Candidate],
    rules: str | None,
    figures: str | None,
    agrees: bool | None,
    phrase: str,
) -> None:
    scores = {"slm": {"cost": slm}, "llm": {"cost": llm}, "hybrid": {"cost": 9.0}}
    got = cost_check(scores, excluded, numbers(*cands), weight)
    assert (got.rules_favour, got.figures_favour, got.agrees) == (rules, figures, agrees)
    assert phrase in got.statement


def test_an_assumed_volume_is_said_to_be_assumed() -> None:
    scores = {"slm": {"cost": 6.0}, "llm": {"cost": 0.0}}
    got = cost_check(scores, set(), numbers(S10, L50, assumed=True), 3.0)
    assert "2,000,000 requests a month (assumed)" in got.statement
    assert got.cheapest["slm"] is not None and got.cheapest["slm"].provider == "p"


def test_the_cross_check_is_in_json_and_text(invoke: Invoke) -> None:
    # The cheapest candidates are in the full form; the lean one keeps the statement.
    path = str(EXAMPLES / "support-triage.yaml")
    doc = json.loads(invoke("advise", "-r", path, "-f", "json", "--full-json").out)
    check = doc["estimates"]["cost_check"]
    # support-triage: the cost criterion favours slm (+6 against -3); at 800,000 requests of
    # 350 + 10 tokens the cheapest SLM (Llama 3.2 3B at $0.02/M both ways) costs
    # 800,000 x 360 x 0.02 / 1e6 = $5.76 and the cheapest LLM (Gemini 2.5 Flash-Lite,
    # $0.10 in, $0.40 out) 800,000 x (350 x 0.10 + 10 x 0.40) / 1e6 = $31.20.
    assert check["agrees"] is True
    assert check["cheapest"]["slm"]["monthly_cost_usd"] == pytest.approx(5.76)
    assert check["cheapest"]["llm"]["monthly_cost_usd"] == pytest.approx(31.20)
    text = " ".join(
        invoke("advise", "-r", path, "--explain").out.split()
    )  # undo the report's wrapping
    assert "Cost cross-check: the rules' cost criterion and the figures" in text
    # priorities.cost=0 takes cost out of the rules' judgement: the check says so.
    zero = invoke("advise", "-r", path, "--set", "priorities.cost=0", "-f", "json").out
    assert "cost weighs 0" in json.loads(zero)["estimates"]["cost_check"]["statement"]


def test_the_statement_names_a_self_hosted_candidate_and_a_free_one_at_zero() -> None:
    # A self-hosted small model at $0.00 (a user catalogue may price it so) against an
    # API model at $50: the figures favour SLM; the labels say where each runs.
    free = cand("slm", "s", 0.0).model_copy(update={"hosting": "self_hosted", "provider": None})
    got = cost_check({"slm": {"cost": 6.0}, "llm": {"cost": 0.0}}, set(), numbers(free, L50), 3.0)
    assert got.statement == (
        "Cost cross-check: the rules' cost criterion and the figures at 2,000,000 requests a "
        "month both favour SLM (cheapest SLM s self-hosted, $0.00 a month; cheapest LLM l via "
        "p, $50.00 a month)."
    )


# fmt: off
EDGES = [
    # (criteria scores, cost weight, excluded, candidates, rules, figures, statement part)
    # the cheapest of several fitting SLMs is the one compared, wherever it is listed
    ({"slm": {"cost": 6.0}, "llm": {"cost": 0.0}}, 3.0, set(), [S90, S10, L50], "slm", "slm",
     "cheapest SLM s via p, $10.00 a month"),
    # $0.00 is the cheapest there is (not "no cost"), on either side
    ({"slm": {"cost": 6.0}, "llm": {"cost": 0.0}}, 3.0, set(),
     [cand("slm", "a", 0.5), cand("slm", "free", 0.0), L50], "slm", "slm", "cheapest SLM free via p, $0.00"),
    ({"slm": {"cost": 6.0}, "llm": {"cost": 0.0}}, 3.0, set(),
     [cand("slm", "s", 0.0), cand("llm", "l", 0.5)], "slm", "slm", "both favour SLM"),
    ({"slm": {"cost": 6.0}, "llm": {"cost": 0.0}}, 3.0, set(),
     [cand("slm", "s", 0.5), cand("llm", "l", 0.0)], "slm", "llm", "the figures favour LLM"),
    # an option or a criterion missing from the scores counts as 0 points
    ({"slm": {"cost": 1.0}}, 3.0, set(), [S10, L50], "slm", "slm", "both favour SLM"),
    ({"slm": {"cost": 1.0}, "llm": {}}, 3.0, set(), [S10, L50], "slm", "slm", "both favour SLM"),
    ({"llm": {"cost": 1.0}}, 3.0, set(), [S10, L50], "llm", "slm", "favours LLM, but"),
    # no cost criterion: the rules do not judge cost, whatever the scores hold
    ({"slm": {"cost": 6.0}, "llm": {"cost": 0.0}}, None, set(), [S10, L50], None, "slm",
     "the rule set has no cost criterion"),
    # both ruled out, or neither priced: the statement names both
    ({"slm": {"cost": 6.0}, "llm": {"cost": 0.0}}, 3.0, {"slm", "llm"}, [S10, L50], None, None,
     "nothing to compare (SLM and LLM ruled out)"),
    ({"slm": {"cost": 6.0}, "llm": {"cost": 0.0}}, 3.0, set(), [cand("slm", "s", None)], None, None,
     "nothing to compare (no fitting SLM or LLM candidate with a monthly cost)"),
]
# fmt: on


@pytest.mark.parametrize(
    ("scores", "weight", "excluded", "cands", "rules", "figures", "part"), EDGES
)
def test_cost_check_edges(
    scores: dict[str, dict[str, float]],
    weight: float | None,
    excluded: set[str],
    cands: list[Candidate],
    rules: str | None,
    figures: str | None,
    part: str,
) -> None:
    got = cost_check(scores, excluded, numbers(*cands), weight)
    assert (got.rules_favour, got.figures_favour) == (rules, figures)
    assert part in got.statement


def test_a_disagreement_is_explained_word_for_word() -> None:
    got = cost_check({"slm": {"cost": 6.0}, "llm": {"cost": 0.0}}, set(), numbers(S90, L50), 3.0)
    assert got.statement == (
        "Cost cross-check: the rules' cost criterion favours SLM, but at 2,000,000 requests a "
        "month the figures favour LLM (cheapest SLM s via p, $90.00 a month; cheapest LLM l "
        "via p, $50.00 a month). The rules judge cost in general terms; the figures price "
        "this volume with the catalogue."
    )


@pytest.mark.parametrize(
    ("weight", "said"),
    [
        (None, "the rule set has no cost criterion"),
        (0.0, "cost weighs 0 in this run (priorities.cost), so the rules do not judge it"),
    ],
)
def test_cost_not_judged_by_the_rules_is_said_word_for_word(
    weight: float | None, said: str
) -> None:
    got = cost_check({"slm": {"cost": 0.0}, "llm": {"cost": 0.0}}, set(), numbers(S10, L50), weight)
    assert got.statement == (
        f"Cost cross-check: {said}; at 2,000,000 requests a month the figures favour SLM "
        "(cheapest SLM s via p, $10.00 a month; cheapest LLM l via p, $50.00 a month)."
    )
