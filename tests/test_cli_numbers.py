"""The numbers through the CLI: estimates in the result, the models command, --catalog."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import EXAMPLES, MODEL_KEYS, Run

Invoke = Callable[..., Run]


def test_json_result_carries_estimates(invoke: Invoke) -> None:
    doc = json.loads(
        invoke("advise", "-r", str(EXAMPLES / "customer-chat-assistant.yaml"), "-f", "json").out
    )
    assert doc["recommendation"] == "hybrid"
    est = doc["estimates"]
    assert 0 < est["llm_share"] < 1 and est["blended_monthly_cost_usd"] > 0
    assert est["break_even_monthly_requests"] is None or est["break_even_monthly_requests"] > 0
    for cand in est["candidates"]:
        # The lean form leaves null fields out (why_not of a fitting candidate).
        assert {"model", "option", "hosting", "monthly_cost_usd", "fits"} <= set(cand)
        assert cand["option"] in {"slm", "llm"} and cand["hosting"] in {"api", "self_hosted"}
        if cand["hosting"] == "self_hosted":
            assert "gpu_memory_gb" in cand
        if not cand["fits"]:
            assert cand["why_not"]
    assert est["assumptions"]


def test_on_prem_has_no_api_candidates(invoke: Invoke) -> None:
    doc = json.loads(
        invoke("advise", "-r", str(EXAMPLES / "contract-clause-extraction.yaml"), "-f", "json").out
    )
    assert {c["hosting"] for c in doc["estimates"]["candidates"]} == {"self_hosted"}


def test_text_report_shows_the_shortlist(invoke: Invoke) -> None:
    out = invoke("advise", "-r", str(EXAMPLES / "contract-clause-extraction.yaml"), "-v").out
    assert "Numbers: cheapest fitting candidates per option" in out
    assert "self_hosted" in out and "GB" in out
    assert "Assumptions behind the numbers" in out


def test_user_catalog_overrides_a_price(invoke: Invoke, tmp_path: Path) -> None:
    base = json.loads(invoke("models", "-f", "json").out)
    gpt4o = next(m for m in base if m["id"] == "gpt-4o")
    assert gpt4o["prices"]
    catalog = tmp_path / "mine.yaml"
    catalog.write_text(
        "models:\n"
        "  - id: team-slm\n    name: Team SLM\n    vendor: us\n    size_class: slm\n"
        "    params_billion: 3\n    open_weights: true\n    license: Apache-2.0\n"
        "    commercial_use: true\n    context_tokens: 8192\n    prices: []\n"
        "    sources: [internal model card]\n",
        encoding="utf-8",
    )
    run = invoke("models", "--catalog", str(catalog), "-f", "json", "--max-params", "3")
    assert run.code == 0, run.err
    assert "team-slm" in {m["id"] for m in json.loads(run.out)}


def test_bad_catalog_is_located(invoke: Invoke, tmp_path: Path) -> None:
    catalog = tmp_path / "bad.yaml"
    catalog.write_text("modles: []\n", encoding="utf-8")
    run = invoke("advise", "-r", str(EXAMPLES / "support-triage.yaml"), "--catalog", str(catalog))
    assert run.code == 2
    assert "bad.yaml:1:1" in run.err and "did you mean 'models'?" in run.err


@pytest.mark.parametrize(
    ("args", "check"),
    [
        (["--open-weights"], lambda m: m["open_weights"]),
        (["--closed-weights"], lambda m: not m["open_weights"]),
        (
            ["--max-params", "8"],
            lambda m: m["params_billion"] is not None and m["params_billion"] <= 8,
        ),
        (["--min-context", "200000"], lambda m: m["context_tokens"] >= 200000),
        (["--fits-gpu-gb", "24"], lambda m: m["fits_gpu"]["total_gb"] <= 24 and m["open_weights"]),
    ],
)
def test_models_filters(
    invoke: Invoke, args: list[str], check: Callable[[dict[str, object]], bool]
) -> None:
    run = invoke("models", "-f", "json", *args)
    assert run.code == 0, run.err
    records = json.loads(run.out)
    assert records
    assert all(check(m) for m in records)
    for m in records:
        assert set(m) >= MODEL_KEYS


def test_models_table(invoke: Invoke) -> None:
    run = invoke("models", "--max-params", "4")
    assert run.code == 0
    assert "phi-3-mini" in run.out and "price in/out" in run.out
    assert "models; prices in USD per million tokens" in run.err


def test_models_into_a_closed_pipe_is_not_an_error() -> None:
    import subprocess
    import sys

    from .conftest import ROOT, tree_env

    script = f'"{sys.executable}" -m slmvllm models -f json | head -c 10 >/dev/null; echo "rc=${{PIPESTATUS[0]}}"'
    proc = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, env=tree_env()
    )
    assert proc.stdout.strip() == "rc=0", proc.stderr
    assert "Traceback" not in proc.stderr


def test_on_device_estimates_are_small_models_only(invoke: Invoke) -> None:
    doc = json.loads(
        invoke("advise", "-r", str(EXAMPLES / "on-device-reply-suggestions.yaml"), "-f", "json").out
    )
    fitting = [c for c in doc["estimates"]["candidates"] if c["fits"]]
    assert fitting and all(c["option"] == "slm" and c["hosting"] == "self_hosted" for c in fitting)
    for cand in doc["estimates"]["candidates"]:
        if cand["option"] == "llm":
            assert "does not run on a user's device" in cand["why_not"]
    sizes = [c["gpu_memory_gb"] for c in fitting]
    assert sizes[0] == min(sizes) < 2  # the smallest footprint first, compressed


def test_the_example_user_catalogue_prices_self_hosting_at_aws_rates(invoke: Invoke) -> None:
    catalog = str(EXAMPLES / "catalogs" / "aws-h100-on-demand.yaml")
    path = str(EXAMPLES / "support-triage.yaml")
    # The GPU's provider is in the full form (the lean one cites the price's source).
    doc = json.loads(
        invoke("advise", "-r", path, "--catalog", catalog, "-f", "json", "--full-json").out
    )
    hosting = doc["estimates"]["self_hosting"]
    assert (hosting["provider"], hosting["usd_per_gpu_hour"]) == ("AWS", 6.88)
    hosted = [c for c in doc["estimates"]["candidates"] if c["model"] == "qwen2.5-14b"]
    # One H100 at AWS on-demand: 6.88 x 730 h = $5,022.40 a month (RunPod: $1,963.70).
    assert [c["monthly_cost_usd"] for c in hosted if c["hosting"] == "self_hosted"] == [5022.40]
