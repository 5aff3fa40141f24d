"""`slmvllm trial`: the decision as a compact terminal table, Markdown or JSON."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from slmvllm.render.json_doc import dumps_json
from slmvllm.render.safe import one_line
from slmvllm.trial.decision import Measures, Point, Trial

#: Tags shown in the terminal; JSON, Markdown and HTML have them all.
SHOWN_TAGS = 12


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def trial_dict(trial: Trial) -> dict[str, Any]:
    """The trial as plain JSON data (infinite thresholds as null)."""
    data = asdict(trial)
    shape = data.pop("shape")
    data["volume"] = {
        "monthly_requests": shape["monthly_requests"],
        "input_tokens": shape["input_tokens"],
        "output_tokens": shape["output_tokens"],
    }
    data["has_router_score"] = trial.router_measures is not None
    return {"schema": "slmvllm-trial/1", **_finite(data)}


def render_trial_json(trial: Trial) -> str:
    """One JSON document on stdout."""
    return dumps_json(trial_dict(trial))


def _pct(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}%}"


def _money(value: float | None) -> str:
    return "not priced" if value is None else f"${value:,.2f}"


def _label(p: Point) -> str:
    if p.label == "router" and p.threshold is not None and math.isfinite(p.threshold):
        return f"router < {p.threshold:g}"
    if p.label == "router":
        return "router (all)"
    return p.label


def rows(trial: Trial) -> list[tuple[str, str, str, str, str, bool]]:
    """The table's rows: label, quality, kept, large share, monthly cost, chosen."""
    points = [trial.small, trial.large, trial.oracle, *trial.curve]
    chosen_in = any(p == trial.chosen for p in points)
    if not chosen_in:
        points.append(trial.chosen)
    points.sort(key=lambda p: (p.label == "oracle", p.large_share))
    return [
        (
            _label(p),
            f"{p.quality:.3f}",
            _pct(p.kept),
            _pct(p.large_share),
            _money(p.monthly_cost),
            p == trial.chosen,
        )
        for p in points
    ]


def measures_text(trial: Trial) -> list[str]:
    """RouteLLM's measures beside the baselines, one line each."""

    def line(name: str, m: Measures) -> str:
        apgr = "n/a" if m.apgr is None else f"{m.apgr:.3f}"
        return (
            f"{name:<7} APGR {apgr}; large share to recover 50% of the gap "
            f"{_pct(m.share_for_50)}, 80% {_pct(m.share_for_80)}"
        )

    out = []
    if trial.router_measures is not None:
        out.append(line("router", trial.router_measures))
    out.append(line("random", trial.random_measures))
    out.append(line("oracle", trial.oracle_measures))
    return out


def interval_text(trial: Trial) -> str | None:
    """The bootstrap interval of the chosen point, in words."""
    iv = trial.interval
    if iv is None:
        return None
    sample = "" if iv.sample == trial.requests else f", {iv.sample:,} requests each, rescaled"
    return (
        f"95% bootstrap interval of the quality the {trial.interval_of} keeps: "
        f"{iv.low:.1%} to {iv.high:.1%}; the "
        f"{trial.quality_target:.0%} target held in {iv.target_held:.0%} of {iv.resamples} "
        f"resamples (seed {iv.seed}{sample})"
    )


def print_trial(console: Console, trial: Trial) -> None:
    """The compact terminal report."""
    console.print(
        Text.assemble(
            ("Trial ", "bold"),
            f"{one_line(trial.source)}: {trial.requests:,} requests; small "
            f"{one_line(trial.small_model)}, large {one_line(trial.large_model)}; target "
            f"{trial.quality_target:.0%} of the large model's quality",
        )
    )
    s = trial.shape
    console.print(
        f"Priced at {s.monthly_requests:,} requests a month, {s.input_tokens:,} input + "
        f"{s.output_tokens:,} output tokens a request",
        markup=False,
    )
    table = Table(box=None, pad_edge=False, header_style="bold")
    for name, justify in (
        ("", "left"),
        ("quality", "right"),
        ("kept", "right"),
        ("to large", "right"),
        ("a month", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for label, q, kept, share, cost, chosen in rows(trial):
        style = "bold green" if chosen else None
        table.add_row(("> " if chosen else "  ") + label, q, kept, share, cost, style=style)
    console.print(table)
    for line in measures_text(trial):
        console.print(line, markup=False)
    console.print(Text.assemble(("Verdict: ", "bold"), trial.verdict))
    iv = interval_text(trial)
    if iv:
        console.print("  " + iv, markup=False)
    if trial.router_must_find:
        console.print("  " + trial.router_must_find, markup=False)
    if trial.rule_set is not None:
        console.print(Text.assemble(("Rule set: ", "bold"), one_line(trial.rule_set.text)))
    if trial.tags:
        tags = Table(box=None, pad_edge=False, header_style="bold", title_justify="left")
        for name in ("tag", "requests", "small", "large", "kept", "need large", "APGR", "small ok"):
            tags.add_column(name, justify="left" if name == "tag" else "right")
        for t in trial.tags[:SHOWN_TAGS]:
            apgr = t.router.apgr if t.router is not None else None
            tags.add_row(
                one_line(t.tag),
                f"{t.requests:,}",
                f"{t.small_quality:.3f}",
                f"{t.large_quality:.3f}",
                _pct(t.kept_by_small),
                _pct(t.large_needed),
                "n/a" if apgr is None else f"{apgr:.2f}",
                "yes" if t.small_reaches_target else "no",
            )
        more = len(trial.tags) - SHOWN_TAGS
        extra = f" (the {SHOWN_TAGS} largest; {more} more in --format json)" if more > 0 else ""
        console.print(Text.assemble(("By tag", "bold"), extra))
        console.print(tags)
    for note in trial.notes:
        console.print(Text(f"note: {one_line(note)}", style="dim"))


def render_trial_markdown(trial: Trial) -> str:
    """The report as Markdown (a pull request comment, a wiki page)."""
    out = [
        f"## Trial: `{one_line(trial.source)}`",
        "",
        f"{trial.requests:,} requests; small `{one_line(trial.small_model)}`, large "
        f"`{one_line(trial.large_model)}`; target {trial.quality_target:.0%} of the large "
        f"model's quality; priced at {trial.shape.monthly_requests:,} requests a month.",
        "",
        f"**Verdict:** {one_line(trial.verdict)}",
        "",
        "| | quality | kept | to large | a month |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, q, kept, share, cost, chosen in rows(trial):
        mark = "**" if chosen else ""
        out.append(f"| {mark}{label}{mark} | {q} | {kept} | {share} | {cost} |")
    out.append("")
    out += [f"- {line}" for line in measures_text(trial)]
    iv = interval_text(trial)
    if iv:
        out.append(f"- {iv}")
    if trial.router_must_find:
        out.append(f"- {trial.router_must_find}")
    if trial.rule_set is not None:
        out.append(f"- Rule set: {one_line(trial.rule_set.text)}")
    if trial.tags:
        out += [
            "",
            "| tag | requests | small | large | kept | need large | APGR |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for t in trial.tags:
            apgr = t.router.apgr if t.router is not None else None
            out.append(
                f"| {one_line(t.tag).replace('|', '/')} | {t.requests:,} | {t.small_quality:.3f} | "
                f"{t.large_quality:.3f} | {_pct(t.kept_by_small)} | {_pct(t.large_needed)} | "
                f"{'n/a' if apgr is None else f'{apgr:.2f}'} |"
            )
    out += ["", *[f"_note: {one_line(n)}_" for n in trial.notes]]
    return "\n".join(out).rstrip() + "\n"
