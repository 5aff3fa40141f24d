"""CI integrations run as their users would run them: the pre-commit hooks and the Action."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import EXAMPLES, ROOT, tree_env

BIN = Path(sys.executable).parent


def _env(**extra: str) -> dict[str, str]:
    # The slmvllm console script of the environment under test comes first on PATH.
    # PYTHONPATH (tree_env) makes that script import the package from the tree under test.
    return tree_env(PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", **extra)


@pytest.fixture(scope="module")
def hooks() -> dict[str, dict[str, object]]:
    data = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in data}


needs_script = pytest.mark.skipif(
    shutil.which("slmvllm", path=str(BIN)) is None,
    reason="the slmvllm console script is not installed in this environment",
)


@needs_script
@pytest.mark.parametrize(
    ("hook", "files", "code"),
    [
        ("slmvllm-rules", ["rules/default.yaml"], 0),
        ("slmvllm-requirements", ["examples/support-triage.yaml", "examples/faq-bot-mvp.yaml"], 0),
        ("slmvllm-requirements", ["BAD"], 2),
        ("slmvllm-rules", ["BAD"], 2),
    ],
)
def test_pre_commit_hooks(
    hooks: dict[str, dict[str, object]], tmp_path: Path, hook: str, files: list[str], code: int
) -> None:
    if files == ["BAD"]:
        bad = tmp_path / "bad.yaml"
        bad.write_text("task_type: poetry\nrules: 3\n", encoding="utf-8")
        files = [str(bad)]
    # pre-commit runs the entry with the staged file names appended.
    command = [*shlex.split(str(hooks[hook]["entry"])), *files]
    proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=_env())
    assert proc.returncode == code, proc.stderr
    if code == 2:
        assert "bad.yaml:1" in proc.stderr


def test_hook_file_patterns_match_the_usual_layout(hooks: dict[str, dict[str, object]]) -> None:
    import re

    assert re.search(str(hooks["slmvllm-rules"]["files"]), "rules/our-team.yaml")
    assert re.search(str(hooks["slmvllm-requirements"]["files"]), "use-cases/triage.yml")
    assert not re.search(str(hooks["slmvllm-requirements"]["files"]), ".github/workflows/ci.yaml")


@needs_script
@pytest.mark.skipif(shutil.which("bash") is None, reason="the Action's script is bash")
@pytest.mark.parametrize(
    ("inputs", "code"),
    [
        (
            {
                "FILES": f"{EXAMPLES}/support-triage.yaml {EXAMPLES}/contract-clause-extraction.yaml",
                "EXPECT": "slm",
                "MIN_CONFIDENCE": "0.6",
            },
            0,
        ),
        ({"FILES": f"{EXAMPLES}/support-triage.yaml", "EXPECT": "llm"}, 1),
        ({"FILES": f"{EXAMPLES}/missing.yaml"}, 2),
    ],
)
def test_action_script(tmp_path: Path, inputs: dict[str, str], code: int) -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    step = next(s for s in action["runs"]["steps"] if s.get("name") == "Advise")
    assert "${{" not in step["run"]  # inputs come in as variables, never pasted in
    summary = tmp_path / "summary.md"
    out = tmp_path / "advice.json"
    defaults = {"RULES": "", "CATALOG": "", "EXPECT": "", "MIN_CONFIDENCE": ""}
    env = _env(GITHUB_STEP_SUMMARY=str(summary), JSON_FILE=str(out), **{**defaults, **inputs})
    proc = subprocess.run(
        ["bash", "-e", "-c", step["run"]], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert proc.returncode == code, proc.stderr
    if code != 2:
        assert "SLM (Small language model)" in summary.read_text(encoding="utf-8")
        assert '"recommendation"' in out.read_text(encoding="utf-8")
    if code == 1:
        assert "gate failed" in proc.stderr


def test_the_docs_show_the_gitlab_snippet() -> None:
    page = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    assert ".gitlab-ci.yml" in page and "slmvllm advise" in page
