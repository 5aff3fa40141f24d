"""Decision records: one Markdown file per advised use case, re-checked later.

`advise --record DIR` writes each record (`slmvllm.render.record`): a YAML front
matter block holding what a later check needs (the answers, the decision, the
confidence, the break-even volume, the rule set and the price date), then the
record a person reads. `slmvllm records check DIR` re-advises every record with
today's rules and prices (`check_records`) and names each whose recommendation
flipped or whose break-even volume was crossed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advice.use_cases import requirements_for
from slmvllm.advisor import advise
from slmvllm.errors import InputError, Problem
from slmvllm.loading.documents import Document, Source
from slmvllm.loading.reading import read_source
from slmvllm.loading.yaml_parsing import parse_yaml
from slmvllm.numbers.catalog import Catalog
from slmvllm.result import Result

#: The front matter: a first line `---`, YAML, a line `---`.
_FRONT = re.compile(r"\A---\n(.*?\n)---\n", re.S)
RECORD_SUFFIX = ".md"


@dataclass(frozen=True)
class RecordFacts:
    """What a record states about its decision, as its front matter holds it."""

    requirements: dict[str, Any]
    recommendation: str
    confidence: float
    break_even_monthly_requests: int | None
    monthly_requests: int | None
    rule_set: str
    prices_as_of: str | None


def record_facts(result: Result) -> dict[str, Any]:
    """The front matter of a result's record (JSON-ready)."""
    est = result.estimates
    given = {k: v for k, v in result.requirements.items() if v is not None}
    return {
        "slmvllm_record": 1,
        "requirements": {k: given[k] for k in sorted(given) if k in _given_fields(result)},
        "recommendation": result.recommendation,
        "confidence": result.confidence,
        "break_even_monthly_requests": est.break_even_monthly_requests if est else None,
        "monthly_requests": est.inputs.monthly_requests if est else None,
        "rule_set": f"{result.rule_set.name} {result.rule_set.version}",
        "prices_as_of": est.prices_as_of if est else None,
    }


def _given_fields(result: Result) -> set[str]:
    assumed = {a.field for a in result.assumptions}
    return {k for k in result.requirements if k not in assumed}


def record_files(folder: Path) -> list[Path]:
    """The records in a folder, by name."""
    try:
        return sorted(p for p in folder.iterdir() if p.suffix == RECORD_SUFFIX and p.is_file())
    except OSError as exc:
        raise InputError(Problem(str(folder), f"cannot read the folder: {exc.strerror}")) from None


def read_record(path: Path) -> tuple[Document, RecordFacts]:
    """A record's front matter, checked; `InputError` (file:line) when it is not a record."""
    source = read_source(path, what="decision record")
    match = _FRONT.match(source.text)
    if match is None:
        raise InputError(
            Problem(source.name, "not a decision record: no front matter (--- ... ---) first", 1)
        )
    # Parsed from the first line, so line numbers are those of the file.
    doc = parse_yaml(Source(source.name, "\n" + match.group(1)))
    data = doc.data
    if not isinstance(data, dict) or data.get("slmvllm_record") != 1:
        raise InputError(doc.problem((), "not a decision record: no slmvllm_record: 1"))
    requirements = data.get("requirements")
    if not isinstance(requirements, dict):
        raise InputError(doc.problem(("requirements",), "expected the answers, a mapping"))
    return doc, RecordFacts(
        requirements=requirements,
        recommendation=str(data.get("recommendation")),
        confidence=float(data.get("confidence") or 0.0),
        break_even_monthly_requests=data.get("break_even_monthly_requests"),
        monthly_requests=data.get("monthly_requests"),
        rule_set=str(data.get("rule_set")),
        prices_as_of=data.get("prices_as_of"),
    )


@dataclass(frozen=True)
class RecordCheck:
    """One record re-advised: what it said, what today's rules and prices say."""

    source: str
    then: RecordFacts
    now: Result

    @property
    def flipped(self) -> bool:
        return self.now.recommendation != self.then.recommendation

    @property
    def crossed(self) -> bool:
        """Whether the record's volume now falls on the other side of the break-even."""
        volume = self.then.monthly_requests
        if volume is None:
            return False
        est = self.now.estimates
        old, new = (
            self.then.break_even_monthly_requests,
            (est.break_even_monthly_requests if est else None),
        )
        return (old is not None and volume >= old) != (new is not None and volume >= new)

    def changes(self) -> list[str]:
        """What changed, in words (empty when nothing did)."""
        out: list[str] = []
        if self.flipped:
            out.append(f"recommendation {self.then.recommendation} -> {self.now.recommendation}")
        if self.crossed:
            est = self.now.estimates
            new = est.break_even_monthly_requests if est else None
            out.append(
                f"break-even {_volume(self.then.break_even_monthly_requests)} -> "
                f"{_volume(new)} requests/month, crossed at {self.then.monthly_requests:,}"
            )
        return out


def _volume(value: int | None) -> str:
    return "none" if value is None else f"{value:,}"


def check_records(paths: Iterable[Path], rs: RuleSet, catalog: Catalog) -> list[RecordCheck]:
    """Re-advise each record; every bad record is reported at once (`InputError`)."""
    checks: list[RecordCheck] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            doc, facts = read_record(path)
            sub = Document(
                doc.source,
                facts.requirements,
                {loc[1:]: pos for loc, pos in doc.values.items() if loc[:1] == ("requirements",)},
            )
            requirements = requirements_for(rs, sub)
        except InputError as exc:
            problems += exc.problems
            continue
        checks.append(RecordCheck(doc.source, facts, advise(requirements, rs, catalog)))
    if problems:
        raise InputError(problems)
    return checks
