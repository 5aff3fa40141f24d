"""A non-editable install from a built wheel finds its rules from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from .conftest import EXAMPLES, ROOT


def test_wheel_ships_the_rules_and_runs_from_anywhere(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("slmvllm-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "slmvllm/rules/default.yaml" in names
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    # Run from an unrelated folder with the wheel's copy first on the path (dependencies
    # come from the test environment); the source tree is not importable from here.
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import slmvllm, slmvllm.advice.rule_sets as r;"
        "assert slmvllm.__file__.startswith(sys.argv[1]), slmvllm.__file__;"
        "assert str(r.default_rule_set_path()).startswith(sys.argv[1]);"
        "from slmvllm.cli import run; sys.exit(run(sys.argv[2:]))"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # The one test of an installed copy: no PYTHONPATH pointing at the tree (conftest sets
    # one for every other child process).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            str(site),
            "advise",
            "-r",
            str(EXAMPLES / "support-triage.yaml"),
            "-f",
            "json",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["recommendation"] == "slm"
