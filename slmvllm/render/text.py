"""The readable report (rich). Every string from a file goes through `literal` into a Text."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.render.digest import margin
from slmvllm.render.precedents_view import precedent_line, vote_text
from slmvllm.render.safe import literal, one_line
from slmvllm.render.values import confidence_meaning, effect_text, show_value, standing_note
from slmvllm.result import Result

_BAR_WIDTH = 24


def _indent(renderable: RenderableType) -> Padding:
    return Padding(renderable, (0, 0, 0, 2), expand=False)


def _heading(console: Console, title: str) -> None:
    console.print(Text(title, style="bold underline"))


def _t(text: object, style: str = "") -> Text:
    return Text(literal(text), style=style)


def score_bars(result: Result, unicode_ok: bool, indent: int = 0) -> RenderableType:
    """The options' scores as bars, best first; excluded options dimmed and marked."""
    table = Table.grid(padding=(0, 1))
    low = min(0.0, *result.scores.values())
    high = max(0.0, *result.scores.values())
    span = (high - low) or 1.0
    excluded = {e.option for e in result.excluded}
    block = "█" if unicode_ok else "#"
    for option, value in sorted(result.scores.items(), key=lambda kv: -kv[1]):
        filled = round((value - low) / span * _BAR_WIDTH)
        style = (
            "bold green" if option == result.recommendation else "dim" if option in excluded else ""
        )
        note = " (ruled out)" if option in excluded else ""
        table.add_row(
            _t(option, style),
            Text(block * filled + " " * (_BAR_WIDTH - filled), style=style or "cyan"),
            _t(f"{value:.1f}{note}", style),
        )
    return Padding(table, (0, 0, 0, indent), expand=False) if indent else table


def _reasons(result: Result) -> list[RenderableType]:
    ordered = sorted(
        enumerate(result.reasons), key=lambda ir: (-abs(margin(result, ir[1].effect)), ir[0])
    )
    out: list[RenderableType] = []
    for _, reason in ordered:
        effect = effect_text(reason.effect)
        head = Text.assemble(_t(reason.rule, "bold"), "  ", _t(reason.summary))
        lines = [head, _t(f"    effect: {effect}", "dim")]
        if reason.when:
            lines.append(_t(f"    because: {reason.when}", "dim"))
        if reason.assumed:
            lines.append(_t(f"    fired on assumed: {', '.join(reason.assumed)}", "yellow"))
        lines.append(_t(f"    source: {reason.source}", "dim"))
        out.append(Group(*lines))
    return out


def render_text(
    console: Console,
    result: Result,
    rule_set: RuleSet,
    *,
    source: str | None = None,
    extra: list[RenderableType] | None = None,
) -> None:
    """Print one result as a report on `console`."""
    option = rule_set.options[result.recommendation]
    title = Text.assemble(
        ("Recommendation: ", "bold"),
        (result.recommendation.upper(), "bold green"),
        " - ",
        _t(option.label),
        "   confidence ",
        (f"{result.confidence:.2f}", "bold"),
        standing_note(result),
    )
    if source:
        console.print(_t(f"== {source}", "bold"))
    console.print(title)
    use_case = result.requirements.get("use_case")
    if use_case:
        console.print(_t(f"Use case: {use_case}", "italic"))
    console.print(_t(option.description, "dim"))
    console.print()
    _heading(console, "Scores (sum of weighted points)")
    console.print(score_bars(result, console.encoding.lower().startswith("utf"), indent=2))
    console.print()
    _heading(console, "Why: rules that fired, most decisive first")
    for block in _reasons(result):
        console.print(_indent(block))
    if result.excluded:
        console.print()
        _heading(console, "Ruled out by hard constraints")
        for exclusion in result.excluded:
            console.print(
                _indent(
                    Text.assemble(
                        _t(exclusion.option, "bold red"),
                        " by ",
                        _t(exclusion.rule, "bold"),
                        ": ",
                        _t(exclusion.reason),
                        _t(f" (because {exclusion.when})" if exclusion.when else "", "dim"),
                    ),
                )
            )
    console.print()
    _heading(console, "Assumptions (fields not given)")
    if not result.assumptions:
        console.print(_indent(Text("none: every field was given")))
    for assumption in result.assumptions:
        console.print(
            _indent(
                Text.assemble(
                    _t(assumption.field, "bold"),
                    " = ",
                    _t(show_value(assumption.value)),
                    "  ",
                    _t(f"({assumption.why})", "dim"),
                ),
            )
        )
    console.print()
    console.print(
        Text("What would change the answer (one field at a time)", style="bold underline")
    )
    if not result.what_would_change:
        console.print(_indent(Text("no single-field change flips it")))
    for change in result.what_would_change:
        now = show_value(result.requirements.get(change.field))
        console.print(
            _indent(
                Text.assemble(
                    _t(change.field, "bold"),
                    f" {literal(now)} -> ",
                    _t(show_value(change.to), "bold"),
                    "  gives ",
                    (change.recommendation.upper(), "bold"),
                ),
            )
        )
    if result.precedents:
        console.print()
        _heading(console, "Precedents: the documented decisions most like this use case")
        for p in result.precedents:
            console.print(_indent(_t(precedent_line(p), "bold")))
            if p.use_case:
                console.print(_indent(_t(f"    {one_line(p.use_case)}")))
            if p.drivers:
                console.print(_indent(_t(f"    decided on: {', '.join(p.drivers)}", "dim")))
            if p.source:  # the address whole: folded only where it is longer than a line
                address = _t(f"    {one_line(p.source)}", "dim")
                console.print(_indent(address), overflow="fold")
        vote = vote_text(result)
        if vote:
            console.print(_indent(_t(vote)))
    for block in extra or []:
        console.print()
        console.print(block)
    console.print()
    console.print(
        _t(
            f"Rule set: {result.rule_set.name} {result.rule_set.version}. "
            + confidence_meaning(result),
            "dim",
        )
    )
