"""Every threshold of the core tested at, just below and just above it.

Expected values are worked out by hand in the comments (never read back from the code):
a one-character change in a comparison (`>` for `>=`, `+ eps` for `- eps`) fails here.
Tables cover the condition language, the cost plans, the GPU memory fit, the hybrid
share, the budget checks and the loader's duplicate keys.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from slmvllm.advice.conditions import (
    Condition,
    compile_condition,
    describe,
    fields_read,
    holds,
    thresholds,
)
from slmvllm.errors import InputError
from slmvllm.loading.documents import Source
from slmvllm.loading.yaml_parsing import parse_yaml
from slmvllm.numbers.catalog import Catalog, Price, load_catalog
from slmvllm.numbers.cost_plans import (
    api_plan,
    break_even_requests,
    first_cheaper_requests,
    serving_plan,
)
from slmvllm.numbers.estimates import estimate
from slmvllm.numbers.hybrid_share import llm_share
from slmvllm.requirements import REQUIREMENT_FIELDS

CONDITION: TypeAdapter[Condition] = TypeAdapter(Condition)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def condition(data: dict[str, Any]) -> Condition:
    return CONDITION.validate_python(data)


def values(**given: Any) -> dict[str, Any]:
    """Resolved requirement values: every field unknown but the ones given."""
    return dict.fromkeys(REQUIREMENT_FIELDS) | given


# --------------------------------------------------------------------------- conditions

# (condition, value of the field, holds?) — the threshold is 1,000 requests a month.
COMPARISONS = [
    # gt 1000: only strictly more
    ({"gt": 1000}, 999, False),
    ({"gt": 1000}, 1000, False),
    ({"gt": 1000}, 1001, True),
    # gte 1000: the threshold itself counts
    ({"gte": 1000}, 999, False),
    ({"gte": 1000}, 1000, True),
    ({"gte": 1000}, 1001, True),
    # lt 1000: only strictly less
    ({"lt": 1000}, 999, True),
    ({"lt": 1000}, 1000, False),
    ({"lt": 1000}, 1001, False),
    # lte 1000: the threshold itself counts
    ({"lte": 1000}, 999, True),
    ({"lte": 1000}, 1000, True),
    ({"lte": 1000}, 1001, False),
    # a one-point range gte 1000, lte 1000: exactly 1000
    ({"gte": 1000, "lte": 1000}, 999, False),
    ({"gte": 1000, "lte": 1000}, 1000, True),
    ({"gte": 1000, "lte": 1000}, 1001, False),
    # a half-open range gte 1000, lt 1001: exactly 1000 among whole numbers
    ({"gte": 1000, "lt": 1001}, 1000, True),
    ({"gte": 1000, "lt": 1001}, 1001, False),
    # a range gt 999, lte 1000
    ({"gt": 999, "lte": 1000}, 999, False),
    ({"gt": 999, "lte": 1000}, 1000, True),
    # an unknown value satisfies no comparison
    ({"gt": 1000}, None, False),
    ({"lte": 1000}, None, False),
    ({"gte": 1000, "lte": 1000}, None, False),
    # known: true holds for any value; known: false only for an unknown one
    ({"known": True}, 0, True),
    ({"known": True}, None, False),
    ({"known": False}, 0, False),
    ({"known": False}, None, True),
    # known: true plus a comparison: both must hold
    ({"known": True, "gt": 1000}, 1001, True),
    ({"known": True, "gt": 1000}, 1000, False),
    ({"known": True, "gt": 1000}, None, False),
    # known: false plus a comparison can never hold, known or not
    ({"known": False, "gt": 1000}, None, False),
    ({"known": False, "gt": 1000}, 1001, False),
    # is / in / not_in on a number field
    ({"is": 1000}, 1000, True),
    ({"is": 1000}, 1001, False),
    ({"in": [999, 1001]}, 1000, False),
    ({"in": [999, 1001]}, 1001, True),
    ({"not_in": [1000]}, 1000, False),
    ({"not_in": [1000]}, 1001, True),
    ({"not_in": [1000]}, None, False),  # unknown: not_in does not hold either
]


@pytest.mark.parametrize("evaluate", ["holds", "compiled"])
@pytest.mark.parametrize(("ops", "value", "expected"), COMPARISONS)
def test_number_comparisons_at_below_and_above_the_threshold(
    evaluate: str, ops: dict[str, Any], value: Any, expected: bool
) -> None:
    cond = condition({"field": "monthly_requests", **ops})
    given = values(monthly_requests=value)
    got = holds(cond, given) if evaluate == "holds" else compile_condition(cond)(given)
    assert got is expected


FLOAT_COMPARISONS = [
    # weeks_to_launch is a float field: 4 weeks, with 3.9 and 4.1 on either side
    ({"lte": 4}, 3.9, True),
    ({"lte": 4}, 4.0, True),
    ({"lte": 4}, 4.1, False),
    ({"lt": 4}, 4.0, False),
    ({"gt": 4}, 4.0, False),
    ({"gt": 4}, 4.1, True),
    ({"gte": 4.5, "lte": 4.5}, 4.5, True),
]


@pytest.mark.parametrize("evaluate", ["holds", "compiled"])
@pytest.mark.parametrize(("ops", "value", "expected"), FLOAT_COMPARISONS)
def test_float_comparisons(evaluate: str, ops: dict[str, Any], value: Any, expected: bool) -> None:
    cond = condition({"field": "weeks_to_launch", **ops})
    given = values(weeks_to_launch=value)
    got = holds(cond, given) if evaluate == "holds" else compile_condition(cond)(given)
    assert got is expected


CHOICES = [
    # task_type is an enum: is / in / not_in, and unknown never satisfies them
    ({"is": "chat"}, "chat", True),
    ({"is": "chat"}, "code", False),
    ({"is": "chat"}, None, False),
    ({"in": ["chat", "code"]}, "code", True),
    ({"in": ["chat", "code"]}, "rag_qa", False),
    ({"in": ["chat", "code"]}, None, False),
    ({"not_in": ["chat", "code"]}, "rag_qa", True),
    ({"not_in": ["chat", "code"]}, "chat", False),
    ({"not_in": ["chat", "code"]}, None, False),
    ({"is": "chat", "in": ["chat", "code"]}, "chat", True),
    ({"is": "chat", "not_in": ["chat"]}, "chat", False),
]


@pytest.mark.parametrize("evaluate", ["holds", "compiled"])
@pytest.mark.parametrize(("ops", "value", "expected"), CHOICES)
def test_enum_tests(evaluate: str, ops: dict[str, Any], value: Any, expected: bool) -> None:
    cond = condition({"field": "task_type", **ops})
    given = values(task_type=value)
    got = holds(cond, given) if evaluate == "holds" else compile_condition(cond)(given)
    assert got is expected


COMBINED = [
    # all: every part; any: one part; not: the opposite (so `not` of an unknown test holds)
    (
        {"all": [{"field": "task_type", "is": "chat"}, {"field": "monthly_requests", "gte": 1000}]},
        "chat",
        1000,
        True,
    ),
    (
        {"all": [{"field": "task_type", "is": "chat"}, {"field": "monthly_requests", "gte": 1000}]},
        "chat",
        999,
        False,
    ),
    (
        {"all": [{"field": "task_type", "is": "chat"}, {"field": "monthly_requests", "gte": 1000}]},
        "code",
        1000,
        False,
    ),
    (
        {"any": [{"field": "task_type", "is": "chat"}, {"field": "monthly_requests", "gte": 1000}]},
        "code",
        999,
        False,
    ),
    (
        {"any": [{"field": "task_type", "is": "chat"}, {"field": "monthly_requests", "gte": 1000}]},
        "code",
        1000,
        True,
    ),
    (
        {"any": [{"field": "task_type", "is": "chat"}, {"field": "monthly_requests", "gte": 1000}]},
        "chat",
        999,
        True,
    ),
    ({"not": {"field": "monthly_requests", "gte": 1000}}, None, 999, True),
    ({"not": {"field": "monthly_requests", "gte": 1000}}, None, 1000, False),
    ({"not": {"field": "monthly_requests", "gte": 1000}}, None, None, True),
    ({"not": {"not": {"field": "task_type", "is": "chat"}}}, "chat", None, True),
    ({"not": {"not": {"field": "task_type", "is": "chat"}}}, "code", None, False),
]


@pytest.mark.parametrize("evaluate", ["holds", "compiled"])
@pytest.mark.parametrize(("data", "task", "requests", "expected"), COMBINED)
def test_all_any_not(
    evaluate: str, data: dict[str, Any], task: Any, requests: Any, expected: bool
) -> None:
    cond = condition(data)
    given = values(task_type=task, monthly_requests=requests)
    got = holds(cond, given) if evaluate == "holds" else compile_condition(cond)(given)
    assert got is expected


REFUSED = [
    # (test on a field, what the error says)
    ({"field": "monthly_requests", "gt": 1000, "lte": 1000}, "can never hold"),
    ({"field": "monthly_requests", "gte": 1000, "lt": 1000}, "can never hold"),
    ({"field": "monthly_requests", "gt": 1000, "lt": 1000}, "can never hold"),
    ({"field": "monthly_requests", "gte": 1001, "lte": 1000}, "can never hold"),
    ({"field": "monthly_requests", "gt": 1001, "lt": 1000}, "can never hold"),
    ({"field": "monthly_requests"}, "has no operator"),
    ({"field": "task_type", "gt": 3}, "'gt' compares numbers"),
    ({"field": "task_type", "lte": 3}, "'lte' compares numbers"),
    ({"field": "task_type", "is": "poetry"}, "'poetry' is not a value of 'task_type'"),
    ({"field": "task_type", "in": ["chat", "chatt"]}, "did you mean 'chat'"),
    ({"field": "monthly_requests", "is": "many"}, "is a number, so 'is' needs numbers"),
    ({"field": "use_case", "is": "triage"}, "free text; only 'known' can test it"),
    ({"field": "task_tipe", "is": "chat"}, "task_type"),
]


@pytest.mark.parametrize(("data", "message"), REFUSED)
def test_conditions_that_cannot_work_are_refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(")):
        condition(data)


ACCEPTED = [
    # the one-point ranges that CAN hold, and bounds that merely touch
    {"field": "monthly_requests", "gte": 1000, "lte": 1000},
    {"field": "monthly_requests", "gte": 999, "lte": 1000},
    {"field": "monthly_requests", "gt": 999, "lt": 1000},  # empty among integers, not floats
    {"field": "weeks_to_launch", "gte": 4.5, "lte": 4.5},
    {"field": "use_case", "known": True},
    {"field": "task_type", "known": False},
]


@pytest.mark.parametrize("data", ACCEPTED)
def test_ranges_that_can_hold_are_accepted(data: dict[str, Any]) -> None:
    assert condition(data)


def test_thresholds_and_fields_read_collect_every_number() -> None:
    cond = condition(
        {
            "any": [
                {"field": "monthly_requests", "gte": 1000, "lt": 5000},
                {"not": {"field": "latency_p95_ms", "in": [100, 200]}},
                {"field": "task_type", "in": ["chat", "code"]},
                {"field": "weeks_to_launch", "gt": 4.5},
                {"field": "input_tokens", "not_in": [0, 512]},
                {"field": "output_tokens", "is": 256},
            ]
        }
    )
    assert thresholds(cond) == {
        "monthly_requests": {1000, 5000},
        "latency_p95_ms": {100, 200},
        "weeks_to_launch": {4.5},
        "input_tokens": {0, 512},
        "output_tokens": {256},
    }
    assert fields_read(cond) == {
        "monthly_requests",
        "latency_p95_ms",
        "task_type",
        "weeks_to_launch",
        "input_tokens",
        "output_tokens",
    }


@pytest.mark.parametrize(
    "data",
    [
        {"field": "task_type", "is": "chat"},
        {"all": [{"field": "task_type", "is": "chat"}]},
        {"any": [{"field": "task_type", "is": "chat"}]},
        {"not": {"field": "task_type", "is": "chat"}},
    ],
    ids=["test", "all", "any", "not"],
)
def test_a_condition_already_built_validates_as_itself(data: dict[str, Any]) -> None:
    # Rule set layers re-validate conditions that are already models: each kind must be
    # recognised from its class, not only from its YAML keys.
    built = condition(data)
    again = CONDITION.validate_python(built)
    assert type(again) is type(built) and again == built


# --------------------------------------------------------------------------- API price tiers

# A price with a long-context tier: $1 / $2 per million up to 1,000 input tokens,
# $10 / $20 above 1,000. Output is 100 tokens a request throughout.
TIERED = Price(
    provider="example",
    input_usd_per_million=1.0,
    output_usd_per_million=2.0,
    as_of="2026-01-01",
    tier_above_input_tokens=1000,
    input_usd_per_million_above=10.0,
    output_usd_per_million_above=20.0,
    source="a test price",
)

TIERS = [
    # (input tokens, tiered?, input USD, output USD per request)
    # 999 x $1 / 1e6 = $0.000999; 100 x $2 / 1e6 = $0.0002
    (999, False, 0.000999, 0.0002),
    # AT the threshold the base price still applies: 1,000 x $1 / 1e6 = $0.001
    (1000, False, 0.001, 0.0002),
    # above it both prices switch: 1,001 x $10 / 1e6 = $0.01001; 100 x $20 / 1e6 = $0.002
    (1001, True, 0.01001, 0.002),
]


@pytest.mark.parametrize(("tokens", "tiered", "input_usd", "output_usd"), TIERS)
def test_long_context_tier_applies_only_above_its_threshold(
    tokens: int, tiered: bool, input_usd: float, output_usd: float
) -> None:
    plan = api_plan(TIERED, tokens, 100)
    assert plan.tiered is tiered
    assert plan.input_usd_per_request == pytest.approx(input_usd, rel=1e-12)
    assert plan.output_usd_per_request == pytest.approx(output_usd, rel=1e-12)
    assert plan.usd_per_request == pytest.approx(input_usd + output_usd, rel=1e-12)
    # 1,000 requests a month: 1,000 x the cost of one
    assert plan.monthly_cost(1000) == pytest.approx(1000 * (input_usd + output_usd), rel=1e-12)


def test_a_price_without_a_tier_never_switches() -> None:
    flat = TIERED.model_copy(
        update={
            "tier_above_input_tokens": None,
            "input_usd_per_million_above": None,
            "output_usd_per_million_above": None,
        }
    )
    # 10,000,000 x $1 / 1e6 = $10 input; 100 x $2 / 1e6 = $0.0002 output
    plan = api_plan(flat, 10_000_000, 100)
    assert not plan.tiered
    assert plan.usd_per_request == pytest.approx(10.0002)


# --------------------------------------------------------------------------- break-even

BREAK_EVEN = [
    # (replica USD a month C, replica capacity R requests, API USD a request k, volume)
    # x = C / k = 1,000 / 1 = 1,000 requests: one replica costs what 1,000 API calls do.
    # R = 1,000 = x: a full replica costs exactly the API: never cheaper.
    (1000.0, 1000.0, 1.0, None),
    # R = 999 < x: never cheaper.
    (1000.0, 999.0, 1.0, None),
    # R = 1,001: j0 = ceil(1,001 / 1) = 1,001; cheaper from (1,001 - 1) x 1,000 = 1,000,000
    (1000.0, 1001.0, 1.0, 1_000_000.0),
    # R = 2,000: j0 = ceil(2,000 / 1,000) = 2; from (2 - 1) x 1,000 = 1,000
    (1000.0, 2000.0, 1.0, 1000.0),
    # R = 3,000: ceil(3,000 / 2,000) = 2 -> 1,000
    (1000.0, 3000.0, 1.0, 1000.0),
    # R = 1,500: ceil(1,500 / 500) = 3 -> 2 x 1,000 = 2,000
    (1000.0, 1500.0, 1.0, 2000.0),
    # k = $0.5: x = 2,000; R = 5,000: ceil(5,000 / 3,000) = 2 -> 2,000
    (1000.0, 5000.0, 0.5, 2000.0),
    # a free API is never beaten
    (1000.0, 5000.0, 0.0, None),
]


@pytest.mark.parametrize(("replica", "capacity", "per_request", "volume"), BREAK_EVEN)
def test_break_even_volume(
    replica: float, capacity: float, per_request: float, volume: float | None
) -> None:
    assert break_even_requests(replica, capacity, per_request) == (
        None if volume is None else pytest.approx(volume)
    )


BREAK_EVEN_LIMIT = [
    # x = 1,000, R = 2,000: the volume is 1,000; the limit at, below and above it
    (1000.0, 1000.0),
    (999.0, None),
    (1001.0, 1000.0),
]


@pytest.mark.parametrize(("limit", "volume"), BREAK_EVEN_LIMIT)
def test_break_even_volume_up_to_the_limit(limit: float, volume: float | None) -> None:
    assert break_even_requests(1000.0, 2000.0, 1.0, limit=limit) == volume
    assert first_cheaper_requests(1000.0, 2000.0, 1.0, limit=limit) == volume


FIRST_CHEAPER = [
    # x = C / k = 1,000: one replica beats the API from 1,000 requests, if it can serve them
    (1000.0, 999.0, 1.0, None),  # capacity below x
    (1000.0, 1000.0, 1.0, None),  # capacity exactly x: not below it
    (1000.0, 1001.0, 1.0, 1000.0),
    (1000.0, 4000.0, 0.5, 2000.0),  # x = 1,000 / 0.5
    (1000.0, 4000.0, 0.0, None),  # a free API
]


@pytest.mark.parametrize(("replica", "capacity", "per_request", "volume"), FIRST_CHEAPER)
def test_first_volume_where_one_replica_is_cheaper(
    replica: float, capacity: float, per_request: float, volume: float | None
) -> None:
    assert first_cheaper_requests(replica, capacity, per_request) == volume


# --------------------------------------------------------------------------- self-hosting

# Llama 3.1 8B at FP16 for 16 requests of 700 tokens (see tests/test_estimates.py):
# weights 8.0 x 2 = 16.0 GB; KV 131,072 B x 11,200 tokens = 1.4680064 GB; overhead
# 0.2 x 16 = 3.2 GB; total 20.6680064 GB.
LLAMA_8B_FP16_GB = 16.0 + 131_072 * 11_200 / 1e9 + 3.2

GPU_FIT = [
    # (the user's GPU memory, precision chosen)
    (LLAMA_8B_FP16_GB, "fp16"),  # exactly the total: it fits
    (20.668, "int8"),  # 0.0000064 GB short of FP16: INT8 (11.07 GB)
    (20.669, "fp16"),
    (None, "fp16"),  # the serving GPU (80 GB)
]


@pytest.mark.parametrize(("limit", "precision"), GPU_FIT)
def test_a_model_fits_a_gpu_of_exactly_its_size(
    catalog: Catalog, limit: float | None, precision: str
) -> None:
    assert LLAMA_8B_FP16_GB == pytest.approx(20.6680064)
    plan = serving_plan(
        catalog.model("llama-3.1-8b"),
        catalog,
        context_tokens=700,
        average_tokens=700,
        output_tokens=200,
        gpu_memory_gb=limit,
    )
    assert plan.memory.precision == precision
    assert (plan.gpus_per_replica, plan.sharded) == (1, False)


SHARDING = [
    # (model, the user's GPU memory, precision, GPUs per replica, sharded?)
    # Llama 3.1 70B fits one 80 GB H100 at INT4 (45.67 GB): one GPU, not sharded
    ("llama-3.1-70b", None, "int4", 1, False),
    # With 24 GB GPUs even INT4 (45.67 GB) does not fit: split at INT8, 70 + 3.67 + 14 =
    # 87.67 GB -> ceil(87.67 / 80) = 2 GPUs: sharded
    ("llama-3.1-70b", 24, "int8", 2, True),
    # Mixtral 8x7B with 16 GB GPUs: INT4 23.35 + 4.67 + KV > 16, so split at INT8
    # (46.7 + 9.34 + 1.93 = 57.97 GB): one 80 GB GPU holds it, but it does not fit the
    # user's GPU, so it is still sharded
    ("mixtral-8x7b", 16, "int8", 1, True),
    # DeepSeek-V3 fits no GPU: 807.1 GB at INT8 -> ceil(807.1 / 80) = 11 GPUs
    ("deepseek-v3", None, "int8", 11, True),
]


@pytest.mark.parametrize(("model_id", "limit", "precision", "gpus", "sharded"), SHARDING)
def test_a_model_split_over_gpus_is_flagged_sharded(
    catalog: Catalog,
    model_id: str,
    limit: float | None,
    precision: str,
    gpus: int,
    sharded: bool,
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
    assert plan.sharded is sharded


REPLICAS = [
    # One Llama 3.1 8B replica serves 1,384.2 tokens/s x 2,628,000 s / 200 tokens =
    # 18,188,388 requests a month, exactly.
    (18_188_387, 1),
    (18_188_388, 1),  # exactly full: still one
    (18_188_389, 2),  # one more: a second replica
    (2 * 18_188_388, 2),
    (2 * 18_188_388 + 1, 3),
    (0, 1),  # always on
]


@pytest.mark.parametrize(("requests", "replicas"), REPLICAS)
def test_replicas_at_the_capacity_of_one(catalog: Catalog, requests: int, replicas: int) -> None:
    plan = serving_plan(
        catalog.model("llama-3.1-8b"),
        catalog,
        context_tokens=700,
        average_tokens=700,
        output_tokens=200,
    )
    assert plan.replicas(requests) == replicas
    # $2.69 x 730 h = $1,963.70 per replica
    assert plan.monthly_cost(requests) == pytest.approx(replicas * 1963.70)


# --------------------------------------------------------------------------- hybrid share

# Router figures (slmvllm/data/serving.yaml): a trained router sends 0.134 (CPT 50%),
# 0.313 (CPT 80%) or 0.6 (no quality drop) of requests to the large model; an untrained
# one is random: 0.4903, 0.7808, or every request for a critical bar. Training needs
# 1,500 in-domain labels (RouteLLM).
HYBRID_SHARE = [
    # (labelled examples, quality bar, task, breadth, share)
    (1499, "high", "code", "few", 0.7808),  # one label short: random router
    (1500, "high", "code", "few", 0.313),  # exactly 1,500: enough to train it
    (1501, "high", "code", "few", 0.313),
    (1499, "best_effort", "code", "few", 0.4903),
    (1500, "best_effort", "code", "few", 0.134),
    (1499, "critical", "code", "few", 1.0),  # untrained, critical: all to the large model
    (1500, "critical", "code", "few", 0.6),
    (None, "high", "code", "few", 0.7808),  # labels unknown: untrained
    (0, "high", "chat", "few", 0.313),  # chat is the router's training data
    (0, "high", "code", "open_ended", 0.313),  # so is open-ended traffic
    (0, None, "code", "few", 0.7808),  # quality unknown: taken as high
]


@pytest.mark.parametrize(("labels", "quality", "task", "breadth", "share"), HYBRID_SHARE)
def test_hybrid_share_at_the_label_threshold(
    catalog: Catalog,
    labels: int | None,
    quality: str | None,
    task: str,
    breadth: str,
    share: float,
) -> None:
    got, why = llm_share(
        values(labelled_examples=labels, quality_bar=quality, task_type=task, task_breadth=breadth),
        catalog.routing,
    )
    assert got == share
    trained = share in (0.134, 0.313, 0.6)
    assert ("a trained router applies" in why) is trained
    assert ("(assumed)" in why) is (quality is None)


def test_hybrid_share_says_why_it_was_trained(catalog: Catalog) -> None:
    _, why = llm_share(values(labelled_examples=1500, task_type="chat"), catalog.routing)
    assert "quality_bar high (assumed)" in why
    assert "the task is chat" in why
    assert "1,500 labelled examples (>= 1,500) can train it in-domain" in why
    _, why = llm_share(values(labelled_examples=1499, quality_bar="high"), catalog.routing)
    assert "fewer than 1,500 labelled examples" in why and "(assumed)" not in why


UNTRAINED = (
    "no sign the router can be trained on traffic like yours (task not chat, not open-ended, "
    "fewer than 1,500 labelled examples), so it is assumed no better than random"
)
CHAT = "the task is chat, like the router's Arena training data"
OPEN = "the traffic is open-ended, like the router's Arena training data"


def test_hybrid_share_explanations_word_for_word(catalog: Catalog) -> None:
    routing = catalog.routing
    # Trained three ways at once, best effort: the CPT(50%) figure and its source.
    share, why = llm_share(
        values(
            task_type="chat",
            task_breadth="open_ended",
            labelled_examples=1500,
            quality_bar="best_effort",
        ),
        routing,
    )
    assert (share, why) == (
        0.134,
        "quality_bar best_effort: keep half the quality gap between the models (CPT(50%)); "
        f"a trained router applies: {CHAT}; {OPEN}; 1,500 labelled examples (>= 1,500) can "
        f"train it in-domain; share 0.134 from {routing.learned_router_cpt50.source}",
    )
    # Untrained, high bar (given, so not assumed): the random router's CPT(80%).
    share, why = llm_share(values(quality_bar="high", labelled_examples=1499), routing)
    assert (share, why) == (
        0.7808,
        "quality_bar high: keep 80% of the quality gap (CPT(80%)); "
        f"{UNTRAINED}; share 0.7808 from {routing.random_router_cpt80.source}",
    )
    # Untrained, critical: every request to the large model.
    share, why = llm_share(values(quality_bar="critical"), routing)
    assert (share, why) == (
        1.0,
        "quality_bar critical: keep all of the large model's quality; "
        f"{UNTRAINED}, and only a trained router has been shown to keep full quality, so "
        "every request goes to the large model (a hybrid saves nothing)",
    )
    # Trained by chat, critical: Hybrid LLM's no-quality-drop figure.
    share, why = llm_share(values(task_type="chat", quality_bar="critical"), routing)
    assert (share, why) == (
        0.6,
        "quality_bar critical: keep all of the large model's quality; "
        f"a trained router applies: {CHAT}; share 0.6 from {routing.no_quality_drop.source}",
    )


# --------------------------------------------------------------------------- budget


def _workload(**given: Any) -> dict[str, Any]:
    # 1,000,000 requests of 500 input and 200 output tokens (as tests/test_estimates.py)
    return values(
        domain_focus="moderate",
        task_breadth="few",
        input_tokens=500,
        output_tokens=200,
        data_sensitivity="internal",
        hosting="any",
        quality_bar="high",
        monthly_requests=1_000_000,
        **given,
    )


BUDGET = [
    # Llama 3.1 8B on groq: $0.05 / $0.08 per million -> 1,000,000 x (500 x 0.05 + 200 x
    # 0.08) / 1e6 = $25 + $16 = $41.00 a month.
    (40.99, False),  # a cent short: over the budget
    (41.00, True),  # exactly the budget: not over it
    (41.01, True),
]


@pytest.mark.parametrize(("budget", "fits"), BUDGET)
def test_a_cost_equal_to_the_budget_is_not_over_it(
    catalog: Catalog, budget: float, fits: bool
) -> None:
    est = estimate(_workload(budget_usd_per_month=budget), "llm", catalog, all_candidates=True)
    (llama,) = [c for c in est.candidates if c.model == "llama-3.1-8b" and c.hosting == "api"]
    assert llama.monthly_cost_usd == pytest.approx(41.0)
    assert llama.fits is fits
    if not fits:
        assert llama.why_not == "costs $41.00 a month, over the $40.99 budget"


def test_the_hybrid_at_exactly_its_budget_fits(catalog: Catalog) -> None:
    # The hybrid's blended cost, then a budget of exactly that, a cent less and a cent more.
    free = estimate(_workload(), "hybrid", catalog)
    blended = free.blended_monthly_cost_usd
    assert blended is not None and free.hybrid is not None
    # blended = the small model's share plus the large one's, as reported
    assert blended == pytest.approx(
        (free.hybrid.slm_monthly_cost_usd or 0) + (free.hybrid.llm_monthly_cost_usd or 0), abs=0.01
    )
    for budget, fits in ((blended + 0.01, True), (blended - 0.01, False)):
        est = estimate(_workload(budget_usd_per_month=budget), "hybrid", catalog)
        assert est.hybrid is not None
        assert est.hybrid.fits is fits, (budget, est.hybrid.why_not)


# --------------------------------------------------------------------------- duplicate keys

DUPLICATES = [
    # (YAML, where the second copy is) — however the key is spelled, it is one key
    ("a: 1\na: 2\n", "2:1"),
    ("a: 1\n'a': 2\n", "2:1"),  # the second copy single-quoted
    ('a: 1\n"a": 2\n', "2:1"),  # double-quoted
    ("'a': 1\n\"a\": 2\n", "2:1"),
    ("a: 1\n!!str a: 2\n", "2:1"),  # an explicit string tag
    ("x:\n  a: 1\n  'a': 2\n", "3:3"),  # nested
    ("- {a: 1, 'a': 2}\n", "1:10"),  # in a flow mapping inside a list
]


@pytest.mark.parametrize(("text", "where"), DUPLICATES)
def test_a_duplicate_key_is_refused_however_it_is_quoted(text: str, where: str) -> None:
    with pytest.raises(InputError) as err:
        parse_yaml(Source("req.yaml", text))
    message = str(err.value)
    assert message.startswith(f"req.yaml:{where}")
    assert "duplicate key 'a' (first at line 1)" in message or where == "3:3"


NOT_DUPLICATES = [
    # keys that only look alike are different keys
    ("a: 1\nA: 2\n", {"a": 1, "A": 2}),
    ("a: 1\n'a ': 2\n", {"a": 1, "a ": 2}),
    ("x: {a: 1}\ny: {a: 2}\n", {"x": {"a": 1}, "y": {"a": 2}}),  # same key, other mappings
]


@pytest.mark.parametrize(("text", "data"), NOT_DUPLICATES)
def test_keys_that_differ_are_kept(text: str, data: dict[str, Any]) -> None:
    assert parse_yaml(Source("req.yaml", text)).data == data


DESCRIBED_NUMBERS = [
    # Thousands separators up to 10^15 - 1; from 10^15 on, plain digits (they no longer
    # help a reader). A whole float is shown as an integer, below 1e15; from 1e15, as %g.
    ({"field": "monthly_requests", "gte": 10**15 - 1}, "monthly_requests >= 999,999,999,999,999"),
    ({"field": "monthly_requests", "gte": 10**15}, "monthly_requests >= 1000000000000000"),
    ({"field": "monthly_requests", "gte": 10**15 + 1}, "monthly_requests >= 1000000000000001"),
    ({"field": "weeks_to_launch", "gte": 4.0}, "weeks_to_launch >= 4"),
    ({"field": "weeks_to_launch", "gte": 4.5}, "weeks_to_launch >= 4.5"),
    (
        {"field": "budget_usd_per_month", "lt": 999_999_999_999_999.0},
        "budget_usd_per_month < 999,999,999,999,999",
    ),
    ({"field": "budget_usd_per_month", "lt": 1e15}, "budget_usd_per_month < 1e+15"),
    ({"field": "budget_usd_per_month", "lt": 2e15}, "budget_usd_per_month < 2e+15"),
    # inside a list, no separators: [1,000, 20,000] would read as four values
    ({"field": "monthly_requests", "in": [1000, 20000]}, "monthly_requests in [1000, 20000]"),
    ({"field": "monthly_requests", "not_in": [1000]}, "monthly_requests not in [1000]"),
    ({"field": "monthly_requests", "is": 1000}, "monthly_requests is 1,000"),
]


@pytest.mark.parametrize(("data", "words"), DESCRIBED_NUMBERS)
def test_numbers_in_described_conditions_at_the_grouping_limit(
    data: dict[str, Any], words: str
) -> None:
    assert describe(condition(data)) == words


def test_gpus_per_replica_at_exactly_one_gpu_of_memory(catalog: Catalog) -> None:
    # A serving GPU of exactly the model's 20.6680064 GB: 20.6680064 / 20.6680064 = 1
    # GPU at FP16, not ceil(1 + a rounding step) = 2.
    import dataclasses

    def plan_on(memory_gb: float) -> tuple[str, int, bool]:
        gpus = tuple(
            g.model_copy(update={"memory_gb": memory_gb}) if g.id == catalog.throughput.gpu else g
            for g in catalog.gpus
        )
        on = dataclasses.replace(catalog, gpus=gpus)
        plan = serving_plan(
            on.model("llama-3.1-8b"), on, context_tokens=700, average_tokens=700, output_tokens=200
        )
        return plan.memory.precision, plan.gpus_per_replica, plan.sharded

    assert plan_on(LLAMA_8B_FP16_GB) == ("fp16", 1, False)


def test_two_gpus_for_a_model_that_fits_the_users_larger_gpu_is_sharded(catalog: Catalog) -> None:
    # The user has 100 GB GPUs: Llama 3.1 70B at INT8 (87.67 GB) fits one of those, but the
    # catalogue prices 80 GB H100s: ceil(87.67 / 80) = 2 of them, so it is sharded.
    plan = serving_plan(
        catalog.model("llama-3.1-70b"),
        catalog,
        context_tokens=700,
        average_tokens=700,
        output_tokens=200,
        gpu_memory_gb=100,
    )
    assert (plan.memory.precision, plan.gpus_per_replica, plan.sharded) == ("int8", 2, True)
