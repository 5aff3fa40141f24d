"""`slmvllm trial`'s figures on logs small enough to work out by hand."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from slmvllm.numbers.catalog import load_catalog
from slmvllm.trial.bootstrap import bootstrap_kept, nearest_rank
from slmvllm.trial.curves import apgr, oracle_curve, router_curve, share_to_recover
from slmvllm.trial.decision import Trial, decide
from slmvllm.trial.log_reader import read_log
from slmvllm.trial.pricing import model_pricing, trial_shape

# Five requests. Sorted by router_score: B(0.1, large better), D(0.3, tie), C(0.5, tie),
# E(0.7, large better), A(0.9, tie). Small quality 2/5 = 0.4, large 4/5 = 0.8.
HAND_LOG = """\
{"id": "A", "small_score": 1, "large_score": 1, "router_score": 0.9}
{"id": "B", "small_score": 0, "large_score": 1, "router_score": 0.1}
{"id": "C", "small_score": true, "large_score": true, "router_score": 0.5}
{"id": "D", "small_score": false, "large_score": false, "router_score": 0.3}
{"id": "E", "small_score": 0, "large_score": 1, "router_score": 0.7}
"""
SMALL = [1.0, 0.0, 1.0, 0.0, 0.0]
LARGE = [1.0, 1.0, 1.0, 0.0, 1.0]
ROUTER = [0.9, 0.1, 0.5, 0.3, 0.7]

# Two API-only models at round prices: small $1, large $10 per million input tokens.
CATALOG = """\
models:
- {id: tiny, name: Tiny, vendor: T, params_billion: 1, open_weights: false, license: x,
   commercial_use: true, context_tokens: 100000, size_class: slm, sources: [test],
   prices: [{provider: p, input_usd_per_million: 1, output_usd_per_million: 0,
             as_of: "2026-01-01", source: test}]}
- {id: huge, name: Huge, vendor: T, params_billion: 1000, open_weights: false, license: x,
   commercial_use: true, context_tokens: 100000, size_class: llm, sources: [test],
   prices: [{provider: p, input_usd_per_million: 10, output_usd_per_million: 0,
             as_of: "2026-01-01", source: test}]}
"""
# 1,000,000 requests x 1,000 input tokens: small alone $1,000, large alone $10,000.
VOLUME = {"monthly_requests": 1_000_000, "input_tokens": 1000, "output_tokens": 0}


def test_router_curve_by_hand() -> None:
    curve = router_curve(SMALL, LARGE, ROUTER)
    assert list(curve.shares) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert [round(q, 9) for q in curve.qualities] == [0.4, 0.6, 0.6, 0.6, 0.8, 0.8]
    # route to the large model when router_score < t: t is the lowest score kept small
    assert list(curve.thresholds) == [0.1, 0.3, 0.5, 0.7, 0.9, float("inf")]


def test_ties_move_together() -> None:
    curve = router_curve([0.0, 0.0, 1.0], [1.0, 1.0, 1.0], [0.5, 0.5, 0.9])
    assert list(curve.shares) == [0.0, 2 / 3, 1.0]


@pytest.mark.parametrize(
    ("which", "expected_apgr", "cpt50", "cpt80"),
    [
        # AUC = .1 + .12 + .12 + .14 + .16 = .64; (.64 - .4) / .4 = .6
        # 80%: target .72 between (.6, .6) and (.8, .8): .6 + .2 x .6 = .72
        ("router", 0.6, 0.2, 0.72),
        # oracle: B and E first. AUC = .1 + .14 + .48 = .72; (.72 - .4) / .4 = .8
        # 80%: .72 between (.2, .6) and (.4, .8): .2 + .2 x .6 = .32
        ("oracle", 0.8, 0.2, 0.32),
    ],
)
def test_gap_measures_by_hand(which: str, expected_apgr: float, cpt50: float, cpt80: float) -> None:
    curve = router_curve(SMALL, LARGE, ROUTER) if which == "router" else oracle_curve(SMALL, LARGE)
    assert apgr(curve, 0.4, 0.8) == pytest.approx(expected_apgr)
    assert share_to_recover(curve, 0.5, 0.4, 0.8) == pytest.approx(cpt50)
    assert share_to_recover(curve, 0.8, 0.4, 0.8) == pytest.approx(cpt80)


def test_no_gap_no_measures() -> None:
    curve = router_curve([1.0, 0.0], [1.0, 0.0], [0.0, 1.0])
    assert apgr(curve, 0.5, 0.5) is None
    assert share_to_recover(curve, 0.5, 0.5, 0.5) is None


def test_bootstrap_replays_its_documented_draws() -> None:
    policy, large = [1.0, 0.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]
    rng = random.Random(7)
    by_hand = []
    for _ in range(5):
        idx = rng.choices(range(4), k=4)
        by_hand.append(sum(policy[i] for i in idx) / sum(large[i] for i in idx))
    by_hand.sort()
    got = bootstrap_kept(policy, large, 0.75, seed=7, resamples=5)
    assert got is not None
    assert (got.low, got.high) == (
        by_hand[0],
        by_hand[4],
    )  # round(.025 x 4) = 0, round(.975 x 4) = 4
    assert got.target_held == sum(v >= 0.75 for v in by_hand) / 5
    assert (got.resamples, got.seed, got.sample) == (5, 7, 4)


def test_bootstrap_of_identical_models_is_certain() -> None:
    got = bootstrap_kept([1.0, 0.0, 1.0], [1.0, 0.0, 1.0], 0.95, seed=3)
    assert got is not None and (got.low, got.high, got.target_held) == (1.0, 1.0, 1.0)


def test_bootstrap_rescales_a_subsample() -> None:
    policy = [float(i % 2) for i in range(400)]
    got = bootstrap_kept(policy, [1.0] * 400, 0.5, seed=1, resamples=50, limit=100)
    assert got is not None and got.sample == 100
    # the spread of 100-request resamples, halved (sqrt(100 / 400)), around 0.5
    assert 0.5 - 0.06 < got.low < 0.5 < got.high < 0.5 + 0.06


def test_nearest_rank() -> None:
    assert nearest_rank([1.0, 2.0, 3.0], 0.5) == 2.0


def _trial(tmp_path: Path, log_text: str, target: float, name: str = "log.jsonl") -> Trial:
    log_path = tmp_path / name
    log_path.write_text(log_text, encoding="utf-8")
    cat_path = tmp_path / "catalog.yaml"
    cat_path.write_text(CATALOG, encoding="utf-8")
    catalog = load_catalog(extra=cat_path)
    log = read_log(log_path)
    shape = trial_shape(VOLUME, log.mean_tokens())
    return decide(
        log,
        model_pricing(catalog, "tiny", "--small", shape),
        model_pricing(catalog, "huge", "--large", shape),
        shape,
        quality_target=target,
    )


@pytest.mark.parametrize(
    ("target", "recommendation", "share", "cost", "threshold"),
    [
        # 95% of .8 = .76: only shares .8 and 1 reach it; .8 costs 200 + 8,000
        (0.95, "hybrid", 0.8, 8200.0, 0.9),
        # 75% of .8 = .6: share .2 reaches it for 800 + 2,000
        (0.75, "hybrid", 0.2, 2800.0, 0.3),
        # 50% of .8 = .4: the small model alone
        (0.50, "slm", 0.0, 1000.0, None),
        # 100%: share .8 already keeps all of the large model's quality
        (1.0, "hybrid", 0.8, 8200.0, 0.9),
    ],
)
def test_cheapest_point_and_verdict(
    tmp_path: Path,
    target: float,
    recommendation: str,
    share: float,
    cost: float,
    threshold: float | None,
) -> None:
    trial = _trial(tmp_path, HAND_LOG, target)
    assert (trial.small.monthly_cost, trial.large.monthly_cost) == (1000.0, 10000.0)
    assert trial.recommendation == recommendation
    assert trial.chosen.large_share == pytest.approx(share)
    assert trial.chosen.monthly_cost == pytest.approx(cost)
    assert trial.chosen.threshold == threshold
    # the verdict states the figures it was drawn from
    assert f"${cost:,.2f}" in trial.verdict
    if recommendation == "hybrid":
        assert f"threshold {threshold:g}" in trial.verdict
        assert f"saving ${10000 - cost:,.2f}" in trial.verdict


def test_oracle_and_random_beside_the_router(tmp_path: Path) -> None:
    trial = _trial(tmp_path, HAND_LOG, 0.95)
    assert trial.oracle.large_share == pytest.approx(0.4)  # B and E need the large model
    assert trial.oracle.quality == pytest.approx(0.8)
    assert trial.oracle.monthly_cost == pytest.approx(600 + 4000)
    assert trial.random_measures.apgr == pytest.approx(0.5)
    assert trial.random_measures.share_for_80 == pytest.approx(0.8)
    assert trial.router_measures is not None and trial.router_measures.apgr == pytest.approx(0.6)


def test_without_router_the_oracle_says_what_to_find(tmp_path: Path) -> None:
    text = "small_score,large_score,tags\n1,1,a\n0,1,a;b\n1,1,b\n0,0,b\n0,1,a\n"
    trial = _trial(tmp_path, text, 0.95, "log.csv")
    assert trial.router_measures is None and trial.curve == []
    assert trial.recommendation == "llm"  # .4 < .76 and no router to split with
    assert trial.router_must_find is not None
    assert trial.router_must_find.startswith("40.0% of requests need the large model")
    by_tag = {t.tag: t for t in trial.tags}
    assert (by_tag["a"].requests, by_tag["b"].requests) == (3, 3)
    assert by_tag["a"].small_quality == pytest.approx(1 / 3)
    assert by_tag["a"].large_needed == pytest.approx(2 / 3)
    assert by_tag["b"].large_needed == pytest.approx(1 / 3)
    # the large model is chosen: the interval is of what the small model keeps (2 of 4 here)
    assert trial.interval_of == "small model alone"


def test_the_log_s_tokens_price_when_the_requirements_give_none() -> None:
    shape = trial_shape({"monthly_requests": 10}, (120.4, 30.6))
    assert (shape.monthly_requests, shape.input_tokens, shape.output_tokens) == (10, 120, 31)
    assert "input_tokens: 120 a request, the log's mean" in shape.notes
    given = trial_shape({"input_tokens": 5, "output_tokens": 6}, (120.0, 30.0))
    assert (given.input_tokens, given.output_tokens) == (5, 6)
