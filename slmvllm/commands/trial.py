"""`slmvllm trial`: decide on a team's own graded request log: SLM, LLM, or a router."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from slmvllm.errors import ExitCode, InputError, Problem
from slmvllm.loading.saving import write_atomic
from slmvllm.numbers.catalog import load_catalog
from slmvllm.render.consoles import print_warnings, silence_stdout, stderr_console, stdout_console
from slmvllm.render.safe import one_line
from slmvllm.result import Result
from slmvllm.trial.decision import Trial, decide
from slmvllm.trial.log_reader import read_log
from slmvllm.trial.pricing import model_pricing, trial_shape


@dataclass(frozen=True)
class TrialOptions:
    log: Path
    small: str
    large: str
    requirements: Path | None
    rules: Path | None
    catalog: Path | None
    quality_target: float
    seed: int
    output_format: str  # text | json | markdown
    report: Path | None


def run_trial(opts: TrialOptions) -> int:
    """The whole `trial` command; returns the exit code or raises a SlmvllmError."""
    if opts.report is not None and opts.report.suffix.lower() not in {".html", ".htm"}:
        raise InputError(
            Problem(str(opts.report), "--report writes a standalone .html page; name it FILE.html")
        )
    err = stderr_console()
    catalog = load_catalog(extra=opts.catalog)
    advice: Result | None = None
    values = None
    if opts.requirements is not None:
        from slmvllm.advice.rule_sets import load_rule_set
        from slmvllm.advisor import advise
        from slmvllm.commands.advise import requirements_from
        from slmvllm.loading.reading import read_source
        from slmvllm.loading.yaml_parsing import parse_yaml

        loaded = load_rule_set(opts.rules)
        print_warnings(err, loaded.warnings)
        doc = parse_yaml(read_source(opts.requirements, what="requirements file"))
        requirements = requirements_from(loaded.rule_set, doc, {})
        values = requirements.model_dump(exclude_none=True)
        advice = advise(requirements, loaded.rule_set, catalog)
    log = read_log(opts.log)
    shape = trial_shape(values, log.mean_tokens())
    small = model_pricing(catalog, opts.small, "--small", shape)
    large = model_pricing(catalog, opts.large, "--large", shape)
    trial = decide(
        log, small, large, shape, quality_target=opts.quality_target, seed=opts.seed, advice=advice
    )
    if opts.report is not None:
        from slmvllm.render.trial_html import render_trial_html

        write_atomic(opts.report, render_trial_html(trial), overwrite=True)
        err.print(f"Wrote the report to {one_line(opts.report)}", markup=False)
    try:
        _write(trial, opts.output_format)
    except BrokenPipeError:
        silence_stdout()
    return ExitCode.OK


def _write(trial: Trial, output_format: str) -> None:
    from slmvllm.render.trial_view import print_trial, render_trial_json, render_trial_markdown

    if output_format == "json":
        sys.stdout.write(render_trial_json(trial))
    elif output_format == "markdown":
        sys.stdout.write(render_trial_markdown(trial))
    else:
        print_trial(stdout_console(), trial)
    sys.stdout.flush()
