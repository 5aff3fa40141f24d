"""`slmvllm mcp` on the command line."""

from __future__ import annotations

import typer


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
