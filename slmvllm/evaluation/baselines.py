"""Rules of thumb the advice is measured against, on the same cases, always side by side.

Each reads only the fields a requirements file gives: a field left out (unknown)
satisfies no condition, so no baseline gains from the rule set's defaults.
(lm-sys/RouteLLM reports each router beside fixed baselines in the same way.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slmvllm.requirements import OptionName

Given = Mapping[str, Any]


@dataclass(frozen=True)
class Baseline:
    """A rule of thumb: a name, the rule in words, and the rule itself."""

    name: str
    rule: str
    predict: Callable[[Given], OptionName]


def _always_slm(given: Given) -> OptionName:
    return "slm"


def _always_llm(given: Given) -> OptionName:
    return "llm"


def _article(given: Given) -> OptionName:
    # The article's headline trade-off: specialised domain -> small model, broad -> large.
    focus = given.get("domain_focus")
    if focus == "narrow":
        return "slm"
    if focus == "broad":
        return "llm"
    return "hybrid"


def _two_line(given: Given) -> OptionName:
    if (
        given.get("hosting") == "on_device"
        or given.get("domain_focus") == "narrow"
        or given.get("task_breadth") == "single"
    ):
        return "slm"
    if given.get("task_breadth") == "open_ended":
        return "llm"
    return "hybrid"


BASELINES: tuple[Baseline, ...] = (
    Baseline("always-slm", "always SLM", _always_slm),
    Baseline("always-llm", "always LLM", _always_llm),
    Baseline(
        "article",
        "domain_focus narrow -> SLM; broad -> LLM; else hybrid",
        _article,
    ),
    Baseline(
        "two-line",
        "hosting on_device, or domain_focus narrow, or task_breadth single -> SLM; "
        "task_breadth open_ended -> LLM; else hybrid",
        _two_line,
    ),
)
