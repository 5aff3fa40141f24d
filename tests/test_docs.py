"""Every `slmvllm` command the README and the docs pages show in a ```sh block runs, and
exits with the code the page says (issue 19: docs that cannot rot).

A page shows a runnable command in a fenced ```sh block; a comment `# exit N: ...` (or
`# exit N`) after it says the exit code it expects, else 0. Illustrations that need a
terminal, the network or files of the reader's own go in ```console blocks, which are
not run. The commands run through `bash` in a copy of the files they read (examples/,
rules/, benchmarks/decisions/), with no terminal on stdin.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ROOT, tree_env

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^\s*```(\w*)")
_EXIT = re.compile(r"#\s*exit (\d+)(?::|\s*$)")


@dataclass(frozen=True)
class Shown:
    page: str
    line: int
    command: str
    expected: int

    def __str__(self) -> str:
        return f"{self.page}:{self.line}"


def shown_commands() -> list[Shown]:
    found: list[Shown] = []
    for page in PAGES:
        fence: str | None = None
        pending = ""
        start = 0
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            match = _FENCE.match(line)
            if match:
                fence = None if fence is not None else match.group(1)
                continue
            if fence not in {"sh", "bash", "shell"}:
                continue
            text = line.strip()
            if not pending:
                start = number
            if text.endswith("\\"):
                pending += text[:-1] + " "
                continue
            text, pending = pending + text, ""
            if text.startswith("#") or "slmvllm" not in text or text.startswith("pip "):
                continue
            exit_match = _EXIT.search(text)
            expected = int(exit_match.group(1)) if exit_match else 0
            found.append(Shown(str(page.relative_to(ROOT)), start, text, expected))
    return found


SHOWN = shown_commands()


def test_the_docs_show_commands() -> None:
    assert len(SHOWN) >= 30
    assert {s.page for s in SHOWN} >= {"README.md", "docs/advise.md", "docs/precedents.md"}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    here = tmp_path_factory.mktemp("docs")
    for name in ("examples", "rules"):
        shutil.copytree(ROOT / name, here / name)
    shutil.copytree(ROOT / "benchmarks" / "decisions", here / "benchmarks" / "decisions")
    return here


@pytest.mark.slow
@pytest.mark.parametrize("shown", SHOWN, ids=str)
def test_every_command_shown_exits_as_the_page_says(workdir: Path, shown: Shown) -> None:
    env = tree_env(
        GITHUB_STEP_SUMMARY=str(workdir / "summary.md"),
        COLUMNS="100",
        SLMVLLM_CACHE_DIR=str(workdir / "cache"),
    )
    proc = subprocess.run(
        ["bash", "-c", shown.command],
        cwd=workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == shown.expected, (
        f"{shown}: `{shown.command}` exited {proc.returncode}, the page says "
        f"{shown.expected}\n{proc.stderr[-2000:]}"
    )
    assert "Traceback" not in proc.stderr
