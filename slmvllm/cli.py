"""The `slmvllm` command: typer parses, the core decides, renderers format; exit codes live here.

`main()` is the one place where exceptions become exit codes (see the contract):
0 ok, 1 gate failed, 2 bad input or usage, 3 internal error, 130 interrupted.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from slmvllm import __version__
from slmvllm.commands.advise_cli import advise
from slmvllm.commands.cases_cli import cases
from slmvllm.commands.compare_cli import compare
from slmvllm.commands.eval_cli import eval_
from slmvllm.commands.init_cli import init
from slmvllm.commands.mcp_cli import mcp
from slmvllm.commands.models_cli import models_app
from slmvllm.commands.records_cli import records_app
from slmvllm.commands.rules_cli import rules_app
from slmvllm.commands.schema_cli import schema
from slmvllm.commands.trial_cli import trial
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


# The verbs in the order `--help` lists them; each module holds its command's options.
app.command()(advise)
app.add_typer(models_app)
app.command()(cases)
app.command()(compare)
app.command()(mcp)
app.command()(trial)
app.command()(schema)
app.command()(init)
app.command("eval")(eval_)
app.add_typer(rules_app)
app.add_typer(records_app)


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
        import traceback

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
