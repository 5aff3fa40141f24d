"""`slmvllm cases`: list and search the documented decisions the advice is set beside."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text

from slmvllm.advice.rule_sets import load_rule_set
from slmvllm.advice.use_cases import requirements_for
from slmvllm.advisor import default_rule_set
from slmvllm.errors import ExitCode
from slmvllm.loading.reading import read_source
from slmvllm.loading.yaml_parsing import parse_yaml
from slmvllm.precedents.search import FoundCase, case_record, search_cases
from slmvllm.render.consoles import silence_stdout, stderr_console, stdout_console
from slmvllm.render.json_doc import dumps_json
from slmvllm.render.safe import one_line


@dataclass(frozen=True)
class CasesOptions:
    words: list[str]
    requirements: Path | None
    choice: str | None
    output_format: str
    limit: int | None
    rules: Path | None = None


def run_cases(opts: CasesOptions) -> int:
    """List the shipped cases, or the ones most like some words or a requirements file."""
    given: dict[str, Any] = {}
    if opts.requirements is not None:
        doc = parse_yaml(read_source(opts.requirements, what="requirements file"))
        rs = load_rule_set(opts.rules).rule_set if opts.rules else default_rule_set()
        given = requirements_for(rs, doc).given()
    found = search_cases(given, " ".join(opts.words), opts.choice, opts.limit)
    try:
        if opts.output_format == "json":
            sys.stdout.write(dumps_json([case_record(r) for r in found.rows]))
        else:
            _print_text(found.rows)
            if found.searched and not found.total:
                said = (
                    "no documented decision shares an answer or a word with this "
                    "(stop words are not searched); `slmvllm cases` lists them all"
                )
            else:
                said = (
                    f"{len(found.rows)} of {found.total} documented decisions"
                    + (" (most alike first)" if found.searched else "")
                    + "; sources and answers with --format json"
                )
            stderr_console().print(said, style="dim", markup=False)
        sys.stdout.flush()
    except BrokenPipeError:  # `| head`: not an error
        silence_stdout()
    return ExitCode.OK


def _print_text(rows: list[FoundCase]) -> None:
    console = stdout_console()
    for row in rows:
        case, similarity = row.case, row.similarity
        sim = f"{similarity:.2f}  " if similarity is not None else ""
        flag = " (ambiguous)" if case.ambiguous else ""
        console.print(
            Text.assemble(
                (f"{case.choice.upper():<6} ", "bold"),
                sim,
                (one_line(case.id), "bold"),
                flag,
                (f"  {one_line(case.model)}" if case.model else "", "dim"),
            ),
            soft_wrap=True,
        )
        console.print(Text("       " + one_line(case.use_case)), soft_wrap=True)
        if case.source:
            console.print(Text("       " + one_line(case.source), style="dim"), soft_wrap=True)
