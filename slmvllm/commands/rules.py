"""`slmvllm rules`: check rule set files as CI does before using them, or list a set's rules."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.text import Text

from slmvllm.advice.engine import rule_facts
from slmvllm.advice.placement import Placement
from slmvllm.advice.rule_set_model import Rule, RuleSet
from slmvllm.advice.rule_sets import default_rule_set_path, load_rule_set
from slmvllm.errors import ExitCode, GateFailedError, InputError, Problem
from slmvllm.loading.documents import STDIN_NAME
from slmvllm.render.consoles import (
    print_warnings,
    silence_stdout,
    stderr_console,
    stdout_console,
)
from slmvllm.render.json_doc import dumps_json
from slmvllm.render.safe import one_line


@dataclass(frozen=True)
class RulesCheckOptions:
    files: list[Path]  # none: the default rule set
    output_format: str  # text | json
    strict: bool


def run_rules_check(opts: RulesCheckOptions, err: Console | None = None) -> int:
    """Check every file; report each on stdout, then fail with all the errors at once.

    Exit 2 (bad input) when a file does not load or its checks find an error, 1 with
    --strict when only warnings were found, else 0.
    """
    err = err or stderr_console()
    # Each file once, in the order given (`-` can be read only once anyway).
    paths = list(dict.fromkeys(opts.files)) or [default_rule_set_path()]
    records: list[dict[str, Any]] = []
    errors: list[Problem] = []
    warnings = 0
    for path in paths:
        record: dict[str, Any] = {
            "file": STDIN_NAME if str(path) == "-" else str(path),
            "ok": False,
            "name": None,
            "version": None,
            "rules": None,
            "questions": None,
            "layers": None,
            "errors": [],
            "warnings": [],
        }
        try:
            loaded = load_rule_set(path)
        except InputError as exc:
            errors += exc.problems
            record["errors"] = [str(p) for p in exc.problems]
            record["problems_by_file"] = _by_file(exc.problems)
            records.append(record)
            continue
        rs = loaded.rule_set
        warnings += len(loaded.warnings)
        print_warnings(err, loaded.warnings)
        record.update(
            ok=True,
            name=rs.name,
            version=rs.version,
            rules=len(rs.rules),
            questions=len(rs.questions),
            layers=[layer.file for layer in loaded.placement.layers] if loaded.placement else None,
            warnings=[str(w) for w in loaded.warnings],
            problems_by_file=_by_file(loaded.warnings),
        )
        records.append(record)
    try:
        _emit(records, opts.output_format)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`| head`): the exit code still counts
        silence_stdout()
    if errors:
        raise InputError(errors)
    if opts.strict and warnings:
        raise GateFailedError(f"{warnings} warning(s) and --strict: not accepted")
    return ExitCode.OK


def _emit(records: list[dict[str, Any]], output_format: str) -> None:
    if output_format == "json":
        sys.stdout.write(dumps_json(records))
        return
    for r in records:
        if r["ok"]:
            line = (
                f"{r['file']}: ok: rule set {r['name']} {r['version']}, {r['rules']} rules, "
                f"{r['questions']} questions, {len(r['warnings'])} warning(s)"
            )
        else:
            line = f"{r['file']}: {len(r['errors'])} error(s)"
        sys.stdout.write(one_line(line) + "\n")  # a name with a newline cannot forge a line
        if r["layers"] and len(r["layers"]) > 1:
            sys.stdout.write(one_line(f"  layers: {' <- '.join(r['layers'])}") + "\n")
        by_file = r.get("problems_by_file") or {}
        if len(by_file) > 1 or (by_file and next(iter(by_file)) != r["file"]):
            for name, count in by_file.items():
                kind = "error(s)" if not r["ok"] else "warning(s)"
                sys.stdout.write(one_line(f"  {name}: {count} {kind}") + "\n")


@dataclass(frozen=True)
class RulesListOptions:
    rules: Path | None  # none: the default rule set
    output_format: str  # text | json


def _by_file(problems: list[Problem]) -> dict[str, int]:
    """How many problems each file of a chain has, in the order they are reported."""
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem.source] = counts.get(problem.source, 0) + 1
    return counts


def rule_record(rs: RuleSet, rule: Rule, placement: Placement | None = None) -> dict[str, Any]:
    """One rule as data: its condition in words, points, exclusions, sources and layer."""
    origin = placement.origins.get(rule.id) if placement else None
    return {
        **rule_facts(rs, rule),
        "layer": origin.layer if origin else None,
        "overridden_by": list(origin.overridden_by) if origin else [],
        "active": True,
        "disabled_by": None,
        "disabled_because": None,
    }


def run_rules_list(opts: RulesListOptions, err: Console | None = None) -> int:
    """Every rule of a rule set, in file order; returns the exit code."""
    err = err or stderr_console()
    loaded = load_rule_set(opts.rules)
    print_warnings(err, loaded.warnings)
    rs = loaded.rule_set
    placement = loaded.placement
    records = [rule_record(rs, rule, placement) for rule in rs.rules]
    for gone in placement.disabled if placement else []:
        record = rule_record(rs, gone.rule)
        record.update(
            layer=gone.origin, active=False, disabled_by=gone.layer, disabled_because=gone.reason
        )
        records.append(record)
    active = sum(1 for r in records if r["active"])
    layered = placement is not None and len(placement.layers) > 1
    try:
        if opts.output_format == "json":
            sys.stdout.write(dumps_json(records))
        else:
            console = stdout_console()
            console.print(
                Text(one_line(f"Rule set {rs.name} {rs.version}: {active} rules")),
                style="bold",
            )
            if layered and placement is not None:
                chain = " <- ".join(f"{i.file} ({i.name} {i.version})" for i in placement.layers)
                console.print(Text(one_line(f"layers: {chain}"), style="dim"))
            for record in records:
                console.print()
                console.print(_rule_block(record, layered))
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`| head`)
        silence_stdout()
    return ExitCode.OK


def _rule_block(record: dict[str, Any], layered: bool = False) -> Group:
    if not record["active"]:
        return Group(
            Text.assemble(
                (one_line(record["id"]), "bold strike"), "  ", one_line(record["summary"])
            ),
            Text(
                one_line(
                    f"  disabled by {record['disabled_by']}: {record['disabled_because']} "
                    f"(from {record['layer']})"
                ),
                style="yellow",
            ),
        )
    lines = [
        Text.assemble((one_line(record["id"]), "bold"), "  ", one_line(record["summary"])),
        Text(f"  when: {record['when'] or 'always'}", style="dim"),
    ]
    points = "; ".join(
        f"{option} " + ", ".join(f"{criterion} {value:+g}" for criterion, value in by.items())
        for option, by in record["points"].items()
    )
    if points:
        lines.append(Text(one_line(f"  points: {points}"), style="dim"))
    if record["exclude"]:
        why = f": {record['reason']}" if record["reason"] else ""
        lines.append(Text(one_line(f"  excludes: {', '.join(record['exclude'])}{why}")))
    lines.append(Text(one_line(f"  source: {record['source']}"), style="dim"))
    if layered:
        layer = f"  layer: {record['layer']}"
        if record["overridden_by"]:
            layer += f", overridden by {', '.join(record['overridden_by'])}"
        lines.append(Text(one_line(layer), style="dim"))
    return Group(*lines)
