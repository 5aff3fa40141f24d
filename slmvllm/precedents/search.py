"""What `slmvllm cases` and the MCP `cases` tool list: the shipped documented decisions,
all of them or the ones most like some answers and words, as JSON-ready records.

    >>> found = search_cases(words="invoice extraction", choice="slm", limit=2)
    >>> len(found.rows), found.rows[0].case.choice, found.searched
    (2, 'slm', True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slmvllm.precedents import nearest
from slmvllm.precedents.corpus import Case, load_corpus

#: How many cases a search shows unless told (a plain listing shows every case).
SEARCH_LIMIT = 10


@dataclass(frozen=True)
class FoundCase:
    """One case listed; `similarity` and `shared` only when the listing is a search."""

    case: Case
    similarity: float | None = None
    shared: tuple[str, ...] = ()


@dataclass(frozen=True)
class FoundCases:
    """The cases listed, how many matched before the limit, and whether it was a search."""

    rows: list[FoundCase]
    total: int
    searched: bool


def search_cases(
    given: Mapping[str, Any] | None = None,
    words: str = "",
    choice: str | None = None,
    limit: int | None = None,
) -> FoundCases:
    """Every shipped case in id order, or, with answers (`given`) or `words`, the cases
    alike in any way, most alike first; only those that chose `choice` when given; at
    most `limit` (a search shows `SEARCH_LIMIT` unless told)."""
    query: dict[str, Any] = dict(given or {})
    if words.strip():
        query["use_case"] = " ".join([words.strip(), str(query.get("use_case") or "")]).strip()
    if query:
        rows = [
            FoundCase(n.case, n.similarity, tuple(n.shared))
            for n in nearest(query)
            if n.similarity > 0
        ]
        limit = limit if limit is not None else SEARCH_LIMIT
    else:
        rows = [FoundCase(c) for c in load_corpus().cases]
    if choice:
        rows = [r for r in rows if r.case.choice == choice]
    total = len(rows)
    return FoundCases(rows[:limit] if limit is not None else rows, total, bool(query))


def case_record(found: FoundCase) -> dict[str, Any]:
    """One case as `slmvllm cases --format json` writes it."""
    case = found.case
    record: dict[str, Any] = {
        "id": case.id,
        "use_case": case.use_case,
        "choice": case.choice,
        "model": case.model,
        "ambiguous": case.ambiguous,
        "confidence": case.label_confidence,
        "drivers": list(case.drivers),
        "tags": list(case.tags),
        "sources": list(case.sources),
        "answers": case.answers,
    }
    if found.similarity is not None:
        record["similarity"] = round(found.similarity, 3)
        record["shared"] = list(found.shared)
    return record
