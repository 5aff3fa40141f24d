"""Quality tiers: which tier a use case needs, each model's, and the candidate priced on it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from slmvllm.advisor import advise, default_catalog
from slmvllm.numbers.tiers import SHIPPED_TIERS, at_least, model_tier, required_tier
from slmvllm.requirements import Requirements
from tests.conftest import ROOT, run_cli


@pytest.mark.parametrize(
    ("values", "tier"),
    [
        ({}, None),
        ({"task_type": "agentic"}, "frontier"),
        ({"task_type": "reasoning"}, "frontier"),
        ({"quality_bar": "critical"}, "frontier"),
        ({"hardest_requests": "expert"}, "frontier"),
        ({"task_type": "agentic", "output_form": "label"}, None),  # fixed labels: any
        ({"quality_bar": "high", "task_type": "chat"}, None),
    ],
)
def test_required_tier(values: dict[str, Any], tier: str | None) -> None:
    assert required_tier(values)[0] == tier
    assert required_tier(values, "light") == ("light", "--tier light")


def test_every_shipped_large_model_has_a_sourced_tier() -> None:
    for model in default_catalog().models:
        found = model_tier(model)
        if model.size_class == "llm":
            assert model.id in SHIPPED_TIERS, model.id
        assert found.tier in {"frontier", "strong", "light"} and found.source


def test_at_least() -> None:
    catalog = default_catalog()
    assert at_least(catalog.model("o3"), "frontier")
    assert not at_least(catalog.model("gpt-4o-mini"), "strong")
    assert at_least(catalog.model("gpt-4o-mini"), None)


def test_the_research_agent_is_priced_on_a_frontier_model() -> None:
    path = str(ROOT / "examples" / "research-agent.yaml")
    run = run_cli("advise", "-r", path, "-f", "json", "--full-json")
    result = json.loads(run.out)
    est = result["estimates"]
    assert est["quality_tier"] == "frontier"
    assert est["quality_tier_why"].startswith("task_type is agentic")
    llm = est["break_even"]["llm_model"]
    assert SHIPPED_TIERS[llm][0] == "frontier"
    assert est["cost_check"]["cheapest"]["llm"]["model"] == llm
    text = run_cli("advise", "-r", str(ROOT / "examples" / "research-agent.yaml")).out
    assert "$198.00/month; frontier tier: task_type is agentic" in text


def test_tier_override() -> None:
    requirements = Requirements(task_type="agentic", monthly_requests=15_000)
    frontier = advise(requirements).estimates
    light = advise(requirements, tier="light").estimates
    assert frontier is not None and light is not None
    assert light.quality_tier == "light"
    assert light.break_even.llm_model != frontier.break_even.llm_model
    run = run_cli(
        "advise", "-r", "-", "--tier", "strong", "-f", "json", stdin="task_type: agentic\n"
    )
    assert json.loads(run.out)["estimates"]["quality_tier"] == "strong", run.err


def test_the_prices_page_shows_what_the_research_agent_prints() -> None:
    page = (ROOT / "docs" / "prices.md").read_text(encoding="utf-8")
    shown = [line[1:].strip() for line in page.splitlines() if line.startswith("#   ")]
    out = [
        line.strip()
        for line in run_cli(
            "advise", "-r", str(ROOT / "examples" / "research-agent.yaml")
        ).out.splitlines()
    ]
    assert shown and all(line in out for line in shown), (shown, out)
