"""The numbers behind the advice in the text and Markdown reports: shortlist, break-even, share."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from slmvllm.numbers.estimate_models import Candidate, Estimates
from slmvllm.numbers.estimates import shortlist
from slmvllm.render.markdown import md_cell
from slmvllm.render.safe import literal
from slmvllm.render.values import estimate_statements, money_or_na


def _memory(cand: Candidate) -> str:
    if cand.hosting != "self_hosted" or cand.gpu_memory_gb is None:
        return "-"
    gpus = cand.gpus or 1
    precision = cand.precision or ""
    return f"{cand.gpu_memory_gb:,.1f} GB {precision}" + (f" x{gpus} GPUs" if gpus > 1 else "")


def _rows(est: Estimates) -> list[tuple[str, Candidate]]:
    best = shortlist(est)
    if not any(c.hosting == "self_hosted" for c in best["slm"]):
        # Show what self-hosting the small model takes too: the cheapest one that fits.
        hosted = [
            c for c in est.candidates if c.option == "slm" and c.hosting == "self_hosted" and c.fits
        ]
        best["slm"] = best["slm"][:2] + hosted[:1]  # still three rows
    return [(option, cand) for option in ("slm", "llm") for cand in best[option]]


def _license_note(cand: Candidate) -> str:
    if cand.commercial_use is False:
        return "license forbids commercial use"
    if cand.commercial_use == "restricted":
        return "license restricts commercial use"
    return ""


def render_estimates_text(est: Estimates) -> RenderableType:
    """A rich block: the best three candidates per option, then break-even and assumptions."""
    table = Table(title=None, show_edge=False, pad_edge=False, box=None, header_style="bold")
    for column in ("option", "model", "hosting", "$/month", "GPU memory", "note"):
        table.add_column(column, overflow="fold", no_wrap=column in {"model", "$/month"})
    for option, cand in _rows(est):
        where = cand.hosting + (f" ({cand.provider})" if cand.provider else "")
        table.add_row(
            option,
            Text(literal(cand.model)),
            Text(literal(where)),
            money_or_na(cand.monthly_cost_usd),
            _memory(cand),
            Text(_license_note(cand), style="dim"),
        )
    parts: list[RenderableType] = [
        Text("Numbers: cheapest fitting candidates per option", style="bold underline"),
        table,
    ]
    parts += [Text(literal(line)) for line in estimate_statements(est)]
    ruled_out = [c for c in est.candidates if not c.fits]
    if ruled_out:
        parts.append(
            Text(
                f"{len(ruled_out)} candidate(s) do not fit the requirements "
                "(see --format json: why_not)",
                style="dim",
            )
        )
    for group in est.candidates_left_out or []:
        parts.append(Text(literal(f"{group.count} more candidate(s): {group.reason}"), style="dim"))
    if est.candidates_left_out:
        parts.append(Text("(--all-candidates lists every candidate)", style="dim"))
    parts.append(Text("Assumptions behind the numbers:", style="bold"))
    parts += [Text(literal(f"  - {a}"), style="dim") for a in est.assumptions]
    return Group(*parts)


def render_estimates_markdown(est: Estimates) -> str:
    """The same block as Markdown."""

    lines = [
        "",
        "**Numbers (cheapest fitting candidates per option):**",
        "",
        "| option | model | hosting | $/month | GPU memory | note |",
        "|---|---|---|---:|---|---|",
    ]
    for option, cand in _rows(est):
        lines.append(
            f"| {option} | {md_cell(cand.model)} | {md_cell(cand.hosting)} | "
            f"{money_or_na(cand.monthly_cost_usd)} | {_memory(cand)} | {_license_note(cand)} |"
        )
    lines += [""] + [f"- {md_cell(s)}" for s in estimate_statements(est)]
    lines += ["", "<details><summary>Assumptions behind the numbers</summary>", ""]
    lines += [f"- {md_cell(a)}" for a in est.assumptions]
    lines += ["", "</details>", ""]
    return "\n".join(lines)
