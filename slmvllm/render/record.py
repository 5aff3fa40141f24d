"""A decision record as Markdown: front matter for `records check`, then what a person reads."""

from __future__ import annotations

import json

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.numbers.catalog import Catalog
from slmvllm.records import record_facts
from slmvllm.render.estimates_view import render_estimates_markdown
from slmvllm.render.markdown import md_cell, render_markdown
from slmvllm.render.values import show_value
from slmvllm.result import Result


def render_record(
    result: Result, rule_set: RuleSet, catalog: Catalog, *, source: str | None, today: str
) -> str:
    """One decision record (see `slmvllm.records`)."""
    facts = record_facts(result)
    # JSON is YAML: the front matter is written by the one JSON writer's rules.
    front = "\n".join(
        f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in facts.items()
    )
    title = result.requirements.get("use_case") or source or "use case"
    lines = [
        "---",
        front,
        "---",
        "",
        f"# Decision record: {md_cell(title)}",
        "",
        f"Decided {today} with rule set {md_cell(result.rule_set.name)} "
        f"{md_cell(result.rule_set.version)} and prices as of "
        f"{facts['prices_as_of'] or 'unknown'} (catalogue: "
        f"{md_cell(', '.join(catalog.files))}). Re-check it with "
        "`slmvllm records check <folder>`.",
        "",
        "## Context: the answers",
        "",
        "| field | value |",
        "|---|---|",
    ]
    for name, value in facts["requirements"].items():
        lines.append(f"| `{name}` | {md_cell(show_value(value))} |")
    if result.assumptions:
        lines += [
            "",
            "Assumed (not given): " + ", ".join(f"`{a.field}`" for a in result.assumptions),
        ]
    lines += ["", "## Decision, reasons and what would change it", ""]
    body = render_markdown(result, rule_set, source=None).replace("\n## ", "\n### ")
    body = body.replace("## ", "### ", 1) if body.startswith("## ") else body
    lines.append(body.rstrip("\n"))
    if result.estimates is not None:
        lines += ["", "## Numbers", ""]
        numbers = render_estimates_markdown(result.estimates)
        lines.append(numbers.replace("\n## ", "\n### ").rstrip("\n"))
    return "\n".join(lines) + "\n"
