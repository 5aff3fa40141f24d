"""`slmvllm cases`: list and search the documented decisions the advice is set beside."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text

from slmvllm.advice.use_cases import requirements_for
from slmvllm.advisor import default_rule_set
from slmvllm.errors import ExitCode
from slmvllm.loading.reading import read_source
from slmvllm.loading.yaml_parsing import parse_yaml
from slmvllm.precedents import nearest
from slmvllm.precedents.corpus import Case, load_corpus
from slmvllm.render.consoles import silence_stdout, stderr_console, stdout_console
from slmvllm.render.json_doc import dumps_json
from slmvllm.render.safe import one_line

#: How many cases a search shows unless told (a plain listing shows every case).
SEARCH_LIMIT = 10


@dataclass(frozen=True)
class CasesOptions:
    words: list[str]
    requirements: Path | None
    choice: str | None
    output_format: str
    limit: int | None


def run_cases(opts: CasesOptions) -> int:
    """List the shipped cases, or the ones most like some words or a requirements file."""
    corpus = load_corpus()
    query: dict[str, Any] = {}
    if opts.requirements is not None:
        doc = parse_yaml(read_source(opts.requirements, what="requirements file"))
        query = requirements_for(default_rule_set(), doc).given()
    if opts.words:
        query["use_case"] = " ".join([*opts.words, str(query.get("use_case") or "")]).strip()
    rows: list[tuple[Case, float | None, list[str]]]
    if query:
        ranked = [n for n in nearest(query) if n.similarity > 0]
        rows = [(n.case, n.similarity, list(n.shared)) for n in ranked]
        limit = opts.limit if opts.limit is not None else SEARCH_LIMIT
    else:
        rows = [(c, None, []) for c in corpus.cases]
        limit = opts.limit if opts.limit is not None else len(rows)
    if opts.choice:
        rows = [r for r in rows if r[0].choice == opts.choice]
    total = len(rows)
    rows = rows[:limit]
    try:
        if opts.output_format == "json":
            sys.stdout.write(dumps_json([_record(*r) for r in rows]))
        else:
            _print_text(rows)
            stderr_console().print(
                f"{len(rows)} of {total} documented decisions"
                + (" (most alike first)" if query else "")
                + "; sources and answers with --format json",
                style="dim",
                markup=False,
            )
        sys.stdout.flush()
    except BrokenPipeError:  # `| head`: not an error
        silence_stdout()
    return ExitCode.OK


def _record(case: Case, similarity: float | None, shared: list[str]) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": case.id,
        "use_case": case.use_case,
        "choice": case.choice,
        "model": case.model,
        "ambiguous": case.ambiguous,
        "drivers": list(case.drivers),
        "tags": list(case.tags),
        "sources": list(case.sources),
        "answers": case.answers,
    }
    if similarity is not None:
        record["similarity"] = round(similarity, 3)
        record["shared"] = shared
    return record


def _print_text(rows: list[tuple[Case, float | None, list[str]]]) -> None:
    console = stdout_console()
    for case, similarity, _ in rows:
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
