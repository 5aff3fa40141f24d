"""The model catalogue: what ships, how a user's catalogue merges, how bad files fail, filters."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from slmvllm.errors import InputError
from slmvllm.numbers.catalog import Catalog, load_catalog
from slmvllm.numbers.model_search import ModelMatch, filter_models, model_record

from .conftest import MODEL_KEYS


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def write(tmp_path: Path, text: str, name: str = "mine.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


# A complete model entry a user might add; tests vary one key at a time.
MODEL = """
models:
  - id: {id}
    name: My model
    vendor: Me
    params_billion: 7.0
    open_weights: true
    license: Apache-2.0
    commercial_use: true
    context_tokens: 32768
    size_class: slm
    prices:
      - provider: myhost
        {price_key}: 1.0
        output_usd_per_million: 4.0
        as_of: "2026-11-01"
        source: my contract
    sources: [my notes]
"""


# --------------------------------------------------------------------------- what ships


def test_shipped_catalogue_spans_small_large_and_proprietary(catalog: Catalog) -> None:
    assert len(catalog.models) >= 30
    small_open = [
        m
        for m in catalog.models
        if m.size_class == "slm" and m.open_weights and 1 <= (m.params_billion or 0) <= 15
    ]
    large_open = [m for m in catalog.models if m.size_class == "llm" and m.open_weights]
    proprietary = [m for m in catalog.models if not m.open_weights]
    assert len(small_open) >= 10 and len(large_open) >= 5 and len(proprietary) >= 10


def test_every_figure_keeps_a_source_and_every_price_a_date(catalog: Catalog) -> None:
    for model in catalog.models:
        assert model.sources, model.id
        for price in model.prices:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", price.as_of), (model.id, price)
            assert price.source
    for gpu in catalog.gpus:
        assert gpu.source and re.fullmatch(r"\d{4}-\d{2}-\d{2}", gpu.as_of), gpu.id
    for precision in catalog.memory.precisions:
        assert precision.source
    assert catalog.throughput.source and catalog.memory.runtime_overhead.source


@pytest.mark.parametrize(
    ("model_id", "commercial_use"),
    [
        ("qwen2.5-3b", False),  # Qwen Research License: non-commercial
        ("ministral-8b-2410", False),  # Mistral AI Research License
        ("llama-3.1-8b", "restricted"),  # 700M monthly active users clause
        ("qwen2.5-72b", "restricted"),  # 100M monthly active users clause
        ("qwen2.5-7b", True),  # Apache-2.0
        ("gpt-4o", True),  # proprietary API
    ],
)
def test_licenses_that_restrict_commercial_use_are_flagged(
    catalog: Catalog, model_id: str, commercial_use: bool | str
) -> None:
    model = catalog.model(model_id)
    assert model.commercial_use == commercial_use
    if commercial_use is not True:
        assert model.commercial_use_note


@pytest.mark.parametrize(
    ("model_id", "key", "status"),
    [
        ("mistral-7b", "mistral/open-mistral-7b", "retired"),  # retired 2025-03-30
        ("claude-sonnet-4", "claude-sonnet-4-20250514", "deprecated"),  # deprecated 2026-05-14
        ("ministral-8b-2410", "mistral/ministral-8b-latest", "alias_moved"),  # now Ministral 3
        ("deepseek-v3", "deepseek/deepseek-chat", "alias_moved"),
        ("gpt-4o", "gpt-4o", "active"),
    ],
)
def test_caveats_of_the_reference_are_kept_on_price_rows(
    catalog: Catalog, model_id: str, key: str, status: str
) -> None:
    (price,) = [p for p in catalog.model(model_id).prices if p.key == key]
    assert price.status == status


def test_moe_models_record_total_and_active_parameters(catalog: Catalog) -> None:
    mixtral = catalog.model("mixtral-8x7b")
    assert (mixtral.params_billion, mixtral.active_params_billion) == (46.7, 12.9)
    assert mixtral.is_moe and mixtral.compute_params_billion == 12.9


def test_shipped_files_load_from_the_package_directory() -> None:
    # importlib.resources: the data files live inside the slmvllm package, so a wheel has them.
    # Loaded here, not from the module's fixture, so the test itself reaches the loader.
    catalog = load_catalog()
    assert [Path(f).name for f in catalog.files] == ["serving.yaml", "catalog.yaml"]
    assert all(Path(f).parent.name == "data" for f in catalog.files)


# --------------------------------------------------------------------------- a user's catalogue


def test_a_user_catalogue_overrides_a_price_and_adds_a_model(tmp_path: Path) -> None:
    base = load_catalog()
    mine = write(
        tmp_path,
        MODEL.format(id="gpt-4o", price_key="input_usd_per_million")
        + MODEL.format(id="my-7b", price_key="input_usd_per_million").replace("models:\n", ""),
    )
    merged = load_catalog(extra=mine)
    assert len(merged.models) == len(base.models) + 1
    assert merged.model("gpt-4o").prices[0].input_usd_per_million == 1.0
    assert merged.model("gpt-4o").prices[0].provider == "myhost"
    assert merged.model("my-7b").params_billion == 7.0
    # The overridden model keeps its place in the catalogue's order.
    assert [m.id for m in merged.models].index("gpt-4o") == [m.id for m in base.models].index(
        "gpt-4o"
    )
    assert merged.files[-1] == str(mine)


def test_a_user_catalogue_overrides_a_gpu_price(tmp_path: Path) -> None:
    mine = write(
        tmp_path,
        """
        gpus:
          - id: h100-80gb
            name: NVIDIA H100 80GB SXM
            memory_gb: 80
            usd_per_gpu_hour: 2.0
            provider: our reserved contract
            as_of: "2026-12-01"
            source: purchase order 42
        """,
    )
    merged = load_catalog(extra=mine)
    assert merged.serving_gpu.usd_per_gpu_hour == 2.0
    assert len(merged.gpus) == len(load_catalog().gpus)


def test_a_base_catalogue_replaces_the_shipped_models(tmp_path: Path) -> None:
    base = write(tmp_path, MODEL.format(id="only-one", price_key="input_usd_per_million"))
    catalog = load_catalog(path=base)
    assert [m.id for m in catalog.models] == ["only-one"]
    assert catalog.serving_gpu.id == "h100-80gb"  # serving facts still come from the package


# --------------------------------------------------------------------------- bad catalogue files

BAD_FILES = [
    # (case, file text, expected "line:col", expected message fragment)
    (
        "misspelled key",
        MODEL.format(id="x", price_key="input_usd_per_millon"),
        "13:9",
        "unknown key 'input_usd_per_millon'; did you mean 'input_usd_per_million'?",
    ),
    (
        "misspelled model key",
        MODEL.format(id="x", price_key="input_usd_per_million").replace("vendor:", "vendr:"),
        "4:5",
        "unknown key 'vendr'; did you mean 'vendor'?",
    ),
    (
        "quoted number",
        MODEL.format(id="x", price_key="input_usd_per_million").replace(
            "params_billion: 7.0", 'params_billion: "7"'
        ),
        "5:21",
        "numbers are written without quotes",
    ),
    (
        "bad size class",
        MODEL.format(id="x", price_key="input_usd_per_million").replace(
            "size_class: slm", "size_class: small"
        ),
        "10:17",
        "use one of: slm, llm",
    ),
    (
        "commercial use not a choice",
        MODEL.format(id="x", price_key="input_usd_per_million").replace(
            "commercial_use: true", "commercial_use: yes"
        ),
        "8:21",
        "expected true, false or restricted, got the text 'yes'",
    ),
    (
        "date not ISO",
        MODEL.format(id="x", price_key="input_usd_per_million").replace(
            'as_of: "2026-11-01"', "as_of: 2026/11/01"
        ),
        "15:16",
        "expected a date written YYYY-MM-DD (or YYYY-MM)",
    ),
    (
        "id not a slug",
        MODEL.format(id="My Model", price_key="input_usd_per_million"),
        "2:9",
        "is not an id",
    ),
    (
        "restricted without a reason",
        MODEL.format(id="x", price_key="input_usd_per_million").replace(
            "commercial_use: true", "commercial_use: restricted"
        ),
        "2:5",
        "needs a commercial_use_note",
    ),
    (
        "more active than total parameters",
        MODEL.format(id="x", price_key="input_usd_per_million").replace(
            "params_billion: 7.0", "params_billion: 7.0\n    active_params_billion: 9.0"
        ),
        "2:5",
        "active_params_billion (9.0) exceeds params_billion (7.0)",
    ),
    (
        "duplicate model id",
        MODEL.format(id="x", price_key="input_usd_per_million")
        + MODEL.format(id="x", price_key="input_usd_per_million").replace("models:\n", ""),
        "2:3",
        "duplicate model id 'x' (entries 0 and 1)",
    ),
    (
        "price without a date",
        MODEL.format(id="x", price_key="input_usd_per_million").replace(
            '        as_of: "2026-11-01"\n', ""
        ),
        "12:9",
        "missing required key 'as_of'",
    ),
    (
        "throughput on an unknown GPU",
        """
        throughput:
          model: m
          params_billion: 8
          gpu: h100-80g
          engine: vLLM
          precision: FP16
          concurrency: 8
          output_tokens_per_s_per_gpu: 900
          source: my benchmark
        """,
        "4:8",
        "GPU 'h100-80g' is not in the catalogue's gpus: t4, l4, a10, l40s, a100-40gb, a100-80gb, "
        "h100-80gb, h100-nvl-94gb, h200-141gb; did you mean 'h100-80gb'?",
    ),
]


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_bad_catalogue_files_get_file_line_col_errors(
    tmp_path: Path, text: str, where: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_catalog(extra=path)
    lines = str(caught.value).splitlines()
    assert any(line.startswith(f"{path}:{where}:") and message in line for line in lines), lines


def test_unknown_gpu_gets_a_did_you_mean(tmp_path: Path) -> None:
    path = write(tmp_path, BAD_FILES[-1][1])
    with pytest.raises(InputError, match="did you mean 'h100-80gb'"):
        load_catalog(extra=path)


def test_a_missing_catalogue_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such catalogue file"):
        load_catalog(extra=tmp_path / "nope.yaml")


# --------------------------------------------------------------------------- the models command


def ids(matches: list[ModelMatch]) -> list[str]:
    return [m.model.id for m in matches]


def test_filter_open_weights_and_max_params(catalog: Catalog) -> None:
    closed = ids(filter_models(catalog, open_weights=False))
    assert "gpt-4o" in closed and "llama-3.1-8b" not in closed
    small = ids(filter_models(catalog, max_params=8))
    # Llama 3.1 8B is 8.0B; Qwen3-8B is 8.2B; undisclosed sizes never pass a size filter.
    assert "llama-3.1-8b" in small and "qwen3-8b" not in small and "gpt-4o" not in small


def test_filter_min_context(catalog: Catalog) -> None:
    long = ids(filter_models(catalog, min_context=100_000))
    # Qwen2.5-7B holds 131,072 tokens; Qwen3-8B 32,768 natively; Gemma 2 9B 8,192.
    assert "qwen2.5-7b" in long
    assert "qwen3-8b" not in long and "gemma-2-9b" not in long


def test_fits_gpu_says_which_precision(catalog: Catalog) -> None:
    (match,) = [m for m in filter_models(catalog, fits_gpu_gb=16) if m.model.id == "llama-3.1-8b"]
    # fp16 needs 16.0 + 0.54 KV (4,096 tokens) + 3.2 overhead = 19.74 GB > 16; GGUF Q8_0 needs
    # 8.0 x 8.5008 / 8 = 8.5008 + 0.5369 + 1.7002 = 10.74 GB, the least compressed that fits.
    assert match.fit is not None
    assert match.fit.precision == "gguf-q8_0"
    assert match.fit.total_gb == pytest.approx(10.7387, abs=1e-3)


def test_fits_gpu_counts_every_expert_of_a_moe(catalog: Catalog) -> None:
    # Mixtral 8x7B: 46.7B total, 12.9B active. At INT4 its weights are 46.7 x 0.5 = 23.35 GB
    # (+ 4.67 overhead + 0.71 KV = 28.73 GB), so it does not fit 24 GB, though 12.9B active
    # parameters alone would (6.45 GB). At 40 GB it fits as GGUF Q4_K_M:
    # 46.7 x 4.8944 / 8 = 28.571 + 5.714 + 0.707 = 34.99 GB (Q5_K_M needs 40.66 GB).
    assert "mixtral-8x7b" not in ids(filter_models(catalog, fits_gpu_gb=24))
    (match,) = [m for m in filter_models(catalog, fits_gpu_gb=40) if m.model.id == "mixtral-8x7b"]
    assert match.fit is not None and match.fit.precision == "gguf-q4_k_m"
    assert match.fit.term("weights").gb == pytest.approx(28.5711, abs=1e-3)
    assert match.fit.total_gb == pytest.approx(34.99, abs=0.01)


def test_fits_gpu_leaves_out_models_without_weights_or_too_big(catalog: Catalog) -> None:
    fitting = ids(filter_models(catalog, fits_gpu_gb=300))
    # DeepSeek-V3 at INT4: 671 x 0.5 = 335.5 + 67.1 overhead + 0.71 KV = 403.3 GB > 300.
    # Llama 3.1 70B at FP16: 140 + 28 + 1.34 KV (327,680 bytes x 4,096 tokens) = 169.3 GB.
    assert "gpt-4o" not in fitting and "deepseek-v3" not in fitting
    assert "llama-3.1-70b" in fitting


def test_model_record_has_the_contract_keys(catalog: Catalog) -> None:
    record = model_record(catalog.model("deepseek-v3"))
    assert set(record) >= MODEL_KEYS
    assert record["params_billion"] == 671.0 and record["active_params_billion"] == 37.0
    assert {"provider", "input_usd_per_million", "output_usd_per_million", "as_of"} <= set(
        record["prices"][0]
    )


def test_model_record_says_which_precision_fits(catalog: Catalog) -> None:
    (match,) = [m for m in filter_models(catalog, fits_gpu_gb=24) if m.model.id == "qwen2.5-7b"]
    record = model_record(match.model, match.fit)
    assert record["fits_gpu"]["precision"] == "fp16"
    assert [t["name"] for t in record["fits_gpu"]["terms"]] == [
        "weights",
        "kv_cache",
        "runtime_overhead",
    ]


def test_impossible_dates_are_refused(tmp_path: Path) -> None:
    from slmvllm.errors import InputError
    from slmvllm.numbers.catalog import load_catalog

    bad = tmp_path / "c.yaml"
    bad.write_text(
        "gpus:\n  - id: l4\n    name: L4\n    memory_gb: 24\n    usd_per_gpu_hour: 0.8\n"
        "    provider: x\n    as_of: '2026-02-30'\n    source: s\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="not a date on the calendar"):
        load_catalog(extra=bad)


def test_the_shipped_files_are_named_by_their_real_paths() -> None:
    # Messages and `catalog.files` name the files a user can open. Loaded here, not from
    # the module's fixture, so the test itself reaches the loader.
    catalog = load_catalog()
    assert [Path(f).name for f in catalog.files] == ["serving.yaml", "catalog.yaml"]
    assert all(Path(f).is_absolute() and Path(f).is_file() for f in catalog.files)


def test_a_section_missing_after_every_file_is_asked_of_the_last_file(tmp_path: Path) -> None:
    # A base catalogue with GPUs but no models, then a user's file: the merged catalogue
    # has no models, and the message names the last file given, where to add them.
    base = write(
        tmp_path,
        """
        gpus:
          - id: h100-80gb
            name: NVIDIA H100 80GB SXM
            memory_gb: 80
            usd_per_gpu_hour: 2.0
            provider: ours
            as_of: "2026-12-01"
            source: purchase order 42
        """,
        "base.yaml",
    )
    mine = write(tmp_path, "gpus: []\n", "mine.yaml")
    for extra, named in ((None, base), (mine, mine)):
        with pytest.raises(InputError) as caught:
            load_catalog(path=base, extra=extra)
        assert str(caught.value) == (
            f"{named}: the merged catalogue has no models; add the section(s)"
        )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2026-11", None),  # a month: read as its first day
        ("2026-02", None),
        ("2026-11-30", None),
        ("2026-1", "expected a date written YYYY-MM-DD (or YYYY-MM), got the text '2026-1'"),
        ("26-11-01", "expected a date written YYYY-MM-DD (or YYYY-MM), got the text '26-11-01'"),
        ("2026-02-30", "the text '2026-02-30' is not a date on the calendar"),
    ],
)
def test_as_of_dates_word_for_word(text: str, problem: str | None) -> None:
    from slmvllm.numbers.catalog import _date

    if problem is None:
        assert _date(text) == text
    else:
        with pytest.raises(ValueError) as err:
            _date(text)
        assert str(err.value) == problem


def test_a_bad_id_word_for_word() -> None:
    from slmvllm.numbers.catalog_models import _slug

    with pytest.raises(ValueError) as err:
        _slug("Bad Id")
    assert str(err.value) == (
        "the text 'Bad Id' is not an id: use lower-case letters, digits, '.', '_' and '-' "
        "(at most 80)"
    )


def test_a_lookup_of_an_unknown_id_names_it(catalog: Catalog) -> None:
    with pytest.raises(KeyError) as model:
        catalog.model("no-such-model")
    with pytest.raises(KeyError) as gpu:
        catalog.gpu("no-such-gpu")
    with pytest.raises(KeyError) as precision:
        catalog.memory.precision("no-such-precision")
    assert (model.value.args, gpu.value.args, precision.value.args) == (
        ("no-such-model",),
        ("no-such-gpu",),
        ("no-such-precision",),
    )


def test_precisions_are_all_listed_unless_only_the_serving_ones_are_asked(
    catalog: Catalog,
) -> None:
    every = [p.id for p in catalog.memory.ordered()]
    served = [p.id for p in catalog.memory.ordered(serving=True)]
    assert set(served) == set(catalog.memory.serving_precisions) and set(served) < set(every)
    bits = [catalog.memory.precision(p).bits_per_weight for p in every]
    assert bits == sorted(bits, reverse=True)  # least compressed first


def test_the_shipped_files_are_read_as_utf8_whatever_the_locale() -> None:
    # serving.yaml holds non-ASCII text; under an ASCII locale (LC_CTYPE=C) a file read
    # without an encoding would fail. (In Python's UTF-8 mode the locale cannot change it.)
    import locale
    import sys

    from slmvllm.numbers.catalog import _shipped

    if sys.flags.utf8_mode:
        pytest.skip("Python runs in UTF-8 mode: the locale does not choose the encoding")
    expected = (Path(__file__).parents[1] / "slmvllm" / "data" / "serving.yaml").read_bytes()
    before = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        text = _shipped("serving.yaml").text
    finally:
        locale.setlocale(locale.LC_CTYPE, before)
    assert text.encode("utf-8") == expected and not text.isascii()
