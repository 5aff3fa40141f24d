"""`slmvllm compare`: the article's chart of advantages and limitations, and a use case's bars.

Bars are drawn with block characters (`#`/`+` where the terminal cannot show them), so
the chart reads the same with NO_COLOR; the width follows the terminal, down to 40
columns and below (bars shrink, labels stay).
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advice.tally import OptionTally, TallyItem
from slmvllm.render.safe import one_line
from slmvllm.result import Result

_STYLE = {"slm": "green", "llm": "red", "hybrid": "magenta"}
_MAX_HALF = 30


def _glyphs(console: Console) -> tuple[str, str, str]:
    """(solid, light, axis) characters the console's encoding can show."""
    if console.encoding.lower().startswith("utf"):
        return "█", "░", "│"
    return "#", "+", "|"


def _half(console: Console, fixed: int) -> int:
    return max(3, min(_MAX_HALF, (console.width - fixed) // 2))


def render_tally(
    console: Console, tallies: list[OptionTally], rule_set: RuleSet, *, general_only: bool
) -> None:
    """The chart (one row per option: limitations left, advantages right), then each item."""
    solid, light, axis = _glyphs(console)
    counted = "rules that always apply" if general_only else "all its rules"
    console.print(
        Text.assemble(
            ("Advantages and limitations", "bold"),
            f" in rule set {one_line(rule_set.name)} {one_line(rule_set.version)}, "
            f"counted from {counted}",
        )
    )
    label_w = max(len(t.option) for t in tallies) + 1
    # Each row: label, the limitations' count and a space, the bar halves around the axis,
    # a space and the advantages' count. The counts are never cut: when even one-cell
    # bars do not fit, the rows are written as words instead.
    digits = max(len(str(n)) for t in tallies for n in (len(t.limitations), len(t.advantages)))
    count_w = max(3, digits)
    fixed = label_w + (count_w + 1) + 1 + (1 + digits)
    if console.width - fixed < 2:
        for t in tallies:
            console.print(
                Text.assemble(
                    (t.option.upper(), "bold"),
                    f" {len(t.limitations)} limitations, {len(t.advantages)} advantages",
                )
            )
        _print_items(console, tallies)
        return
    half = max(1, min(_MAX_HALF, (console.width - fixed) // 2))
    most = max([len(t.advantages) for t in tallies] + [len(t.limitations) for t in tallies] + [1])

    def cells(items: list[TallyItem]) -> tuple[int, int]:
        general = sum(1 for i in items if i.when is None)
        scale = half / most
        total = round(len(items) * scale)
        solid_n = min(total, round(general * scale))
        return solid_n, total - solid_n

    head = " " * label_w + f"{'limitations':>{half + count_w + 1}}{axis}advantages"
    console.print(Text(head, style="dim"), no_wrap=True, overflow="ellipsis")
    for t in tallies:
        style = _STYLE.get(t.option, "")
        ls, ll = cells(t.limitations)
        rs_, rl = cells(t.advantages)
        left = f"{len(t.limitations):>{count_w}} " + " " * (half - ls - ll)
        console.print(
            Text.assemble(
                (f"{t.option.upper():<{label_w}}", "bold"),
                left,
                (light * ll + solid * ls, style),
                axis,
                (solid * rs_ + light * rl, style),
                f" {len(t.advantages)}",
            ),
            no_wrap=True,
            overflow="ellipsis",
        )
    if not general_only:
        console.print(
            Text(
                f"{solid} applies to every use case   {light} applies when its condition holds",
                style="dim",
            )
        )
    _print_items(console, tallies)


def _print_items(console: Console, tallies: list[OptionTally]) -> None:
    for t in tallies:
        for title, items in (("advantages", t.advantages), ("limitations", t.limitations)):
            console.print()
            console.print(
                Text.assemble(
                    (f"{t.option.upper()} {title} ({len(items)})", "bold"),
                    f"  {one_line(t.label)}",
                )
            )
            if not items:
                console.print(Text("  none in this rule set", style="dim"))
                continue
            # Two columns, so a wrapped item keeps its indent under the text.
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True, justify="right")
            grid.add_column()
            for item in items:
                size = "out" if item.excludes else f"{item.effect:+.0f}"
                line = Text(one_line(item.summary))
                if item.when is not None:
                    line.append(f" (when {one_line(item.when)})", style="dim")
                grid.add_row(Text(f"  {size}", style=_STYLE.get(t.option, "")), line)
            console.print(grid)


def render_contributions(console: Console, result: Result, source: str | None) -> None:
    """Each criterion's weighted points per option, as bars around zero, then the totals."""
    solid, _, axis = _glyphs(console)
    options = list(result.criteria_scores)
    criteria = list(next(iter(result.criteria_scores.values()), {}))
    values = [abs(v) for per in result.criteria_scores.values() for v in per.values()]
    most = max([*values, 1.0])
    label_w = max(len(o) for o in options) + 3
    half = _half(console, label_w + 7 + 1)
    console.print()
    what = f" for {one_line(source)}" if source else ""
    console.print(
        Text.assemble(
            ("Criterion by criterion", "bold"),
            f"{what}: weighted points per option (+ helps, - hurts); "
            f"recommendation {result.recommendation.upper()}",
        )
    )
    excluded = {e.option for e in result.excluded}
    for criterion in [*criteria, None]:
        console.print(Text(one_line(criterion) if criterion else "total score", style="bold"))
        for option in options:
            if criterion is None:
                value = result.scores.get(option, 0.0)
                scale = half / max([abs(v) for v in result.scores.values()] + [1.0])
            else:
                value = result.criteria_scores[option].get(criterion, 0.0)
                scale = half / most
            n = min(half, round(abs(value) * scale))
            bar_left = " " * (half - n) + solid * n if value < 0 else " " * half
            bar_right = solid * n if value > 0 else ""
            note = " ruled out" if criterion is None and option in excluded else ""
            console.print(
                Text.assemble(
                    f"  {option.upper():<{label_w - 2}}",
                    f"{value:+6.1f} " if value else "     0 ",
                    (bar_left, _STYLE.get(option, "")),
                    axis,
                    (bar_right, _STYLE.get(option, "")),
                    (note, "dim"),
                ),
                no_wrap=True,
                overflow="ellipsis",
            )
