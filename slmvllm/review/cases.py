"""The use cases a review runs on (requirements files, folders, labelled cases), and
the outcome of advising one with a rule set."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advice.use_cases import requirements_for
from slmvllm.advisor import advise
from slmvllm.errors import InputError, NoFeasibleOptionError, Problem
from slmvllm.loading.documents import Document
from slmvllm.loading.labels import LABELS_INDEX, LabelsFile, case_file
from slmvllm.loading.reading import directory_yaml_files, read_source
from slmvllm.loading.validation import validate
from slmvllm.loading.yaml_parsing import parse_yaml
from slmvllm.requirements import OptionName, field_names
from slmvllm.result import Result

_ROUND = 4
NO_OPTION = "none"  # the recommendation when the hard constraints rule out every option

# --------------------------------------------------------------------------- use cases


@dataclass(frozen=True)
class Case:
    """One use case to review rules on: where it came from and its requirements document.

    `expected` is the documented decision, when the case comes with one. Labels files
    (`slmvllm eval`'s `{id, file, expected}` lists) plug in by producing cases with it
    set; `diff_rule_sets` then reports how accuracy moves.
    """

    source: str
    doc: Document
    expected: OptionName | None = None


def read_cases(paths: Iterable[Path]) -> list[Case]:
    """Requirements files, folders and labels files as cases, in the order given.

    A folder stands for every *.yaml/*.yml in it, or, when it holds an `index.yaml`,
    for that labels file. A labels file (a YAML list of `{id, file, expected, ...}`, the
    format `slmvllm eval` reads) gives one case per entry, its requirements file
    relative to the labels file, with `expected` set: the diff then says how accuracy
    moves. Every unreadable or invalid file is reported at once (`InputError`, exit 2).
    """
    files: list[Path] = []
    for path in paths:
        if str(path) != "-" and _is_folder(path):
            index = path / LABELS_INDEX
            files += [index] if index.is_file() else directory_yaml_files(path)
        else:
            files.append(path)
    cases: list[Case] = []
    problems: list[Problem] = []
    for path in dict.fromkeys(files):
        try:
            doc = parse_yaml(read_source(path, what="requirements file"))
            if isinstance(doc.data, list):  # requirements files are mappings: labels
                cases += _labelled_cases(path, doc)
            else:
                cases.append(Case(doc.source, doc))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return cases


def _labelled_cases(path: Path, doc: Document) -> list[Case]:
    labels = validate(LabelsFile, doc).root
    out: list[Case] = []
    problems: list[Problem] = []
    for index, label in enumerate(labels):
        try:
            target = case_file(path, label.file)
        except InputError as exc:  # placed at the `file:` line, as `eval` places it
            problems.append(doc.problem((index, "file"), exc.problems[0].message))
            continue
        try:
            case_doc = parse_yaml(read_source(target, what="requirements file"))
        except InputError as exc:
            problems += exc.problems
            continue
        out.append(Case(case_doc.source, case_doc, label.expected))
    if problems:
        raise InputError(problems)
    return out


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name too long...: read_source reports it
        return False


@dataclass(frozen=True)
class Outcome:
    """What one rule set advises for one case: the recommendation or why there is none."""

    recommendation: str
    confidence: float
    result: Result | None = None
    error: str | None = None

    def effects(self) -> dict[str, dict[str, float]]:
        """Each fired rule's weighted effect per option; exclusions as {option: None-like 0}."""
        if self.result is None:
            return {}
        out = {r.rule: dict(r.effect) for r in self.result.reasons}
        for e in self.result.excluded:
            out.setdefault(e.rule, {})
        return out

    def excluded(self) -> dict[str, list[str]]:
        """The options each fired exclusion rule ruled out."""
        out: dict[str, list[str]] = {}
        for e in self.result.excluded if self.result else []:
            out.setdefault(e.rule, []).append(e.option)
        return out


def _outcome(rs: RuleSet, case: Case, others: list[RuleSet]) -> Outcome:
    requirements = requirements_for(rs, _known_to(rs, case.doc, others), others=others)
    try:
        result = advise(requirements, rs)
    except NoFeasibleOptionError as exc:
        return Outcome(NO_OPTION, 0.0, None, "; ".join(p.message for p in exc.problems))
    return Outcome(result.recommendation, result.confidence, result)


def _known_to(rs: RuleSet, doc: Document, others: list[RuleSet]) -> Document:
    # A field another rule set of the run adds means nothing to this one: it is left
    # out here (and reported), not an error. A key no rule set knows stays, and fails.
    if not isinstance(doc.data, dict):
        return doc
    mine = set(field_names(rs.requirements_model()))
    theirs = {name for o in others for name in field_names(o.requirements_model())}
    kept = {k: v for k, v in doc.data.items() if k in mine or k not in theirs}
    return Document(doc.source, kept, doc.values, doc.keys)


def _ignored(rs: RuleSet, doc: Document, others: list[RuleSet]) -> list[str]:
    if not isinstance(doc.data, dict):
        return []
    mine = set(field_names(rs.requirements_model()))
    return [k for k in doc.data if k not in mine and k in _all_fields(others)]


def _all_fields(rule_sets: list[RuleSet]) -> set[str]:
    return {name for o in rule_sets for name in field_names(o.requirements_model())}


def _outcome_record(outcome: Outcome) -> dict[str, Any]:
    return {
        "recommendation": outcome.recommendation,
        "confidence": outcome.confidence,
        "error": outcome.error,
    }
