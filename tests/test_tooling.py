"""Lint and strict typing are part of the test run (ruff, mypy --strict; config in pyproject)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT


def test_ruff() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "slmvllm", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


CORE_PACKAGES = ("advice", "numbers", "loading", "evaluation", "trial", "review")
CORE_MODULES = ("advisor", "result", "requirements", "errors", "shipped")


def _core_modules() -> list[str]:
    names = [f"slmvllm.{m}" for m in CORE_MODULES]
    for package in CORE_PACKAGES:
        folder = ROOT / "slmvllm" / package
        names += [f"slmvllm.{package}.{f.stem}" for f in sorted(folder.glob("*.py"))]
    return names


def test_core_never_imports_the_cli_libraries() -> None:
    # ruff's TID251 bans typer and rich outside the CLI layer; prove the ban is live, on
    # every module of the core folders (a new module is covered without editing this test).
    modules = _core_modules()
    assert "slmvllm.advice.engine" in modules and "slmvllm.loading.saving" in modules
    assert "slmvllm.evaluation.metrics" in modules and "slmvllm.loading.labels" in modules
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import importlib, sys\n"
            f"for name in {modules!r}: importlib.import_module(name)\n"
            "bad = [m for m in ('typer', 'rich', 'click') if m in sys.modules]\n"
            "print(bad); sys.exit(1 if bad else 0)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, (
        "the core imported typer, rich or click: " + proc.stdout + proc.stderr
    )


def _imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


# Which core folder may import which: data flows loading -> advice / numbers -> advisor.
# evaluation sits on top of the core (it calls advisor.advise) but below the views and verbs.
_ABOVE_CORE = ("slmvllm.evaluation", "slmvllm.render", "slmvllm.commands", "slmvllm.cli")
LAYERS = [
    (
        "loading",
        ("slmvllm.advice", "slmvllm.numbers", "slmvllm.advisor", "slmvllm.result", *_ABOVE_CORE),
    ),
    ("advice", ("slmvllm.numbers", "slmvllm.advisor", "slmvllm.result", *_ABOVE_CORE)),
    ("numbers", ("slmvllm.advice", "slmvllm.advisor", "slmvllm.result", *_ABOVE_CORE)),
    ("evaluation", _ABOVE_CORE[1:]),
    # trial sits where evaluation does: it reads logs and prices them with the core
    ("trial", _ABOVE_CORE),
    # review calls advisor.advise on use cases, as evaluation does; the views read its models
    ("review", _ABOVE_CORE),
]


@pytest.mark.parametrize(("package", "banned"), LAYERS, ids=[p for p, _ in LAYERS])
def test_core_folders_import_only_downwards(package: str, banned: tuple[str, ...]) -> None:
    wrong = {
        f"{f.relative_to(ROOT)} imports {name}"
        for f in (ROOT / "slmvllm" / package).glob("*.py")
        for name in _imports_of(f)
        if name.startswith(banned)
    }
    assert not wrong, sorted(wrong)


@pytest.mark.parametrize("package", CORE_PACKAGES)
@pytest.mark.parametrize("library", ["typer", "rich"])
def test_ruff_bans_the_cli_libraries_in_every_core_folder(package: str, library: str) -> None:
    # The banned-api rule must cover each core folder (no per-file exemption slipped in).
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--select",
            "TID251",
            "--stdin-filename",
            f"slmvllm/{package}/new_module.py",
            "-",
        ],
        input=f"import {library}\n",
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and "TID251" in proc.stdout, proc.stdout + proc.stderr


def test_the_layer_check_sees_an_upward_import(tmp_path: Path) -> None:
    bad = tmp_path / "m.py"
    bad.write_text("from slmvllm.numbers.catalog import Catalog\n", encoding="utf-8")
    assert _imports_of(bad) == {"slmvllm.numbers.catalog"}
