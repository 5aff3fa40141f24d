"""The `slmvllm` command: typer parses, the core decides, renderers format; exit codes live here.

`main()` is the one place where exceptions become exit codes (see the contract):
0 ok, 1 gate failed, 2 bad input or usage, 3 internal error, 130 interrupted.
"""

from __future__ import annotations

import errno
import math
import os
import sys
import traceback
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from slmvllm import __version__
from slmvllm.errors import ExitCode, GateFailedError, SlmvllmError, StoppedByUserError
from slmvllm.render.safe import literal
from slmvllm.render.streams import silence_stdout

app = typer.Typer(
    name="slmvllm",
    help="Advise whether a use case should run on a small, a large, or a hybrid language model."
    "\n\n\b\nExamples:\n"
    "  slmvllm advise                                   # answer the questions\n"
    "  slmvllm advise -r examples/support-triage.yaml   # or advise on a file\n"
    "  slmvllm compare                                  # the trade-offs as a chart",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def finite(minimum: float, maximum: float | None = None) -> Callable[[str], float]:
    """The parser of a float option: a finite number from `minimum` (to `maximum`).

    NaN compares false with every bound, so a plain range blamed the wrong one; it is
    refused by name, as infinity is.
    """
    bounds = f"from {minimum:g}" + (f" to {maximum:g}" if maximum is not None else "")

    def parse(text: str | float) -> float:
        try:
            number = float(text)
        except ValueError:
            raise typer.BadParameter(f"{text!r} is not a number; give a number {bounds}") from None
        if not math.isfinite(number):
            raise typer.BadParameter(f"{text!r} is not a finite number; give a number {bounds}")
        if number < minimum or (maximum is not None and number > maximum):
            raise typer.BadParameter(f"{text} is out of range; give a number {bounds}")
        return number

    return parse


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"


class ReportFormat(StrEnum):
    """Formats of the commands that write one report over many cases (eval, rules diff).

    No jsonl: their report is one document, not one result per case.
    """

    text = "text"
    json = "json"
    markdown = "markdown"


class DataFormat(StrEnum):
    """Formats of the listing commands (models, rules): a table or JSON."""

    text = "text"
    json = "json"


class QualityTier(StrEnum):
    frontier = "frontier"
    strong = "strong"
    light = "light"


class Option(StrEnum):
    slm = "slm"
    llm = "llm"
    hybrid = "hybrid"


DataFormatOption = Annotated[
    DataFormat, typer.Option("--format", "-f", help="text (a table or lines) or json.")
]
CatalogOption = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        help="Add or override models and prices from this catalogue file (slmvllm YAML, or "
        "LiteLLM's model_prices_and_context_window.json as it is).",
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="The date (YYYY-MM-DD) of a --catalog price map's prices (default: the file's).",
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"slmvllm {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback on internal errors.")
    ] = False,
) -> None:
    """slmvllm: SLM, LLM or hybrid? The reasoning, the numbers, and what would change the answer."""


@app.command()
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
        )
    )
    raise typer.Exit(code)


models_app = typer.Typer(
    name="models",
    invoke_without_command=True,
    rich_markup_mode=None,
)
app.add_typer(models_app)


@models_app.command("update")
def models_update(
    source: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="A URL or a file of LiteLLM's price map (default: its raw file on GitHub).",
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 2 when the update fails (default: warn, exit 0).")
    ] = False,
) -> None:
    """Fetch LiteLLM's price map into the user's cache folder; later runs price with it.

    A failed download keeps the map that was there (a warning, exit 0; exit 2 with --strict).

    \b
    Examples:
      slmvllm models update
      slmvllm models update --from model_prices_and_context_window.json --strict
    """
    from slmvllm.commands.models_update import UpdateOptions, run_models_update

    raise typer.Exit(run_models_update(UpdateOptions(source, strict)))


@models_app.callback()
def models(
    ctx: typer.Context,
    catalog: CatalogOption = None,
    output_format: DataFormatOption = DataFormat.text,
    open_weights: Annotated[
        bool | None,
        typer.Option("--open-weights/--closed-weights", help="Only open (or only closed) weights."),
    ] = None,
    max_params: Annotated[
        float | None,
        typer.Option(
            "--max-params",
            min=0.0,
            parser=finite(0.0),
            help="At most this many billion parameters.",
        ),
    ] = None,
    fits_gpu_gb: Annotated[
        float | None,
        typer.Option(
            "--fits-gpu-gb",
            min=0.0,
            parser=finite(0.0),
            help="Fits one GPU of this many GB (says at which precision).",
        ),
    ] = None,
    min_context: Annotated[
        int | None,
        typer.Option("--min-context", min=1, help="A context window of at least this many tokens."),
    ] = None,
    as_of: AsOfOption = None,
) -> None:
    """List the model catalogue: sizes, licenses, context windows, prices with their dates.

    \b
    Examples:
      slmvllm models --open-weights --max-params 15
      slmvllm models --fits-gpu-gb 24 --min-context 32000
      slmvllm models --catalog model_prices_and_context_window.json --format json

    `slmvllm models update` fetches current prices into the user's cache folder.
    """
    if ctx.invoked_subcommand is not None:
        return
    from slmvllm.commands.models import ModelsOptions, run_models

    code = run_models(
        ModelsOptions(
            catalog=catalog,
            output_format=output_format.value,
            open_weights=open_weights,
            max_params=max_params,
            fits_gpu_gb=fits_gpu_gb,
            min_context=min_context,
            as_of=as_of,
        )
    )
    raise typer.Exit(code)


@app.command()
def cases(
    words: Annotated[
        list[str] | None,
        typer.Argument(help="Words to search the use cases for (BM25); none lists every case."),
    ] = None,
    requirements: Annotated[
        Path | None,
        typer.Option(
            "--requirements", "-r", help="Rank by likeness to this requirements file's answers."
        ),
    ] = None,
    choice: Annotated[
        Option | None, typer.Option("--choice", help="Only decisions that chose this option.")
    ] = None,
    output_format: DataFormatOption = DataFormat.text,
    limit: Annotated[
        int | None,
        typer.Option("--limit", "-n", min=1, help="At most this many (a search shows 10)."),
    ] = None,
) -> None:
    """List and search the documented decisions that results cite as precedents.

    \b
    Examples:
      slmvllm cases                                   # every decision, by id
      slmvllm cases invoice extraction --choice slm   # search the use cases
      slmvllm cases -r examples/support-triage.yaml   # the ones most like a file
    """
    from slmvllm.commands.cases import CasesOptions, run_cases

    code = run_cases(
        CasesOptions(
            words=list(words or []),
            requirements=requirements,
            choice=choice.value if choice else None,
            output_format=output_format.value,
            limit=limit,
        )
    )
    raise typer.Exit(code)


@app.command()
def compare(
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Count this rule set instead of the default.")
    ] = None,
    requirements: Annotated[
        Path | None,
        typer.Option(
            "--requirements",
            "-r",
            help="Also show this use case's points per criterion and option, as bars.",
        ),
    ] = None,
    general: Annotated[
        bool,
        typer.Option("--general", help="Count only the rules that apply to every use case."),
    ] = False,
    output_format: DataFormatOption = DataFormat.text,
) -> None:
    """Chart the advantages and limitations of SLM, LLM and hybrid, counted from the rule set.

    \b
    Examples:
      slmvllm compare
      slmvllm compare --general          # only the article's trade-offs
      slmvllm compare -r examples/support-triage.yaml --rules my-rules.yaml
    """
    from slmvllm.commands.compare import CompareOptions, run_compare

    raise typer.Exit(run_compare(CompareOptions(rules, requirements, general, output_format.value)))


@app.command()
def mcp() -> None:
    """Serve the advice to coding agents over MCP (stdio): advise, questions, compare, models,
    explain_rule. Needs the optional extra: pip install 'slmvllm[mcp]'.

    Configuration for Claude Code, Cursor and VS Code: docs/mcp.md.

    \b
    Examples:
      slmvllm mcp                                   # what an MCP client starts
      slmvllm mcp < /dev/null                       # starts, and stops at end of input
    """
    from slmvllm.commands.mcp import run_mcp

    raise typer.Exit(run_mcp())


class TrialFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command()
def trial(
    log: Annotated[
        Path,
        typer.Argument(
            help="Graded request log: JSON Lines or CSV, one request a line (- for stdin).",
            show_default=False,
        ),
    ],
    small: Annotated[
        str, typer.Option("--small", help="Catalogue id of the small model the log grades.")
    ],
    large: Annotated[
        str, typer.Option("--large", help="Catalogue id of the large model the log grades.")
    ],
    requirements: Annotated[
        Path | None,
        typer.Option(
            "--requirements",
            "-r",
            help="Volume, tokens and hosting from this use case; its advice is shown beside.",
        ),
    ] = None,
    quality_target: Annotated[
        float,
        typer.Option(
            "--quality-target",
            min=0.0,
            max=1.0,
            help="Share of the large model's quality the decision must keep.",
        ),
    ] = 0.95,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Compare with this rule set's advice.")
    ] = None,
    catalog: CatalogOption = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")] = 0,
    output_format: Annotated[
        TrialFormat, typer.Option("--format", "-f", help="text, json or markdown.")
    ] = TrialFormat.text,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Also write a standalone FILE.html with the cost chart."),
    ] = None,
) -> None:
    """Decide on your own graded requests: the small model, the large one, or a router.

    \b
    Examples:
      slmvllm trial examples/trial/support-shadow.jsonl --small qwen2.5-7b --large gpt-4o
      slmvllm trial log.csv --small llama-3.1-8b --large gpt-4.1 -r use-case.yaml --report t.html
    """
    from slmvllm.commands.trial import TrialOptions, run_trial

    raise typer.Exit(
        run_trial(
            TrialOptions(
                log,
                small,
                large,
                requirements,
                rules,
                catalog,
                quality_target,
                seed,
                output_format.value,
                report,
            )
        )
    )


class SchemaKind(StrEnum):
    requirements = "requirements"
    rules = "rules"
    result = "result"
    catalog = "catalog"


@app.command()
def schema(
    kind: Annotated[
        SchemaKind, typer.Argument(help="Which document: requirements, rules, result or catalog.")
    ] = SchemaKind.result,
) -> None:
    """Print a JSON Schema, generated from the models: results by default, or an input file's.

    \b
    Examples:
      slmvllm schema > advise-result.schema.json
      slmvllm schema requirements > requirements.schema.json
      slmvllm schema rules | jq '.properties | keys'
    """
    from slmvllm.render.json_doc import dumps_json
    from slmvllm.render.schemas import schema_for

    sys.stdout.write(dumps_json(schema_for(kind.value)))


@app.command()
def init(
    file: Annotated[
        Path | None, typer.Argument(help="Write the template here; without it, to stdout.")
    ] = None,
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="Take questions and defaults from this rule set."),
    ] = None,
    schema_ref: Annotated[
        str,
        typer.Option(
            "--schema",
            help="Where the first line points YAML editors (a path or URL of the schema).",
        ),
    ] = "requirements.schema.json",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented requirements template: every field, its allowed values and default.

    \b
    Examples:
      slmvllm init my-case.yaml
      slmvllm schema requirements > requirements.schema.json   # for editor completion
      slmvllm init > case.yaml                                 # the template on stdout
    """
    from slmvllm.commands.init import InitOptions, run_init

    target = None if file is None or str(file) == "-" else file
    raise typer.Exit(run_init(InitOptions(target, rules, schema_ref, force)))


@app.command("eval")
def eval_(
    labels: Annotated[
        list[str],
        typer.Argument(
            metavar="LABELS", help="Labels files, or folders holding an index.yaml labels file."
        ),
    ],
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Evaluate this rule set instead of the default.")
    ] = None,
    catalog: CatalogOption = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Report format.")
    ] = ReportFormat.text,
    min_accuracy: Annotated[
        float | None,
        typer.Option(
            "--min-accuracy",
            min=0.0,
            max=1.0,
            parser=finite(0.0, 1.0),
            help="CI gate: exit 1 when the accuracy on clean (non-ambiguous) cases is below this.",
        ),
    ] = None,
) -> None:
    """Measure the advice on labelled decisions: accuracy, confusion, calibration, baselines.

    Exit 0 when measured (and the gate passed), 1 when the clean accuracy is below
    --min-accuracy, 2 when a labels or requirements file is bad (file:line:col).

    \b
    Examples:
      slmvllm eval examples/cases                          # a folder holding an index.yaml
      slmvllm eval benchmarks/decisions/test.yaml -f markdown
      slmvllm eval our-cases/ --rules team.yaml --min-accuracy 0.8   # a CI gate
    """
    from slmvllm.commands.eval import EvalOptions, run_eval

    if any(not path.strip() for path in labels):
        # Path("") would be ".", the current folder: never what an empty value meant.
        raise typer.BadParameter(
            "an empty path; give a labels file or a folder", param_hint="LABELS"
        )
    code = run_eval(
        EvalOptions(
            labels=[Path(path) for path in labels],
            rules=rules,
            catalog=catalog,
            output_format=output_format.value,
            min_accuracy=min_accuracy,
        )
    )
    raise typer.Exit(code)


rules_app = typer.Typer(
    name="rules",
    help="Work with rule sets: check, list, explain a rule, or diff two on use cases.\n\n"
    "\b\nExamples:\n"
    "  slmvllm rules check my-rules.yaml --strict\n"
    "  slmvllm rules explain evidence.narrow-task-fine-tuned-slm -r use-cases/\n"
    "  slmvllm rules diff default my-rules.yaml -r use-cases/",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(rules_app)


@rules_app.command("check")
def rules_check(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Rule set files to check; none checks the default rule set."),
    ] = None,
    output_format: DataFormatOption = DataFormat.text,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when a file has warnings.")
    ] = False,
) -> None:
    """Load and check rule set files: schema, references, dead or clashing rules, questions.

    Exit 0 when every file is sound, 2 when one does not load or has an error (each
    reported as file:line:col), 1 with --strict when only warnings were found.

    \b
    Examples:
      slmvllm rules check                      # the default rule set
      slmvllm rules check my-rules.yaml --strict
      slmvllm rules check team/*.yaml --format json
    """
    from slmvllm.commands.rules import RulesCheckOptions, run_rules_check

    code = run_rules_check(
        RulesCheckOptions(files=list(files or []), output_format=output_format.value, strict=strict)
    )
    raise typer.Exit(code)


@rules_app.command("list")
def rules_list(
    rules: Annotated[
        Path | None, typer.Option("--rules", help="List this rule set instead of the default.")
    ] = None,
    output_format: DataFormatOption = DataFormat.text,
) -> None:
    """List a rule set's rules: when each applies, its points or exclusions, its sources.

    \b
    Examples:
      slmvllm rules list
      slmvllm rules list --rules my-rules.yaml
      slmvllm rules list --format json | jq '.[].id'
    """
    from slmvllm.commands.rules import RulesListOptions, run_rules_list

    raise typer.Exit(run_rules_list(RulesListOptions(rules, output_format.value)))


records_app = typer.Typer(
    name="records",
    help="Decision records (written by advise --record DIR): re-check them.\n\n"
    "\b\nExamples:\n"
    "  slmvllm advise -r use-cases/ --record decisions/\n"
    "  slmvllm records check decisions/   # exit 1 when a decision changed",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(records_app)


@records_app.command("check")
def records_check(
    folder: Annotated[Path, typer.Argument(help="The folder advise --record wrote to.")],
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Re-advise with this rule set.")
    ] = None,
    catalog: CatalogOption = None,
    output_format: DataFormatOption = DataFormat.text,
) -> None:
    """Re-advise every decision record with today's rules and prices.

    Exit 1 naming each record whose recommendation flipped or whose break-even volume
    was crossed, 0 when none did: a scheduled CI job.

    \b
    Examples:
      slmvllm advise -r use-cases/ --record decisions/
      slmvllm records check decisions/
    """
    from slmvllm.commands.records import RecordsCheckOptions, run_records_check

    options = RecordsCheckOptions(folder, rules, catalog, output_format.value)
    raise typer.Exit(run_records_check(options))


RequirementsPaths = Annotated[
    list[str] | None,
    typer.Option(
        "--requirements",
        "-r",
        help="Requirements YAML file or a folder of them. Repeatable.",
    ),
]


def _paths(values: list[str] | None) -> list[Path]:
    if any(not value.strip() for value in values or []):
        # Path("") would be ".", the current folder: never what an empty value meant.
        raise typer.BadParameter("an empty path; give a file or a folder", param_hint="-r")
    return [Path(value) for value in values or []]


@rules_app.command("explain")
def rules_explain(
    rule_id: Annotated[str, typer.Argument(help="The rule's id, as `rules list` shows it.")],
    requirements: RequirementsPaths = None,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Explain a rule of this rule set.")
    ] = None,
    output_format: DataFormatOption = DataFormat.text,
) -> None:
    """Explain one rule: condition in words, points, sources, layer; with -r, its effect.

    \b
    Examples:
      slmvllm rules explain evidence.world-knowledge
      slmvllm rules explain evidence.world-knowledge -r examples/ --format json
      slmvllm rules explain acme.eu-residency-keeps-data-home --rules team.yaml -r cases/
    """
    from slmvllm.commands.rules_review import RulesExplainOptions, run_rules_explain

    options = RulesExplainOptions(rule_id, rules, _paths(requirements), output_format.value)
    raise typer.Exit(run_rules_explain(options))


@rules_app.command("diff")
def rules_diff(
    old: Annotated[Path, typer.Argument(help="The old rule set: a file, or default.")],
    new: Annotated[Path, typer.Argument(help="The new rule set: a file, or default.")],
    requirements: RequirementsPaths = None,
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold",
            min=0.0,
            max=1.0,
            parser=finite(0.0, 1.0),
            help="Report confidence moves larger than this.",
        ),
    ] = 0.05,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="text, json or markdown.")
    ] = ReportFormat.text,
    fail_on_change: Annotated[
        bool,
        typer.Option("--fail-on-change", help="Exit 1 when any recommendation changes."),
    ] = False,
) -> None:
    """Compare two rule sets on use cases: what changes, and which rules caused it.

    \b
    Examples:
      slmvllm rules diff default team.yaml -r use-cases/
      slmvllm rules diff default team.yaml -r use-cases/ --format markdown
      slmvllm rules diff old.yaml new.yaml -r use-cases/ --fail-on-change   # a CI gate
    """
    from slmvllm.commands.rules_review import RulesDiffOptions, run_rules_diff

    paths = _paths(requirements)
    if not paths:
        raise typer.BadParameter("give the use cases to compare on", param_hint="-r")
    options = RulesDiffOptions(old, new, paths, threshold, output_format.value, fail_on_change)
    raise typer.Exit(run_rules_diff(options))


def _click_class(name: str) -> type[BaseException]:
    # Typer ships click (vendored as typer._click in recent releases, the click package
    # in older ones); find its exception classes through typer, whichever it is.
    for cls in typer.BadParameter.__mro__:
        if cls.__name__ == name:
            return cls
    raise LookupError(name)  # pragma: no cover


_ClickException = _click_class("ClickException")
_Abort = typer.Abort


def run(argv: list[str]) -> int:
    """Run the CLI on `argv` and return the exit code; never raises (but SystemExit from tests)."""
    debug = "--debug" in argv or bool(os.environ.get("SLMVLLM_DEBUG"))
    try:
        command = typer.main.get_command(app)
        code = command.main(args=argv, prog_name="slmvllm", standalone_mode=False)
        return int(code) if isinstance(code, int) else ExitCode.OK
    except _Abort:
        sys.stderr.write("slmvllm: interrupted\n")
        return ExitCode.INTERRUPTED
    except _ClickException as exc:
        exc.show(file=sys.stderr)  # type: ignore[attr-defined]
        return ExitCode.BAD_INPUT
    except KeyboardInterrupt:
        sys.stderr.write("\nslmvllm: interrupted\n")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        silence_stdout()
        return ExitCode.OK
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRORS:
            return _internal(exc, debug)
        # The output could not be written (a full disk, a quota, a dead device): the
        # run's environment, not a bug. Nothing more can be written to stdout either.
        silence_stdout()
        sys.stderr.write(f"slmvllm: error: cannot write the output: {literal(exc.strerror)}\n")
        return ExitCode.BAD_INPUT
    except SlmvllmError as exc:
        prefix = "" if isinstance(exc, (GateFailedError, StoppedByUserError)) else "error: "
        for line in str(exc).splitlines() or [type(exc).__name__]:
            # Messages quote file names and values: never let them drive the terminal.
            sys.stderr.write(f"slmvllm: {prefix}{literal(line)}\n")
        return int(exc.exit_code)
    except Exception as exc:  # a bug: one line, the traceback only on request
        return _internal(exc, debug)


#: errno values of a failed write to stdout that are the environment's, not a bug.
_OUTPUT_ERRORS = frozenset(
    getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EIO", "EFBIG") if hasattr(errno, name)
)


def _internal(exc: BaseException, debug: bool) -> int:
    if debug:
        traceback.print_exception(exc)
    detail = " ".join(literal(exc).splitlines())  # one line, whatever the message
    sys.stderr.write(
        f"slmvllm: internal error: {type(exc).__name__}: {detail} "
        "(rerun with --debug for the traceback, and please report it)\n"
    )
    return ExitCode.INTERNAL


def _closed_stdout() -> bool:
    # Started with a standard stream closed (`<&-`, `2>&-`, `>&-`): Python makes it None.
    # A closed stdin reads as empty and a closed stderr swallows diagnostics, but with
    # stdout closed there is nowhere to put the result: that is bad usage, exit 2.
    if sys.stdin is None:
        sys.stdin = Path(os.devnull).open(encoding="utf-8")
    if sys.stderr is None:
        sys.stderr = Path(os.devnull).open("w", encoding="utf-8")
    if sys.stdout is None:
        sys.stderr.write("slmvllm: error: standard output is closed; nowhere to write\n")
        return True
    return False


def main() -> None:
    """Console-script entry point."""
    if _closed_stdout():
        sys.exit(ExitCode.BAD_INPUT)
    code = run(sys.argv[1:])
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
    sys.exit(code)
