"""The `slmvllm` command's entry point: `--version` is answered before the CLI is built.

Building the typer application (every command's options) is most of a short run's
start-up; a version query needs none of it. Everything else goes to `slmvllm.cli.main`.
"""

from __future__ import annotations

import sys

from slmvllm import __version__


def main() -> None:
    """Console-script entry point (`slmvllm` and `python -m slmvllm`)."""
    if sys.argv[1:] == ["--version"] and sys.stdout is not None:
        try:
            sys.stdout.write(f"slmvllm {__version__}\n")
            sys.stdout.flush()
        except BrokenPipeError:
            pass  # a reader that left early: as for every other output, not an error
        sys.exit(0)
    from slmvllm.cli import main as cli_main

    cli_main()
