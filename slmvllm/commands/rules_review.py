"""`slmvllm rules explain` and `slmvllm rules diff`: a rule, or a rule change, by what it does."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from slmvllm.advice.layers import DEFAULT_NAME
from slmvllm.advice.rule_sets import LoadedRuleSet, load_rule_set
from slmvllm.errors import ExitCode, GateFailedError
from slmvllm.loading.reading import stdin_once
from slmvllm.render.consoles import print_warnings, silence_stdout, stderr_console
from slmvllm.render.json_doc import dumps_json
from slmvllm.render.rule_review_view import (
    render_diff_markdown,
    render_diff_text,
    render_explain_text,
)
from slmvllm.review.cases import read_cases
from slmvllm.review.diff import diff_rule_sets
from slmvllm.review.explanation import explain_rule


def _write(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`| head`): the exit code still counts
        silence_stdout()


def _load(name: Path | None, err: Console) -> LoadedRuleSet:
    # `default` (not a file of that name) is the shipped rule set, as in `extends: default`.
    loaded = load_rule_set(None if name is None or str(name) == DEFAULT_NAME else name)
    print_warnings(err, loaded.warnings)
    return loaded


@dataclass(frozen=True)
class RulesExplainOptions:
    rule_id: str
    rules: Path | None
    requirements: list[Path]
    output_format: str  # text | json


def run_rules_explain(opts: RulesExplainOptions, err: Console | None = None) -> int:
    """One rule: its condition, points, sources and layer; with -r, what it does to each case."""
    err = err or stderr_console()
    loaded = _load(opts.rules, err)
    cases = read_cases(opts.requirements)
    explanation = explain_rule(loaded.rule_set, opts.rule_id, cases, loaded.placement)
    if opts.output_format == "json":
        _write(dumps_json(explanation.record()))
    else:
        _write(render_explain_text(explanation))
    return ExitCode.OK


@dataclass(frozen=True)
class RulesDiffOptions:
    old: Path
    new: Path
    requirements: list[Path]
    threshold: float
    output_format: str  # text | json | markdown
    fail_on_change: bool


def run_rules_diff(opts: RulesDiffOptions, err: Console | None = None) -> int:
    """Advise every case with both rule sets; report the changes; exit 1 on change if asked."""
    err = err or stderr_console()
    stdin_once({"OLD": opts.old, "NEW": opts.new, "-r": opts.requirements})
    old = _load(opts.old, err).rule_set
    new = _load(opts.new, err).rule_set
    cases = read_cases(opts.requirements)
    diff = diff_rule_sets(old, new, cases, opts.threshold)
    if opts.output_format == "json":
        _write(dumps_json(diff.record()))
    elif opts.output_format == "markdown":
        _write(render_diff_markdown(diff))
    else:
        _write(render_diff_text(diff))
    if opts.fail_on_change and diff.changed:
        raise GateFailedError(
            "\n".join(
                f"changed: {c.source}: {c.old.recommendation} -> {c.new.recommendation}"
                for c in diff.changed
            )
            + f"\n--fail-on-change: {diff.summary()}"
        )
    return ExitCode.OK
