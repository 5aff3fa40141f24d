"""`slmvllm models`: the filters at their edges and the JSON record, word for word."""

from __future__ import annotations

from dataclasses import replace

import pytest

from slmvllm.numbers.catalog import Catalog, Model, load_catalog
from slmvllm.numbers.model_search import filter_models, model_record


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def only(catalog: Catalog, *ids: str) -> Catalog:
    return replace(catalog, models=tuple(catalog.model(i) for i in ids))


@pytest.mark.parametrize(
    ("min_context", "kept"),
    [
        # phi-4 has a 16,384-token window; llama-3.1-8b 131,072.
        (16_383, ["phi-4", "llama-3.1-8b"]),
        (16_384, ["phi-4", "llama-3.1-8b"]),  # exactly its window: kept
        (16_385, ["llama-3.1-8b"]),  # one token more: left out
        (131_072, ["llama-3.1-8b"]),
        (131_073, []),
    ],
)
def test_min_context_keeps_a_window_of_exactly_that_size(
    catalog: Catalog, min_context: int, kept: list[str]
) -> None:
    found = filter_models(only(catalog, "phi-4", "llama-3.1-8b"), min_context=min_context)
    assert [m.model.id for m in found] == kept


def test_fits_gpu_skips_closed_and_too_large_models_and_goes_on(catalog: Catalog) -> None:
    # Listed first: a closed model (no weights to size) and a 70B model (140 GB at 16 bits,
    # 35 GB at 4: no fit in 24 GB). Each is skipped, and the search goes on to the 8B.
    models = only(catalog, "gpt-4o", "llama-3.1-70b", "llama-3.1-8b")
    found = filter_models(models, fits_gpu_gb=24)
    assert [m.model.id for m in found] == ["llama-3.1-8b"]
    assert found[0].fit is not None and found[0].fit.total_gb <= 24


def test_max_params_at_the_limit(catalog: Catalog) -> None:
    models = only(catalog, "gpt-4o", "llama-3.1-8b", "llama-3.1-70b")
    assert [m.model.id for m in filter_models(models, max_params=8.0)] == ["llama-3.1-8b"]
    assert [m.model.id for m in filter_models(models, max_params=7.99)] == []
    # Undisclosed size (gpt-4o) is left out of any limit.
    assert len(filter_models(models, max_params=100_000)) == 2


MODEL = {
    "id": "acme-7b",
    "name": "Acme 7B",
    "vendor": "Acme",
    "params_billion": 7.0,
    "active_params_billion": None,
    "open_weights": True,
    "license": "apache-2.0",
    "commercial_use": "restricted",
    "commercial_use_note": "only under 700M users",
    "context_tokens": 32768,
    "context_note": "rope scaling to 128k",
    "size_class": "slm",
    "prices": [
        {
            "provider": "host-a",
            "input_usd_per_million": 0.1,
            "output_usd_per_million": 0.2,
            "as_of": "2026-11-01",
            "max_input_tokens": 32768,
            "note": "batch only",
            "source": "https://example.org/a",
        },
        {
            "provider": "host-b",
            "input_usd_per_million": 0.3,
            "output_usd_per_million": 0.4,
            "as_of": "2026-10-01",
            "status": "deprecated",
            "source": "https://example.org/b",
        },
    ],
    "sources": ["https://example.org/card"],
    "caveats": ["weights need a licence click-through"],
}


def test_the_json_record_of_a_model_word_for_word() -> None:
    record = model_record(Model.model_validate(MODEL))
    assert record == {
        "id": "acme-7b",
        "name": "Acme 7B",
        "vendor": "Acme",
        "params_billion": 7.0,
        "active_params_billion": None,
        "open_weights": True,
        "license": "apache-2.0",
        "commercial_use": "restricted",
        "commercial_use_note": "only under 700M users",
        "context_tokens": 32768,
        "context_note": "rope scaling to 128k",
        "size_class": "slm",
        "prices": [
            {
                "provider": "host-a",
                "input_usd_per_million": 0.1,
                "output_usd_per_million": 0.2,
                "as_of": "2026-11-01",
                "status": "active",
                "max_input_tokens": 32768,  # given: shown
                "note": "batch only",
            },
            {
                # no max_input_tokens and no note: the keys are left out, not null
                "provider": "host-b",
                "input_usd_per_million": 0.3,
                "output_usd_per_million": 0.4,
                "as_of": "2026-10-01",
                "status": "deprecated",
            },
        ],
        "sources": ["https://example.org/card"],
        "caveats": ["weights need a licence click-through"],
        "quality_tier": "light",
        "quality_tier_source": "every small model is light (slmvllm's convention)",
    }
    assert "fits_gpu" not in record
