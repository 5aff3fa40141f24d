"""Rule set layers: a file that `extends` a base (the default or a file next to it) and changes it.

A layer adds rules, overrides a base rule by id (any of its keys: points, when,
sources, ...), disables a base rule by id (with a reason), changes criterion
weights and question defaults, and adds questions (a question with
`adds_field: true` adds a requirements field valid only with this rule set).
Layers chain (a layer's base may be a layer) up to `MAX_LAYERS` files.

Rule files come from others, so following `extends` is kept inside bounds: the
base is `default` (the shipped rule set) or a relative path that stays, also
after symbolic links are resolved, inside the folder of the file the user named;
an absolute path, a `..` that leaves it or a link that points out of it is an
error. Only the file the user passed may live anywhere. Nothing is executed;
every file goes through the one YAML loader.

`resolve_chain` reads the files (base first); `build_rule_set` validates each
against its schema, applies the layers in order and remembers where every part
of the merged rule set was written (`Placement`), so the whole-rule-set checks
of `slmvllm.advice.rule_sets` can name the layer's file, line and column.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from slmvllm.advice.layer_model import RuleSetLayer
from slmvllm.advice.placement import DisabledRule, LayerInfo, Place, Placement, RuleOrigin
from slmvllm.advice.rule_set_model import Criterion, Rule, RuleSet
from slmvllm.errors import InputError, Problem, did_you_mean
from slmvllm.loading.compiled import parse_shipped
from slmvllm.loading.documents import STDIN_NAME, Document
from slmvllm.loading.reading import PathRuleError, contained_file, read_source
from slmvllm.loading.validation import validate
from slmvllm.loading.yaml_parsing import parse_yaml
from slmvllm.requirements import (
    AddedField,
    Requirements,
    added_field_name_problem,
    field_names,
    requirements_model,
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


# --------------------------------------------------------------------------- merging


def _raw_added_fields(data: Any) -> tuple[AddedField, ...]:
    """The fields a document's questions add, read before validation so conditions may use them.

    Malformed questions are skipped here; validating the document reports them.
    """
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        return ()
    out: list[AddedField] = []
    for raw in data["questions"]:
        if not isinstance(raw, dict) or raw.get("adds_field") is not True:
            continue
        name, kind, choices = raw.get("field"), raw.get("type"), raw.get("choices") or []
        if not isinstance(name, str) or kind not in ("enum", "integer", "number", "text"):
            continue
        if added_field_name_problem(name) is not None:  # never built into a model
            continue
        if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
            continue
        if (kind == "enum") != bool(choices):  # an enum needs choices; nothing else has them
            continue
        if any(f.name == name for f in out):
            continue
        out.append(AddedField(name, kind, tuple(dict.fromkeys(choices))))
    return tuple(out)


def _declared_added_names(data: Any) -> frozenset[str]:
    """The names of every field a document's questions say they add, well-formed or not."""
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        return frozenset()
    return frozenset(
        raw["field"]
        for raw in data["questions"]
        if isinstance(raw, dict)
        and raw.get("adds_field") is True
        and isinstance(raw.get("field"), str)
    )


def _context(base: type[Requirements], base_added: tuple[AddedField, ...], data: Any) -> Any:
    added = tuple(f for f in _raw_added_fields(data) if f.name not in base.model_fields)
    return {
        "requirements_model": requirements_model(base_added + added),
        "inherited_fields": field_names(base),
        # Fields whose question is refused: only that question's error is shown.
        "unbuilt_fields": _declared_added_names(data) - {f.name for f in added},
    }


def _added(rs: RuleSet) -> tuple[AddedField, ...]:
    return tuple(f for f in (q.added_field() for q in rs.questions) if f is not None)


def validate_full(doc: Document) -> RuleSet:
    """Validate a complete (not layered) rule set; its questions may add fields its rules read."""
    return validate(RuleSet, doc, context=_context(Requirements, (), doc.data))


def build_rule_set(chain: list[LayerFile]) -> tuple[RuleSet, Placement]:
    """Validate the files of a chain (bottom first) and apply each layer in order."""
    bottom = chain[0]
    rs = validate_full(bottom.doc)
    placement = Placement(top=chain[-1].doc, bottom=bottom.doc)
    placement.sources = [f.doc.source for f in chain]
    placement.layers.append(LayerInfo(bottom.label, rs.name, rs.version))
    placement.rules = [(Place(bottom.doc, ("rules", i)), {}) for i in range(len(rs.rules))]
    placement.questions = [
        (Place(bottom.doc, ("questions", i)), None) for i in range(len(rs.questions))
    ]
    placement.references = {ref: Place(bottom.doc, ("references", ref)) for ref in rs.references}
    placement.origins = {rule.id: RuleOrigin(bottom.label) for rule in rs.rules}
    for layer_file in chain[1:]:
        context = _context(rs.requirements_model(), _added(rs), layer_file.doc.data)
        layer = validate(RuleSetLayer, layer_file.doc, context=context)
        rs = _apply(rs, layer, layer_file, placement, context)
        placement.layers.append(LayerInfo(layer_file.label, rs.name, rs.version))
    return rs, placement


def _apply(
    base: RuleSet, layer: RuleSetLayer, lf: LayerFile, placement: Placement, context: Any
) -> RuleSet:
    doc, label = lf.doc, lf.label
    problems: list[Problem] = []
    ids = {rule.id: i for i, rule in enumerate(base.rules)}
    where = f"the base rule set {base.name!r}"

    disabled_below = {d.rule.id: d for d in placement.disabled}

    def unknown_id(section: str, rid: str) -> None:
        gone = disabled_below.get(rid)
        if gone is not None:  # a lower layer switched it off: say so, not "did you mean"
            problems.append(
                doc.problem(
                    (section, rid),
                    f"{section}: rule {rid!r} was disabled by {gone.layer}; "
                    "a disabled rule cannot be changed here: "
                    "drop this entry, or add the rule again under 'rules' with a new id",
                    key=True,
                )
            )
            return
        problems.append(
            doc.problem(
                (section, rid),
                f"{section}: no rule {rid!r} in {where}" + did_you_mean(rid, ids),
                key=True,
            )
        )

    for rid in layer.disable:
        if rid not in ids:
            unknown_id("disable", rid)
    for rid in layer.override:
        if rid not in ids:
            unknown_id("override", rid)
        elif rid in layer.disable:
            problems.append(
                doc.problem(
                    ("override", rid),
                    f"rule {rid!r} is both overridden and disabled; keep one",
                    key=True,
                )
            )
    for i, rule in enumerate(layer.rules):
        if rule.id in ids:
            problems.append(
                doc.problem(
                    ("rules", i, "id"),
                    f"rule {rule.id!r} is already in {where} (from "
                    f"{placement.origins[rule.id].layer}); change it under 'override'",
                )
            )
    for ref in layer.references:
        if ref in base.references:
            problems.append(
                doc.problem(
                    ("references", ref),
                    f"reference {ref!r} is already in {where}; give yours another key",
                    key=True,
                )
            )
    criteria = dict(base.criteria)
    for name, criterion in layer.criteria.items():
        if name in criteria:
            old = criteria[name]
            criteria[name] = Criterion(
                meaning=criterion.meaning if criterion.meaning is not None else old.meaning,
                weight=criterion.weight if criterion.weight is not None else old.weight,
            )
        elif criterion.meaning is None:
            problems.append(
                doc.problem(
                    ("criteria", name),
                    f"criterion {name!r} is not in {where}; a new criterion needs a 'meaning'"
                    + did_you_mean(name, base.criteria),
                    key=True,
                )
            )
        else:
            criteria[name] = Criterion(
                meaning=criterion.meaning,
                weight=3 if criterion.weight is None else criterion.weight,
            )
    asked = {q.field: i for i, q in enumerate(base.questions)}
    model: type[Requirements] = context["requirements_model"]
    questions = list(base.questions)
    question_places = list(placement.questions)
    own = {q.field: i for i, q in enumerate(layer.questions)}
    for name, change in layer.defaults.items():
        if name not in asked and name in own:
            problems.append(
                doc.problem(
                    ("defaults", name),
                    f"defaults: {name!r} is asked by this layer's questions[{own[name]}]; "
                    "give its default and assumption there",
                    key=True,
                )
            )
            continue
        if name not in asked:
            problems.append(
                doc.problem(
                    ("defaults", name),
                    f"defaults: no question of {where} asks for {name!r}"
                    + did_you_mean(name, asked),
                    key=True,
                )
            )
            continue
        if change.default is not None:
            try:
                model.model_validate({name: change.default})
            except ValidationError as exc:
                detail = exc.errors()[0]["msg"]
                problems.append(
                    doc.problem(
                        ("defaults", name, "default"),
                        f"default {change.default!r} is not valid for {name!r}: {detail}",
                    )
                )
                continue
        i = asked[name]
        questions[i] = questions[i].model_copy(
            update={"default": change.default, "assumption": change.assumption}
        )
        question_places[i] = (question_places[i][0], Place(doc, ("defaults", name)))
    for i, question in enumerate(layer.questions):
        if question.field in asked:
            problems.append(
                doc.problem(
                    ("questions", i, "field"),
                    f"{question.field!r} is already asked by {where}; change its default "
                    "under 'defaults'",
                )
            )
    rules: list[Rule] = []
    rule_places: list[tuple[Place, dict[str, Place]]] = []
    for rule, places in zip(base.rules, placement.rules, strict=True):
        if rule.id in layer.disable:
            placement.disabled.append(
                DisabledRule(rule, label, placement.origins[rule.id].layer, layer.disable[rule.id])
            )
            placement.cited_by_disabled |= {c.ref for c in rule.sources}
            continue
        override = layer.override.get(rule.id)
        if override is None:
            rules.append(rule)
            rule_places.append(places)
            continue
        updates = {key: getattr(override, key) for key in override.model_fields_set}
        try:
            rules.append(Rule.model_validate({**dict(rule), **updates}, context=context))
        except ValidationError as exc:
            detail = exc.errors()[0]["msg"].removeprefix("Value error, ")
            # The rule as a whole is wrong; when the override changed one key, that key did it.
            at = ("override", rule.id, *(updates if len(updates) == 1 else ()))
            problems.append(doc.problem(at, detail, key=True))
            continue
        overrides = dict(places[1])
        overrides.update({key: Place(doc, ("override", rule.id, key)) for key in updates})
        rule_places.append((places[0], overrides))
        placement.origins[rule.id].overridden_by.append(label)
    for i, rule in enumerate(layer.rules):
        rules.append(rule)
        rule_places.append((Place(doc, ("rules", i)), {}))
        placement.origins.setdefault(rule.id, RuleOrigin(label))
    if not rules:
        problems.append(doc.problem(("disable",), "the layer disables every rule", key=True))
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    for i, question in enumerate(layer.questions):
        questions.append(question)
        question_places.append((Place(doc, ("questions", i)), None))
    placement.rules = rule_places
    placement.questions = question_places
    placement.references.update({ref: Place(doc, ("references", ref)) for ref in layer.references})
    return RuleSet.model_construct(
        name=layer.name,
        version=layer.version,
        description=layer.description if layer.description is not None else base.description,
        references={**base.references, **layer.references},
        options=base.options,
        criteria=criteria,
        rules=rules,
        questions=questions,
        # The base's confidence map is kept: it was fitted for the base's points, so a
        # layer that changes many of them should fit its own (docs/rule-sets.md, "Confidence").
        calibration=base.calibration,
    )
