"""`rules diff`: what changes between two rule sets on use cases, and which rules caused it
(the view's model)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.errors import InputError, Problem
from slmvllm.requirements import field_names
from slmvllm.review.cases import _ROUND, Case, Outcome, _ignored, _outcome, _outcome_record

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
