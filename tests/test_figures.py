"""The cost figures rules may test: thresholds by hand, and where each figure flips."""

from __future__ import annotations

from typing import Any

import pytest

from slmvllm.numbers.catalog import Catalog, load_catalog
from slmvllm.numbers.cost_plans import BREAK_EVEN_LIMIT
from slmvllm.numbers.figures import _compared, _threshold, cost_figures

from .conftest import free_api_catalog


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.mark.parametrize(
    ("volume", "share", "expected"),
    [
        (None, 0.0, None),  # no break-even at all
        (100.0, 0.0, 100),  # whole requests: 100
        (99.2, 0.0, 100),  # a part of a request rounds up: 100
        (100.0000000001, 0.0, 100),  # float noise above a whole number is not a request
        (100.0, 0.5, 200),  # the small model serves half: 100 / (1 - 0.5) = 200
        (100.0, 1.0, None),  # every request to the large model: never
        (float(BREAK_EVEN_LIMIT), 0.0, BREAK_EVEN_LIMIT),  # at the searched limit: kept
        (float(BREAK_EVEN_LIMIT) + 1, 0.0, None),  # beyond it: not within the range
    ],
)
def test_break_even_as_whole_requests(volume: float | None, share: float, expected: Any) -> None:
    assert _threshold(volume, share) == expected


@pytest.mark.parametrize(
    ("requests", "threshold", "expected"),
    [(100, 100, "cheaper"), (101, 100, "cheaper"), (99, 100, "dearer"), (10**12, None, "dearer")],
)
def test_cheaper_from_the_break_even_on(
    requests: int, threshold: int | None, expected: str
) -> None:
    assert _compared(requests, threshold) == expected


BASE = {
    "task_type": "chat",
    "monthly_requests": 5_000_000,
    "input_tokens": 2000,
    "output_tokens": 500,
}


@pytest.mark.parametrize(
    ("change", "known"),
    [
        ({}, True),
        ({"hosting": None}, True),  # not given: no restriction, APIs allowed
        ({"hosting": "any"}, True),
        ({"hosting": "on_prem"}, False),  # no API to compare against
        ({"hosting": "private_cloud"}, False),
        ({"monthly_requests": None}, False),  # no volume: nothing to price
    ],
)
def test_figures_are_known_only_with_a_volume_and_apis(
    catalog: Catalog, change: dict[str, Any], known: bool
) -> None:
    figures, cuts = cost_figures({**BASE, **change}, catalog)
    assert set(figures) == {"self_hosting_vs_api", "hybrid_vs_api", "llm_api_vs_gpu_month"}
    assert all(v is not None for v in figures.values()) is known
    assert all(v is None for v in figures.values()) is (not known)
    assert bool(cuts) is known


def test_each_volume_threshold_is_where_a_figure_flips(catalog: Catalog) -> None:
    figures, cuts = cost_figures(BASE, catalog)
    volumes = cuts["monthly_requests"]
    assert len(volumes) == 3  # the GPU-month bill, self-hosting's and the hybrid's break-even
    flipped: set[str] = set()
    for cut in volumes:
        below = cost_figures({**BASE, "monthly_requests": int(cut) - 1}, catalog)[0]
        above = cost_figures({**BASE, "monthly_requests": int(cut) + 1}, catalog)[0]
        changed = {k for k in below if below[k] != above[k]}
        assert changed, cut
        flipped |= changed
    assert flipped == set(figures)
    # The router's share turns at the labels it needs to train (routing data: 1,500).
    assert cuts["labelled_examples"] == [1500.0]


def test_below_every_threshold_the_api_bill_is_small_and_self_hosting_dearer(
    catalog: Catalog,
) -> None:
    figures, _ = cost_figures({**BASE, "monthly_requests": 1}, catalog)
    assert figures == {
        "self_hosting_vs_api": "dearer",
        "hybrid_vs_api": "dearer",
        "llm_api_vs_gpu_month": "under",
    }
    big, _ = cost_figures({**BASE, "monthly_requests": 10**9}, catalog)
    assert big == {
        "self_hosting_vs_api": "cheaper",
        "hybrid_vs_api": "cheaper",
        "llm_api_vs_gpu_month": "over",
    }


def test_without_a_small_model_to_self_host_only_the_api_bill_is_known(
    catalog: Catalog,
) -> None:
    # No GPU for self-hosting (gpu_memory_gb 0): no break-even, but the large-model bill
    # against one GPU-month is still a figure, and its volume threshold is still tried.
    figures, cuts = cost_figures({**BASE, "gpu_memory_gb": 0}, catalog)
    assert figures["self_hosting_vs_api"] is None and figures["hybrid_vs_api"] is None
    assert figures["llm_api_vs_gpu_month"] == "over"  # 5M long requests: a large bill
    assert list(cuts) == ["monthly_requests"] and len(cuts["monthly_requests"]) == 1
    cut = cuts["monthly_requests"][0]
    below = cost_figures({**BASE, "gpu_memory_gb": 0, "monthly_requests": int(cut) - 1}, catalog)
    assert below[0]["llm_api_vs_gpu_month"] == "under"


def test_a_free_large_model_api_gives_figures_without_dividing_by_zero(
    catalog: Catalog,
) -> None:
    # A user's catalogue may price an API at zero (a free tier; prices are >= 0). A free
    # bill is under any GPU-month, self-hosting never beats it, and no volume turns it:
    # the GPU-month volume is the GPU-month price / 0, so it is left out of the cuts.
    free = free_api_catalog(catalog)
    figures, cuts = cost_figures(BASE, free)
    assert figures == {
        "self_hosting_vs_api": "dearer",
        "hybrid_vs_api": "dearer",
        "llm_api_vs_gpu_month": "under",
    }
    assert cuts == {"monthly_requests": [], "labelled_examples": [1500.0]}
