"""`slmvllm rules` (check, list, explain, diff) on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from slmvllm.commands.cli_options import (
    DataFormat,
    DataFormatOption,
    ReportFormat,
    RequirementsPaths,
    finite,
    requirement_paths,
)

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

    options = RulesExplainOptions(
        rule_id, rules, requirement_paths(requirements), output_format.value
    )
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

    paths = requirement_paths(requirements)
    if not paths:
        raise typer.BadParameter("give the use cases to compare on", param_hint="-r")
    options = RulesDiffOptions(old, new, paths, threshold, output_format.value, fail_on_change)
    raise typer.Exit(run_rules_diff(options))
