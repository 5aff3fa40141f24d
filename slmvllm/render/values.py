"""Requirement values as a reader sees them in every view: not given, whole numbers, separators."""

from __future__ import annotations

from typing import Any

from slmvllm.numbers.cost_plans import money
from slmvllm.numbers.estimate_models import Estimates
from slmvllm.result import Result


def show_value(value: Any) -> str:
    """`None` reads "not given", 2.0 reads 2, and large counts get thousands separators."""
    if value is None:
        return "not given"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
        return f"{value:,}"
    return str(value)


def effect_text(effect: dict[str, float]) -> str:
    """A rule's effect on each option's score: `llm 0, slm +9.0, hybrid +3.0`."""
    return ", ".join(
        f"{option} {value:+.1f}" if value else f"{option} 0" for option, value in effect.items()
    )


def standing_note(result: Result) -> str:
    """` (a tie with LLM: ...)` or ` (close call: runner-up LLM)` when the race was tight."""
    basis = result.confidence_basis
    second = str(basis.get("runner_up") or "").upper()
    standing = basis.get("standing")
    if not second or standing not in ("tie", "close"):
        return ""
    if standing == "tie":
        return f" (tie with {second}; option order chose)"
    return f" (close call: runner-up {second})"


def confidence_meaning(result: Result) -> str:
    """What the confidence figure means, for the report's footer."""
    if result.confidence_basis.get("method") == "logistic-margin":
        return (
            "Confidence = the estimated chance that a well-informed team would choose the "
            "same, from the score margin (calibrated on documented decisions)."
        )
    return "Confidence = share of the evidence between the top two options that favours the winner."


def money_or_na(value: float | None) -> str:
    """A dollar figure, or "n/a" where none applies."""
    return "n/a" if value is None else money(value)


def estimate_statements(est: Estimates) -> list[str]:
    """The numbers' sentences every view shows: cost check, break-evens, hybrid share."""
    lines = []
    if est.cost_check is not None:
        lines.append(est.cost_check.statement)
    lines.append(f"SLM break-even: {est.break_even.statement}")
    if est.llm_share is not None:
        lines.append(
            f"Hybrid: {est.llm_share:.1%} of requests to the large model, blended "
            f"{money_or_na(est.blended_monthly_cost_usd)} a month"
        )
    if est.break_even_hybrid is not None:
        lines.append(f"Hybrid break-even: {est.break_even_hybrid.statement}")
    return lines
