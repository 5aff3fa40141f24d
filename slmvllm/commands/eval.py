"""`slmvllm eval`: measure the advice on labelled cases, beside the rules of thumb; gate in CI."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from slmvllm.advice.rule_sets import load_rule_set
from slmvllm.errors import ExitCode, GateFailedError
from slmvllm.evaluation.evaluator import Evaluation, evaluate
from slmvllm.loading.labels import load_labels
from slmvllm.loading.reading import stdin_once
from slmvllm.numbers.catalog import load_catalog
from slmvllm.render.consoles import print_warnings, silence_stdout, stderr_console


@dataclass(frozen=True)
class EvalOptions:
    labels: list[Path]  # labels files, or folders holding an index.yaml
    rules: Path | None
    catalog: Path | None
    output_format: str  # text | json | markdown
    min_accuracy: float | None


def run_eval(opts: EvalOptions, err: Console | None = None) -> int:
    """The whole `eval` command; returns the exit code or raises a SlmvllmError.

    Every input (rule set, catalogue, labels files, the requirements files they
    name) is loaded and checked before anything is printed: a bad one is exit 2.
    """
    err = err or stderr_console()
    stdin_once({"--rules": opts.rules, "--catalog": opts.catalog})
    loaded = load_rule_set(opts.rules)
    print_warnings(err, loaded.warnings)
    catalog = load_catalog(extra=opts.catalog)
    cases = load_labels(opts.labels, loaded.rule_set.requirements_model())
    evaluation = evaluate(cases, loaded.rule_set, catalog)
    try:
        sys.stdout.write(_render(evaluation, opts.output_format))
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`| head`): the gate still decides
        silence_stdout()
    return _gate(evaluation, opts.min_accuracy)


def _render(evaluation: Evaluation, output_format: str) -> str:
    from slmvllm.render.evaluation_view import (
        render_evaluation_json,
        render_evaluation_markdown,
        render_evaluation_text,
    )

    if output_format == "json":
        return render_evaluation_json(evaluation)
    if output_format == "markdown":
        return render_evaluation_markdown(evaluation)
    return render_evaluation_text(evaluation)


def _gate(evaluation: Evaluation, min_accuracy: float | None) -> int:
    if min_accuracy is None:
        return ExitCode.OK
    clean = evaluation.clean.accuracy
    if clean.share is None:
        raise GateFailedError(
            "gate failed: --min-accuracy needs clean cases, and every case is marked ambiguous"
        )
    if clean.share < min_accuracy:
        raise GateFailedError(
            f"gate failed: accuracy on clean cases {clean.right}/{clean.cases} "
            f"({clean.share:.1%}) is below --min-accuracy {min_accuracy:g}"
        )
    return ExitCode.OK
