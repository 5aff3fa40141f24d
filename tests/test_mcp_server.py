"""`slmvllm mcp`: the tools over MCP, through the SDK's in-memory client and over stdio."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest

from tests.conftest import ROOT, run_cli, tree_env

pytest.importorskip("mcp")

from mcp import ClientSession, StdioServerParameters  # noqa: E402
from mcp.client.stdio import stdio_client  # noqa: E402
from mcp.shared.memory import create_connected_server_and_client_session  # noqa: E402

from slmvllm.advisor import default_rule_set  # noqa: E402
from slmvllm.agent.server import build_server  # noqa: E402

EXAMPLE = ROOT / "examples" / "support-triage.yaml"
VERSION = default_rule_set().version


def _session(calls: list[tuple[str, dict[str, Any]]]) -> tuple[list[Any], list[Any]]:
    """List the tools and make each call on one in-memory session."""

    async def main() -> tuple[list[Any], list[Any]]:
        async with create_connected_server_and_client_session(build_server()) as client:
            listed = (await client.list_tools()).tools
            results = [await client.call_tool(name, args) for name, args in calls]
            return listed, results

    return anyio.run(main)


def _example() -> dict[str, Any]:
    import yaml

    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return data


def test_lists_every_tool_with_a_described_schema() -> None:
    listed, _ = _session([])
    assert [t.name for t in listed] == [
        "advise",
        "questions",
        "compare",
        "models",
        "explain_rule",
        "cases",
    ]
    for tool in listed:
        assert tool.description
        for name, prop in tool.inputSchema["properties"].items():
            assert prop.get("description"), (tool.name, name)
    for tool in (listed[0], listed[5]):
        requirements = tool.inputSchema["properties"]["requirements"]["properties"]
        for name, prop in requirements.items():
            assert prop.get("description"), (tool.name, name)


def test_advise_gives_the_cli_recommendation() -> None:
    cli = run_cli("advise", "-r", str(EXAMPLE), "--format", "json", "--full-json")
    expected = json.loads(cli.out)
    _, [result] = _session([("advise", {"requirements": _example()})])
    assert not result.isError
    got = result.structuredContent
    assert (got["recommendation"], got["confidence"], got["scores"]) == (
        expected["recommendation"],
        expected["confidence"],
        expected["scores"],
    )
    assert result.content[0].text.startswith("Recommendation: ")
    # The precedents come with the advice, as `advise -f json` gives them.
    assert got["precedents"] == expected["precedents"]
    assert got["precedent_vote"] == expected["precedent_vote"]
    assert got["precedents"] and "Precedents" in result.content[0].text


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        (
            "advise",
            {"requirements": {"task_type": "classify"}},
            "slmvllm: error: requirements: task_type: the text 'classify' is not allowed; use one "
            "of: classification, extraction, summarization, chat, rag_qa, code, translation, "
            "reasoning, agentic, generation; did you mean 'classification'?",
        ),
        (
            "advise",
            {"requirement": {}},
            "slmvllm: error: arguments: unknown argument 'requirement'; did you mean "
            "'requirements'?\nslmvllm: error: arguments: the argument 'requirements' is required",
        ),
        (
            "models",
            {"max_params": "big"},
            "slmvllm: error: arguments: max_params: expected number",
        ),
        (
            "explain_rule",
            {"rule_id": "no.such-rule"},
            f"slmvllm: error: command line: rule set 'default' {VERSION} has no rule "
            "'no.such-rule'; `slmvllm rules list` shows its rules",
        ),
        (
            "advise",
            {"requirements": {}, "tier": "best"},
            "slmvllm: error: arguments: tier: the text 'best' is not allowed; use one of: "
            "frontier, strong, light",
        ),
        (
            "cases",
            {"choice": "slms"},
            "slmvllm: error: arguments: choice: the text 'slms' is not allowed; use one of: "
            "slm, llm, hybrid; did you mean 'slm'?",
        ),
        ("cases", {"limit": 0}, "slmvllm: error: arguments: limit: must be at least 1"),
        ("cases", {"limit": 2.5}, "slmvllm: error: arguments: limit: expected integer"),
        ("cases", {"words": ["invoice"]}, "slmvllm: error: arguments: words: expected string"),
        (
            "cases",
            {"requirements": {"task_type": "classify"}},
            "slmvllm: error: requirements: task_type: the text 'classify' is not allowed; use one "
            "of: classification, extraction, summarization, chat, rag_qa, code, translation, "
            "reasoning, agentic, generation; did you mean 'classification'?",
        ),
        ("nope", {}, None),
    ],
)
def test_a_bad_input_is_a_tool_error_with_the_cli_message(
    name: str, args: dict[str, Any], message: str | None
) -> None:
    _, [result] = _session([(name, args)])
    assert result.isError
    text = result.content[0].text
    if message is None:
        assert text.startswith("slmvllm: error: unknown tool 'nope'")
    else:
        assert text == message


def test_a_bad_value_says_what_the_cli_says(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("task_type: classify\n", encoding="utf-8")
    cli = run_cli("advise", "-r", str(case))
    _, [result] = _session([("advise", {"requirements": {"task_type": "classify"}})])
    # The same message; only the place differs (a file's line and column, or `requirements`).
    assert cli.err.rstrip("\n").split(": ", 3)[-1] == result.content[0].text.split(": ", 3)[-1]


def test_questions_compare_models_and_explain_rule() -> None:
    _, results = _session(
        [
            ("questions", {}),
            ("compare", {"general": True}),
            ("models", {"open_weights": True, "max_params": 4}),
            ("explain_rule", {"rule_id": "evidence.world-knowledge"}),
        ]
    )
    questions, compare, models, explained = (r.structuredContent for r in results)
    assert not any(r.isError for r in results)
    assert questions["questions"][1]["field"] == "task_type"
    assert [o["option"] for o in compare["options"]] == ["llm", "slm", "hybrid"]
    assert models["models"] and all(m["params_billion"] <= 4 for m in models["models"])
    assert explained["id"] == "evidence.world-knowledge"


@pytest.mark.parametrize(
    ("cli_args", "tool_args"),
    [
        ([], {}),
        (["--choice", "hybrid"], {"choice": "hybrid"}),
        (["invoice", "extraction", "-n", "3"], {"words": "invoice extraction", "limit": 3}),
        (["-r", str(EXAMPLE), "--choice", "slm"], {"requirements": "example", "choice": "slm"}),
        (
            ["ticket", "routing", "-r", str(EXAMPLE), "-n", "4"],
            {"words": "ticket routing", "requirements": "example", "limit": 4},
        ),
    ],
)
def test_cases_gives_the_cli_records(cli_args: list[str], tool_args: dict[str, Any]) -> None:
    expected = json.loads(run_cli("cases", *cli_args, "-f", "json").out)
    if tool_args.get("requirements") == "example":
        tool_args = {**tool_args, "requirements": _example()}
    _, [result] = _session([("cases", tool_args)])
    assert not result.isError, result.content[0].text
    assert expected
    assert result.structuredContent == {"cases": expected}
    summary = result.content[0].text.splitlines()[-1]
    assert summary.startswith(f"{len(expected)} of ")


def test_over_stdio_as_a_process() -> None:
    """`slmvllm mcp` started as a process: a real client lists the tools and advises."""
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "slmvllm", "mcp"],
        env=tree_env(),
        cwd=str(ROOT),
    )

    async def main() -> tuple[list[str], str]:
        with anyio.fail_after(60):
            async with stdio_client(params) as (read, write), ClientSession(read, write) as s:
                await s.initialize()
                names = [t.name for t in (await s.list_tools()).tools]
                result = await s.call_tool("advise", {"requirements": _example()})
                return names, result.structuredContent["recommendation"]

    names, recommendation = anyio.run(main)
    expected = json.loads(run_cli("advise", "-r", str(EXAMPLE), "-f", "json").out)
    assert "advise" in names
    assert recommendation == expected["recommendation"]


def test_without_the_extra_says_how_to_install(tmp_path: Path) -> None:
    # A `mcp` package that cannot be found: put an empty finder first on the path.
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\n"
        "class _NoMcp:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'mcp' or name.startswith('mcp.'):\n"
        "            raise ModuleNotFoundError(name, name=name)\n"
        "        return None\n"
        "sys.meta_path.insert(0, _NoMcp())\n",
        encoding="utf-8",
    )
    path = os.pathsep.join([str(tmp_path), tree_env().get("PYTHONPATH", "")])
    run = run_cli("mcp", env={"PYTHONPATH": path})
    assert run.code == 2
    assert run.out == ""
    assert run.err == (
        "slmvllm: error: slmvllm mcp: the MCP server needs the optional extra: "
        "pip install 'slmvllm[mcp]' (or: pipx inject slmvllm mcp)\n"
    )


def test_the_server_stops_cleanly_at_end_of_input() -> None:
    run = run_cli("mcp", stdin="")
    assert (run.code, run.out) == (0, "")
    assert "Traceback" not in run.err
