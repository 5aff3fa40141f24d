"""Quality tiers: which catalogue models are good enough for the use case's hardest work.

The catalogue holds no benchmark scores. The tiers follow the providers' own
positioning of each model family, as their model pages state it: the model a
provider calls its most capable (or its reasoning model for complex, multi-step
work) is *frontier*; the one it calls balanced is *strong*; the one it calls fast,
small or cost-efficient is *light*. Each tier carries its source (`TIER_SOURCES`),
read as of `TIERS_AS_OF`. A user catalogue may set `quality_tier` on a model.

The tier a use case needs (`required_tier`): reasoning or agentic work, critical
quality or expert-level hardest requests need a frontier model; a fixed label set
(output_form: label) can take any model; otherwise any model (the cheapest). The
break-even, the hybrid plan and the cost cross-check price the large model on a
candidate of that tier or above.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Tier = Literal["frontier", "strong", "light"]

#: What each tier means.
TIERS: Mapping[str, str] = {
    "frontier": "the provider's most capable model, or its reasoning model for complex, "
    "multi-step work",
    "strong": "the provider's balanced model: good quality at a middle price",
    "light": "a fast, small or cost-efficient model; every self-hosted small model",
}
_RANK: Mapping[str, int] = {"light": 0, "strong": 1, "frontier": 2}

#: When the positioning below was read from the providers' pages.
TIERS_AS_OF = "2026-07-18"

_OPENAI = "OpenAI, Models (platform.openai.com/docs/models): the family's own one-line positioning"
_ANTHROPIC = "Anthropic, Models overview (docs.anthropic.com/en/docs/about-claude/models/overview)"
_GOOGLE = "Google, Gemini models (ai.google.dev/gemini-api/docs/models)"
_META = "Meta, Introducing Llama 3.1 (ai.meta.com/blog/meta-llama-3-1/)"
_DEEPSEEK = "DeepSeek, DeepSeek-R1 release (api-docs.deepseek.com/news/news250120)"
_MISTRAL = "Mistral AI, Models overview (docs.mistral.ai/getting-started/models/models_overview/)"
_QWEN = "Qwen team, Qwen2.5 release (qwenlm.github.io/blog/qwen2.5/)"

#: The shipped catalogue's large models: (tier, source of the positioning).
SHIPPED_TIERS: Mapping[str, tuple[Tier, str]] = {
    "o1": ("frontier", _OPENAI + " (reasoning model for complex, multi-step tasks)"),
    "o3": ("frontier", _OPENAI + " (most powerful reasoning model)"),
    "gpt-4.1": ("frontier", _OPENAI + " (flagship model for complex tasks)"),
    "o3-mini": ("strong", _OPENAI + " (small reasoning model)"),
    "o4-mini": ("strong", _OPENAI + " (faster, more affordable reasoning model)"),
    "gpt-4o": ("strong", _OPENAI + " (fast, intelligent, flexible; superseded by gpt-4.1)"),
    "gpt-4.1-mini": ("strong", _OPENAI + " (balanced for intelligence, speed and cost)"),
    "gpt-4o-mini": ("light", _OPENAI + " (fast, affordable small model for focused tasks)"),
    "gpt-4.1-nano": ("light", _OPENAI + " (fastest, most cost-effective)"),
    "claude-opus-4.1": ("frontier", _ANTHROPIC + " (most capable model)"),
    "claude-sonnet-4.5": ("frontier", _ANTHROPIC + " (best model for complex agents and coding)"),
    "claude-sonnet-4": ("strong", _ANTHROPIC + " (high-performance, balanced model)"),
    "claude-3.7-sonnet": ("strong", _ANTHROPIC + " (balanced model, previous generation)"),
    "claude-3.5-sonnet": ("strong", _ANTHROPIC + " (balanced model, previous generation)"),
    "claude-haiku-4.5": ("light", _ANTHROPIC + " (fastest model)"),
    "claude-3.5-haiku": ("light", _ANTHROPIC + " (fastest model, previous generation)"),
    "gemini-2.5-pro": ("frontier", _GOOGLE + " (state-of-the-art thinking model)"),
    "gemini-2.5-flash": ("strong", _GOOGLE + " (best in price-performance)"),
    "gemini-1.5-pro": ("strong", _GOOGLE + " (previous-generation pro model)"),
    "gemini-2.0-flash": ("light", _GOOGLE + " (fast workhorse model)"),
    "gemini-2.0-flash-lite": ("light", _GOOGLE + " (cost efficiency and low latency)"),
    "gemini-2.5-flash-lite": ("light", _GOOGLE + " (cost efficiency and low latency)"),
    "gemini-1.5-flash": ("light", _GOOGLE + " (fast and versatile, previous generation)"),
    "deepseek-r1": ("frontier", _DEEPSEEK + " (reasoning model, on par with OpenAI o1)"),
    "deepseek-v3": ("strong", _DEEPSEEK + " (general chat model)"),
    "llama-3.1-405b": ("strong", _META + " (largest openly available foundation model)"),
    "llama-3.1-70b": ("strong", _META),
    "llama-3.3-70b": ("strong", _META + " (3.3 70B: 3.1 405B-level quality at 70B)"),
    "qwen2.5-72b": ("strong", _QWEN + " (the family's flagship open model)"),
    "mixtral-8x22b": ("strong", _MISTRAL + " (open mixture of experts)"),
    "mixtral-8x7b": ("light", _MISTRAL + " (open mixture of experts, smaller)"),
}


@dataclass(frozen=True)
class TierOfModel:
    tier: Tier | None
    source: str


def model_tier(model: Any) -> TierOfModel:
    """A catalogue model's tier and where it comes from (None: not tiered)."""
    own = getattr(model, "quality_tier", None)
    if own is not None:
        return TierOfModel(own, getattr(model, "quality_tier_source", None) or "the catalogue")
    if model.id in SHIPPED_TIERS:
        tier, source = SHIPPED_TIERS[model.id]
        return TierOfModel(tier, f"{source}, as of {TIERS_AS_OF}")
    if model.size_class == "slm":
        return TierOfModel("light", "every small model is light (slmvllm's convention)")
    return TierOfModel(None, "no published positioning in the catalogue")


def at_least(model: Any, tier: str | None) -> bool:
    """Whether a model is of `tier` or above (any model when `tier` is None)."""
    if tier is None:
        return True
    own = model_tier(model).tier
    return own is not None and _RANK[own] >= _RANK[tier]


#: The requirements fields `required_tier` reads.
TIER_FIELDS = frozenset({"task_type", "quality_bar", "output_form", "hardest_requests"})


def required_tier(values: Mapping[str, Any], override: str | None = None) -> tuple[str | None, str]:
    """(the tier the large model must be of, or None for any; why)."""
    if override is not None:
        return override, f"--tier {override}"
    if values.get("output_form") == "label":
        return None, "the output is one of a fixed set of labels: any model's quality will do"
    task = values.get("task_type")
    if task in ("reasoning", "agentic"):
        return "frontier", f"task_type is {task}: multi-step work needs a frontier model"
    if values.get("quality_bar") == "critical":
        return "frontier", "quality_bar is critical: a wrong answer must not happen"
    if values.get("hardest_requests") == "expert":
        return "frontier", "the hardest requests are expert work"
    return None, "nothing in the requirements calls for a higher tier: the cheapest model"
