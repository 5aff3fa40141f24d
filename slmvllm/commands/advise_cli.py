"""`slmvllm advise` on the command line: its options, handed to `run_advise`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from slmvllm.commands.cli_options import (
    AsOfOption,
    CatalogOption,
    Option,
    OutputFormat,
    QualityTier,
    finite,
)


def advise(
    files: Annotated[
        list[str] | None,
        typer.Argument(
            help="Requirements files or folders, as with -r (pre-commit passes files this way).",
            show_default=False,
        ),
    ] = None,
    requirements: Annotated[
        list[str] | None,
        typer.Option(
            "--requirements",
            "-r",
            help="Requirements YAML file, a folder of them, or - for stdin. Repeatable.",
        ),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Override one field: FIELD=VALUE (priorities.NAME=W for a weight). Repeatable.",
        ),
    ] = None,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Use this rule set instead of the default.")
    ] = None,
    catalog: CatalogOption = None,
    as_of: AsOfOption = None,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format", "-f", help="Report format; jsonl writes one result per line as it is made."
        ),
    ] = OutputFormat.text,
    expect: Annotated[
        Option | None,
        typer.Option("--expect", help="CI gate: exit 1 unless this is the recommendation."),
    ] = None,
    min_confidence: Annotated[
        float | None,
        typer.Option(
            "--min-confidence",
            min=0.0,
            max=1.0,
            parser=finite(0.0, 1.0),
            help="CI gate: exit 1 below this confidence.",
        ),
    ] = None,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never prompt; fail at once if answers are needed.")
    ] = False,
    interactive: Annotated[
        bool,
        typer.Option(
            "--interactive",
            "-i",
            help="With one -r file: ask the open questions that could change the advice.",
        ),
    ] = False,
    all_questions: Annotated[
        bool,
        typer.Option(
            "--all-questions",
            help="Ask every open question, even those no answer to which could change the "
            "recommendation.",
        ),
    ] = False,
    save_answers: Annotated[
        Path | None,
        typer.Option("--save-answers", help="Save the questionnaire's answers to this YAML file."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Let --save-answers overwrite a file.")
    ] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            "-v",
            help="The full text report: every rule with its condition and sources, every "
            "assumption, every candidate.",
        ),
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Also write the report to FILE.html (standalone page with charts) or "
            "FILE.svg (picture of the terminal report); replaces an existing file.",
        ),
    ] = None,
    all_candidates: Annotated[
        bool,
        typer.Option(
            "--all-candidates",
            help="List every priced candidate in the estimates, not only the shortlist.",
        ),
    ] = False,
    tier: Annotated[
        QualityTier | None,
        typer.Option(
            "--tier",
            help="Price the large model on this quality tier (frontier, strong, light) instead "
            "of the one the requirements call for.",
        ),
    ] = None,
    record: Annotated[
        Path | None,
        typer.Option(
            "--record", help="Also write one Markdown decision record per use case to this folder."
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Advise several files on this many processes (default: the number of CPUs; "
            "1 for one process). The output is the same, in input order.",
            show_default=False,
        ),
    ] = None,
    full_json: Annotated[
        bool,
        typer.Option(
            "--full-json",
            help="JSON and JSONL in the full form (schema version 1): every citation and "
            "figure written out in each result, no references table.",
        ),
    ] = False,
) -> None:
    """Recommend SLM, LLM or hybrid for a use case, with the reasons and what would change it.

    The text report fits one screen; --explain gives every rule, source and number.

    \b
    Examples:
      slmvllm advise -r examples/support-triage.yaml
      slmvllm advise -r use-cases/ --expect slm --min-confidence 0.6 --format json
      slmvllm advise -r case.yaml --explain --report case.html
    """
    from slmvllm.commands.advise import AdviseOptions, run_advise
    from slmvllm.commands.advise_jobs import default_jobs

    requirements = [*(requirements or []), *(files or [])]
    if any(not path.strip() for path in requirements or []):
        # Path("") would be ".", the current folder: never what an empty value meant.
        raise typer.BadParameter("an empty path; give a file, a folder or -", param_hint="-r")
    if report is not None:
        from slmvllm.commands.report_file import report_kind

        report_kind(report)  # a wrong suffix fails before any work
    code = run_advise(
        AdviseOptions(
            requirements=[Path(path) for path in requirements or []],
            assignments=list(set_ or []),
            rules=rules,
            catalog=catalog,
            output_format=output_format.value,
            expect=expect.value if expect else None,
            min_confidence=min_confidence,
            no_input=no_input,
            interactive=interactive,
            save_answers=save_answers,
            force=force,
            explain=explain,
            report=report,
            all_candidates=all_candidates,
            all_questions=all_questions,
            tier=tier.value if tier else None,
            record=record,
            as_of=as_of,
            jobs=jobs if jobs is not None else default_jobs(),
            full_json=full_json,
        )
    )
    raise typer.Exit(code)
