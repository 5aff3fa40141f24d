"""Reading a rule set layer's chain: the layer schema, and following `extends` within bounds.

See slmvllm/advice/layers.py for what a layer may change and where its base may be;
`resolve_chain` reads the files (base first), `layers.build_rule_set` merges them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated

from pydantic import Field, StrictStr, model_validator

from slmvllm.advice.conditions import Condition
from slmvllm.advice.rule_set_model import (
    Citation,
    Points,
    Question,
    Reference,
    Rule,
)
from slmvllm.errors import InputError, Problem
from slmvllm.loading.compiled import parse_shipped
from slmvllm.loading.documents import STDIN_NAME, Document
from slmvllm.loading.reading import PathRuleError, contained_file, read_source
from slmvllm.loading.yaml_parsing import parse_yaml
from slmvllm.requirements import (
    OptionName,
    Priority,
    Strict,
)

DEFAULT_RULE_SET = "default.yaml"
#: The default rule set's name in the precompiled cache (`slmvllm.loading.compiled`).
SHIPPED_KEY = f"rules/{DEFAULT_RULE_SET}"
#: `extends: default` names the shipped rule set.
DEFAULT_NAME = "default"
#: At most this many files in one chain, the full rule set at the bottom included.
MAX_LAYERS = 8


def default_rule_set_path() -> Path:
    """The default rule set: shipped in the wheel as slmvllm/rules, or rules/ in a source tree."""
    packaged = resources.files("slmvllm") / "rules" / DEFAULT_RULE_SET
    if packaged.is_file():
        return Path(str(packaged))
    # An editable install or a source checkout: the file lives at the repository's top.
    return Path(__file__).resolve().parents[2] / "rules" / DEFAULT_RULE_SET


# --------------------------------------------------------------------------- the layer's schema


class RuleChange(Strict):
    """An override of a base rule: the keys given replace the rule's (`when: null` drops it)."""

    summary: StrictStr | None = None
    claim: StrictStr | None = None
    sources: list[Citation] | None = Field(default=None, min_length=1)
    when: Condition | None = None
    points: Points | None = None
    exclude: list[OptionName] | None = None
    reason: StrictStr | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> RuleChange:
        if not self.model_fields_set:
            raise ValueError(
                "an override changes at least one of: summary, claim, sources, when, points, "
                "exclude, reason"
            )
        return self


class CriterionChange(Strict):
    """A base criterion's new weight (or meaning), or a new criterion (meaning required)."""

    meaning: StrictStr | None = None
    weight: Priority | None = None


class DefaultChange(Strict):
    """A base question's new default (null: unknown) and why, shown when it is assumed."""

    default: StrictStr | int | float | None
    assumption: StrictStr


class RuleSetLayer(Strict):
    """A rule set file that extends a base and says only what differs."""

    extends: StrictStr
    name: Annotated[str, Field(min_length=1, strict=True)]
    version: StrictStr
    description: StrictStr | None = None
    references: dict[str, Reference] = Field(default_factory=dict)
    criteria: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], CriterionChange] = Field(
        default_factory=dict
    )
    rules: list[Rule] = Field(default_factory=list)
    override: dict[str, RuleChange] = Field(default_factory=dict)
    disable: dict[str, StrictStr] = Field(default_factory=dict)
    defaults: dict[str, DefaultChange] = Field(default_factory=dict)
    questions: list[Question] = Field(default_factory=list)


# --------------------------------------------------------------------------- reading the chain


@dataclass(frozen=True)
class LayerFile:
    """One file of a chain: its parsed document, its label and the directory its bases are in."""

    doc: Document
    label: str  # how listings name it: `default` for the shipped rule set, else the path
    folder: Path  # where relative bases are looked up (stdin may extend only the default)


def is_layer(doc: Document) -> bool:
    """Whether a parsed rule set file is a layer (it names a base with `extends`)."""
    return isinstance(doc.data, dict) and "extends" in doc.data


def _label(path: Path) -> str:
    return DEFAULT_NAME if _same_file(path, default_rule_set_path()) else str(path)


def _same_file(a: Path, b: Path) -> bool:
    # Paths come from the command line or from `_base_path`, which resolved them already.
    return os.path.realpath(a) == os.path.realpath(b)


def _parse(path: Path, use_cache: bool) -> Document:
    source = read_source(path, what="rule set")
    if use_cache and _same_file(path, default_rule_set_path()):
        return parse_shipped(source, SHIPPED_KEY)  # the shipped file: parsed ahead of time
    return parse_yaml(source)


def resolve_chain(path: Path, *, use_cache: bool = True) -> list[LayerFile]:
    """Read a rule set file and every base it extends; the bottom (full) rule set first.

    Errors (exit 2) name the `extends` line: a missing or unreadable base, a cycle, a
    chain of more than `MAX_LAYERS` files, a base outside the allowed places.
    """
    stdin = str(path) == "-"
    doc = _parse(path, use_cache)
    top = LayerFile(doc, STDIN_NAME if stdin else _label(path), path.parent)
    root = None if stdin else Path.cwd() / path.parent
    chain = [top]
    seen = {os.path.realpath(path)}
    while is_layer(chain[-1].doc):
        current = chain[-1]
        base = _base_path(current, root)
        shown = " -> ".join([*(f.label for f in chain), _label(base)])
        real = os.path.realpath(base)
        if real in seen:
            raise InputError(
                _at(current.doc, f"extends {_label(base)!r}, which makes a cycle: {shown}")
            )
        if len(chain) >= MAX_LAYERS:
            raise InputError(
                _at(
                    current.doc,
                    f"the chain has more than {MAX_LAYERS} files ({shown}); "
                    "merge some layers into one",
                )
            )
        seen.add(real)
        try:
            base_doc = _parse(base, use_cache)
        except InputError as exc:
            first = _at(current.doc, f"extends {_label(base)!r}, which cannot be used (see below)")
            raise InputError([first, *exc.problems]) from None
        chain.append(LayerFile(base_doc, _label(base), base.parent))
    return list(reversed(chain))


def _at(doc: Document, message: str) -> Problem:
    return doc.problem(("extends",), message)


def _base_path(layer: LayerFile, root: Path | None) -> Path:
    """Where a layer's `extends` points, if it points somewhere allowed."""
    doc = layer.doc
    value = doc.data["extends"]
    if not isinstance(value, str) or not value.strip():
        raise InputError(
            _at(doc, f"'extends' names the base: {DEFAULT_NAME!r} or a path relative to this file")
        )
    if value == DEFAULT_NAME:
        return default_rule_set_path()
    if root is None:  # the top file came from stdin: it has no folder to look in
        raise InputError(
            _at(doc, f"a rule set read from stdin can only extend {DEFAULT_NAME!r}; got {value!r}")
        )
    try:
        return contained_file(layer.folder, value, root=root)
    except PathRuleError as exc:
        raise InputError(_at(doc, f"extends {value!r}, which {exc}")) from None
