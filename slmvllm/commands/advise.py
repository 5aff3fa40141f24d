"""`slmvllm advise`: gather requirements (files, --set, prompts), run the engine, render, gate."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advice.rule_sets import load_rule_set
from slmvllm.advice.use_cases import requirements_for
from slmvllm.advisor import check_feasible
from slmvllm.commands.advise_jobs import Made, Shape
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
from slmvllm.loading.reading import directory_yaml_files, read_source, stdin_once

if TYPE_CHECKING:
    from rich.console import Console
from slmvllm.loading.yaml_parsing import parse_yaml
from slmvllm.numbers.catalog import Catalog, load_catalog
from slmvllm.render.safe import literal, one_line
from slmvllm.render.streams import silence_stdout, write_warnings
from slmvllm.requirements import Requirements


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
    all_candidates: bool = False
    explain: bool = False
    report: Path | None = None
    all_questions: bool = False
    tier: str | None = None
    record: Path | None = None
    as_of: str | None = None
    jobs: int = 1
    full_json: bool = False


@dataclass(frozen=True)
class UseCase:
    source: str | None
    requirements: Requirements


class _Stderr:
    """The rich console on stderr, made the first time something is printed through it.

    JSON and JSONL runs never print through it, so they never import rich.
    """

    def __init__(self, console: Console | None = None) -> None:
        if console is not None:
            self.__dict__["console"] = console

    @cached_property
    def console(self) -> Console:
        from slmvllm.render.consoles import stderr_console

        return stderr_console()


@dataclass(frozen=True)
class Verdict:
    """What the gates read of one result."""

    source: str | None
    recommendation: str
    confidence: float


def run_advise(opts: AdviseOptions, err: Console | None = None) -> int:
    """The whole `advise` command; returns the exit code or raises a SlmvllmError.

    Every input is read and checked first (a bad file stops the run before anything
    is advised); then each use case is advised and written as soon as it is done, so a
    folder of a thousand files takes the memory of one result, not of a thousand.
    """
    stderr = _Stderr(err)
    stdin_once({"-r": opts.requirements, "--rules": opts.rules, "--catalog": opts.catalog})
    loaded = load_rule_set(opts.rules)
    write_warnings(loaded.warnings)
    rs = loaded.rule_set
    overrides = _overrides(rs, opts.assignments)

    # Every file the run depends on is read before anyone is asked anything.
    catalog = load_catalog(extra=opts.catalog, as_of=opts.as_of)
    write_warnings(catalog.notes)
    if opts.requirements:
        cases, as_list = _from_files(rs, opts, overrides, stderr, catalog)
    else:
        cases, as_list = [_from_questionnaire(rs, opts, overrides, stderr, catalog)], False
    for case in cases:
        _check_feasible(rs, case, catalog)

    verdicts: list[Verdict] = []
    results = _results(rs, cases, catalog, opts, verdicts, as_list=as_list)
    if opts.report is not None:  # before stdout: a report that cannot be written is exit 2
        from slmvllm.commands.report_file import write_report

        made = list(results)  # a report shows every result at once
        write_report(
            opts.report,
            [(m.source, m.payload) for m in made],
            rs,
            as_list=as_list,
            explain=opts.explain,
            err=stderr.console,
        )
        results = iter(made)
    try:
        _emit(rs, results, opts, as_list)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`| head`): not an error. Stop writing, keep the
        # gates' verdict (click would otherwise turn this into exit 1).
        silence_stdout()
        for _ in results:  # the gates still read every result
            pass
    return _gates(verdicts, opts)


def _results(
    rs: RuleSet,
    cases: list[UseCase],
    catalog: Catalog,
    opts: AdviseOptions,
    verdicts: list[Verdict],
    *,
    as_list: bool,
) -> Iterator[Made]:
    from slmvllm.commands.advise_jobs import Batch, made_in_order
    from slmvllm.render.progress import track

    # The full text report lists every candidate; JSON, JSONL and Markdown are the same
    # with or without --explain (a --report beside them shows the compact list).
    every = opts.all_candidates or (opts.explain and opts.output_format == "text")
    batch = Batch(
        rule_set=rs,
        catalog=catalog,
        cases=[(case.source, case.requirements) for case in cases],
        shape=_shape(opts, as_list=as_list),
        full_json=opts.full_json,
        all_candidates=every,
        tier=opts.tier,
    )
    # The bar moves on when the next result is asked for: after this one is written.
    for _, made in zip(track(cases, "advising"), made_in_order(batch, opts.jobs), strict=False):
        verdicts.append(Verdict(made.source, made.recommendation, made.confidence))
        if opts.record is not None:
            from slmvllm.commands.records import write_record

            write_record(opts.record, made.source, made.payload, rs, catalog)
        yield made


def _shape(opts: AdviseOptions, *, as_list: bool) -> Shape:
    """What the advice of each case is rendered to where it is made (see advise_jobs)."""
    if opts.report is not None or opts.record is not None or opts.output_format == "text":
        return "result"
    if opts.output_format == "markdown":
        return "markdown"
    if opts.output_format == "jsonl":
        return "jsonl"
    return "json-item" if as_list and not opts.full_json else "json"


# --------------------------------------------------------------------------- inputs


def _overrides(rs: RuleSet, assignments: list[str]) -> dict[str, Any]:
    if not assignments:
        return {}
    from slmvllm.advice.questions import AnswerError, parse_assignments

    try:
        return parse_assignments(rs, assignments)
    except AnswerError as exc:
        raise InputError(Problem("command line", str(exc))) from None


def _expand(paths: list[Path]) -> tuple[list[Path], bool]:
    files: list[Path] = []
    folder = False
    for path in paths:
        if str(path) != "-" and _is_folder(path):
            folder = True
            from slmvllm.loading.labels import LABELS_INDEX

            # A folder of labelled cases holds their labels in index.yaml: not a use case.
            files += directory_yaml_files(path, skip=frozenset({LABELS_INDEX}))
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
    rs: RuleSet, opts: AdviseOptions, overrides: dict[str, Any], stderr: _Stderr, catalog: Catalog
) -> tuple[list[UseCase], bool]:
    files, as_list = _expand(opts.requirements)
    if opts.interactive and len(files) != 1:
        raise InputError(Problem("command line", "--interactive works with exactly one -r file"))
    if any(str(f) == "-" for f in files) and sys.stdin.isatty():
        stderr.console.print(
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
            cases.append(UseCase(doc.source, requirements_from(rs, doc, overrides)))
        except InputError as exc:
            problems += exc.problems  # report every bad file, not just the first
    if problems:
        raise InputError(problems)
    if opts.interactive:
        case = cases[0]
        answers = ask_or_stop(rs, opts, case.requirements.given(), stderr.console, catalog)
        cases = [UseCase(case.source, rs.requirements_model().model_validate(answers))]
    elif opts.save_answers is not None:
        _save_merged(rs, opts, cases, stderr)
    return cases, as_list


def _save_merged(rs: RuleSet, opts: AdviseOptions, cases: list[UseCase], stderr: _Stderr) -> None:
    # Without prompts, --save-answers keeps the file's values with --set applied: a
    # variant of a case becomes a file of its own. Never overwrites without --force.
    if len(cases) != 1 or opts.save_answers is None:
        raise InputError(
            Problem("command line", "--save-answers with -r takes exactly one requirements file")
        )
    from slmvllm.advice.questions import answers_yaml
    from slmvllm.loading.saving import write_atomic

    target = opts.save_answers
    origin = f"{cases[0].source} with --set applied" if opts.assignments else str(cases[0].source)
    text = answers_yaml(rs, cases[0].requirements.given(), origin=literal(origin))
    write_atomic(target, text, overwrite=opts.force)
    stderr.console.print(f"Saved the requirements to {one_line(target)}", markup=False)


def requirements_from(rs: RuleSet, doc: Document, overrides: dict[str, Any]) -> Requirements:
    return requirements_for(rs, doc, overrides)


def _from_questionnaire(
    rs: RuleSet, opts: AdviseOptions, overrides: dict[str, Any], stderr: _Stderr, catalog: Catalog
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
    answers = ask_or_stop(rs, opts, overrides, stderr.console, catalog)
    return UseCase(None, rs.requirements_model().model_validate(answers))


def ask_or_stop(
    rs: RuleSet,
    opts: AdviseOptions,
    given: dict[str, Any],
    err: Console,
    catalog: Catalog | None = None,
) -> dict[str, Any]:
    """Run the questionnaire; on Ctrl-C/Ctrl-D save (or offer to save) the answers, then stop.

    Only the questions that can still change the recommendation are asked, unless
    `--all-questions` (or no catalogue to work the cost figures out from) asks them all.
    """
    from slmvllm.advisor import CatalogFigures
    from slmvllm.prompting import QuestionnaireStopped, ask, ask_adaptive

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
    skipped: list[str] = []
    try:
        if opts.all_questions or catalog is None:
            answers = ask(rs, err, given)
        else:
            got = ask_adaptive(rs, err, given, figures=CatalogFigures(catalog))
            answers, skipped = got.values, got.skipped
    except QuestionnaireStopped as stop:
        saved = _save(rs, opts, stop.answers, err, partial=True)
        note = f"; answers saved to {saved}" if saved else "; nothing saved"
        raise StoppedByUserError(f"questionnaire {stop.how}{note}") from None
    _save(rs, opts, answers, err, partial=False, skipped=skipped)
    return answers


def _save(
    rs: RuleSet,
    opts: AdviseOptions,
    answers: dict[str, Any],
    err: Console,
    *,
    partial: bool,
    skipped: list[str] | None = None,
) -> Path | None:
    from slmvllm.advice.questions import answers_yaml
    from slmvllm.loading.saving import write_atomic
    from slmvllm.prompting import ask_path, ask_yes_no

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
        text = answers_yaml(rs, answers, partial=partial, skipped=skipped or [])
        write_atomic(target, text, overwrite=overwrite)
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
            skipped=skipped,
        )
    shown = one_line(target)
    err.print(f"Saved answers to {shown} (rerun with: slmvllm advise -r {shown})", markup=False)
    return target


# --------------------------------------------------------------------------- output


def _check_feasible(rs: RuleSet, case: UseCase, catalog: Catalog) -> None:
    try:
        check_feasible(case.requirements, rs, catalog)
    except NoFeasibleOptionError as exc:  # name the file whose constraints clash
        source = case.source or "the answers"
        raise NoFeasibleOptionError(
            [Problem(source, p.message, field=p.field) for p in exc.problems]
        ) from None


def _emit(
    rs: RuleSet,
    results: Iterator[Made],
    opts: AdviseOptions,
    as_list: bool,
) -> None:
    """Write each result as soon as it is made, in the chosen format."""
    if opts.output_format == "text":
        from slmvllm.render.consoles import stdout_console
        from slmvllm.render.terminal import print_reports

        pairs = ((m.source, m.payload) for m in results)
        print_reports(stdout_console(), pairs, rs, as_list=as_list, explain=opts.explain)
        return
    from slmvllm.commands.advise_jobs import render

    # With --report or --record the results came back whole: render them here.
    shape = _shape(replace(opts, report=None, record=None), as_list=as_list)
    write = sys.stdout.write
    written: set[str] = set()
    for i, made in enumerate(results):
        payload = made.payload
        if not isinstance(payload, (str, tuple)):
            payload = render(rs, shape, made.source, payload, full_json=opts.full_json)
        write(_text(opts, payload, first=i == 0, as_list=as_list, written=written))
    if as_list and opts.output_format == "json":
        write("\n]\n")


def _text(
    opts: AdviseOptions, payload: Any, *, first: bool, as_list: bool, written: set[str]
) -> str:
    if opts.output_format == "markdown":
        return ("" if first else "\n") + str(payload)
    from slmvllm.render.json_doc import list_item_text
    from slmvllm.render.lean_json import join_lean_line

    if isinstance(payload, tuple):
        # A JSON list or a JSON Lines stream is one document: each cited text is written
        # by the first result that cites it.
        payload = join_lean_line(payload, written)
    if opts.output_format == "jsonl" or not as_list:
        return str(payload)
    return list_item_text(str(payload), first=first)


def _gates(verdicts: list[Verdict], opts: AdviseOptions) -> int:
    failures: list[str] = []
    for result in verdicts:
        source = result.source
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
