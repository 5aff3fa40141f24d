"""The estimates at their edges: API price rows and context windows, the hybrid's split at
shares of 0 and 1, its budget, rounding, and the shortlist's one entry per model.

Every figure is worked out by hand in the comments (prices from slmvllm/data/catalog.yaml).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from slmvllm.numbers.catalog import Catalog, Model, load_catalog
from slmvllm.numbers.estimate_models import Candidate, Estimates
from slmvllm.numbers.estimates import (
    _api_candidate,
    estimate,
    shape_inputs,
    shortlist,
    whole_traffic,
)

from .test_estimates import values


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


# --------------------------------------------------------------------------- API candidates


def price(**changes: Any) -> dict[str, Any]:
    row = {
        "provider": "host-a",
        "input_usd_per_million": 1.0,
        "output_usd_per_million": 2.0,
        "as_of": "2026-11-01",
        "source": "https://example.org/prices",
    }
    return {**row, **changes}


def model(prices: list[dict[str, Any]], **changes: Any) -> Model:
    data = {
        "id": "acme-api",
        "name": "Acme API",
        "vendor": "Acme",
        "params_billion": None,
        "open_weights": False,
        "license": "proprietary",
        "commercial_use": True,
        "context_tokens": 8192,
        "size_class": "llm",
        "prices": prices,
        "sources": ["https://example.org/card"],
    }
    return Model.model_validate({**data, **changes})


def api(m: Model, context: int = 8192) -> Any:
    # 1,000 tokens in, 500 out; the longest request needs `context` tokens.
    inp = shape_inputs(
        {"input_tokens": 1000, "output_tokens": 500, "context_tokens": context, "hosting": "any"}
    )
    return _api_candidate(m, inp)


def test_no_price_that_can_be_bought_names_each_providers_state() -> None:
    cand = api(model([price(status="deprecated"), price(provider="host-b", status="retired")]))
    assert cand.blockers == [
        "no price that can still be bought (host-a deprecated, host-b retired)"
    ]
    assert cand.api is None


@pytest.mark.parametrize(
    ("row_limit", "model_window", "needed", "blockers"),
    [
        # the price row's own limit first, then the model's window
        (8192, None, 8192, []),  # exactly the window: it fits
        (8192, None, 8193, ["context window 8,192 tokens is smaller than the 8,193 needed"]),
        (None, 8192, 8192, []),
        (None, 8192, 8193, ["context window 8,192 tokens is smaller than the 8,193 needed"]),
        (4096, 8192, 5000, ["context window 4,096 tokens is smaller than the 5,000 needed"]),
        (None, None, 10**6, []),  # no window stated anywhere: not checked
    ],
)
def test_an_api_price_row_holds_a_request_of_exactly_its_window(
    row_limit: int | None, model_window: int | None, needed: int, blockers: list[str]
) -> None:
    cand = api(model([price(max_input_tokens=row_limit)], context_tokens=model_window), needed)
    assert cand.blockers == blockers
    assert cand.api is not None  # priced either way, so the cost can still be shown


@pytest.mark.parametrize(
    ("row_limit", "model_window", "warned"),
    [
        (None, None, True),  # nothing stated: warned
        (8192, None, False),  # the row's limit is stated
        (None, 8192, False),  # the model's window is stated
    ],
)
def test_an_unstated_window_is_said(
    row_limit: int | None, model_window: int | None, warned: bool
) -> None:
    cand = api(model([price(max_input_tokens=row_limit)], context_tokens=model_window), 100)
    assert ("context window not stated; not checked" in cand.warnings) is warned


def test_an_api_candidate_keeps_its_license_warning() -> None:
    m = model([price()], commercial_use="restricted", commercial_use_note="under 700M users")
    assert api(m).warnings == ["license restricts commercial use: under 700M users"]


# --------------------------------------------------------------------------- the hybrid's split


def hybrid(est: Estimates) -> dict[str, Any]:
    return est.model_dump(mode="json")["hybrid"]


def test_hybrid_costs_are_rounded_to_cents(catalog: Catalog) -> None:
    # 10,100,000 chat requests, quality high: 31.3% to the large model.
    # LLM: 3,161,300 x $0.00013 (Gemini 2.5 Flash-Lite) = $410.969 -> $410.97
    # SLM: 6,938,700 x $0.000014 (Llama 3.2 3B) = $97.1418 -> $97.14
    # blended 508.1108 -> $508.11
    est = estimate(values(monthly_requests=10_100_000, task_type="chat"), "hybrid", catalog)
    plan = hybrid(est)
    assert (plan["llm_model"], plan["slm_model"]) == ("gemini-2.5-flash-lite", "llama-3.2-3b")
    assert (plan["llm_hosting"], plan["slm_hosting"]) == ("api", "api")
    assert (plan["llm_requests"], plan["slm_requests"]) == (3_161_300, 6_938_700)
    assert plan["llm_monthly_cost_usd"] == 410.97
    assert plan["slm_monthly_cost_usd"] == 97.14
    assert est.blended_monthly_cost_usd == 508.11
    assert (plan["fits"], plan["why_not"]) == (True, None)


def test_the_llm_share_is_rounded_to_four_places(catalog: Catalog) -> None:
    # A user's routing figure of 0.12345: reported as 0.1235 (to 4 places).
    routing = catalog.routing
    odd = routing.learned_router_cpt80.model_copy(update={"value": 0.12345})
    mine = replace(catalog, routing=routing.model_copy(update={"learned_router_cpt80": odd}))
    est = estimate(values(task_type="chat"), "hybrid", mine)
    assert est.llm_share == 0.1235


def test_every_request_to_the_large_model_costs_no_small_model(catalog: Catalog) -> None:
    # Critical quality, no sign a router can be trained: share 1, every request goes to
    # the large model. In a private cloud the small model would be self-hosted and cost a
    # GPU-month even idle: with no request to serve, it costs nothing here.
    est = estimate(
        values(quality_bar="critical", task_type="classification", hosting="private_cloud"),
        "hybrid",
        catalog,
    )
    plan = hybrid(est)
    assert est.llm_share == 1.0
    assert (plan["slm_requests"], plan["slm_monthly_cost_usd"]) == (0, 0.0)
    assert plan["llm_requests"] == 1_000_000
    assert est.blended_monthly_cost_usd == plan["llm_monthly_cost_usd"] > 0


def test_every_request_to_the_large_model_needs_no_small_model_at_all(catalog: Catalog) -> None:
    # A 500,000-token context: no small model's window holds it; with share 1 the hybrid
    # is the large model alone, and it still fits.
    est = estimate(
        values(quality_bar="critical", task_type="classification", context_tokens=500_000),
        "hybrid",
        catalog,
    )
    plan = hybrid(est)
    assert est.llm_share == 1.0
    assert plan["slm_model"] is None and plan["slm_monthly_cost_usd"] == 0.0
    assert plan["fits"] is True and plan["llm_model"] is not None


def test_no_request_to_the_large_model_costs_no_large_model(catalog: Catalog) -> None:
    # A user's routing figure of 0: every request stays on the small model; a self-hosted
    # large model (private cloud) with nothing to serve costs nothing.
    routing = catalog.routing
    none = routing.learned_router_cpt80.model_copy(update={"value": 0.0})
    mine = replace(catalog, routing=routing.model_copy(update={"learned_router_cpt80": none}))
    est = estimate(values(task_type="chat", hosting="private_cloud"), "hybrid", mine)
    plan = hybrid(est)
    assert est.llm_share == 0.0
    assert (plan["llm_requests"], plan["llm_monthly_cost_usd"]) == (0, 0.0)
    assert est.blended_monthly_cost_usd == plan["slm_monthly_cost_usd"] > 0


def test_a_hybrid_without_a_large_model_says_why(catalog: Catalog) -> None:
    # On premises with one 8 GB GPU, no large model fits: there is no pair to route between.
    est = estimate(values(hosting="on_prem", gpu_memory_gb=8), "hybrid", catalog)
    plan = hybrid(est)
    assert plan["llm_model"] is None and plan["llm_hosting"] is None
    assert (plan["fits"], plan["why_not"]) == (
        False,
        "no small and large model pair fits the requirements",
    )
    assert est.blended_monthly_cost_usd is None


def test_a_hybrid_at_exactly_its_budget_fits_and_a_cent_less_does_not(catalog: Catalog) -> None:
    given = values(monthly_requests=10_100_000, task_type="chat")
    blended = 508.1108  # worked out above: $410.969 + $97.1418
    at = estimate({**given, "budget_usd_per_month": blended}, "hybrid", catalog)
    assert hybrid(at)["fits"] is True
    under = estimate({**given, "budget_usd_per_month": 508.10}, "hybrid", catalog)
    assert (hybrid(under)["fits"], hybrid(under)["why_not"]) == (
        False,
        "costs $508.11 a month, over the $508.10 budget",
    )


# --------------------------------------------------------------------------- the shortlist


def listed(model_id: str, option: str, hosting: str, fits: bool = True) -> Candidate:
    return Candidate.model_construct(model=model_id, option=option, hosting=hosting, fits=fits)


def test_the_shortlist_keeps_one_entry_per_model_and_goes_on() -> None:
    # a's API and self-hosted rows are both cheap: a is listed once, and the list goes on
    # to b, c (b's unfitting row is skipped) until three; d would be the fourth.
    cands = [
        listed("a", "slm", "api"),
        listed("a", "slm", "self_hosted"),
        listed("b", "slm", "api", fits=False),
        listed("b", "slm", "self_hosted"),
        listed("c", "slm", "api"),
        listed("d", "slm", "api"),
        listed("x", "llm", "api"),
    ]
    est = Estimates.model_construct(candidates=cands)
    short = shortlist(est)
    assert [(c.model, c.hosting) for c in short["slm"]] == [
        ("a", "api"),
        ("b", "self_hosted"),
        ("c", "api"),
    ]
    assert [c.model for c in short["llm"]] == ["x"]


# --------------------------------------------------------------------------- the compact list


def test_the_compact_list_keeps_what_fits_the_budget_and_what_is_named(catalog: Catalog) -> None:
    # 1,000,000 requests of 500 + 200 tokens under $30 a month: only Llama 3.2 3B's API
    # fits ($14). The rest of the list is what the break-even statement names: the
    # self-hosted Llama 3.1 8B (one H100, $1,963.70) and Gemini 2.5 Flash-Lite ($130).
    est = estimate(values(budget_usd_per_month=30.0), "llm", catalog, all_candidates=False)
    assert [(c.model, c.hosting, c.fits) for c in est.candidates] == [
        ("llama-3.2-3b", "api", True),
        ("llama-3.1-8b", "self_hosted", False),
        ("gemini-2.5-flash-lite", "api", False),
    ]


def test_the_compact_list_without_a_budget_is_the_shortlist_and_the_named(
    catalog: Catalog,
) -> None:
    # The three cheapest fitting per option (the shortlist), and the self-hosted small
    # models the break-even and the cheapest self-hosted line name: 8 of 81 rows.
    full = estimate(values(), "llm", catalog)
    compact = estimate(values(), "llm", catalog, all_candidates=False)
    assert len(full.candidates) == 81
    assert [(c.model, c.hosting) for c in compact.candidates] == [
        ("llama-3.2-3b", "api"),
        ("gemma-3-4b", "api"),
        ("qwen2.5-7b", "api"),
        ("qwen2.5-14b", "self_hosted"),
        ("llama-3.1-8b", "self_hosted"),
        ("gemini-2.5-flash-lite", "api"),
        ("gpt-4.1-nano", "api"),
        ("qwen2.5-72b", "api"),
    ]
    assert shortlist(compact) == shortlist(full)


@pytest.mark.parametrize(
    ("usd_per_million", "cost", "kept"),
    [
        # Ministral 8B (2410) is not for commercial use, so it ranks after every
        # commercial model, out of the top 3. The cost check names the cheapest small
        # model by monthly cost rounded to cents (first of equals in rank order), and
        # the compact list keeps it. 1,000,000 requests x 700 tokens = 700M tokens.
        (0.001, 0.70, True),  # far cheaper than Llama 3.2 3B's $14.00
        (13.8 / 700, 13.80, True),  # 20 cents cheaper: still the cheapest
        (13.996 / 700, 14.0, False),  # $13.996 is $14.00 in cents: a tie, Llama first
    ],
)
def test_the_compact_list_keeps_the_cheapest_by_cents_whatever_its_rank(
    catalog: Catalog, usd_per_million: float, cost: float, kept: bool
) -> None:
    def priced(m: Model) -> Model:
        if m.id != "ministral-8b-2410":
            return m
        each = {"input_usd_per_million": usd_per_million, "output_usd_per_million": usd_per_million}
        return m.model_copy(update={"prices": [p.model_copy(update=each) for p in m.prices]})

    mine = replace(catalog, models=tuple(priced(m) for m in catalog.models))
    est = estimate(values(), "llm", mine, all_candidates=False)
    listed_now = {(c.model, c.hosting) for c in est.candidates}
    assert (("ministral-8b-2410", "api") in listed_now) is kept
    full = estimate(values(), "llm", mine)
    row = next(c for c in full.candidates if (c.model, c.hosting) == ("ministral-8b-2410", "api"))
    assert row.monthly_cost_usd == cost
    assert "ministral-8b-2410" not in [c.model for c in shortlist(full)["slm"]]


def test_candidates_left_out_are_grouped_by_reason(catalog: Catalog) -> None:
    est = estimate(values(), "llm", catalog, all_candidates=False)
    groups = {g.reason: g.count for g in est.candidates_left_out}
    # 81 rows: 8 listed, 9 with no price that can be bought, 64 that fit but cost more
    assert groups == {
        "fits, but costs more than the candidates listed": 64,
        "no price that can still be bought": 9,
    }
    assert est.candidates_total == 81 == len(est.candidates) + sum(groups.values())


# --------------------------------------------------------------------------- candidate records


def only_model(catalog: Catalog, m: Model) -> Catalog:
    return replace(catalog, models=(m,))


ODD = {"monthly_requests": 1_234_567, "input_tokens": 1000, "output_tokens": 500}


def test_an_api_candidates_record_word_for_word(catalog: Catalog) -> None:
    # 1,234,567 requests x 1,000 input tokens x $1 / 1e6 = $1,234.567 -> $1,234.57;
    # x 500 output tokens x $2 / 1e6 = $1,234.567 -> $1,234.57; total $2,469.134 -> $2,469.13.
    m = model([price(max_input_tokens=16000, key="acme/api")], context_tokens=8192)
    est = estimate(values(**ODD), "llm", only_model(catalog, m))
    (record,) = est.model_dump(mode="json")["candidates"]
    assert record["cost"] == {
        "formula": "1,234,567 requests x (1,000 input tokens x $1 + 500 output tokens x $2)"
        " / 1,000,000",
        "input_usd": 1234.57,
        "output_usd": 1234.57,
        "input_usd_per_million": 1.0,
        "output_usd_per_million": 2.0,
        "price_as_of": "2026-11-01",
        "price_key": "acme/api",
        "price_source": "https://example.org/prices",
        "tier_price": False,
    }
    assert (record["provider"], record["monthly_cost_usd"]) == ("host-a", 2469.13)
    assert record["context_tokens"] == 16000  # the price row's limit, not the model's 8,192
    assert (record["gpus"], record["memory"], record["precision"]) == (None, None, None)


def test_a_tier_price_record_shows_the_tier_it_paid(catalog: Catalog) -> None:
    # Above 500 input tokens the row charges $3 / $6: a 1,000-token request pays the tier.
    tiered = price(
        tier_above_input_tokens=500,
        input_usd_per_million_above=3.0,
        output_usd_per_million_above=6.0,
    )
    est = estimate(values(**ODD), "llm", only_model(catalog, model([tiered])))
    (record,) = est.model_dump(mode="json")["candidates"]
    assert (record["cost"]["input_usd_per_million"], record["cost"]["output_usd_per_million"]) == (
        3.0,
        6.0,
    )
    assert record["cost"]["tier_price"] is True
    # 1,234,567 x 1,000 x $3 / 1e6 = $3,703.701 -> $3,703.70
    assert record["cost"]["input_usd"] == 3703.7
    assert record["context_tokens"] == 8192  # no row limit: the model's window


def test_a_self_hosted_record_counts_gpus_and_the_throughput_needed(catalog: Catalog) -> None:
    # 1,234,567 requests x 500 output tokens / (730 h x 3,600 s) = 234.887 tokens/s -> 234.9;
    # one replica of one GPU serves it.
    est = estimate(values(**ODD), "slm", catalog)
    record = next(
        c
        for c in est.model_dump(mode="json")["candidates"]
        if (c["model"], c["hosting"]) == ("llama-3.1-8b", "self_hosted")
    )
    assert record["cost"]["output_tokens_per_s_needed"] == 234.9
    assert (record["gpus"], record["cost"]["replicas"], record["cost"]["gpus_per_replica"]) == (
        1,
        1,
        1,
    )
    assert record["provider"] is None and record["context_tokens"] == 131072


# --------------------------------------------------------------------------- self-hosted candidates


def self_hosted(est: Estimates, model_id: str) -> Candidate:
    return next(c for c in est.candidates if (c.model, c.hosting) == (model_id, "self_hosted"))


@pytest.mark.parametrize(
    ("context", "why_not"),
    [
        # Llama 3.1 8B has a 131,072-token window
        (131_072, None),  # exactly its window: fits
        (131_073, "context window 131,072 tokens is smaller than the 131,073 needed"),
    ],
)
def test_a_self_hosted_model_holds_a_request_of_exactly_its_window(
    catalog: Catalog, context: int, why_not: str | None
) -> None:
    est = estimate(values(context_tokens=context, gpu_memory_gb=None), "slm", catalog)
    found = self_hosted(est, "llama-3.1-8b")
    assert (found.why_not or "").startswith(why_not or "") and (found.why_not is None) is (
        why_not is None
    )


def test_a_self_hosted_model_without_a_stated_window_is_warned(catalog: Catalog) -> None:
    unstated = catalog.model("llama-3.1-8b").model_copy(update={"context_tokens": None})
    est = estimate(values(), "slm", only_model(catalog, unstated))
    assert "context window not stated; not checked" in self_hosted(est, "llama-3.1-8b").warnings


@pytest.mark.parametrize(
    ("gpu", "blocked"),
    [
        (0, "no GPU for self-hosting (gpu_memory_gb is 0)"),
        (0.5, "does not fit one 0.5 GB GPU"),  # a GPU, if a small one: not "no GPU"
    ],
)
def test_no_gpu_is_zero_gb_and_any_gpu_is_sized(catalog: Catalog, gpu: float, blocked: str) -> None:
    est = estimate(values(gpu_memory_gb=gpu), "slm", catalog)
    assert (self_hosted(est, "llama-3.1-8b").why_not or "").startswith(blocked)


def test_a_model_that_needs_exactly_the_users_gpu_fits_and_a_larger_one_names_the_gpus(
    catalog: Catalog,
) -> None:
    from slmvllm.numbers.gpu_memory import memory_table

    inp = shape_inputs(values())
    m = catalog.model("llama-3.1-8b")
    # What one replica needs at the least compressed precision the serving table has
    # for this workload (the catalogue's concurrency), and at the most compressed.
    table = memory_table(
        m,
        catalog,
        context_tokens=inp.context_needed,
        concurrency=catalog.throughput.concurrency,
        average_tokens=inp.input_tokens + inp.output_tokens,
        serving=True,
    )
    most, least = table[0], table[-1]
    exact = estimate(values(gpu_memory_gb=most.total_gb), "slm", catalog)
    assert self_hosted(exact, "llama-3.1-8b").fits  # exactly its size: it fits
    # A GPU of half the smallest footprint: exactly 2 such GPUs would share the model.
    half = least.total_gb / 2
    est = estimate(values(gpu_memory_gb=half), "slm", catalog)
    assert self_hosted(est, "llama-3.1-8b").why_not == (
        f"does not fit one {half:g} GB GPU even at {least.precision_label} "
        f"({least.total_gb:,.1f} GB); it needs 2 such GPUs sharing the model"
    )


def test_on_the_device_a_model_is_sized_for_one_user_and_not_priced(catalog: Catalog) -> None:
    from slmvllm.numbers.gpu_memory import memory_table

    est = estimate(values(hosting="on_device"), "slm", catalog)
    small = self_hosted(est, "llama-3.1-8b")
    inp = shape_inputs(values(hosting="on_device"))
    # one request at a time: the KV cache holds the longest request's context only
    device = memory_table(
        catalog.model("llama-3.1-8b"), catalog, context_tokens=inp.context_needed, concurrency=1
    )
    smallest = min(device, key=lambda e: e.total_gb)
    assert (small.gpu_memory_gb, small.precision) == (
        round(smallest.total_gb, 2),
        smallest.precision,
    )
    assert small.monthly_cost_usd is None and small.gpus == 1
    assert small.cost is not None and small.cost.model_dump()["not_priced"] == (
        "runs on the users' devices: no GPU rental to price"
    )
    assert small.cost.model_dump()["sharded"] is False
    large = self_hosted(est, "llama-3.1-70b")
    assert large.why_not is not None and large.why_not.startswith(
        "a large model does not run on a user's device (hosting: on_device)"
    )


# --------------------------------------------------------------------------- break-even statements


def scaled_prices(catalog: Catalog, factor: float) -> Catalog:
    """Every API price times `factor` (tiers dropped): a user's catalogue with other prices."""
    flat = {"input_usd_per_million_above": None, "output_usd_per_million_above": None}
    flat |= {"tier_above_input_tokens": None}

    def scaled(m: Model) -> Model:
        rows = [
            p.model_copy(
                update={
                    **flat,
                    "input_usd_per_million": p.input_usd_per_million * factor,
                    "output_usd_per_million": p.output_usd_per_million * factor,
                }
            )
            for p in m.prices
        ]
        return m.model_copy(update={"prices": rows})

    return replace(catalog, models=tuple(scaled(m) for m in catalog.models))


FROM = (
    "From 75,526,924 requests a month self-hosting llama-3.1-8b stays cheaper than sending "
    "everything to gemini-2.5-flash-lite via gemini ($0.13 per 1,000 requests); it is first "
    "cheaper at 15,105,385, while one replica suffices; one replica (1 x h100-80gb) costs "
    "$1,963.70 a month and serves up to 18,188,388 requests."
)

STATEMENTS = [
    # (name, changes, prices x, the statement) — 1,000,000 requests of 500 + 200 tokens.
    # $1,963.70 a month for one H100 serving 18,188,388 requests, against $0.13 per 1,000:
    # 1,963.70 / 0.00013 = 15,105,385 is where one replica first wins; with more replicas
    # 75,526,924 (tests/test_estimates.py works it out) is where it stays cheaper.
    ("shipped prices", {}, 1.0, FROM),
    (
        "on the device",
        {"hosting": "on_device"},
        1.0,
        "Not estimated: on_device runs on the users' devices, not rented GPUs.",
    ),
    (
        "no API allowed",
        {"hosting": "on_prem"},
        1.0,
        "Not applicable: hosting is on_prem, so no API is allowed.",
    ),
    (
        "no API fits",
        {"context_tokens": 3_000_000},
        1.0,
        "Not applicable: no large-model API fits the requirements.",
    ),
    (
        "no GPU",
        {"gpu_memory_gb": 0},
        1.0,
        "Not applicable: no small model can be self-hosted under the requirements.",
    ),
    (
        "free API",
        {},
        0.0,
        "Never: at 500 input and 200 output tokens a request, deepseek-r1 via deepinfra "
        "costs nothing.",
    ),
    (
        # At 1% of the prices Gemini 2.5 Flash-Lite costs $0.0013 per 1,000 requests; the
        # cheapest replica per request is Qwen2.5-14B's: $1,963.70 / 9,898,442 x 1,000.
        "an API cheaper than a full replica",
        {},
        0.01,
        "Never: even the small model that comes closest, qwen2.5-14b, costs $0.198385 per "
        "1,000 requests on a fully used replica (1 x h100-80gb, $1,963.70 a month for "
        "9,898,442 requests), more than gemini-2.5-flash-lite via gemini at $0.0013 per "
        "1,000 requests.",
    ),
]


@pytest.mark.parametrize(
    ("changes", "factor", "statement"),
    [s[1:] for s in STATEMENTS],
    ids=[s[0] for s in STATEMENTS],
)
def test_break_even_statements_word_for_word(
    catalog: Catalog, changes: dict[str, Any], factor: float, statement: str
) -> None:
    est = estimate(values(**changes), "slm", scaled_prices(catalog, factor))
    assert est.break_even is not None
    assert est.break_even.statement == statement
    assert (est.break_even_monthly_requests is None) is (statement != FROM)


def test_the_hybrids_break_even_statements_word_for_word(catalog: Catalog) -> None:
    chat = estimate(values(task_type="chat"), "hybrid", catalog)
    assert chat.break_even_hybrid is not None
    assert chat.break_even_hybrid.statement == (
        "From 109,937,298 requests a month the hybrid (llama-3.1-8b self-hosted for 68.7% of "
        "requests) stays cheaper than sending everything to gemini-2.5-flash-lite via gemini "
        "($0.13 per 1,000 requests); it is first cheaper at 21,987,460, while one replica "
        "suffices; one replica (1 x h100-80gb) costs $1,963.70 a month and serves up to "
        "18,188,388 requests."
    )
    # 15,105,385 / 0.687 = 21,987,460.0 -> 21,987,460; 75,526,923.1 / 0.687 -> 109,937,298
    every = estimate(values(quality_bar="critical", task_type="classification"), "hybrid", catalog)
    assert every.break_even_hybrid is not None
    assert every.break_even_hybrid.statement == (
        "Never: every request goes to the large model, so the router saves nothing."
    )


# --------------------------------------------------------------------------- more words and figures


@pytest.mark.parametrize(
    ("requests", "line"),
    [
        (None, "monthly volume: 1,000,000 requests of 500 input and 200 output tokens (assumed)"),
        (1_000_000, "monthly volume: 1,000,000 requests of 500 input and 200 output tokens"),
    ],
)
def test_the_volume_line_says_when_it_was_assumed(
    catalog: Catalog, requests: int | None, line: str
) -> None:
    est = estimate(values(monthly_requests=requests), "slm", catalog)
    assert [a for a in est.assumptions if a.startswith("monthly volume:")] == [line]


def test_a_self_hosted_record_names_the_model_and_its_scaled_throughput(catalog: Catalog) -> None:
    # Qwen2.5-14B reads 14.7B parameters per token against the benchmark's 8B: 1,384.2 x
    # 8 / 14.7 = 753.306 output tokens/s per GPU, shown to one place: 753.3.
    est = estimate(values(), "slm", catalog)
    record = next(
        c
        for c in est.model_dump(mode="json")["candidates"]
        if (c["model"], c["hosting"]) == ("qwen2.5-14b", "self_hosted")
    )
    assert record["cost"]["output_tokens_per_s_per_gpu"] == 753.3
    assert (record["params_billion"], record["active_params_billion"]) == (14.7, None)
    assert record["license"] == catalog.model("qwen2.5-14b").license
    moe = next(
        c
        for c in est.model_dump(mode="json")["candidates"]
        if (c["model"], c["hosting"]) == ("mixtral-8x7b", "self_hosted")
    )
    assert (moe["params_billion"], moe["active_params_billion"]) == (46.7, 12.9)


def test_a_closed_model_of_known_size_is_never_self_hosted(catalog: Catalog) -> None:
    # A user's catalogue may give a closed model's size; without its weights it can only
    # be bought through an API.
    closed = model([price()], params_billion=200.0)
    est = estimate(values(), "llm", only_model(catalog, closed))
    assert [(c.model, c.hosting) for c in est.candidates] == [("acme-api", "api")]


def test_rows_over_the_budget_are_grouped_as_such(catalog: Catalog) -> None:
    est = estimate(values(budget_usd_per_month=30.0), "llm", catalog, all_candidates=False)
    groups = {g.reason: g.count for g in est.candidates_left_out}
    assert groups["over the monthly budget"] > 0
    assert "fits, but costs more than the candidates listed" not in groups


def test_the_break_even_names_its_provider_and_prices_to_six_places(catalog: Catalog) -> None:
    shipped = estimate(values(), "slm", catalog)
    assert shipped.break_even is not None and shipped.break_even.llm_provider == "gemini"
    # At a third of the prices, Gemini 2.5 Flash-Lite costs $0.13 / 3 = $0.0433333... per
    # 1,000 requests, shown as $0.043333: less than any fully used replica, so "never".
    third = estimate(values(), "slm", scaled_prices(catalog, 1 / 3))
    assert third.break_even is not None
    assert third.break_even.statement.endswith("via gemini at $0.043333 per 1,000 requests.")


def test_a_model_too_large_for_the_users_gpu_is_sized_for_the_workload(catalog: Catalog) -> None:
    from slmvllm.numbers.gpu_memory import memory_table

    # An 8,192-token context and requests of 500 + 200 tokens: one long request and 15
    # average ones share the KV cache, at the smallest serving precision.
    given = values(context_tokens=8192)
    inp = shape_inputs(given)
    least = memory_table(
        catalog.model("llama-3.1-8b"),
        catalog,
        context_tokens=8192,
        concurrency=catalog.throughput.concurrency,
        average_tokens=inp.input_tokens + inp.output_tokens,
        serving=True,
    )[-1]
    gpu = least.total_gb / 2
    est = estimate({**given, "gpu_memory_gb": gpu}, "slm", catalog)
    assert self_hosted(est, "llama-3.1-8b").why_not == (
        f"does not fit one {gpu:g} GB GPU even at {least.precision_label} "
        f"({least.total_gb:,.1f} GB); it needs 2 such GPUs sharing the model"
    )


def test_a_self_hosted_replica_holds_one_long_request_and_fifteen_average_ones(
    catalog: Catalog,
) -> None:
    # Llama 3.1 8B at FP16, 16 concurrent requests (the catalogue's throughput point):
    # one of the 8,192-token context and 15 of 500 + 200 = 700 tokens = 18,692 tokens;
    # weights 16 GB + KV 131,072 B x 18,692 = 2.449997824 GB + overhead 3.2 GB = 21.65 GB.
    est = estimate(values(context_tokens=8192), "slm", catalog)
    found = self_hosted(est, "llama-3.1-8b")
    assert (found.precision, found.gpu_memory_gb) == ("fp16", 21.65)


def test_every_reason_a_row_does_not_fit_is_given(catalog: Catalog) -> None:
    # A 150,000-token context is beyond Llama 3.1 8B's 131,072, and one H100 a month
    # ($1,963.70) is over a $100 budget: both reasons, in that order.
    est = estimate(values(context_tokens=150_000, budget_usd_per_month=100.0), "slm", catalog)
    assert self_hosted(est, "llama-3.1-8b").why_not == (
        "context window 131,072 tokens is smaller than the 150,000 needed; "
        "costs $1,963.70 a month, over the $100.00 budget"
    )


def test_the_full_list_has_no_left_out_counts(catalog: Catalog) -> None:
    full = estimate(values(), "slm", catalog)  # every candidate: nothing left out
    assert (full.candidates_total, full.candidates_left_out) == (None, None)


def test_a_throughput_figure_without_a_date_is_cited_without_one(catalog: Catalog) -> None:
    undated = replace(catalog, throughput=catalog.throughput.model_copy(update={"as_of": None}))
    line = next(
        a for a in estimate(values(), "slm", undated).assumptions if a.startswith("throughput:")
    )
    assert line.startswith(
        "throughput: 1384.2 output tokens/s per h100-80gb for meta-llama/Llama-3.1-8B-Instruct "
        "(FP16, vLLM 0.21.0, 16 concurrent requests; https://"
    )
    dated = next(
        a for a in estimate(values(), "slm", catalog).assumptions if a.startswith("throughput:")
    )
    assert "16 concurrent requests, 2026-05-16; https://" in dated


def test_on_the_device_a_large_model_is_one_unsharded_copy(catalog: Catalog) -> None:
    # Served, Llama 3.1 405B (202.5 GB of weights even at 4 bits) is split over H100s; on a
    # device there is no server to split it over: one copy, not sharded (and blocked).
    served = self_hosted(estimate(values(), "llm", catalog), "llama-3.1-405b")
    assert served.cost is not None and served.cost.model_dump()["gpus_per_replica"] > 1
    device = self_hosted(estimate(values(hosting="on_device"), "llm", catalog), "llama-3.1-405b")
    assert device.cost is not None
    assert (device.cost.model_dump()["gpus_per_replica"], device.cost.model_dump()["sharded"]) == (
        1,
        False,
    )


def test_what_was_assumed_about_the_volume_and_the_context_is_said(catalog: Catalog) -> None:
    unknown = estimate(values(monthly_requests=None), "slm", catalog)
    assert unknown.assumptions[0] == (
        "monthly_requests not given: 1,000,000 requests a month assumed, a round mid-size "
        "volume, so costs can be shown; the break-even volumes do not depend on it"
    )
    assert estimate(values(context_tokens=4096), "slm", catalog).inputs.context_tokens_given
    assert not estimate(values(), "slm", catalog).inputs.context_tokens_given


def test_an_empty_request_still_needs_a_context_of_one_token(catalog: Catalog) -> None:
    # 0 input and 0 output tokens (both allowed): the longest request is taken as 1 token.
    est = estimate(values(input_tokens=0, output_tokens=0), "slm", catalog)
    assert est.inputs.context_tokens == 1


# --------------------------------------------------------------------------- ranking and the compact list


@pytest.mark.parametrize(("context", "gpu"), [(100_000, None), (100_000, 24), (300_000, 24)])
def test_fitting_candidates_are_listed_before_blocked_ones(
    catalog: Catalog, context: int, gpu: int | None
) -> None:
    # Blocked candidates (too small a window, too little GPU memory) can still be priced,
    # and some are cheaper than every fitting one: they come after all of those anyway.
    e = estimate(values(context_tokens=context, gpu_memory_gb=gpu), "slm", catalog)
    for option in ("slm", "llm"):
        fits = [c.fits for c in e.candidates if c.option == option]
        blocked_but_priced = [
            c for c in e.candidates if c.option == option and not c.fits and c.monthly_cost_usd
        ]
        assert blocked_but_priced, "the case must hold a priced blocked candidate"
        assert fits == sorted(fits, reverse=True), option


def test_a_model_too_big_for_the_gpu_is_measured_at_the_least_serving_precision(
    catalog: Catalog,
) -> None:
    # A catalogue whose servers go no lower than int8: int4 is listed (on-device runtimes
    # load it) but no batching server runs it, so the refusal is worked out at int8.
    int8_floor = catalog.memory.model_copy(update={"serving_precisions": ["fp16", "bf16", "int8"]})
    for cat, word in ((catalog, "INT4"), (replace(catalog, memory=int8_floor), "INT8")):
        e = estimate(values(gpu_memory_gb=8, hosting="self_hosted"), "slm", cat)
        refusals = [c.why_not for c in e.candidates if c.why_not and "does not fit" in c.why_not]
        assert refusals, "the case must hold a model too big for 8 GB"
        assert all(f"even at {word} (" in why for why in refusals), (word, refusals)


@pytest.mark.parametrize("hosting", ["self_hosted", "api", "any"])
def test_the_compact_list_keeps_every_model_the_hybrid_plan_names(
    catalog: Catalog, hosting: str
) -> None:
    # With a $20 budget the plan's models cost more than the budget at the full volume, so
    # only their being named keeps them in the list the reports read.
    e = estimate(
        values(monthly_requests=10_000, budget_usd_per_month=20, hosting=hosting),
        "hybrid",
        catalog,
        all_candidates=False,
    )
    assert e.hybrid is not None
    listed = {(c.model, c.hosting) for c in e.candidates}
    plan = e.hybrid
    assert {(plan.slm_model, plan.slm_hosting), (plan.llm_model, plan.llm_hosting)} <= listed


def test_at_equal_cost_a_stated_size_ranks_before_an_unknown_one(catalog: Catalog) -> None:
    # Two API models at the same prices: equal cost, so the larger model first; a size the
    # catalogue does not state counts as none at all, so even 0.5 B comes before it. The
    # ids are in the other order, so the id tie-break alone would put the unknown first.
    unknown = model([price()], id="a-unknown", params_billion=None)
    stated = model([price()], id="b-stated", params_billion=0.5)
    e = estimate(values(), "llm", replace(catalog, models=(unknown, stated)))
    assert [c.model for c in e.candidates if c.hosting == "api"] == ["b-stated", "a-unknown"]


# --------------------------------------------------------------------------- the hybrid's break-even in all traffic

WHOLE = [
    # (the small model's part, the large model's share, all requests) -- part / (1 - share)
    (100, 0.5, 200),
    (100.2, 0.5, 201),  # 200.4 rounds up to whole requests
    (7, 0.0, 7),
    (1, 0.9, 10),  # 1 / 0.09999999999999998 = 10.000000000000002: float noise, not an 11th
    (5e9, 0.5, 10_000_000_000),  # exactly the limit: stated
    (5_000_000_000.5, 0.5, None),  # 10,000,000,001: above it
    (1e10, 0.0, 10_000_000_000),
    (1e10 + 1, 0.0, None),
]


@pytest.mark.parametrize(("part", "share", "expected"), WHOLE)
def test_the_hybrid_break_even_counts_all_traffic_up_to_the_limit(
    part: float, share: float, expected: int | None
) -> None:
    assert whole_traffic(part, share) == expected


def test_a_hybrid_break_even_past_the_limit_is_not_within_it(catalog: Catalog) -> None:
    # 5 input and 1 output token a request: one replica serves billions a month, and the
    # cheapest APIs cost a few ten-millionths of a dollar a request, so the router's
    # break-even lies past 10 billion requests a month.
    e = estimate(values(input_tokens=5, output_tokens=1), "hybrid", catalog)
    assert e.break_even_hybrid is not None
    assert e.break_even_hybrid.statement == "Not within 0 to 10,000,000,000 requests a month."
    assert e.break_even_hybrid.first_cheaper_monthly_requests is None
