"""Text and Markdown views of `rules explain` and `rules diff`; each returns a string."""

from __future__ import annotations

from typing import Any

from slmvllm.render.markdown import md_cell
from slmvllm.render.safe import one_line
from slmvllm.render.values import effect_text, show_value
from slmvllm.review.cases import Outcome
from slmvllm.review.diff import CaseDiff, RuleDelta, RuleSetDiff
from slmvllm.review.explanation import RuleExplanation


def _outcome(o: Outcome) -> str:
    if o.error is not None:
        return f"no option ({o.error})"
    return f"{o.recommendation} ({o.confidence:.2f})"


def render_explain_text(ex: RuleExplanation) -> str:
    """A rule, where it came from, and what it does to each case given."""
    record = ex.record()
    lines = [f"{record['id']}  {record['summary']}"]
    if record["claim"]:
        lines.append(f"  claim: {record['claim']}")
    lines.append(f"  when: {record['when'] or 'always'}")
    points = "; ".join(
        f"{option} " + ", ".join(f"{criterion} {value:+g}" for criterion, value in by.items())
        for option, by in record["points"].items()
    )
    if points:
        lines.append(f"  points: {points}")
    if record["exclude"]:
        lines.append(f"  excludes: {', '.join(record['exclude'])}: {record['reason']}")
    lines.append(f"  source: {record['source']}")
    lines.append(f"  rule set: {ex.rule_set.name} {ex.rule_set.version}")
    if ex.layer:
        lines.append(f"  from layer: {ex.layer}")
    if ex.overridden_by:
        lines.append(f"  overridden by: {', '.join(ex.overridden_by)}")
    if ex.disabled_by:
        lines.append(f"  disabled by: {ex.disabled_by}: {ex.disabled_because}")
        if ex.cases:
            lines.append("  below: what it would do if it were enabled again")
    if ex.cases:
        fires = sum(1 for c in ex.cases if c.fires)
        flips = sum(1 for c in ex.cases if c.changes_recommendation)
        lines.append("")
        lines.append(
            f"{'Fires' if ex.active else 'Would fire'} on {fires} of {len(ex.cases)} use "
            f"cases; decides the recommendation of {flips}."
        )
        for c in ex.cases:
            if not c.fires:
                lines.append(f"  {c.source}: does not fire ({_outcome(c.with_rule)})")
                continue
            what = [effect_text(c.effect)] if c.effect else []
            if c.excludes:
                what.append(f"excludes {', '.join(c.excludes)}")
            verdict = (
                f"{_outcome(c.without_rule)} without it -> {_outcome(c.with_rule)} with it"
                if c.changes_recommendation
                else f"{_outcome(c.with_rule)}; without it {_outcome(c.without_rule)}"
            )
            lines.append(f"  {c.source}: fires: {'; '.join(what)}; {verdict}")
    return "".join(one_line(line) + "\n" for line in lines)


def _effects(d: RuleDelta) -> str:
    def one(effect: dict[str, float] | None, excludes: list[str]) -> str:
        if effect is None:
            return "does not fire"
        parts = [effect_text(effect)] if effect else []
        if excludes:
            parts.append(f"excludes {', '.join(excludes)}")
        return "; ".join(parts) or "fires"

    return f"{one(d.old_effect, d.old_excludes)} -> {one(d.new_effect, d.new_excludes)}"


def _changes_line(diff: RuleSetDiff) -> list[str]:
    c = diff.changes
    parts = []
    for label, ids in (("added", c.added), ("removed", c.removed), ("changed", c.changed)):
        if ids:
            parts.append(f"{len(ids)} rule(s) {label} ({', '.join(ids)})")
    if c.weights:
        parts.append(
            "weights "
            + ", ".join(f"{k} {show_value(a)}→{show_value(b)}" for k, (a, b) in c.weights.items())
        )
    if c.defaults:
        parts.append(
            "defaults "
            + ", ".join(f"{k} {_default(a)}→{_default(b)}" for k, (a, b) in c.defaults.items())
        )
    if c.fields_added:
        parts.append(f"fields added: {', '.join(c.fields_added)}")
    if c.fields_removed:
        parts.append(f"fields removed: {', '.join(c.fields_removed)}")
    return parts or ["no rule, weight, default or field differs"]


def _default(value: Any) -> str:
    return "unknown" if value is None else show_value(value)


def _case_title(c: CaseDiff) -> str:
    if c.changed:
        return (
            f"{c.source}: {c.old.recommendation} → {c.new.recommendation} "
            f"(confidence {c.old.confidence:.2f} → {c.new.confidence:.2f})"
        )
    return (
        f"{c.source}: {c.new.recommendation}, confidence {c.old.confidence:.2f} → "
        f"{c.new.confidence:.2f} ({c.confidence_delta:+.2f})"
    )


def _notes(c: CaseDiff, diff: RuleSetDiff) -> list[str]:
    notes = []
    if c.ignored_by_old:
        notes.append(f"{diff.old.name} ignores {', '.join(c.ignored_by_old)} (not its field)")
    if c.ignored_by_new:
        notes.append(f"{diff.new.name} ignores {', '.join(c.ignored_by_new)} (not its field)")
    if c.expected is not None:
        notes.append(f"expected {c.expected}")
    for o, side in ((c.old, diff.old.name), (c.new, diff.new.name)):
        if o.error:
            notes.append(f"{side}: no option ({o.error})")
    return notes


def render_diff_text(diff: RuleSetDiff) -> str:
    """Every case that changes or moves, the rules behind it, then one summary line."""
    lines = [
        f"rules diff: {diff.old.name} {diff.old.version} → {diff.new.name} {diff.new.version} "
        f"on {len(diff.cases)} use case(s), confidence threshold {diff.threshold:g}",
        "rule set changes: " + "; ".join(_changes_line(diff)),
    ]
    for c in diff.changed + diff.moved:
        lines.append("")
        lines.append(("~ " if c.changed else "± ") + _case_title(c))
        lines += [f"    note: {n}" for n in _notes(c, diff)]
        for d in c.causes[:8]:
            lines.append(f"    {d.rule} ({d.status}, {d.swing:+.1f}): {_effects(d)}")
        if len(c.causes) > 8:
            lines.append(f"    and {len(c.causes) - 8} more rule(s); --format json lists all")
    lines.append("")
    lines.append(diff.summary())
    return "".join(one_line(line) + "\n" for line in lines)


def render_diff_markdown(diff: RuleSetDiff) -> str:
    """A pull-request comment: the summary, the rule set changes, a table of moved cases."""
    out = [
        f"### Rule set diff: {md_cell(diff.old.name)} {md_cell(diff.old.version)} → "
        f"{md_cell(diff.new.name)} {md_cell(diff.new.version)}",
        "",
        f"**{md_cell(diff.summary())}**",
        "",
        "Rule set changes: " + "; ".join(md_cell(p) for p in _changes_line(diff)),
        "",
    ]
    shown = diff.changed + diff.moved
    if shown:
        out += [
            "| use case | old | new | confidence | rules behind it |",
            "|---|---|---|---|---|",
        ]
        for c in shown:
            rules = ", ".join(
                f"{md_cell(d.rule)} ({d.status}, {d.swing:+.1f})" for d in c.causes[:5]
            )
            if len(c.causes) > 5:
                rules += f", and {len(c.causes) - 5} more"
            out.append(
                f"| {md_cell(c.source)} | {c.old.recommendation} | {c.new.recommendation} | "
                f"{c.old.confidence:.2f} → {c.new.confidence:.2f} | {rules} |"
            )
        out.append("")
    return "\n".join(out)
