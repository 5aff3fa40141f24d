"""Terminals and pipes: colour settings, narrow terminals, `| head`, and text that tries to escape."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ROOT, Run, tree_env

Invoke = Callable[..., Run]
TRIAGE = str(EXAMPLES / "support-triage.yaml")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
HOSTILE = (
    "\x1b[31mRED\x1b[0m \x1b]8;;https://evil.example\x07click\x1b]8;;\x07 bell\x07 "
    "[bold red]x[/] [link=https://evil.example]y[/link] :smile: \x9b2J \u202eevil "
    "<b>html</b> **bold** [md](https://evil.example)"
)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR", "TERM"}}
    return tree_env(env, **{"COLUMNS": "100", **extra})


def real(*args: str, env: dict[str, str]) -> Run:
    proc = subprocess.run(
        [sys.executable, "-m", "slmvllm", *args],
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    return Run(proc.returncode, proc.stdout.decode(), proc.stderr.decode())


def terminal(monkeypatch: pytest.MonkeyPatch, **settings: str) -> None:
    """Set the variables rich reads, as a user's shell would (the rest unset)."""
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)


# --------------------------------------------------------------------------- colour and width


@pytest.mark.parametrize(
    ("settings", "ansi_in_text"),
    [
        ({"NO_COLOR": "1"}, False),
        ({"TERM": "dumb"}, False),
        ({"FORCE_COLOR": "1", "TERM": "dumb"}, False),
        ({"FORCE_COLOR": "1"}, True),  # asked for: colour in the text report, even in a pipe
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, True),  # NO_COLOR drops colours, not bold
        ({}, False),  # a pipe is no terminal
    ],
)
def test_colour_settings(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, settings: dict[str, str], ansi_in_text: bool
) -> None:
    terminal(monkeypatch, **settings)
    text = invoke("advise", "-r", TRIAGE)
    assert text.code == 0 and text.err == ""
    assert bool(ANSI.search(text.out)) is ansi_in_text
    if settings.get("NO_COLOR"):
        assert not re.search(r"\x1b\[[0-9;]*3[0-7]", text.out)  # no colour codes


def test_force_color_in_a_real_process_leaves_json_pure() -> None:
    env = clean_env(FORCE_COLOR="1", COLUMNS="20")
    doc = real("advise", "-r", TRIAGE, "-f", "json", env=env)
    assert "\x1b" not in doc.out and json.loads(doc.out)["recommendation"] == "slm"


@pytest.fixture(scope="module")
def long_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("long") / "long.yaml"
    text = "a very long use case " * 40 + HOSTILE
    path.write_text(f"use_case: {json.dumps(text)}\ntask_type: chat\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("columns", ["20", "0", "abc"])
def test_text_at_any_width(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, columns: str, long_file: Path
) -> None:
    terminal(monkeypatch, COLUMNS=columns, FORCE_COLOR="1")
    text = invoke("advise", "-r", str(long_file))
    assert text.code == 0 and text.err == ""
    assert "Recommendation" in text.out and "Rule set" in text.out  # never an empty report
    full = invoke("advise", "-r", str(long_file), "--explain")
    assert full.code == 0 and "Rule set:" in full.out


def test_json_at_any_width(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, long_file: Path
) -> None:
    terminal(monkeypatch, COLUMNS="500")
    wide = invoke("advise", "-r", str(long_file), "-f", "json")
    terminal(monkeypatch, COLUMNS="20", FORCE_COLOR="1")
    narrow = invoke("advise", "-r", str(long_file), "-f", "json")
    several = invoke("advise", "-r", str(long_file), "-r", TRIAGE, "-f", "json")
    assert narrow.out == wide.out  # the width never reaches the JSON
    assert json.loads(narrow.out)["requirements"]["use_case"].endswith(HOSTILE)
    assert isinstance(json.loads(several.out), list) and "\x1b" not in several.out


def test_a_20_column_report_keeps_every_part(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal(monkeypatch, COLUMNS="20", NO_COLOR="1")
    text = invoke("advise", "-r", TRIAGE)
    assert max(len(line) for line in text.out.splitlines()) <= 20
    flat = " ".join(text.out.split())
    # Narrower than the short report's cutting width, its lines wrap: nothing is lost.
    for part in ["Recommendation: SLM", "28.5", "Why SLM", "Assumed", "[2] Zhao", "Rule set"]:
        assert part in flat
    full = invoke("advise", "-r", TRIAGE, "--explain")
    assert max(len(line) for line in full.out.splitlines()) <= 20
    flat = " ".join(full.out.split())
    for part in ["Recommendation: SLM", "Scores", "28.5", "Why:", "Assumptions", "Rule set:"]:
        assert part in flat


# --------------------------------------------------------------------------- pipes


@pytest.fixture(scope="module")
def many_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Enough output to overflow a pipe's buffer, so the writer really meets a closed pipe.
    folder = tmp_path_factory.mktemp("many")
    text = (EXAMPLES / "support-triage.yaml").read_text(encoding="utf-8")
    for i in range(8):
        (folder / f"case{i:02}.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("fmt", "gate", "code", "unbuffered"),
    [
        ("text", "", 0, ""),
        ("text", "--expect llm", 1, "1"),
        ("json", "--expect llm", 1, ""),
        ("markdown", "--min-confidence 0.1", 0, ""),
    ],
)
def test_output_piped_into_head(
    many_files: Path, fmt: str, gate: str, code: int, unbuffered: str
) -> None:
    env = clean_env(NO_COLOR="1")
    env.pop("PYTHONUNBUFFERED", None)
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    script = (
        f'"{sys.executable}" -m slmvllm advise -r "{many_files}" -f {fmt} {gate} 2>"$ERR" '
        '| head -1 >/dev/null; echo "${PIPESTATUS[0]}"'
    )
    err_file = many_files.parent / f"err-{fmt}-{code}-{unbuffered}.txt"
    proc = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        env={**env, "ERR": str(err_file)},
        cwd=ROOT,
        timeout=60,
    )
    err = err_file.read_text()
    assert proc.stdout.strip() == str(code), err  # the gates decide, not the pipe
    assert "Traceback" not in err and "Exception ignored" not in err
    assert "BrokenPipe" not in err
    lines = [line for line in err.splitlines() if line]
    assert all(line.startswith("slmvllm: gate failed:") for line in lines), err


def test_reader_gone_before_the_first_byte(many_files: Path) -> None:
    env = clean_env(NO_COLOR="1")
    env.pop("PYTHONUNBUFFERED", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "slmvllm", "advise", "-r", str(many_files)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| true`
    assert proc.wait(timeout=60) == 0
    assert proc.stderr.read() == b""


# --------------------------------------------------------------------------- text from files


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    req = folder / "req.yaml"
    req.write_text(
        f"use_case: {json.dumps(HOSTILE)}\ntask_type: chat\nhosting: on_device\n", encoding="utf-8"
    )
    rules = (ROOT / "rules" / "default.yaml").read_text(encoding="utf-8")
    quoted = json.dumps(HOSTILE)
    rules = re.sub(r"(?m)^(\s+summary: ).*$", lambda m: m.group(1) + quoted, rules, count=3)
    rules = re.sub(r"(?m)^(\s+reason: ).*$", lambda m: m.group(1) + quoted, rules)
    rules = re.sub(r"(?m)^(\s+label: ).*$", lambda m: m.group(1) + quoted, rules)
    rules = re.sub(r"(?m)^(\s+title: ).*$", lambda m: m.group(1) + quoted, rules, count=2)
    path = folder / "rules.yaml"
    path.write_text(rules, encoding="utf-8")
    return req, path


RAW = ["\x1b", "\x07", "\x9b", "\u202e"]


@pytest.mark.parametrize("settings", [{"NO_COLOR": "1"}, {"FORCE_COLOR": "1"}])
@pytest.mark.parametrize("view", ["explain", "short"])
def test_escapes_and_markup_are_shown_literally_in_text(
    invoke: Invoke,
    monkeypatch: pytest.MonkeyPatch,
    hostile_files: tuple[Path, Path],
    settings: dict[str, str],
    view: str,
) -> None:
    req, rules = hostile_files
    terminal(monkeypatch, **settings)
    if view == "short":
        # The short report cuts long lines at the terminal's width: give it room to show all.
        monkeypatch.setenv("COLUMNS", "400")
    flags = ["--explain"] if view == "explain" else []
    run = invoke("advise", "-r", str(req), "--rules", str(rules), *flags)
    assert run.code == 0, run.err
    data = ANSI.sub("", run.out)  # the report's own styling, if any, aside
    flat = "".join(data.split())
    for raw in RAW:
        assert raw not in data
    for shown in [
        "\\x1b[31mRED",
        "\\x1b]8;;https://evil.example\\x07click",
        "\\x9b2J",
        "\\u202eevil",
    ]:
        assert shown in flat
    for markup in ["[boldred]x[/]", "[link=https://evil.example]y[/link]", ":smile:"]:
        assert markup in flat  # shown, not interpreted by rich


def test_escapes_and_markup_are_inert_in_markdown(
    invoke: Invoke, hostile_files: tuple[Path, Path]
) -> None:
    req, rules = hostile_files
    run = invoke("advise", "-r", str(req), "--rules", str(rules), "-f", "markdown")
    assert run.code == 0, run.err
    for raw in RAW:
        assert raw not in run.out
    assert "\\\\x1b\\[31mRED" in run.out  # the backslash itself escaped, then the bracket
    assert "\\<b\\>html\\</b\\>" in run.out and "<b>" not in run.out
    assert "\\[md\\](https://evil.example)" in run.out and "\\*\\*bold\\*\\*" in run.out
    head = run.out.index("| rule | effect | summary | because | source |")
    table = run.out[head:].split("\n\n")[0].splitlines()
    assert all(len(re.findall(r"(?<!\\)\|", row)) == 6 for row in table)  # 5 cells


def test_escapes_stay_data_in_json(invoke: Invoke, hostile_files: tuple[Path, Path]) -> None:
    req, rules = hostile_files
    run = invoke("advise", "-r", str(req), "--rules", str(rules), "-f", "json")
    assert run.code == 0, run.err
    for raw in RAW:
        assert raw not in run.out  # escaped as \\uXXXX, so a terminal showing it stays calm
    doc = json.loads(run.out)
    assert doc["requirements"]["use_case"] == HOSTILE  # the data itself is unchanged
    assert HOSTILE in [r["summary"] for r in doc["reasons"]] or HOSTILE in [
        e["reason"] for e in doc["excluded"]
    ]


def test_escapes_in_error_messages_are_shown_literally(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "req.yaml"
    path.write_text('"\\e[2Jtask_type": chat\nhosting: "\\e]0;title\\a"\n', encoding="utf-8")
    run = invoke("advise", "-r", str(path))
    assert run.code == 2
    assert "\x1b" not in run.err and "\x07" not in run.err
    assert "\\x1b[2Jtask_type" in run.err


def test_escapes_in_a_file_name_are_shown_literally(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "\x1b[2Jbad.yaml").write_text("task_type: chta\n", encoding="utf-8")
    run = invoke("advise", "-r", str(tmp_path))
    assert run.code == 2
    assert "\x1b" not in run.err and "\\x1b[2Jbad.yaml:1:12" in run.err


@pytest.mark.parametrize(
    ("redirect", "args", "code", "message"),
    [
        (">&-", ["-r", TRIAGE], 2, "slmvllm: error: standard output is closed; nowhere to write"),
        ("<&-", ["-r", "-"], 2, "<stdin>:1:1: is empty"),
        ("<&-", [], 2, "standard input is not a terminal"),
    ],
)
def test_closed_standard_streams(redirect: str, args: list[str], code: int, message: str) -> None:
    command = " ".join([f'"{sys.executable}" -m slmvllm advise', *args, redirect, "; echo $?"])
    proc = subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env=tree_env(),
    )
    assert proc.stdout.strip().splitlines()[-1] == str(code)
    assert message in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("colour", [{"NO_COLOR": "1"}, {"FORCE_COLOR": "1"}])
@pytest.mark.parametrize(
    "args",
    [
        ["advise", "-r", str(EXAMPLES / "support-triage.yaml")],
        ["models", "--max-params", "8"],
        ["rules", "list"],
    ],
)
def test_reports_have_no_trailing_spaces(args: list[str], colour: dict[str, str]) -> None:
    # rich pads wrapped and indented lines; a report pasted into a pull request or
    # diffed against yesterday's should not carry that padding.
    run = real(*args, env=clean_env(COLUMNS="70", **colour))
    assert run.code == 0, run.err
    padded = [line for line in run.out.splitlines() if re.search(r" (\x1b\[[0-9;]*m)*$", line)]
    assert padded == []
    assert len(run.out.splitlines()) > 10


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("fmt", ["json", "jsonl", "text"])
def test_a_full_disk_is_exit_2_not_a_bug(fmt: str) -> None:
    # Writing the result fails with ENOSPC: the run's environment, said in one line.
    proc = subprocess.run(
        [sys.executable, "-m", "slmvllm", "advise", "-r", str(EXAMPLES), "-f", fmt],
        stdout=Path("/dev/full").open("w"),
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=tree_env(),
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == "slmvllm: error: cannot write the output: No space left on device"
