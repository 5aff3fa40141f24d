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

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from slmvllm.advice.layer_files import (
    DEFAULT_NAME,
    DEFAULT_RULE_SET,
    MAX_LAYERS,
    SHIPPED_KEY,
    LayerFile,
    RuleSetLayer,
    default_rule_set_path,
    is_layer,
    resolve_chain,
)
from slmvllm.advice.rule_set_model import (
    Criterion,
    Rule,
    RuleSet,
)
from slmvllm.errors import InputError, Problem, did_you_mean
from slmvllm.loading.documents import Document, Location
from slmvllm.loading.validation import validate
from slmvllm.requirements import (
    AddedField,
    Requirements,
    added_field_name_problem,
    field_names,
    requirements_model,
)

# --------------------------------------------------------------------------- merging


@dataclass(frozen=True)
class Place:
    """Where a part of the merged rule set was written: a document and a location in it."""

    doc: Document
    loc: Location


@dataclass
class RuleOrigin:
    """The layer a rule came from and the layers that overrode it, in order."""

    layer: str
    overridden_by: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DisabledRule:
    """A base rule a layer switched off, and why."""

    rule: Rule
    layer: str  # the layer that disabled it
    origin: str  # the layer it came from
    reason: str


@dataclass(frozen=True)
class LayerInfo:
    """One file of a chain, as listings show it."""

    file: str
    name: str
    version: str


@dataclass
class Placement:
    """Where every part of a merged rule set was written, for located messages and listings."""

    top: Document
    bottom: Document
    layers: list[LayerInfo] = field(default_factory=list)  # bottom first
    sources: list[str] = field(default_factory=list)  # each file's name in messages
    rules: list[tuple[Place, dict[str, Place]]] = field(default_factory=list)
    questions: list[tuple[Place, Place | None]] = field(default_factory=list)
    references: dict[str, Place] = field(default_factory=dict)
    origins: dict[str, RuleOrigin] = field(default_factory=dict)
    disabled: list[DisabledRule] = field(default_factory=list)
    #: references only disabled rules cite: not a sign of a mistake in the base
    cited_by_disabled: set[str] = field(default_factory=set)

    def locate(self, loc: Location) -> tuple[Document, Location]:
        """The document and location where the part of the merged rule set at `loc` was written."""
        if not loc:
            return self.top, ()
        head, rest = loc[0], loc[1:]
        if head == "rules" and rest and isinstance(rest[0], int) and rest[0] < len(self.rules):
            origin, overrides = self.rules[rest[0]]
            tail = rest[1:]
            if tail and str(tail[0]) in overrides:
                place = overrides[str(tail[0])]  # written at ("override", id, key)
                return place.doc, (*place.loc, *tail[1:])
            return origin.doc, (*origin.loc, *tail)
        if head == "questions" and rest and isinstance(rest[0], int):
            if rest[0] < len(self.questions):
                origin, changed = self.questions[rest[0]]
                tail = rest[1:]
                if changed is not None and tail[:1] == ("default",):
                    return changed.doc, (*changed.loc, *tail)
                return origin.doc, (*origin.loc, *tail)
        if head == "references" and rest and str(rest[0]) in self.references:
            place = self.references[str(rest[0])]
            return place.doc, (*place.loc, *rest[1:])
        if head == "options":
            return self.bottom, loc
        return self.top, loc if self.top is self.bottom else ()

    def problem(self, loc: Location, message: str) -> Problem:
        """A `Problem` at the file, line and column where `loc` of the merged set was written."""
        doc, where = self.locate(loc)
        return doc.problem(where, message)


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
        if kind == "enum" and not choices:
            continue
        if any(f.name == name for f in out):
            continue
        out.append(AddedField(name, kind, tuple(dict.fromkeys(choices))))
    return tuple(out)


def _context(base: type[Requirements], base_added: tuple[AddedField, ...], data: Any) -> Any:
    added = tuple(f for f in _raw_added_fields(data) if f.name not in base.model_fields)
    return {
        "requirements_model": requirements_model(base_added + added),
        "inherited_fields": field_names(base),
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
    for name, change in layer.defaults.items():
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
            problems.append(doc.problem(("override", rule.id), detail, key=True))
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
        # layer that changes many of them should fit its own (README, "Confidence").
        calibration=base.calibration,
    )


# Re-exported: the chain's reading lives in layer_files; callers import it from here.
__all__ = [
    "DEFAULT_NAME",
    "DEFAULT_RULE_SET",
    "MAX_LAYERS",
    "SHIPPED_KEY",
    "DisabledRule",
    "LayerFile",
    "LayerInfo",
    "Place",
    "Placement",
    "RuleOrigin",
    "build_rule_set",
    "default_rule_set_path",
    "is_layer",
    "resolve_chain",
    "validate_full",
]
