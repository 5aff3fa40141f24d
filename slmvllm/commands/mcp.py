"""`slmvllm mcp`: serve the tools to coding agents over MCP (stdio)."""

from __future__ import annotations

from slmvllm.errors import InputError, Problem

INSTALL_HINT = (
    "the MCP server needs the optional extra: pip install 'slmvllm[mcp]' "
    "(or: pipx inject slmvllm mcp)"
)


def run_mcp() -> int:
    """Serve until the client disconnects; exit 2 with how to install when the SDK is absent."""
    try:
        from slmvllm.agent.server import serve_stdio
    except ImportError as exc:
        if (exc.name or "").split(".")[0] != "mcp":
            raise
        raise InputError(Problem("slmvllm mcp", INSTALL_HINT)) from None

    serve_stdio()
    return 0
