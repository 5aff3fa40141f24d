"""A Markdown view of one result, for pull requests and CI summaries."""

from __future__ import annotations

import re
from typing import Any

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.render.precedents_view import vote_text
from slmvllm.render.safe import literal
from slmvllm.render.values import effect_text, show_value, standing_note
from slmvllm.result import Result

_MARKUP = re.compile(r"([\\`*_\[\]<>|~&])")
# An autolink shows its own target, so it cannot disguise where it leads: keep those.
_AUTOLINK = re.compile(r"<(https?://[^\s<>|`\\]+)>")


def md_cell(value: Any) -> str:
    """Text from a file as inert Markdown: one line, markup and HTML escaped."""
    # Text from a (possibly shared) rule set is shown, never interpreted: escape what
    # Markdown reads as emphasis, code, links, HTML or entities, and the table's pipes;
    # a newline would end the table row.
    parts = _AUTOLINK.split(literal(value).replace("\n", " "))  # odd items: URLs
    return "".join(
        f"<{part}>" if i % 2 else _MARKUP.sub(r"\\\1", part) for i, part in enumerate(parts)
    )


def render_markdown(result: Result, rule_set: RuleSet, *, source: str | None = None) -> str:
    """One result as a Markdown section."""
    option = rule_set.options[result.recommendation]
    lines = [
        f"## {md_cell(source) + ': ' if source else ''}{result.recommendation.upper()} "
        f"({md_cell(option.label)}), confidence {result.confidence:.2f}"
        f"{md_cell(standing_note(result))}",
        "",
        "| option | score |",
        "|---|---:|",
    ]
    excluded = {e.option for e in result.excluded}
    for name, value in sorted(result.scores.items(), key=lambda kv: -kv[1]):
        note = " (ruled out)" if name in excluded else ""
        lines.append(f"| {name}{note} | {value:.1f} |")
    lines += ["", "| rule | effect | summary | because | source |", "|---|---|---|---|---|"]
    for reason in result.reasons:
        effect = effect_text(reason.effect)
        cells = [
            md_cell(reason.rule),
            effect,
            md_cell(reason.summary),
            md_cell(
                (reason.when or "always")
                + (f"; assumed: {', '.join(reason.assumed)}" if reason.assumed else "")
            ),
            md_cell(reason.source),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    if result.excluded:
        lines += ["", "**Ruled out:**", ""]
        lines += [
            f"- {e.option}: {md_cell(e.reason)} (`{literal(e.rule)}`"
            + (f"; because {md_cell(e.when)})" if e.when else ")")
            for e in result.excluded
        ]
    if result.assumptions:
        lines += ["", "**Assumptions:**", ""]
        lines += [
            f"- `{a.field}` = {md_cell(show_value(a.value))}: {md_cell(a.why)}"
            for a in result.assumptions
        ]
    if result.what_would_change:
        lines += ["", "**What would change the answer:**", ""]
        lines += [
            f"- `{c.field}` -> {md_cell(show_value(c.to))} gives {c.recommendation}"
            for c in result.what_would_change
        ]
    if result.precedents:
        lines += ["", "**Precedents** (documented decisions most like this):", ""]
        lines += ["| choice | similarity | decision | shares | source |", "|---|---:|---|---|---|"]
        lines += [
            f"| {p.choice} | {p.similarity:.2f} | {md_cell(p.id)}"
            + (f" ({md_cell(p.model)})" if p.model else "")
            + f" | {md_cell(', '.join(p.shared) or '-')} | {md_cell(p.source)} |"
            for p in result.precedents
        ]
        vote = vote_text(result)
        if vote:
            lines += ["", md_cell(vote[0].upper() + vote[1:]) + "."]
    lines += [
        "",
        f"_Rule set {md_cell(result.rule_set.name)} {md_cell(result.rule_set.version)}_",
        "",
    ]
    return "\n".join(lines)
