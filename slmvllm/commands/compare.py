"""`slmvllm compare`: the trade-offs of SLM, LLM and hybrid as a chart, from the rule set."""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from slmvllm.advice.rule_sets import load_rule_set
from slmvllm.advice.tally import tally
from slmvllm.advisor import advise
from slmvllm.errors import ExitCode
from slmvllm.loading.reading import read_source
from slmvllm.loading.yaml_parsing import parse_yaml
from slmvllm.result import Result


@dataclass(frozen=True)
class CompareOptions:
    rules: Path | None
    requirements: Path | None
    general_only: bool
    output_format: str  # text | json


def run_compare(opts: CompareOptions) -> int:
    """Print the chart (and, with a requirements file, its criterion-by-criterion bars)."""
    # The one way a requirements file becomes Requirements, shared with `advise`.
    from slmvllm.commands.advise import requirements_from

    loaded = load_rule_set(opts.rules)
    rs = loaded.rule_set
    tallies = tally(rs, general_only=opts.general_only)
    result: Result | None = None
    source: str | None = None
    if opts.requirements is not None:
        doc = parse_yaml(read_source(opts.requirements, what="requirements file"))
        source = doc.source
        # The core function, so the cost figures count here as they do in `advise`.
        result = advise(requirements_from(rs, doc, {}), rs)
    if opts.output_format == "json":
        from slmvllm.render.json_doc import dumps_json

        payload: dict[str, object] = {
            "rule_set": {"name": rs.name, "version": rs.version},
            "general_only": opts.general_only,
            "options": [asdict(t) for t in tallies],
        }
        if result is not None:
            payload["use_case"] = {
                "source": source,
                "recommendation": result.recommendation,
                "scores": result.scores,
                "criteria_scores": result.criteria_scores,
            }
        sys.stdout.write(dumps_json(payload))
        return ExitCode.OK
    from slmvllm.render.compare_view import render_contributions, render_tally
    from slmvllm.render.consoles import print_warnings, stderr_console, stdout_console

    print_warnings(stderr_console(), loaded.warnings)
    console = stdout_console()
    render_tally(console, tallies, rs, general_only=opts.general_only)
    if result is not None:
        render_contributions(console, result, source)
    return ExitCode.OK
