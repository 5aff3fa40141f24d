"""`slmvllm advise`: gather requirements (files, --set, prompts), run the engine, render, gate."""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rich.console import Console

from slmvllm.advice.engine import check_requirements
from slmvllm.advice.questions import AnswerError, answers_yaml, parse_assignments
from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advice.rule_sets import load_rule_set
from slmvllm.advisor import advise
from slmvllm.errors import (
    ExitCode,
    GateFailedError,
    InputError,
    NoFeasibleOptionError,
    NoTerminalError,
    Problem,
    StoppedByUserError,
)
from slmvllm.loading.documents import Document
from slmvllm.loading.reading import directory_yaml_files, read_source
from slmvllm.loading.saving import write_atomic
from slmvllm.loading.validation import validate
from slmvllm.loading.yaml_parsing import parse_yaml
from slmvllm.numbers.catalog import Catalog, load_catalog
from slmvllm.prompting import QuestionnaireStopped, ask, ask_path, ask_yes_no
from slmvllm.render.consoles import (
    print_warnings,
    silence_stdout,
    stderr_console,
    stdout_console,
)
from slmvllm.render.safe import literal, one_line
from slmvllm.requirements import Requirements
from slmvllm.result import Result


@dataclass(frozen=True)
class AdviseOptions:
    requirements: list[Path]
    assignments: list[str]
    rules: Path | None
    catalog: Path | None
    output_format: str
    expect: str | None
    min_confidence: float | None
    no_input: bool
    interactive: bool
    save_answers: Path | None
    force: bool
    explain: bool = False
    report: Path | None = None


@dataclass(frozen=True)
class UseCase:
    source: str | None
    requirements: Requirements


def run_advise(opts: AdviseOptions, err: Console | None = None) -> int:
    """The whole `advise` command; returns the exit code or raises a SlmvllmError."""
    err = err or stderr_console()
    loaded = load_rule_set(opts.rules)
    print_warnings(err, loaded.warnings)
    rs = loaded.rule_set
    try:
        overrides = parse_assignments(rs, opts.assignments)
    except AnswerError as exc:
        raise InputError(Problem("command line", str(exc))) from None

    # Every file the run depends on is read before anyone is asked anything.
    catalog = load_catalog(extra=opts.catalog)
    if opts.requirements:
        cases, as_list = _from_files(rs, opts, overrides, err)
    else:
        cases, as_list = [_from_questionnaire(rs, opts, overrides, err)], False

    from slmvllm.render.progress import track

    results = [(case.source, _advise(rs, case, catalog)) for case in track(cases, "advising")]
    if opts.report is not None:  # before stdout: a report that cannot be written is exit 2
        from slmvllm.commands.report_file import write_report

        write_report(opts.report, results, rs, as_list=as_list, explain=opts.explain, err=err)
    try:
        _emit(rs, results, opts, as_list)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`| head`): not an error. Stop writing, keep the
        # gates' verdict (click would otherwise turn this into exit 1).
        silence_stdout()
    return _gates(results, opts)


# --------------------------------------------------------------------------- inputs


def _expand(paths: list[Path]) -> tuple[list[Path], bool]:
    files: list[Path] = []
    folder = False
    for path in paths:
        if str(path) != "-" and _is_folder(path):
            folder = True
            files += directory_yaml_files(path)
        else:
            files.append(path)
    if sum(1 for f in files if str(f) == "-") > 1:
        raise InputError(Problem("command line", "-r - (stdin) can be given only once"))
    return files, folder or len(files) > 1


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long...: `write_atomic` reports it
        return False


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name too long...: `read_source` reports it
        return False


def _from_files(
    rs: RuleSet, opts: AdviseOptions, overrides: dict[str, Any], err: Console
) -> tuple[list[UseCase], bool]:
    files, as_list = _expand(opts.requirements)
    if opts.interactive and len(files) != 1:
        raise InputError(Problem("command line", "--interactive works with exactly one -r file"))
    if any(str(f) == "-" for f in files) and sys.stdin.isatty():
        err.print(
            "Reading the requirements YAML from the terminal; end it with Ctrl-D on a line "
            "of its own.",
            style="dim",
            markup=False,
        )
    cases: list[UseCase] = []
    problems: list[Problem] = []
    for path in files:
        try:
            doc = parse_yaml(read_source(path, what="requirements file"))
            cases.append(UseCase(doc.source, _requirements(rs, doc, overrides)))
        except InputError as exc:
            problems += exc.problems  # report every bad file, not just the first
    if problems:
        raise InputError(problems)
    if opts.interactive:
        case = cases[0]
        answers = ask_or_stop(rs, opts, case.requirements.given(), err)
        cases = [UseCase(case.source, Requirements.model_validate(answers))]
    elif opts.save_answers is not None:
        _save_merged(rs, opts, cases, err)
    return cases, as_list


def _save_merged(rs: RuleSet, opts: AdviseOptions, cases: list[UseCase], err: Console) -> None:
    # Without prompts, --save-answers keeps the file's values with --set applied: a
    # variant of a case becomes a file of its own. Never overwrites without --force.
    if len(cases) != 1 or opts.save_answers is None:
        raise InputError(
            Problem("command line", "--save-answers with -r takes exactly one requirements file")
        )
    target = opts.save_answers
    origin = f"{cases[0].source} with --set applied" if opts.assignments else str(cases[0].source)
    text = answers_yaml(rs, cases[0].requirements.given(), origin=literal(origin))
    write_atomic(target, text, overwrite=opts.force)
    err.print(f"Saved the requirements to {one_line(target)}", markup=False)


def _requirements(rs: RuleSet, doc: Document, overrides: dict[str, Any]) -> Requirements:
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        raise InputError(
            doc.problem((), f"the top level is {kind}; a requirements file is a mapping of fields")
        )
    data = dict(doc.data)
    for name, value in overrides.items():
        if name == "priorities" and isinstance(data.get("priorities"), dict):
            data["priorities"] = {**data["priorities"], **value}
        else:
            data[name] = value
    merged = Document(doc.source, data, doc.values, doc.keys)
    requirements = validate(Requirements, merged)
    problems = [
        doc.problem(loc, message, key=True) for loc, message in check_requirements(rs, requirements)
    ]
    if problems:
        raise InputError(problems)
    return requirements


def _from_questionnaire(
    rs: RuleSet, opts: AdviseOptions, overrides: dict[str, Any], err: Console
) -> UseCase:
    if opts.no_input or not sys.stdin.isatty():
        why = "--no-input was given" if opts.no_input else "standard input is not a terminal"
        raise NoTerminalError(
            Problem(
                "command line",
                f"no requirements to advise on and {why}, so nobody can be asked: "
                "pass -r FILE (or -r - to read YAML from stdin)",
            )
        )
    answers = ask_or_stop(rs, opts, overrides, err)
    return UseCase(None, Requirements.model_validate(answers))


def ask_or_stop(
    rs: RuleSet, opts: AdviseOptions, given: dict[str, Any], err: Console
) -> dict[str, Any]:
    """Run the questionnaire; on Ctrl-C/Ctrl-D save (or offer to save) the answers, then stop."""
    if opts.no_input or not sys.stdin.isatty():
        raise NoTerminalError(
            Problem(
                "command line",
                "--interactive needs a terminal on standard input; drop -i to "
                "use the file's values and the defaults",
            )
        )
    err.print(
        "Answer each question; Enter keeps the default, Ctrl-C stops (your answers can be saved).",
        style="dim",
    )
    try:
        answers = ask(rs, err, given)
    except QuestionnaireStopped as stop:
        saved = _save(rs, opts, stop.answers, err, partial=True)
        note = f"; answers saved to {saved}" if saved else "; nothing saved"
        raise StoppedByUserError(f"questionnaire {stop.how}{note}") from None
    _save(rs, opts, answers, err, partial=False)
    return answers


def _save(
    rs: RuleSet, opts: AdviseOptions, answers: dict[str, Any], err: Console, *, partial: bool
) -> Path | None:
    if not answers:
        return None
    target = opts.save_answers
    if target is None:
        typed = ask_path(
            err, "Save these answers as a requirements file? File name (Enter to skip):"
        )
        if not typed:
            return None
        target = Path(typed)
    overwrite = opts.force
    if _is_file(target) and not overwrite:
        overwrite = ask_yes_no(err, f"{one_line(target)} exists. Overwrite it?")
        if not overwrite:
            err.print(f"Not overwritten: {one_line(target)}", markup=False)
            fallback = ask_path(err, "Another file name (Enter to discard the answers):")
            if not fallback:
                return None
            target = Path(fallback)
    try:
        write_atomic(target, answers_yaml(rs, answers, partial=partial), overwrite=overwrite)
    except InputError as exc:
        # Nothing lost: say why, and offer another name rather than drop the answers.
        err.print(f"slmvllm: {one_line(exc)}", markup=False)
        fallback = ask_path(err, "Another file name (Enter to discard the answers):")
        if not fallback:
            return None
        return _save(
            rs,
            replace(opts, save_answers=Path(fallback), force=False),
            answers,
            err,
            partial=partial,
        )
    shown = one_line(target)
    err.print(f"Saved answers to {shown} (rerun with: slmvllm advise -r {shown})", markup=False)
    return target


# --------------------------------------------------------------------------- output


def _advise(rs: RuleSet, case: UseCase, catalog: Catalog) -> Result:
    try:
        return advise(case.requirements, rs, catalog)
    except NoFeasibleOptionError as exc:  # name the file whose constraints clash
        source = case.source or "the answers"
        raise NoFeasibleOptionError(
            [Problem(source, p.message, field=p.field) for p in exc.problems]
        ) from None


def _emit(
    rs: RuleSet, results: list[tuple[str | None, Result]], opts: AdviseOptions, as_list: bool
) -> None:
    if opts.output_format == "json":
        from slmvllm.render.json_doc import render_json

        sys.stdout.write(render_json(results, as_list=as_list))
        return
    if opts.output_format == "markdown":
        from slmvllm.render.estimates_view import render_estimates_markdown
        from slmvllm.render.markdown import render_markdown

        sys.stdout.write(
            "\n".join(
                render_markdown(r, rs, source=s)
                + (render_estimates_markdown(r.estimates) if r.estimates else "")
                for s, r in results
            )
        )
        return
    from slmvllm.render.terminal import print_reports

    print_reports(stdout_console(), results, rs, as_list=as_list, explain=opts.explain)


def _gates(results: list[tuple[str | None, Result]], opts: AdviseOptions) -> int:
    failures: list[str] = []
    for source, result in results:
        name = f"{source}: " if source else ""
        if opts.expect and result.recommendation != opts.expect:
            failures.append(
                f"{name}recommendation is {result.recommendation}, expected {opts.expect}"
            )
        if opts.min_confidence is not None and result.confidence < opts.min_confidence:
            failures.append(
                f"{name}confidence {result.confidence:.2f} is below "
                f"--min-confidence {opts.min_confidence:g}"
            )
    if failures:
        raise GateFailedError("\n".join(f"gate failed: {f}" for f in failures))
    return ExitCode.OK
