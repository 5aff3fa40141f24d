"""`slmvllm mcp`: the tools of `slmvllm.agent.tools` served over MCP (stdio), on the
official `mcp` SDK (the optional extra `slmvllm[mcp]`).

Each call runs one tool; a `SlmvllmError` (a bad requirements value, an unreadable
rule set) becomes a tool error whose text is the CLI's message; a bug becomes a tool
error naming it, and the server goes on. Nothing but the protocol is written to stdout.
"""

from __future__ import annotations

import io
import json
import os
import sys
from typing import Any

import anyio
from mcp import types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

from slmvllm import __version__
from slmvllm.agent.tools import Tool, error_text, tools
from slmvllm.errors import SlmvllmError


def build_server() -> Server[Any]:
    """The MCP server with every tool listed and callable."""
    server: Server[Any] = Server(
        "slmvllm",
        version=__version__,
        instructions="Advises whether a use case should run on a small language model, a "
        "large one or a hybrid, with sourced reasons and cost figures. Call `questions` to "
        "learn what to ask the user, then `advise` with the answers.",
    )
    table: dict[str, Tool] = {tool.name: tool for tool in tools()}

    @server.list_tools()  # type: ignore[no-untyped-call, untyped-decorator]
    async def _list() -> list[types.Tool]:
        return [
            types.Tool(name=t.name, description=t.description, inputSchema=t.input_schema)
            for t in table.values()
        ]

    # The tools check their arguments themselves, so a bad value gets the CLI's message.
    @server.call_tool(validate_input=False)  # type: ignore[untyped-decorator]
    async def _call(name: str, arguments: dict[str, Any] | None) -> types.CallToolResult:
        tool = table.get(name)
        if tool is None:
            return _error(f"slmvllm: error: unknown tool {name!r}; tools: {', '.join(table)}")
        try:
            # The core is synchronous; run it off the event loop.
            output = await anyio.to_thread.run_sync(tool.run, arguments or {})
        except SlmvllmError as exc:
            return _error(error_text(exc))
        except Exception as exc:  # a bug: say so, keep serving
            return _error(f"slmvllm: internal error: {type(exc).__name__}: {exc}")
        data = output.data if isinstance(output.data, dict) else {"items": output.data}
        return types.CallToolResult(
            content=[
                types.TextContent(type="text", text=output.text),
                types.TextContent(type="text", text=json.dumps(data, ensure_ascii=False)),
            ],
            structuredContent=data,
            isError=False,
        )

    return server


def _error(text: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)], isError=True)


def serve_stdio() -> None:
    """Serve on stdin and stdout until the client closes them."""
    server = build_server()

    async def run() -> None:
        # Streams of our own over copies of the descriptors: the SDK's default wrappers
        # close sys.stdout's buffer when collected, and the CLI still flushes it after.
        stdin = io.TextIOWrapper(
            os.fdopen(os.dup(sys.stdin.fileno()), "rb"), encoding="utf-8", errors="replace"
        )
        stdout = io.TextIOWrapper(os.fdopen(os.dup(sys.stdout.fileno()), "wb"), encoding="utf-8")
        with stdin, stdout:
            async with stdio_server(anyio.wrap_file(stdin), anyio.wrap_file(stdout)) as (
                read,
                write,
            ):
                await server.run(read, write, server.create_initialization_options())

    anyio.run(run)
