"""Labels files: which option real decisions chose, for `slmvllm eval` and fitting scripts.

A labels file is a YAML list, one item per case; each item names a requirements
file (relative to the labels file) and the option the documented decision chose.
Labels never go inside requirements files, so every case still runs unchanged
with `slmvllm advise`. The format (also in docs/measuring.md):

    - id: klarna-customer-service-assistant      # unique across the run
      file: klarna-customer-service-assistant.yaml
      expected: llm                              # slm | llm | hybrid
      ambiguous: false                           # true: a poor test of the advice (say why in note)
      confidence: high                           # optional: high | medium | low
      note: what was inferred, what was left out  # optional (required when ambiguous)
      sources: [https://example.org/case-study]  # optional list of http(s) URLs
      drivers: [cost_at_volume, latency]         # optional: the decisive reasons the sources state
      model: Llama 3.1 8B, fine-tuned            # optional: what serves the traffic
      tags: [industry:retail]                    # optional free tags; eval reports each

Everything goes through the project's one YAML loader; every problem (in the
labels file or in a requirements file it names) is an `InputError` located
file:line:col, all of them at once.

    >>> from pathlib import Path
    >>> cases = load_labels([Path("examples/cases")])  # doctest: +SKIP
    >>> cases[0].label.expected, cases[0].requirements.task_type  # doctest: +SKIP
    ('slm', 'classification')
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    Field,
    RootModel,
    StrictBool,
    StrictStr,
    field_validator,
    model_validator,
)

from slmvllm.errors import InputError, Problem
from slmvllm.loading.documents import Document
from slmvllm.loading.reading import PathRuleError, contained_file, read_source
from slmvllm.loading.validation import describe, validate
from slmvllm.loading.yaml_parsing import parse_yaml
from slmvllm.requirements import OptionName, Requirements, Strict

#: The labels file a folder given to `slmvllm eval` must hold.
LABELS_INDEX = "index.yaml"

SourceConfidence = Literal["high", "medium", "low"]

#: The decision drivers a label may name: the decisive reasons its sources state for the
#: choice (docs/decision-drivers.md defines each, and which question expresses it).
DecisionDriver = Literal[
    "cost_at_volume",
    "latency",
    "data_control",
    "provider_agreement",
    "quality_ceiling",
    "time_to_market",
    "own_the_model",
    "existing_asset",
    "work_split",
    "on_device",
    "breadth",
    "narrow_accuracy",
]
DECISION_DRIVERS: tuple[str, ...] = get_args(DecisionDriver)

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*")
_TAG = re.compile(r"[a-z0-9][a-z0-9_:-]*")


def _tag(value: str) -> str:
    if not _TAG.fullmatch(value):
        raise ValueError(
            f"{describe(value)} is not a usable tag; use lower-case letters, digits, '_', '-' "
            "and ':' (e.g. industry:health)"
        )
    return value


Tag = Annotated[StrictStr, AfterValidator(_tag)]


def _url(value: str) -> str:
    if not _URL.fullmatch(value):
        raise ValueError(f"{describe(value)} is not a URL; each source is one http(s):// address")
    return value


Url = Annotated[StrictStr, AfterValidator(_url)]


class Label(Strict):
    """One case of a labels file: a requirements file and the option its decision chose."""

    id: StrictStr
    file: StrictStr
    expected: OptionName
    ambiguous: StrictBool
    confidence: SourceConfidence | None = None
    note: StrictStr | None = None
    sources: list[Url] = Field(default_factory=list)
    drivers: list[DecisionDriver] = Field(default_factory=list)
    model: StrictStr | None = None  # the model(s) that serve the traffic, as the sources name them
    tags: list[Tag] = Field(default_factory=list)

    @field_validator("drivers", "tags")
    @classmethod
    def _listed_once(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for item in value:
            if item in seen:
                raise ValueError(f"{item!r} is listed twice; name each once")
            seen.add(item)
        return value

    @field_validator("id")
    @classmethod
    def _plain_id(cls, value: str) -> str:
        if not _ID.fullmatch(value):
            raise ValueError(
                f"{describe(value)} is not a usable id; use letters, digits, '.', '_' and '-', "
                "starting with a letter or digit"
            )
        return value

    @field_validator("file")
    @classmethod
    def _some_file(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("an empty file name; name the requirements file of this case")
        return value

    @model_validator(mode="after")
    def _ambiguous_says_why(self) -> Label:
        if self.ambiguous and not (self.note or "").strip():
            raise ValueError(
                "ambiguous: true needs a note saying why the case is a poor test of the advice"
            )
        return self


class LabelsFile(RootModel[list[Label]]):
    """A whole labels file: a YAML list of `Label` items."""


@dataclass(frozen=True)
class LabelledCase:
    """One label with its requirements loaded, and where both came from."""

    label: Label
    labels_file: str  # the labels file as named in messages
    requirements_file: str  # the requirements file: the labels file's folder / `label.file`
    requirements: Requirements
    document: Document  # the parsed requirements file, to locate later problems in it
    line: int | None = None  # where the item starts in the labels file
    column: int | None = None

    def problem(self, message: str) -> Problem:
        """A `Problem` located at this case's item in its labels file."""
        return Problem(self.labels_file, message, self.line, self.column, self.label.id)


def labels_path(path: Path) -> Path:
    """The labels file a command-line argument stands for: a file, or a folder's index.yaml."""
    try:
        if path.is_dir():
            return path / LABELS_INDEX
    except OSError:  # a name too long...: `read_source` reports it, on the name as given
        pass
    return path


def load_labels(
    paths: Path | str | Iterable[Path | str], model: type[Requirements] = Requirements
) -> list[LabelledCase]:
    """Load labels files (or folders holding an index.yaml) and every requirements file they name.

    Ids must be unique across all the files. Raises `InputError` with every problem
    found, each located file:line:col: unreadable or invalid labels files, unknown
    or misspelled keys, bad values, duplicate ids or files, and requirements files
    that are missing or invalid. The requirements files are validated against `model`:
    a rule set's own (`RuleSet.requirements_model()`) knows the fields its layers add.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    cases: list[LabelledCase] = []
    problems: list[Problem] = []
    first_seen: dict[str, LabelledCase] = {}
    for given in paths:
        if str(given) == "-":  # cases are files relative to their labels file: stdin has no folder
            problems.append(
                Problem("command line", "labels are read from a file or folder, not from stdin (-)")
            )
            continue
        try:
            loaded = _load_file(labels_path(Path(given)), model)
        except InputError as exc:
            problems += exc.problems
            continue
        file_problems, file_cases = loaded
        problems += file_problems
        for case in file_cases:
            earlier = first_seen.get(case.label.id)
            if earlier is not None:
                problems.append(
                    case.problem(
                        f"duplicate id {case.label.id!r} (first at {_where(earlier)}); "
                        "ids are unique across every labels file of a run"
                    )
                )
                continue
            first_seen[case.label.id] = case
            cases.append(case)
    if problems:
        raise InputError(problems)
    return cases


def _where(case: LabelledCase) -> str:
    # Every case `_load_file` makes has the line of its item.
    return f"{case.labels_file}:{case.line}"


def case_file(labels: Path, file: str) -> Path:
    """The requirements file a label's `file:` names, held to the path rule of layers.

    A labels file may come from others (a contributed case), so `file:` names a regular
    file inside the labels file's folder (`slmvllm.loading.reading.contained_file`):
    never an absolute path, a `..` or a link out of it, a FIFO or a device. Raises
    `InputError` with one unlocated problem; the caller places it at the `file:` line.
    """
    try:
        return contained_file(labels.parent, file)
    except PathRuleError as exc:
        raise InputError(Problem(str(labels), f"file {file!r} {exc}")) from None


def _load_file(path: Path, model: type[Requirements]) -> tuple[list[Problem], list[LabelledCase]]:
    doc = parse_yaml(read_source(path, what="labels file"))
    if not isinstance(doc.data, list):
        kind = "a mapping" if isinstance(doc.data, dict) else "a single value"
        raise InputError(
            doc.problem(
                (),
                f"the top level is {kind}; a labels file is a YAML list, one item per case "
                "(- id: ..., file: ..., expected: ...)",
            )
        )
    if not doc.data:
        raise InputError(doc.problem((), "the list of cases is empty; add at least one case"))
    labels = validate(LabelsFile, doc).root
    problems: list[Problem] = []
    cases: list[LabelledCase] = []
    ids: dict[str, int] = {}
    files: dict[str, int] = {}
    for index, label in enumerate(labels):
        if label.id in ids:
            problems.append(_duplicate(doc, index, "id", label.id, ids[label.id]))
            continue
        ids[label.id] = index
        try:
            target = case_file(path, label.file)
        except InputError as exc:
            problems.append(doc.problem((index, "file"), exc.problems[0].message))
            continue
        key = os.path.realpath(target)
        if key in files:
            problems.append(_duplicate(doc, index, "file", label.file, files[key]))
            continue
        files[key] = index
        try:
            req_doc = parse_yaml(read_source(target, what="requirements file"))
            requirements = validate(model, req_doc)
        except InputError as exc:
            problems += [_relocated(doc, index, label, p, str(target)) for p in exc.problems]
            continue
        line, column = _position(doc, (index,))
        cases.append(
            LabelledCase(label, doc.source, str(target), requirements, req_doc, line, column)
        )
    return problems, cases


def _duplicate(doc: Document, index: int, key: str, value: str, first: int) -> Problem:
    line, _ = _position(doc, (first, key))
    return doc.problem(
        (index, key), f"duplicate {key} {value!r} (first at line {line}); each case is listed once"
    )


def _position(doc: Document, loc: tuple[int | str, ...]) -> tuple[int, int]:
    # Items and their keys were read from this document, so each has a place in it.
    position = doc.position(loc)
    assert position is not None, loc
    return position


def _relocated(doc: Document, index: int, label: Label, problem: Problem, shown: str) -> Problem:
    # A requirements file that cannot be read at all (missing, a folder, no permission)
    # has no line of its own: the place to fix is the `file:` entry of the labels file.
    if problem.source != shown or problem.line is not None:
        return problem
    return doc.problem(
        (index, "file"),
        f"{label.file!r} ({shown}): {problem.message}",
    )
