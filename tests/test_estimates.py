"""Estimates checked against figures worked out by hand from the shipped catalogue.

Catalogue facts the arithmetic below uses (slmvllm/data/*.yaml):

* Llama 3.1 8B: 8.0B parameters, shape 32 layers x 8 KV heads x 128 head size, so
  2 x 32 x 8 x 128 x 2 bytes = 131,072 KV bytes per token.
* Llama 3.1 70B: 70B, shape 80 x 8 x 128 -> 327,680 bytes per token.
* Qwen2.5-7B: 7.61B, shape 28 x 4 x 128 -> 57,344 bytes per token.
* Throughput: 1,384.2 output tokens/s per H100 80GB (Llama-3.1-8B FP16, vLLM, 16 concurrent).
* H100 80GB: $2.69 per GPU-hour (RunPod, 2026-11-09); 730 hours a month.
  One always-on H100 = 2.69 x 730 = $1,963.70 a month.
* Runtime overhead 20% of the weights; KV elements 2 bytes; GB = 10^9 bytes.
* GPT-4o $2.50 / $10.00 per million input / output tokens (openai, 2026-07-18);
  Gemini 2.5 Flash-Lite and GPT-4.1 nano $0.10 / $0.40; Llama 3.2 3B $0.02 / $0.02 (deepinfra).

Default workload in these tests: 1,000,000 requests a month of 500 input and 200 output
tokens, so one request holds 700 tokens, and a replica's KV cache holds 16 of them.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slmvllm.numbers.catalog import Catalog, load_catalog
from slmvllm.numbers.cost_plans import (
    SECONDS_PER_MONTH,
    api_plan,
    break_even_requests,
    first_cheaper_requests,
    serving_plan,
)
from slmvllm.numbers.estimate_models import Estimates
from slmvllm.numbers.estimates import estimate, shortlist
from slmvllm.numbers.gpu_memory import kv_bytes_per_token, memory_estimate
from slmvllm.numbers.hybrid_share import llm_share
from slmvllm.requirements import REQUIREMENT_FIELDS

H100_MONTH = 2.69 * 730  # $1,963.70


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def numbers(given: dict[str, Any], recommendation: str, catalog: Catalog) -> dict[str, Any]:
    """The estimates as the JSON result carries them."""
    return estimate(given, recommendation, catalog).model_dump(mode="json")


def values(**given: Any) -> dict[str, Any]:
    """Resolved requirement values: the rule set's defaults, then what the test gives."""
    out: dict[str, Any] = dict.fromkeys(REQUIREMENT_FIELDS)
    out.update(
        domain_focus="moderate",
        task_breadth="few",
        input_tokens=500,
        output_tokens=200,
        data_sensitivity="internal",
        hosting="any",
        quality_bar="high",
        monthly_requests=1_000_000,
    )
    out.update(given)
    return out


def candidate(est: dict[str, Any], model: str, hosting: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        c for c in est["candidates"] if c["model"] == model and c["hosting"] == hosting
    ]
    assert len(found) == 1
    return found[0]


# --------------------------------------------------------------------------- GPU memory

MEMORY = [
    # (model, precision, context, concurrency, average, weights GB, KV GB, overhead GB)
    # Llama 3.1 8B FP16, one 4,096-token request:
    #   weights 8.0 x 16 / 8 = 16.0; KV 131,072 x 4,096 = 536,870,912 B; overhead 0.2 x 16 = 3.2
    ("llama-3.1-8b", "fp16", 4096, 1, None, 16.0, 0.536870912, 3.2),
    # INT4: 8.0 x 4 / 8 = 4.0 GB of weights; overhead 0.8
    ("llama-3.1-8b", "int4", 4096, 1, None, 4.0, 0.536870912, 0.8),
    # GGUF Q4_K_M: 8.0 x 4.8944 / 8 = 4.8944; overhead 0.97888
    ("llama-3.1-8b", "gguf-q4_k_m", 4096, 1, None, 4.8944, 0.536870912, 0.97888),
    # Qwen2.5-7B FP16, 16 requests: one of 32,768 tokens and 15 of 700 = 43,268 tokens;
    #   KV 57,344 x 43,268 = 2,481,160,192 B; weights 7.61 x 2 = 15.22; overhead 3.044
    ("qwen2.5-7b", "fp16", 32768, 16, 700, 15.22, 2.481160192, 3.044),
    # Mixtral 8x7B (MoE, 46.7B total, 12.9B active) at INT8: ALL 46.7B are in memory,
    #   46.7 x 8 / 8 = 46.7 GB (not 12.9); KV by fallback from Qwen2.5-14B (196,608 B/token,
    #   14.7B, the known shape nearest 12.9B): 196,608 x 12.9 / 14.7 = 172,533.55 B x 1,000
    ("mixtral-8x7b", "int8", 1000, 1, None, 46.7, 0.17253355, 9.34),
    # DeepSeek-V3 (671B total, 37B active) at FP16: 671 x 2 = 1,342 GB of weights
    ("deepseek-v3", "fp16", 1000, 1, None, 1342.0, None, 268.4),
]


@pytest.mark.parametrize(
    ("model_id", "precision", "context", "concurrency", "average", "weights", "kv", "overhead"),
    MEMORY,
)
def test_memory_terms(
    catalog: Catalog,
    model_id: str,
    precision: str,
    context: int,
    concurrency: int,
    average: int | None,
    weights: float,
    kv: float | None,
    overhead: float,
) -> None:
    est = memory_estimate(
        catalog.model(model_id),
        catalog,
        precision,
        context_tokens=context,
        concurrency=concurrency,
        average_tokens=average,
    )
    assert est.term("weights").gb == pytest.approx(weights)
    if kv is not None:
        assert est.term("kv_cache").gb == pytest.approx(kv, rel=1e-6)
    assert est.term("runtime_overhead").gb == pytest.approx(overhead)
    assert est.total_gb == pytest.approx(sum(t.gb for t in est.terms))
    for term in est.terms:
        assert term.formula and term.source


def test_memory_formula_says_a_moe_keeps_every_expert(catalog: Catalog) -> None:
    est = memory_estimate(catalog.model("deepseek-v3"), catalog, "int4", context_tokens=1000)
    assert "671B parameters x 4 bits / 8 = 335.50 GB" in est.term("weights").formula
    assert "every expert" in est.term("weights").formula


KV = [
    # (model, bytes per token, fallback?)
    ("llama-3.1-8b", 131_072, False),  # 2 x 32 x 8 x 128 x 2
    ("llama-3.1-70b", 327_680, False),  # 2 x 80 x 8 x 128 x 2
    ("phi-3-mini", 393_216, False),  # 2 x 32 x 32 x 96 x 2 (no GQA)
    ("llama-3.3-70b", 327_680, True),  # no shape: Llama 3.1 70B x 70 / 70
    ("gemma-3-12b", 196_608 * 12 / 14.7, True),  # no shape: Qwen2.5-14B x 12 / 14.7
]


@pytest.mark.parametrize(("model_id", "expected", "fallback"), KV)
def test_kv_bytes_per_token(
    catalog: Catalog, model_id: str, expected: float, fallback: bool
) -> None:
    value, basis, used_fallback = kv_bytes_per_token(catalog.model(model_id), catalog)
    assert value == pytest.approx(expected)
    assert used_fallback is fallback
    assert ("fallback" in basis) is fallback


# --------------------------------------------------------------------------- self-hosting


SERVING = [
    # (model, GPU limit, precision, GPUs per replica, tokens/s per GPU)
    # Llama 3.1 8B FP16: 16.0 + KV 131,072 x (700 + 15 x 700 = 11,200) = 1.468 + 3.2
    #   = 20.67 GB -> one H100; full measured speed (8.0B = the measured model)
    ("llama-3.1-8b", None, "fp16", 1, 1384.2),
    # With a 16 GB GPU: FP16 20.67 > 16, INT8 8.0 + 1.468 + 1.6 = 11.07 GB fits
    ("llama-3.1-8b", 16, "int8", 1, 1384.2),
    # Llama 3.1 70B: FP16 140 + 3.67 (327,680 x 11,200) + 28 = 171.7 > 80; INT8
    #   70 + 3.67 + 14 = 87.7 > 80; INT4 35 + 3.67 + 7 = 45.7 fits one H100;
    #   speed 1,384.2 x 8 / 70 = 158.19 tokens/s
    ("llama-3.1-70b", None, "int4", 1, 1384.2 * 8 / 70),
    # Qwen2.5-0.5B: smaller than the measured model, but not assumed faster
    ("qwen2.5-0.5b", None, "fp16", 1, 1384.2),
    # DeepSeek-V3 fits no single GPU even at INT4 (335.5 + 67.1 + KV): sharded at INT8,
    #   671 + 134.2 + KV (fallback from Llama 3.1 70B: 327,680 x 37 / 70 = 173,202 B/token
    #   x 11,200 = 1.94 GB) = 807.1 GB -> ceil(807.1 / 80) = 11 GPUs; speed 1,384.2 x 8 / 37
    ("deepseek-v3", None, "int8", 11, 1384.2 * 8 / 37),
]


@pytest.mark.parametrize(("model_id", "limit", "precision", "gpus", "tps"), SERVING)
def test_serving_plan(
    catalog: Catalog, model_id: str, limit: float | None, precision: str, gpus: int, tps: float
) -> None:
    plan = serving_plan(
        catalog.model(model_id),
        catalog,
        context_tokens=700,
        average_tokens=700,
        output_tokens=200,
        gpu_memory_gb=limit,
    )
    assert plan.memory.precision == precision
    assert plan.gpus_per_replica == gpus
    assert plan.output_tokens_per_s_per_gpu == pytest.approx(tps)
    assert plan.replica_usd_per_month == pytest.approx(gpus * H100_MONTH)


SELF_HOSTED_COST = [
    # (monthly requests, replicas, monthly cost)
    # One replica of Llama 3.1 8B serves 1,384.2 x 2,628,000 s / 200 = 18,188,388 requests.
    (1_000_000, 1, 1963.70),
    (0, 1, 1963.70),  # always on: at least one replica
    (18_188_388, 1, 1963.70),
    (40_000_000, 3, 3 * 1963.70),  # ceil(40,000,000 / 18,188,388) = ceil(2.2) = 3
]


@pytest.mark.parametrize(("requests", "replicas", "cost"), SELF_HOSTED_COST)
def test_self_hosted_monthly_cost(
    catalog: Catalog, requests: int, replicas: int, cost: float
) -> None:
    plan = serving_plan(
        catalog.model("llama-3.1-8b"),
        catalog,
        context_tokens=700,
        average_tokens=700,
        output_tokens=200,
    )
    assert plan.replica_requests_per_month == pytest.approx(1384.2 * SECONDS_PER_MONTH / 200)
    assert math.floor(plan.replica_requests_per_month) == 18_188_388
    assert plan.replicas(requests) == replicas
    assert plan.monthly_cost(requests) == pytest.approx(cost)


# --------------------------------------------------------------------------- API cost

API_COST = [
    # (model, monthly cost, input USD, output USD)
    # GPT-4o: 1,000,000 x 500 x $2.50 / 1e6 = $1,250; 1,000,000 x 200 x $10 / 1e6 = $2,000
    ("gpt-4o", 3250.0, 1250.0, 2000.0),
    # Llama 3.1 8B, cheapest active row groq $0.05 / $0.08: $25 + $16
    ("llama-3.1-8b", 41.0, 25.0, 16.0),
    # Claude Sonnet 4.5 $3 / $15: $1,500 + $3,000
    ("claude-sonnet-4.5", 4500.0, 1500.0, 3000.0),
    # DeepSeek-V3: legacy deepseek row $0.27 / $1.10 = $135 + $220 (the deepseek-chat alias,
    #   now another model at $0.28 / $0.42, is not priced)
    ("deepseek-v3", 355.0, 135.0, 220.0),
]


@pytest.mark.parametrize(("model_id", "cost", "input_usd", "output_usd"), API_COST)
def test_api_monthly_cost(
    catalog: Catalog, model_id: str, cost: float, input_usd: float, output_usd: float
) -> None:
    est = numbers(values(), "llm", catalog)
    found = candidate(est, model_id, "api")
    assert found["monthly_cost_usd"] == pytest.approx(cost)
    assert found["cost"]["input_usd"] == pytest.approx(input_usd)
    assert found["cost"]["output_usd"] == pytest.approx(output_usd)
    assert found["cost"]["price_as_of"] and found["cost"]["price_source"]


def test_api_price_row_must_hold_the_context(catalog: Catalog) -> None:
    # 100,000 tokens: the deepseek row holds 65,536, so deepinfra's $0.38 / $0.89
    # (163,840 tokens) is used: $190 + $178 = $368.
    est = numbers(values(context_tokens=100_000), "llm", catalog)
    found = candidate(est, "deepseek-v3", "api")
    assert found["provider"] == "deepinfra"
    assert found["monthly_cost_usd"] == pytest.approx(368.0)


def test_tier_price_above_the_threshold(catalog: Catalog) -> None:
    # Claude Sonnet 4 on anthropic: $6 / $22.50 above 200,000 input tokens;
    # 250,000 x 6 / 1e6 = $1.50 + 200 x 22.5 / 1e6 = $0.0045 per request.
    (price,) = [p for p in catalog.model("claude-sonnet-4").prices if p.provider == "anthropic"]
    assert api_plan(price, 250_000, 200).usd_per_request == pytest.approx(1.5045)
    assert api_plan(price, 1_000, 200).usd_per_request == pytest.approx(0.003 + 0.003)


def test_deprecated_and_retired_prices_are_not_used(catalog: Catalog) -> None:
    est = numbers(values(), "llm", catalog)
    for model_id in ("claude-sonnet-4", "mistral-7b", "gemini-1.5-pro"):
        found = candidate(est, model_id, "api")
        assert not found["fits"]
        assert "no price that can still be bought" in found["why_not"]


# --------------------------------------------------------------------------- requirements


def test_hosting_other_than_any_excludes_api_models(catalog: Catalog) -> None:
    est = numbers(values(hosting="on_prem"), "slm", catalog)
    assert {c["hosting"] for c in est["candidates"]} == {"self_hosted"}
    assert not any(c["model"] == "gpt-4o" for c in est["candidates"])
    assert "Not applicable: hosting is on_prem" in est["break_even"]["statement"]
    assert est["break_even_monthly_requests"] is None


def test_context_excludes_models_with_a_smaller_window(catalog: Catalog) -> None:
    est = numbers(values(context_tokens=100_000), "slm", catalog)
    qwen3 = candidate(est, "qwen3-8b", "self_hosted")  # 32,768 tokens
    assert not qwen3["fits"]
    assert qwen3["why_not"] == "context window 32,768 tokens is smaller than the 100,000 needed"
    assert candidate(est, "qwen2.5-7b", "self_hosted")["fits"]  # 131,072 tokens


GPU_LIMITS = [
    # (gpu_memory_gb, model, fits, precision, why_not fragment)
    (16, "llama-3.1-8b", True, "int8", None),  # 11.07 GB at INT8 (see SERVING)
    (0, "llama-3.1-8b", False, "fp16", "no GPU for self-hosting (gpu_memory_gb is 0)"),
    # Llama 3.1 70B at INT4 is 45.67 GB: ceil(45.67 / 24) = 2 GPUs of 24 GB
    (24, "llama-3.1-70b", False, "int8", "does not fit one 24 GB GPU even at INT4 (45.7 GB)"),
]


@pytest.mark.parametrize(("gpu_gb", "model_id", "fits", "precision", "why"), GPU_LIMITS)
def test_gpu_memory_requirement(
    catalog: Catalog, gpu_gb: float, model_id: str, fits: bool, precision: str, why: str | None
) -> None:
    est = numbers(values(gpu_memory_gb=gpu_gb), "slm", catalog)
    found = candidate(est, model_id, "self_hosted")
    assert found["fits"] is fits
    assert found["precision"] == precision
    if why is None:
        assert found["why_not"] is None
    else:
        assert why in found["why_not"]


def test_budget_rules_out_what_costs_more(catalog: Catalog) -> None:
    est = numbers(values(budget_usd_per_month=100), "llm", catalog)
    gpt4o = candidate(est, "gpt-4o", "api")
    assert gpt4o["why_not"] == "costs $3,250.00 a month, over the $100.00 budget"
    assert candidate(est, "llama-3.1-8b", "api")["fits"]  # $41


def test_non_commercial_licenses_are_flagged(catalog: Catalog) -> None:
    est = numbers(values(), "slm", catalog)
    qwen3b = candidate(est, "qwen2.5-3b", "self_hosted")
    assert qwen3b["commercial_use"] is False
    assert qwen3b["warnings"][0].startswith("license forbids commercial use")
    llama = candidate(est, "llama-3.1-8b", "api")
    assert llama["warnings"][0].startswith("license restricts commercial use")


def test_unknown_volume_is_assumed_and_said(catalog: Catalog) -> None:
    est = numbers(values(monthly_requests=None), "slm", catalog)
    assert est["inputs"]["monthly_requests"] == 1_000_000
    assert est["inputs"]["monthly_requests_assumed"] is True
    assert any("monthly_requests not given" in a for a in est["assumptions"])


# --------------------------------------------------------------------------- break-even

BREAK_EVEN = [
    # (replica USD, replica capacity, API USD per request, stays cheaper from)
    # x = C / k = 100; j0 = ceil(150 / 50) = 3 -> from 2 x 100 = 200. Between 150 and 200
    # a second replica ($200) costs more than the API ($150-200).
    (100.0, 150.0, 1.0, 200.0),
    (100.0, 1000.0, 1.0, 100.0),  # j0 = ceil(1000 / 900) = 2 -> from x = 100
    (100.0, 90.0, 1.0, None),  # a full replica costs $1.11 a request, more than $1: never
    (100.0, 1000.0, 0.0, None),  # a free API is never beaten
    (1e9, 1e12, 0.01, None),  # x = 1e11, beyond the 1e10 searched
]


@pytest.mark.parametrize(("replica_usd", "capacity", "per_request", "expected"), BREAK_EVEN)
def test_break_even_requests(
    replica_usd: float, capacity: float, per_request: float, expected: float | None
) -> None:
    got = break_even_requests(replica_usd, capacity, per_request)
    if expected is None:
        assert got is None
    else:
        assert got is not None and got == pytest.approx(expected)
        # Checked by brute force: self-hosting is cheaper just above, and at every later step.
        for volume in (got * 1.0001, got * 2, got * 7.5, got * 50):
            replicas = max(1, math.ceil(volume / capacity))
            assert replicas * replica_usd < per_request * volume


def test_first_cheaper_requests() -> None:
    assert first_cheaper_requests(100.0, 150.0, 1.0) == pytest.approx(100.0)
    assert first_cheaper_requests(100.0, 90.0, 1.0) is None


def test_break_even_from_the_shipped_catalogue(catalog: Catalog) -> None:
    # Cheapest fitting LLM API: Gemini 2.5 Flash-Lite (tied with GPT-4.1 nano; id order),
    #   k = (500 x 0.10 + 200 x 0.40) / 1e6 = $0.00013 a request.
    # Small model that breaks even soonest: every model of 8.0B or less runs at the full
    #   1,384.2 tokens/s on one H100, C = $1,963.70, R = 18,188,388; ties go to the larger,
    #   commercially usable model: Llama 3.1 8B.
    # x = 1,963.70 / 0.00013 = 15,105,384.6 (first cheaper); j0 = ceil(18,188,388 /
    #   (18,188,388 - 15,105,384.6)) = ceil(5.9) = 6 -> stays cheaper from 5 x x = 75,526,923.1.
    est = numbers(values(), "slm", catalog)
    assert est["break_even"]["llm_model"] == "gemini-2.5-flash-lite"
    assert est["break_even"]["small_model"] == "llama-3.1-8b"
    assert est["break_even_monthly_requests"] == 75_526_924
    assert est["break_even"]["first_cheaper_monthly_requests"] == 15_105_385
    assert est["break_even"]["statement"].startswith("From 75,526,924 requests a month")


def test_break_even_never_against_a_cheap_enough_api(catalog: Catalog, tmp_path: Path) -> None:
    # With the H100 at $4.00/h a replica costs 4 x 730 = $2,920 for 18,188,388 requests,
    # $0.16054 per 1,000, more than Flash-Lite's $0.13: never.
    mine = tmp_path / "gpu.yaml"
    mine.write_text(
        "gpus:\n"
        "  - {id: h100-80gb, name: H100, memory_gb: 80, usd_per_gpu_hour: 4.0,\n"
        "     provider: test, as_of: '2026-12-01', source: test}\n",
        encoding="utf-8",
    )
    est = numbers(values(), "slm", load_catalog(extra=mine))
    assert est["break_even_monthly_requests"] is None
    assert est["break_even"]["statement"].startswith("Never")


# --------------------------------------------------------------------------- hybrid

SHARES = [
    # (given values, share, source fragment)
    ({"quality_bar": "high", "task_type": "chat"}, 0.313, "CPT(80%)"),  # RouteLLM MT Bench
    ({"quality_bar": "best_effort", "task_breadth": "open_ended"}, 0.134, "CPT(50%)"),
    ({"quality_bar": "critical", "labelled_examples": 2000}, 0.6, "40% fewer"),  # Hybrid LLM
    ({"quality_bar": "high"}, 0.7808, "78.08%"),  # no trained router: as good as random
    ({"quality_bar": "best_effort"}, 0.4903, "49.03%"),
    ({"quality_bar": "critical"}, 1.0, "every request goes to the large model"),
    ({"quality_bar": None, "task_type": "chat"}, 0.313, "(assumed)"),
]


@pytest.mark.parametrize(("given", "share", "basis"), SHARES)
def test_llm_share(catalog: Catalog, given: dict[str, Any], share: float, basis: str) -> None:
    got, why = llm_share(values(**given), catalog.routing)
    assert got == pytest.approx(share)
    assert basis in why


def test_hybrid_blended_cost(catalog: Catalog) -> None:
    # 10,000,000 chat requests, quality high: 31.3% to the large model.
    # LLM: 3,130,000 x $0.00013 (Gemini 2.5 Flash-Lite) = $406.90
    # SLM: 6,870,000 x (700 x $0.02 / 1e6 = $0.000014) (Llama 3.2 3B, deepinfra) = $96.18
    est = numbers(values(monthly_requests=10_000_000, task_type="chat"), "hybrid", catalog)
    assert est["llm_share"] == pytest.approx(0.313)
    assert est["hybrid"]["llm_model"] == "gemini-2.5-flash-lite"
    assert est["hybrid"]["slm_model"] == "llama-3.2-3b"
    assert est["hybrid"]["llm_monthly_cost_usd"] == pytest.approx(406.90)
    assert est["hybrid"]["slm_monthly_cost_usd"] == pytest.approx(96.18)
    assert est["blended_monthly_cost_usd"] == pytest.approx(503.08)
    # Hybrid break-even: the self-hosted SLM serves 68.7% of traffic, so the volume is
    # 75,526,923.1 / 0.687 = 109,937,297.1 -> 109,937,298.
    assert est["break_even_hybrid_monthly_requests"] == 109_937_298
    assert any(a.startswith("hybrid share") for a in est["assumptions"])


def test_hybrid_keys_only_for_a_hybrid_recommendation(catalog: Catalog) -> None:
    plain = estimate(values(), "slm", catalog)
    assert plain.llm_share is None and plain.hybrid is None and plain.break_even_hybrid is None


# --------------------------------------------------------------------------- result shape


def test_candidates_carry_the_contract_keys(catalog: Catalog) -> None:
    est = numbers(values(), "slm", catalog)
    keys = {"model", "option", "hosting", "monthly_cost_usd", "gpu_memory_gb", "fits", "why_not"}
    for cand in est["candidates"]:
        assert keys <= set(cand)
        assert cand["option"] in {"slm", "llm"} and cand["hosting"] in {"api", "self_hosted"}
        if cand["hosting"] == "self_hosted":
            assert cand["gpu_memory_gb"] is not None and cand["memory"]["terms"]
    assert est["assumptions"] and all(isinstance(a, str) for a in est["assumptions"])


def test_result_is_json_ready(catalog: Catalog) -> None:
    est = estimate(values(task_type="chat"), "hybrid", catalog)
    assert Estimates.model_validate_json(est.model_dump_json()) == est  # the JSON is complete


def test_shortlist_three_per_option_one_per_model(catalog: Catalog) -> None:
    short = shortlist(estimate(values(), "slm", catalog))
    assert set(short) == {"slm", "llm"}
    for option, cands in short.items():
        assert len(cands) == 3
        assert all(c.fits and c.option == option for c in cands)
        assert len({c.model for c in cands}) == 3
        costs = [c.monthly_cost_usd for c in cands]
        assert costs == sorted(costs)
    # $14 = 1,000,000 x 700 x $0.02 / 1e6 (Llama 3.2 3B via deepinfra)
    assert short["slm"][0].model == "llama-3.2-3b"
    assert short["slm"][0].monthly_cost_usd == pytest.approx(14.0)


def test_on_device_self_hosting_is_not_priced(catalog: Catalog) -> None:
    est = numbers(values(hosting="on_device"), "slm", catalog)
    found = candidate(est, "llama-3.2-1b", "self_hosted")
    assert found["monthly_cost_usd"] is None
    assert "devices" in found["cost"]["not_priced"]
    assert est["break_even"]["statement"].startswith("Not estimated")


# --------------------------------------------------------------------------- any input

EDGES: dict[str, list[Any]] = {
    "monthly_requests": [None, 0, 1, 1_000_000, 10**13],
    "input_tokens": [None, 0, 1, 250_000, 100_000_000],
    "output_tokens": [None, 0, 1, 100_000],
    "context_tokens": [None, 1, 300_000, 100_000_000],
    "hosting": [None, "any", "private_cloud", "on_prem", "on_device"],
    "gpu_memory_gb": [None, 0, 0.5, 24, 100_000],
    "budget_usd_per_month": [None, 0, 100, 1e10],
    "quality_bar": [None, "best_effort", "high", "critical"],
    "task_type": [None, "chat", "code"],
    "task_breadth": [None, "single", "open_ended"],
    "labelled_examples": [None, 0, 5000],
}


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    picks=st.fixed_dictionaries({k: st.sampled_from(v) for k, v in EDGES.items()}),
    recommendation=st.sampled_from(["slm", "llm", "hybrid"]),
)
def test_any_valid_requirements_give_finite_json(
    catalog: Catalog, picks: dict[str, Any], recommendation: str
) -> None:
    import json

    est = numbers(values(**picks), recommendation, catalog)
    json.dumps(est, allow_nan=False)  # no NaN or infinity anywhere
    for cand in est["candidates"]:
        assert cand["fits"] is (cand["why_not"] is None)
        cost = cand["monthly_cost_usd"]
        assert cost is None or cost >= 0


def test_the_compact_list_holds_every_model_the_estimates_name() -> None:
    # The break-even pair and the hybrid's picks keep their records in the compact list,
    # so a JSON reader can always find the candidate a statement names.
    from slmvllm.advisor import advise
    from slmvllm.loading.labels import load_labels

    from .conftest import ROOT

    cases = load_labels(
        [ROOT / "benchmarks" / "decisions" / "index.yaml", ROOT / "examples" / "cases"]
    )
    named = 0
    for case in cases[::2]:
        est = advise(case.requirements).estimates
        assert est is not None
        listed = {c.model for c in est.candidates}
        names = [est.break_even.small_model, est.break_even.llm_model]
        if est.hybrid is not None:
            names += [est.hybrid.slm_model, est.hybrid.llm_model]
        for name in filter(None, names):
            assert name in listed, (case.label.id, name)
            named += 1
        assert est.candidates_total == len(est.candidates) + sum(
            g.count for g in est.candidates_left_out or []
        )
    assert named > 50


def test_memory_term_lookup_names_a_missing_term(catalog: Catalog) -> None:
    est = memory_estimate(catalog.model("llama-3.1-8b"), catalog, "fp16", context_tokens=100)
    assert est.term("weights").gb == pytest.approx(16.0)
    with pytest.raises(KeyError, match="no_such_term"):
        est.term("no_such_term")


def test_kv_cache_is_not_estimated_when_no_model_has_a_known_shape(catalog: Catalog) -> None:
    # No shapes anywhere: nothing to scale from, so 0 bytes and a fallback that says so.
    import dataclasses

    models = tuple(m.model_copy(update={"shape": None}) for m in catalog.models)
    shapeless = dataclasses.replace(catalog, models=models)
    value, basis, fallback = kv_bytes_per_token(shapeless.model("llama-3.1-8b"), shapeless)
    assert (value, fallback) == (0.0, True)
    assert basis == "not estimated: no model of the catalogue has a known shape"


@pytest.mark.parametrize(
    ("concurrency", "held", "kv_gb"),
    [
        # one request of 4,096 tokens: 131,072 x 4,096 = 536,870,912 B = 0.54 GB
        (1, "4,096 tokens for 1 request", 0.536870912),
        # two: 4,096 + 1 x 700 = 4,796 tokens: 131,072 x 4,796 = 628,621,312 B = 0.63 GB
        (2, "4,096 + 1 x 700 tokens for 2 requests", 0.628621312),
        # three: 4,096 + 2 x 700 = 5,496 tokens = 720,371,712 B
        (3, "4,096 + 2 x 700 tokens for 3 requests", 0.720371712),
    ],
)
def test_memory_formulas_word_for_word(
    catalog: Catalog, concurrency: int, held: str, kv_gb: float
) -> None:
    est = memory_estimate(
        catalog.model("llama-3.1-8b"),
        catalog,
        "fp16",
        context_tokens=4096,
        concurrency=concurrency,
        average_tokens=700,
    )
    assert est.model == "llama-3.1-8b" and est.precision == "fp16"
    assert est.term("weights").formula == "8B parameters x 16 bits / 8 = 16.00 GB"  # no MoE note
    kv = est.term("kv_cache")
    assert kv.formula.startswith(f"131,072 bytes/token x ({held}) = {kv_gb:.2f} GB; 2 x 32 layers")
    assert kv.gb == kv_gb  # GB are 10^9 bytes, exactly
    assert est.term("runtime_overhead").formula == "0.2 x 16.00 GB of weights = 3.20 GB"


def test_memory_of_a_model_with_no_parameter_count_is_refused(catalog: Catalog) -> None:
    with pytest.raises(ValueError, match="gpt-4o: parameter count undisclosed"):
        memory_estimate(catalog.model("gpt-4o"), catalog, "fp16", context_tokens=100)


def test_the_kv_cache_memo_never_serves_another_catalogues_figures(catalog: Catalog) -> None:
    # The memo is keyed by id(); an entry kept for another catalogue or model under the
    # same ids (an id reused after the old object was freed) must be ignored, not read.
    from slmvllm.numbers import gpu_memory

    model = catalog.model("llama-3.1-8b")
    key = (id(catalog), id(model))
    memo = gpu_memory._KV_CACHE
    try:
        memo.clear()
        memo._items[key] = ((object(), model), (999.0, "stale", False))
        assert kv_bytes_per_token(model, catalog)[0] == 131_072
        memo._items[key] = ((catalog, catalog.model("qwen2.5-7b")), (999.0, "x", False))
        assert kv_bytes_per_token(model, catalog)[0] == 131_072
    finally:
        memo.clear()


def test_memory_table_lists_every_precision_or_the_serving_ones_with_the_same_workload(
    catalog: Catalog,
) -> None:
    from slmvllm.numbers.gpu_memory import memory_table

    model = catalog.model("llama-3.1-8b")
    every = memory_table(model, catalog, context_tokens=4096)
    assert [e.precision for e in every] == [
        "fp16",
        "bf16",
        "gguf-q8_0",
        "int8",
        "gguf-q6_k",
        "gguf-q5_k_m",
        "gguf-q4_k_m",
        "int4",
    ]  # least compressed first; by default one request, every precision
    assert all("(4,096 tokens for 1 request)" in e.term("kv_cache").formula for e in every)
    served = memory_table(
        model, catalog, context_tokens=4096, concurrency=3, average_tokens=700, serving=True
    )
    assert [e.precision for e in served] == ["fp16", "bf16", "int8", "int4"]
    assert all(
        "(4,096 + 2 x 700 tokens for 3 requests)" in e.term("kv_cache").formula for e in served
    )


def test_smallest_fit_at_exactly_the_gpus_memory(catalog: Catalog) -> None:
    from slmvllm.numbers.gpu_memory import smallest_fit

    model = catalog.model("llama-3.1-8b")
    # 16 requests, one of 4,096 tokens and 15 of 700: 14,596 tokens; at FP16
    # 16.0 + 131,072 x 14,596 / 1e9 + 3.2 = 21.113126912 GB
    exact = 16.0 + 131_072 * 14_596 / 1e9 + 3.2
    kwargs = {"context_tokens": 4096, "concurrency": 16, "average_tokens": 700, "serving": True}
    fit = smallest_fit(model, catalog, exact, **kwargs)  # type: ignore[arg-type]
    assert fit is not None and fit.precision == "fp16"  # exactly full fits
    assert "(4,096 + 15 x 700 tokens for 16 requests)" in fit.term("kv_cache").formula
    short = smallest_fit(model, catalog, exact - 0.001, **kwargs)  # type: ignore[arg-type]
    assert short is not None and short.precision == "int8"  # 8.0 + 1.913 + 1.6 = 11.51 GB
    assert smallest_fit(model, catalog, 1.0, **kwargs) is None  # type: ignore[arg-type]


def test_reported_gigabytes_are_rounded_to_hundredths(catalog: Catalog) -> None:
    est = memory_estimate(catalog.model("llama-3.1-8b"), catalog, "fp16", context_tokens=4096)
    report = est.report()
    # KV 0.536870912 GB -> 0.54; total 16 + 0.536870912 + 3.2 = 19.736870912 -> 19.74
    assert [t.gb for t in report.terms] == [16.0, 0.54, 3.2]
    assert report.total_gb == 19.74


@pytest.mark.parametrize("stale", ["catalogue", "model"])
def test_the_memory_memo_never_serves_another_objects_estimate(
    catalog: Catalog, stale: str
) -> None:
    # Keyed by id(); an entry left by another catalogue or model under the same ids
    # must be recomputed, not served.
    from slmvllm.numbers import gpu_memory

    model = catalog.model("llama-3.1-8b")
    wrong = memory_estimate(catalog.model("qwen2.5-7b"), catalog, "fp16", context_tokens=99)
    key = (id(catalog), id(model), "fp16", 4096, 1, None)
    kept = (object(), model) if stale == "catalogue" else (catalog, object())
    memo = gpu_memory._MEMORY_CACHE
    try:
        memo.clear()
        memo._items[key] = (kept, wrong)
        got = memory_estimate(model, catalog, "fp16", context_tokens=4096)
        assert got.model == "llama-3.1-8b" and got.term("weights").gb == 16.0
    finally:
        memo.clear()
