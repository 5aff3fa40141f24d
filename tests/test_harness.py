"""The test suite's own guarantees: it tests the tree it lives in, and a run always ends.

- Every child process runs the package from this working tree (conftest.tree_env),
  never an installed copy; test_wheel.py is the one test of an installed copy.
- No test in the main run can end the run: nothing arms a process-wide fault handler
  or waits on a signal in the test process itself.
- Hypothesis is derandomized in CI (CI=true) and random locally.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from .conftest import (
    ROOT,
    check_tree_under_test,
    hypothesis_profile,
    tree_env,
)

TESTS = ROOT / "tests"
SPAWNERS = {"run", "Popen", "spawn", "check_output", "check_call", "call"}
# These start no slmvllm: pip builds and installs the wheel, ruff and mypy read files.
NOT_SLMVLLM = {"test_wheel.py", "test_tooling.py"}


def _calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value
        if isinstance(owner, ast.Name) and owner.id in {"subprocess", "pexpect"}:
            if node.func.attr in SPAWNERS:
                found.append(node)
    return found


def test_a_child_process_imports_slmvllm_from_this_tree(tmp_path: Path) -> None:
    # From an unrelated folder, where only PYTHONPATH can point at the tree.
    proc = subprocess.run(
        [sys.executable, "-c", "import slmvllm; print(slmvllm.__file__)"],
        cwd=tmp_path,
        env=tree_env(),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert Path(proc.stdout.strip()).resolve() == ROOT / "slmvllm" / "__init__.py"


def test_tree_env_puts_the_tree_first_and_keeps_the_rest() -> None:
    env = tree_env({"PYTHONPATH": "/elsewhere", "PATH": "/bin"}, NO_COLOR="1")
    assert env["PYTHONPATH"].split(":") == [str(ROOT), "/elsewhere"]
    assert (env["PATH"], env["NO_COLOR"]) == ("/bin", "1")


def test_the_session_check_refuses_a_copy_outside_the_tree(tmp_path: Path) -> None:
    check_tree_under_test(str(ROOT / "slmvllm" / "__init__.py"))  # the tree: accepted
    elsewhere = tmp_path / "site-packages" / "slmvllm" / "__init__.py"
    with pytest.raises(pytest.UsageError, match="not from the tree under test"):
        check_tree_under_test(str(elsewhere))


def test_every_process_a_test_starts_gets_an_environment_from_tree_env() -> None:
    # Source-level: each subprocess/pexpect call passes env=, and the only way a test
    # file builds an environment from os.environ is through tree_env (or run_cli).
    missing = []
    for path in sorted(TESTS.glob("*.py")):
        if path.name in NOT_SLMVLLM | {"conftest.py", "test_harness.py"}:
            continue
        text = path.read_text(encoding="utf-8")
        for call in _calls(path):
            if not any(k.arg == "env" for k in call.keywords):
                missing.append(f"{path.name}:{call.lineno}")
        assert "**os.environ" not in text, f"{path.name}: build child environments with tree_env"
    assert missing == [], f"processes started without env=tree_env(...): {missing}"


def test_no_test_in_the_main_run_can_end_the_run() -> None:
    # faulthandler's exit=True ends the whole pytest process, with no summary; it is
    # allowed only in files run in a child process (prompting_pipe_cases.py).
    for path in sorted(TESTS.glob("test_*.py")):
        text = path.read_text(encoding="utf-8")
        assert "dump_traceback_later" not in text or path.name == "test_harness.py", path.name
        assert "interrupt_main" not in text or path.name == "test_harness.py", path.name


@pytest.mark.parametrize(
    ("environ", "profile"),
    [
        ({}, "dev"),
        ({"CI": "true"}, "ci"),
        ({"CI": "1"}, "ci"),
        ({"CI": "TRUE"}, "ci"),
        ({"CI": "false"}, "dev"),
        ({"CI": ""}, "dev"),
        ({"CI": "true", "HYPOTHESIS_PROFILE": "long"}, "long"),
        ({"HYPOTHESIS_PROFILE": "ci"}, "ci"),
    ],
)
def test_the_hypothesis_profile_follows_ci(environ: dict[str, str], profile: str) -> None:
    assert hypothesis_profile(environ) == profile


def test_the_ci_profile_is_derandomized_and_the_long_one_is_not() -> None:
    ci, dev, long = (settings.get_profile(name) for name in ("ci", "dev", "long"))
    assert ci.derandomize is True and ci.database is None
    assert dev.derandomize is False and long.derandomize is False
    assert long.max_examples >= 25 * ci.max_examples
