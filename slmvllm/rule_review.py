"""Reviewing a rule set by what it does to real use cases: `rules explain` and `rules diff`.

Every result here comes from the one core function, `slmvllm.advisor.advise`:
`explain_rule` advises each use case with and without the rule, `diff_rule_sets`
with the old and the new rule set, and both report what moved and which rules
moved it. Pure apart from reading the requirements files (`read_cases`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slmvllm.advice.engine import rule_facts
from slmvllm.advice.placement import Placement
from slmvllm.advice.rule_set_model import Rule, RuleSet
from slmvllm.advice.use_cases import requirements_for
from slmvllm.advisor import advise
from slmvllm.errors import InputError, NoFeasibleOptionError, Problem, did_you_mean
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


# --------------------------------------------------------------------------- explain


@dataclass(frozen=True)
class CaseEffect:
    """What one rule does to one case: whether it fires, its effect, the result with and without."""

    source: str
    fires: bool
    effect: dict[str, float]
    excludes: list[str]
    with_rule: Outcome
    without_rule: Outcome

    @property
    def changes_recommendation(self) -> bool:
        return self.with_rule.recommendation != self.without_rule.recommendation


@dataclass(frozen=True)
class RuleExplanation:
    """A rule of a rule set, where it came from, and what it does to the given cases."""

    rule: Rule
    rule_set: RuleSet
    active: bool
    layer: str | None
    overridden_by: list[str]
    disabled_by: str | None
    disabled_because: str | None
    cases: list[CaseEffect]

    def record(self) -> dict[str, Any]:
        """As JSON-ready data."""
        return {
            **rule_facts(self.rule_set, self.rule),
            "rule_set": {"name": self.rule_set.name, "version": self.rule_set.version},
            "active": self.active,
            "layer": self.layer,
            "overridden_by": self.overridden_by,
            "disabled_by": self.disabled_by,
            "disabled_because": self.disabled_because,
            "cases": [
                {
                    "source": c.source,
                    "fires": c.fires,
                    "effect": c.effect,
                    "excludes": c.excludes,
                    "with_rule": _outcome_record(c.with_rule),
                    "without_rule": _outcome_record(c.without_rule),
                    "changes_recommendation": c.changes_recommendation,
                }
                for c in self.cases
            ],
        }


def _outcome_record(outcome: Outcome) -> dict[str, Any]:
    return {
        "recommendation": outcome.recommendation,
        "confidence": outcome.confidence,
        "error": outcome.error,
    }


def explain_rule(
    rs: RuleSet, rule_id: str, cases: list[Case], placement: Placement | None = None
) -> RuleExplanation:
    """One rule (also a disabled one) and, per case, its effect and the result without it.

    A disabled rule is shown with what it would do if it were enabled again.
    Raises `InputError` for an id the rule set does not have (with a hint).
    """
    rules = {rule.id: rule for rule in rs.rules}
    disabled = {d.rule.id: d for d in placement.disabled} if placement else {}
    if rule_id in rules:
        rule = rules[rule_id]
        with_rs = rs
        without_rs = rs.model_copy(update={"rules": [r for r in rs.rules if r.id != rule_id]})
    elif rule_id in disabled:
        rule = disabled[rule_id].rule
        with_rs = rs.model_copy(update={"rules": [*rs.rules, rule]})
        without_rs = rs
    else:
        known = [*rules, *disabled]
        raise InputError(
            Problem(
                "command line",
                f"rule set {rs.name!r} {rs.version} has no rule {rule_id!r}"
                + did_you_mean(rule_id, known)
                + "; `slmvllm rules list` shows its rules",
            )
        )
    effects: list[CaseEffect] = []
    problems: list[Problem] = []
    for case in cases:
        try:
            with_rule = _outcome(with_rs, case, [])
            without_rule = _outcome(without_rs, case, [])
        except InputError as exc:
            problems += exc.problems
            continue
        fired = with_rule.effects()
        effects.append(
            CaseEffect(
                source=case.source,
                fires=rule_id in fired,
                effect=fired.get(rule_id, {}),
                excludes=with_rule.excluded().get(rule_id, []),
                with_rule=with_rule,
                without_rule=without_rule,
            )
        )
    if problems:
        raise InputError(problems)
    origin = placement.origins.get(rule_id) if placement else None
    gone = disabled.get(rule_id)
    return RuleExplanation(
        rule=rule,
        rule_set=rs,
        active=rule_id in rules,
        layer=gone.origin if gone else origin.layer if origin else None,
        overridden_by=list(origin.overridden_by) if origin else [],
        disabled_by=gone.layer if gone else None,
        disabled_because=gone.reason if gone else None,
        cases=effects,
    )


# --------------------------------------------------------------------------- diff


@dataclass(frozen=True)
class RuleDelta:
    """How one rule's part in a case differs between the old and the new rule set."""

    rule: str
    status: str  # added | removed | changed | reweighted | same
    old_effect: dict[str, float] | None  # None: did not fire
    new_effect: dict[str, float] | None
    old_excludes: list[str]
    new_excludes: list[str]
    swing: float  # how far it moved the new winner against the old one (or the runner-up)


@dataclass(frozen=True)
class CaseDiff:
    """One case under the old and the new rule set."""

    source: str
    old: Outcome
    new: Outcome
    causes: list[RuleDelta]
    ignored_by_old: list[str]
    ignored_by_new: list[str]
    expected: str | None
    threshold: float

    @property
    def changed(self) -> bool:
        """The recommendation changed."""
        return self.old.recommendation != self.new.recommendation

    @property
    def confidence_delta(self) -> float:
        return round(self.new.confidence - self.old.confidence, _ROUND)

    @property
    def moved(self) -> bool:
        """Same recommendation, but the confidence moved by more than the threshold."""
        return not self.changed and abs(self.confidence_delta) > self.threshold


@dataclass(frozen=True)
class RuleSetChanges:
    """What differs between two rule sets, by rule id, weight, default and field."""

    added: list[str]
    removed: list[str]
    changed: list[str]
    weights: dict[str, tuple[float | None, float | None]]
    defaults: dict[str, tuple[Any, Any]]
    fields_added: list[str]
    fields_removed: list[str]

    def record(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "weights": {k: {"old": a, "new": b} for k, (a, b) in self.weights.items()},
            "defaults": {k: {"old": a, "new": b} for k, (a, b) in self.defaults.items()},
            "fields_added": self.fields_added,
            "fields_removed": self.fields_removed,
        }


@dataclass(frozen=True)
class RuleSetDiff:
    """Two rule sets compared on the same cases."""

    old: RuleSet
    new: RuleSet
    threshold: float
    changes: RuleSetChanges
    cases: list[CaseDiff] = field(default_factory=list)

    @property
    def changed(self) -> list[CaseDiff]:
        return [c for c in self.cases if c.changed]

    @property
    def moved(self) -> list[CaseDiff]:
        return [c for c in self.cases if c.moved]

    def transitions(self) -> dict[str, int]:
        """`slm→hybrid: 2`, most frequent first."""
        counted = Counter(f"{c.old.recommendation}→{c.new.recommendation}" for c in self.changed)
        return dict(sorted(counted.items(), key=lambda kv: (-kv[1], kv[0])))

    def accuracy(self) -> dict[str, Any] | None:
        """How many labelled cases each rule set gets right; None without labels."""
        labelled = [c for c in self.cases if c.expected is not None]
        if not labelled:
            return None
        old = sum(1 for c in labelled if c.old.recommendation == c.expected)
        new = sum(1 for c in labelled if c.new.recommendation == c.expected)
        return {"labelled": len(labelled), "old_correct": old, "new_correct": new}

    def summary(self) -> str:
        """One line, as `terraform plan` ends: `3 of 40 use cases change: 2 slm→hybrid, ...`."""
        n, changed = len(self.cases), self.changed
        noun = "use case changes" if n == 1 else "use cases change"
        if changed:
            moves = ", ".join(f"{count} {t}" for t, count in self.transitions().items())
            line = f"{len(changed)} of {n} {noun}: {moves}"
        else:
            line = f"0 of {n} {noun} recommendation"
        if self.moved:
            line += f"; {len(self.moved)} more move confidence by more than {self.threshold:g}"
        accuracy = self.accuracy()
        if accuracy:
            k = accuracy["labelled"]
            line += f"; accuracy {accuracy['old_correct']}/{k} → {accuracy['new_correct']}/{k}"
        return line

    def record(self) -> dict[str, Any]:
        """As JSON-ready data."""
        return {
            "old": {"name": self.old.name, "version": self.old.version},
            "new": {"name": self.new.name, "version": self.new.version},
            "threshold": self.threshold,
            "summary": self.summary(),
            "use_cases": len(self.cases),
            "changed": len(self.changed),
            "moved": len(self.moved),
            "transitions": self.transitions(),
            "accuracy": self.accuracy(),
            "rule_set_changes": self.changes.record(),
            "cases": [_case_record(c) for c in self.cases],
        }


def _case_record(c: CaseDiff) -> dict[str, Any]:
    return {
        "source": c.source,
        "change": "recommendation" if c.changed else "confidence" if c.moved else None,
        "old": _outcome_record(c.old),
        "new": _outcome_record(c.new),
        "confidence_delta": c.confidence_delta,
        "expected": c.expected,
        "ignored_fields": {"old": c.ignored_by_old, "new": c.ignored_by_new},
        "causes": [
            {
                "rule": d.rule,
                "status": d.status,
                "old_effect": d.old_effect,
                "new_effect": d.new_effect,
                "old_excludes": d.old_excludes,
                "new_excludes": d.new_excludes,
                "swing": d.swing,
            }
            for d in c.causes
        ],
    }


def compare_rule_sets(old: RuleSet, new: RuleSet) -> RuleSetChanges:
    """Rules added, removed (or disabled) and changed; weights, defaults and fields that differ."""
    old_rules = {r.id: r for r in old.rules}
    new_rules = {r.id: r for r in new.rules}
    old_w = {k: c.weight for k, c in old.criteria.items()}
    new_w = {k: c.weight for k, c in new.criteria.items()}
    old_d = {q.field: q.default for q in old.questions}
    new_d = {q.field: q.default for q in new.questions}
    old_f = field_names(old.requirements_model())
    new_f = field_names(new.requirements_model())
    return RuleSetChanges(
        added=[i for i in new_rules if i not in old_rules],
        removed=[i for i in old_rules if i not in new_rules],
        changed=[i for i in new_rules if i in old_rules and new_rules[i] != old_rules[i]],
        weights={
            k: (old_w.get(k), new_w.get(k))
            for k in dict.fromkeys([*old_w, *new_w])
            if old_w.get(k) != new_w.get(k)
        },
        defaults={
            k: (old_d.get(k), new_d.get(k))
            for k in old_d
            if k in new_d and old_d[k] != new_d[k]  # a field only one has is listed as such
        },
        fields_added=[f for f in new_f if f not in old_f],
        fields_removed=[f for f in old_f if f not in new_f],
    )


def diff_rule_sets(
    old: RuleSet, new: RuleSet, cases: list[Case], threshold: float = 0.05
) -> RuleSetDiff:
    """Advise every case with both rule sets; say what changed and which rules caused it.

    A field only one of the two rule sets knows is left out for the other (and
    listed); a key neither knows is an error. Every bad file is reported at once.
    """
    changes = compare_rule_sets(old, new)
    out: list[CaseDiff] = []
    problems: list[Problem] = []
    for case in cases:
        try:
            before = _outcome(old, case, [new])
            after = _outcome(new, case, [old])
        except InputError as exc:
            problems += [p for p in exc.problems if p not in problems]
            continue
        out.append(
            CaseDiff(
                source=case.source,
                old=before,
                new=after,
                causes=_causes(before, after, changes),
                ignored_by_old=_ignored(old, case.doc, [new]),
                ignored_by_new=_ignored(new, case.doc, [old]),
                expected=case.expected,
                threshold=threshold,
            )
        )
    if problems:
        raise InputError(problems)
    return RuleSetDiff(old, new, threshold, changes, out)


def _causes(old: Outcome, new: Outcome, changes: RuleSetChanges) -> list[RuleDelta]:
    # Which rules moved the case: each rule's effect on the two options that matter
    # (old and new winner, or the winner and its runner-up), old against new.
    a, b = _contest(old, new)
    before, after = old.effects(), new.effects()
    old_ex, new_ex = old.excluded(), new.excluded()
    deltas: list[RuleDelta] = []
    for rule in dict.fromkeys([*before, *after]):
        o, n = before.get(rule), after.get(rule)
        oe, ne = old_ex.get(rule, []), new_ex.get(rule, [])

        def gap(effect: dict[str, float] | None) -> float:
            return (effect or {}).get(b, 0.0) - (effect or {}).get(a, 0.0)

        swing = round(gap(n) - gap(o), _ROUND)
        if swing == 0 and sorted(oe) == sorted(ne):
            continue
        deltas.append(
            RuleDelta(
                rule=rule,
                status=_status(rule, changes, o is not None, n is not None),
                old_effect=o,
                new_effect=n,
                old_excludes=oe,
                new_excludes=ne,
                swing=swing,
            )
        )
    return sorted(
        deltas, key=lambda d: (sorted(d.old_excludes) == sorted(d.new_excludes), -abs(d.swing))
    )


def _contest(old: Outcome, new: Outcome) -> tuple[str, str]:
    """The two options whose gap the change is about: (was ahead, is ahead)."""
    if old.recommendation != new.recommendation:
        return old.recommendation, new.recommendation
    result = new.result or old.result
    runner = str(result.confidence_basis.get("runner_up", "")) if result else ""
    return runner, new.recommendation


def _status(rule: str, changes: RuleSetChanges, fired_old: bool, fired_new: bool) -> str:
    """Why a rule's part differs: the rule is new, gone or rewritten, or only fires otherwise."""
    if rule in changes.added:
        return "added"
    if rule in changes.removed:
        return "removed"
    if rule in changes.changed:
        return "changed"
    if fired_old != fired_new:  # the same rule, on values that changed (a new default)
        return "now fires" if fired_new else "no longer fires"
    return "reweighted"
