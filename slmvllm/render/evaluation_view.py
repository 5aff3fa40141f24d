"""Views of an `Evaluation` (`slmvllm eval`): plain text, Markdown and the JSON document.

Each returns a string; the command decides where it goes. Ids, file names and
rule texts come from files: text shows them through `one_line`, Markdown through
`md_cell`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slmvllm.evaluation.evaluator import BaselineResult, CaseResult, Driver, Evaluation
from slmvllm.evaluation.metrics import Bin, Metrics, Share
from slmvllm.render.json_doc import dumps_json
from slmvllm.render.markdown import md_cell
from slmvllm.render.safe import one_line

_ROUND = 4


# --------------------------------------------------------------------------- shared wording


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _share(share: Share) -> str:
    """`7/10 (70%)`, or `0/0 (-)` when there is nothing to measure."""
    pct = "-" if share.share is None else f"{share.share:.0%}"
    return f"{share.right}/{share.cases} ({pct})"


def _bin_name(b: Bin, last: bool) -> str:
    return f"[{b.low:.1f}, {b.high:.1f}{']' if last else ')'}"


def _mean_conf(m: Metrics) -> str:
    cases = sum(b.cases for b in m.reliability)
    if not cases:
        return "-"
    total = sum((b.mean_confidence or 0.0) * b.cases for b in m.reliability)
    return _num(total / cases)


def _sure_line(m: Metrics, total: int) -> str:
    coverage = "-" if m.coverage is None else f"{m.coverage:.0%}"
    return (
        f"At confidence >= {m.threshold:g}: {_share(m.high_confidence)} right, "
        f"covering {m.high_confidence.cases} of {total} cases ({coverage})"
    )


def _driver_text(d: Driver, case: CaseResult) -> str:
    when = f" (when {d.when})" if d.when else " (always applies)"
    if d.kind == "excluded":
        return f"{d.rule}: rules out {case.expected}: {d.summary}{when}"
    return (
        f"{d.rule}: {d.difference:+.1f} for {case.recommendation} over {case.expected}"
        f"{when}: {d.summary}"
    )


def _case_flags(case: CaseResult) -> str:
    flags = ["right" if case.correct else "MISS"]
    if case.ambiguous:
        flags.append("ambiguous")
    return ", ".join(flags)


def _sections(ev: Evaluation) -> list[tuple[str, Metrics]]:
    clean = ev.clean.accuracy.cases
    if clean == len(ev.cases):  # nothing is ambiguous: one section says it all
        return [(f"All cases ({len(ev.cases)}, none ambiguous)", ev.all)]
    return [(f"All cases ({len(ev.cases)})", ev.all), (f"Clean cases ({clean})", ev.clean)]


# --------------------------------------------------------------------------- text


def _table(rows: Sequence[Sequence[str]], right: Sequence[bool], indent: int = 2) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if right[i] else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append((" " * indent + "  ".join(cells)).rstrip())
    return lines


def render_evaluation_text(ev: Evaluation) -> str:
    """The whole evaluation as a plain-text report."""
    ambiguous = sum(c.ambiguous for c in ev.cases)
    out = [
        f"Rule set {one_line(ev.rule_set.name)} {one_line(ev.rule_set.version)} on "
        f"{len(ev.cases)} labelled cases ({len(ev.cases) - ambiguous} clean, "
        f"{ambiguous} ambiguous)",
        "",
        "Cases",
    ]
    rows = [["case", "expected", "advice", "confidence", ""]]
    rows += [
        [one_line(c.id), c.expected, c.recommendation, f"{c.confidence:.2f}", _case_flags(c)]
        for c in ev.cases
    ]
    out += _table(rows, [False, False, False, True, False])

    out += ["", "Accuracy, side by side on the same cases"]
    rows = [["", "all cases", "clean cases"]]
    rows.append(["advice (this rule set)", _share(ev.all.accuracy), _share(ev.clean.accuracy)])
    rows += [[f"rule of thumb: {b.name}", _share(b.all), _share(b.clean)] for b in ev.baselines]
    out += _table(rows, [False, True, True])
    out += ["  rules of thumb (each reads only the fields a file gives):"]
    out += [f"    {b.name}: {b.rule}" for b in ev.baselines]

    for title, m in _sections(ev):
        out += ["", title, *_metrics_text(m)]

    if ev.subsets:
        out += ["", "Clean cases cut by evidence"]
        rows = [["part", "cases", "advice right", "ECE", "mean confidence"]]
        rows += [
            [name, str(m.accuracy.cases), _share(m.accuracy), _num(m.ece, 3), _mean_conf(m)]
            for name, m in ev.subsets.items()
        ]
        out += _table(rows, [False, True, True, True, True])
    if ev.tags:
        out += ["", "Clean cases by tag"]
        rows = [["tag", "cases", "advice right", "ECE"]]
        rows += [
            [one_line(t), str(m.accuracy.cases), _share(m.accuracy), _num(m.ece, 3)]
            for t, m in ev.tags.items()
        ]
        out += _table(rows, [False, True, True, True])

    out += ["", f"Misses ({len(ev.misses)})"]
    if not ev.misses:
        out.append("  none")
    for case in ev.misses:
        tag = " (ambiguous)" if case.ambiguous else ""
        out.append(
            f"  {one_line(case.id)}{tag}: expected {case.expected}, advised "
            f"{case.recommendation} (confidence {case.confidence:.2f}); "
            f"{one_line(case.requirements_file)}"
        )
        out += [f"    - {one_line(_driver_text(d, case))}" for d in case.drivers]
        if case.tie:
            out.append(f"    - {_tie_text(case)}")
    return "\n".join(out) + "\n"


def _metrics_text(m: Metrics) -> list[str]:
    total = m.accuracy.cases
    out = [
        f"  Accuracy: {_share(m.accuracy)}",
        "  Confusion matrix (rows: expected, columns: advice)",
    ]
    options = list(m.confusion)
    rows = [["", *options]]
    rows += [[row, *(str(m.confusion[row][col]) for col in options)] for row in options]
    out += _table(rows, [False, *([True] * len(options))], indent=4)
    out.append("  Precision and recall per option")
    rows = [["option", "precision", "recall", "advised", "expected"]]
    rows += [
        [s.option, _num(s.precision), _num(s.recall), str(s.predicted), str(s.support)]
        for s in m.per_option
    ]
    out += _table(rows, [False, True, True, True, True], indent=4)
    out.append("  Reliability (is the confidence the share right?)")
    rows = [["confidence", "cases", "mean confidence", "share right"]]
    rows += [
        [
            _bin_name(b, i == len(m.reliability) - 1),
            str(b.cases),
            _num(b.mean_confidence),
            _num(b.share_right),
        ]
        for i, b in enumerate(m.reliability)
    ]
    out += _table(rows, [False, True, True, True], indent=4)
    out.append(f"  Expected calibration error: {_num(m.ece, 3)}")
    out.append(f"  {_sure_line(m, total)}")
    return out


# --------------------------------------------------------------------------- Markdown


def render_evaluation_markdown(ev: Evaluation) -> str:
    """The whole evaluation as Markdown, for pull requests and CI summaries."""
    ambiguous = sum(c.ambiguous for c in ev.cases)
    out = [
        f"## Evaluation: rule set {md_cell(ev.rule_set.name)} {md_cell(ev.rule_set.version)}, "
        f"{len(ev.cases)} labelled cases ({len(ev.cases) - ambiguous} clean, "
        f"{ambiguous} ambiguous)",
        "",
        "| | all cases | clean cases |",
        "|---|---:|---:|",
        f"| advice (this rule set) | {_share(ev.all.accuracy)} | {_share(ev.clean.accuracy)} |",
    ]
    out += [
        f"| rule of thumb: {_baseline_md(b)} | {_share(b.all)} | {_share(b.clean)} |"
        for b in ev.baselines
    ]
    for title, m in _sections(ev):
        out += ["", f"### {title}", "", *_metrics_markdown(m)]
    if ev.subsets:
        out += ["", "### Clean cases cut by evidence", ""]
        out += [
            "| part | cases | advice right | ECE | mean confidence |",
            "|---|---:|---:|---:|---:|",
        ]
        out += [
            f"| {name} | {m.accuracy.cases} | {_share(m.accuracy)} | {_num(m.ece, 3)} | "
            f"{_mean_conf(m)} |"
            for name, m in ev.subsets.items()
        ]
    if ev.tags:
        out += ["", "### Clean cases by tag", ""]
        out += ["| tag | cases | advice right | ECE |", "|---|---:|---:|---:|"]
        out += [
            f"| {md_cell(t)} | {m.accuracy.cases} | {_share(m.accuracy)} | {_num(m.ece, 3)} |"
            for t, m in ev.tags.items()
        ]
    out += ["", f"### Misses ({len(ev.misses)})", ""]
    if not ev.misses:
        out.append("None.")
    for case in ev.misses:
        tag = " (ambiguous)" if case.ambiguous else ""
        out.append(
            f"- **{md_cell(case.id)}**{tag}: expected {case.expected}, advised "
            f"{case.recommendation} (confidence {case.confidence:.2f})"
        )
        out += [f"  - {md_cell(_driver_text(d, case))}" for d in case.drivers]
        if case.tie:
            out.append(f"  - {_tie_text(case)}")
    out += ["", "<details><summary>Every case</summary>", ""]
    out += ["| case | expected | advice | confidence | |", "|---|---|---|---:|---|"]
    out += [
        f"| {md_cell(c.id)} | {c.expected} | {c.recommendation} | {c.confidence:.2f} | "
        f"{_case_flags(c)} |"
        for c in ev.cases
    ]
    out += ["", "</details>"]
    return "\n".join(out) + "\n"


def _baseline_md(b: BaselineResult) -> str:
    return f"{md_cell(b.name)} ({md_cell(b.rule)})"


def _metrics_markdown(m: Metrics) -> list[str]:
    options = list(m.confusion)
    out = [
        f"Accuracy {_share(m.accuracy)}. Expected calibration error {_num(m.ece, 3)}. "
        f"{_sure_line(m, m.accuracy.cases)}.",
        "",
        "| expected \\ advice | " + " | ".join(options) + " |",
        "|---|" + "---:|" * len(options),
    ]
    out += [
        f"| {row} | " + " | ".join(str(m.confusion[row][col]) for col in options) + " |"
        for row in options
    ]
    out += ["", "| option | precision | recall | advised | expected |", "|---|---:|---:|---:|---:|"]
    out += [
        f"| {s.option} | {_num(s.precision)} | {_num(s.recall)} | {s.predicted} | {s.support} |"
        for s in m.per_option
    ]
    out += ["", "| confidence | cases | mean confidence | share right |", "|---|---:|---:|---:|"]
    out += [
        f"| {_bin_name(b, i == len(m.reliability) - 1)} | {b.cases} | "
        f"{_num(b.mean_confidence)} | {_num(b.share_right)} |"
        for i, b in enumerate(m.reliability)
    ]
    return out


# --------------------------------------------------------------------------- JSON


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, _ROUND)


def _share_dict(share: Share) -> dict[str, Any]:
    return {"right": share.right, "cases": share.cases, "share": _r(share.share)}


def metrics_dict(m: Metrics) -> dict[str, Any]:
    """One `Metrics` as JSON-ready data (floats rounded to 4 places; null: not measurable)."""
    return {
        "accuracy": _share_dict(m.accuracy),
        "confusion": m.confusion,
        "per_option": {
            s.option: {
                "precision": _r(s.precision),
                "recall": _r(s.recall),
                "advised": s.predicted,
                "expected": s.support,
            }
            for s in m.per_option
        },
        "reliability": [
            {
                "low": b.low,
                "high": b.high,
                "cases": b.cases,
                "mean_confidence": _r(b.mean_confidence),
                "share_right": _r(b.share_right),
            }
            for b in m.reliability
        ],
        "ece": _r(m.ece),
        "high_confidence": {
            "threshold": m.threshold,
            **_share_dict(m.high_confidence),
            "coverage": _r(m.coverage),
        },
    }


def evaluation_dict(ev: Evaluation) -> dict[str, Any]:
    """The whole evaluation as JSON-ready data (the `eval --format json` document)."""
    return {
        "rule_set": {"name": ev.rule_set.name, "version": ev.rule_set.version},
        "cases": [
            {
                "id": c.id,
                "labels_file": c.labels_file,
                "file": c.requirements_file,
                "expected": c.expected,
                "ambiguous": c.ambiguous,
                "source_confidence": c.source_confidence,
                "recommendation": c.recommendation,
                "confidence": c.confidence,
                "runner_up": c.runner_up,
                "correct": c.correct,
                "scores": c.scores,
                "drivers": [
                    {
                        "rule": d.rule,
                        "kind": d.kind,
                        "difference": d.difference,
                        "summary": d.summary,
                        "when": d.when,
                    }
                    for d in c.drivers
                ],
                "tie": c.tie,
                "baselines": c.baselines,
                "tags": list(c.tags),
                "decision_drivers": list(c.decision_drivers),
            }
            for c in ev.cases
        ],
        "all": metrics_dict(ev.all),
        "clean": metrics_dict(ev.clean),
        "baselines": [
            {
                "name": b.name,
                "rule": b.rule,
                "all": _share_dict(b.all),
                "clean": _share_dict(b.clean),
            }
            for b in ev.baselines
        ],
        "subsets": {name: metrics_dict(m) for name, m in ev.subsets.items()},
        "tags": {tag: metrics_dict(m) for tag, m in ev.tags.items()},
    }


def render_evaluation_json(ev: Evaluation) -> str:
    """The evaluation as one JSON document."""
    return dumps_json(evaluation_dict(ev))


def _tie_text(case: CaseResult) -> str:
    return (
        f"a tie: {case.recommendation} and {case.expected} scored alike; "
        "the rule set's option order chose"
    )
