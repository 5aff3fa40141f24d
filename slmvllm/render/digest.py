"""What the short report, the HTML report and `compare` pick out of a result (no rich here).

The full report repeats every reason's citation; the short views number each reference
once. This module decides which reasons are decisive, whether the race was close, and
which references those reasons cite, so every view shows the same choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from slmvllm.advice.advice_model import Reason
from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.result import Result

# Below this confidence the runner-up is named beside the recommendation: the
# separating evidence is at most 3 to 1 for the winner.
CLOSE_CONFIDENCE = 0.75
# The short report's "why": at most this many reasons, one line each.
DECISIVE_REASONS = 5


@dataclass(frozen=True)
class ReferenceEntry:
    """One numbered entry of a report's reference list."""

    number: int
    title: str
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class CitedReason:
    """A reason with its decisiveness and the numbers of the references it cites."""

    reason: Reason
    margin: float  # effect on the recommendation minus effect on the runner-up
    refs: list[int]
    wheres: list[str] = field(default_factory=list)  # section or figure per citation


@dataclass(frozen=True)
class Digest:
    """The recommendation's story in the order a reader needs it."""

    runner_up: str | None
    close: bool
    standing: str  # "tie", "close" or "clear" (the engine's `confidence_basis.standing`)
    reasons: list[CitedReason]  # every fired rule, most decisive first
    exclusion_refs: list[list[int]]  # per `result.excluded`, the references it cites
    references: list[ReferenceEntry]


def runner_up(result: Result) -> str | None:
    """The second-best option still allowed, or None when constraints leave one."""
    name = str(result.confidence_basis.get("runner_up") or "")
    return name or None


def margin(result: Result, effect: dict[str, float]) -> float:
    """How far one reason moves the recommendation ahead of the runner-up (negative: behind)."""
    second = runner_up(result)
    mine = effect.get(result.recommendation, 0.0)
    return mine - effect.get(second, 0.0) if second else mine


class _Numbering:
    """References numbered in order of first use."""

    def __init__(self, rule_set: RuleSet) -> None:
        self.rule_set = rule_set
        self.by_key: dict[str, int] = {}
        self.entries: list[ReferenceEntry] = []

    def number(self, key: str, title: str, url: str | None = None, note: str | None = None) -> int:
        if key not in self.by_key:
            self.by_key[key] = len(self.entries) + 1
            self.entries.append(ReferenceEntry(len(self.entries) + 1, title, url, note))
        return self.by_key[key]

    def cite(
        self, rule_id: str, fallback: str, *, first_only: bool = False
    ) -> tuple[list[int], list[str]]:
        rule = next((r for r in self.rule_set.rules if r.id == rule_id), None)
        if rule is None:  # a result from another rule set: cite its text as it stands
            return ([self.number(f"text:{fallback}", fallback)] if fallback else []), []
        numbers: list[int] = []
        wheres: list[str] = []
        for citation in rule.sources[:1] if first_only else rule.sources:
            ref = self.rule_set.references.get(citation.ref)
            if ref is None:
                numbers.append(self.number(citation.ref, citation.ref))
            else:
                numbers.append(self.number(citation.ref, ref.title, ref.url, ref.note))
            wheres.append(citation.where or "")
        return numbers, wheres


def digest(
    result: Result, rule_set: RuleSet, *, top: int | None = None, first_only: bool = False
) -> Digest:
    """Rank the reasons and number the references of the first `top` of them (all: None).

    Exclusions are numbered first: a hard constraint matters more than any score. With
    `first_only` each reason cites its first source only (the one-screen report; the
    full report cites every one).
    """
    numbering = _Numbering(rule_set)
    exclusion_refs = [
        numbering.cite(e.rule, e.source, first_only=first_only)[0] for e in result.excluded
    ]
    ranked = sorted(
        enumerate(result.reasons),
        key=lambda ir: (-abs(margin(result, ir[1].effect)), ir[0]),
    )
    reasons: list[CitedReason] = []
    for i, (_, reason) in enumerate(ranked):
        if top is None or i < top:
            refs, wheres = numbering.cite(reason.rule, reason.source, first_only=first_only)
        else:
            refs, wheres = [], []
        reasons.append(CitedReason(reason, margin(result, reason.effect), refs, wheres))
    second = runner_up(result)
    standing = str(result.confidence_basis.get("standing") or "clear")
    return Digest(
        runner_up=second,
        close=second is not None
        and (standing in ("tie", "close") or result.confidence < CLOSE_CONFIDENCE),
        standing=standing,
        reasons=reasons,
        exclusion_refs=exclusion_refs,
        references=numbering.entries,
    )


def ref_marks(numbers: list[int]) -> str:
    """`[1,3]`, or nothing for no references."""
    return f"[{','.join(str(n) for n in numbers)}]" if numbers else ""
