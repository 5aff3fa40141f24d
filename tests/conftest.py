"""Shared fixtures: the default rule set, a pinned terminal, and a way to run the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import slmvllm
from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advice.rule_sets import load_rule_set
from slmvllm.loading.documents import Document, Source
from slmvllm.numbers.catalog import Catalog

ROOT = Path(__file__).resolve().parent.parent

# No test reads the user's own price cache (`slmvllm models update`), and every report
# is made on one pinned day, within 90 days of the shipped prices (so no staleness line
# unless a test asks for one). Set here, so processes the tests start inherit them.
import tempfile  # noqa: E402

os.environ["SLMVLLM_CACHE_DIR"] = tempfile.mkdtemp(prefix="slmvllm-test-cache-")
os.environ["SLMVLLM_TODAY"] = "2026-08-01"

# Hypothesis profiles. CI (CI=true, as GitHub Actions, GitLab and .ci/run set it) is
# derandomized: the same examples every run, so a run's coverage never changes by luck.
# A local run explores new random examples each time; HYPOTHESIS_PROFILE=long runs
# many more of them (see the README, "Tests").
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile(
    "ci",
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=_QUIET,
    print_blob=True,
)
settings.register_profile(
    "dev", max_examples=40, derandomize=False, deadline=None, suppress_health_check=_QUIET
)
settings.register_profile(
    "long",
    max_examples=2_000,
    derandomize=False,
    deadline=None,
    suppress_health_check=_QUIET,
    print_blob=True,
)


def hypothesis_profile(environ: dict[str, str]) -> str:
    """HYPOTHESIS_PROFILE when set; else `ci` when CI is true (CI=true, 1, yes); else `dev`."""
    chosen = environ.get("HYPOTHESIS_PROFILE")
    if chosen:
        return chosen
    return "ci" if environ.get("CI", "").strip().lower() in {"1", "true", "yes"} else "dev"


settings.load_profile(hypothesis_profile(dict(os.environ)))


def under_mutmut() -> bool:
    """Whether this run is mutmut's (benchmarks/mutation.py), over a mutated copy."""
    return "mutmut" in sys.modules


@pytest.fixture(autouse=True)
def _each_test_reaches_what_it_uses() -> None:
    """While mutmut records which tests reach which function (its "stats" pass), no test
    is served from a memo another test filled, so each is recorded as reaching the code it
    depends on. Otherwise a mutant that a later test would notice is never shown to it.
    The memos only save time, so emptying them changes no result."""
    if os.environ.get("MUTANT_UNDER_TEST") != "stats":
        return
    from slmvllm import advisor
    from slmvllm.advice import conditions, engine, rule_sets
    from slmvllm.numbers import estimates, gpu_memory

    advisor.default_rule_set.cache_clear()
    advisor.default_catalog.cache_clear()
    conditions._field_shape.cache_clear()
    rule_sets.valid_value.cache_clear()
    engine._COMPILED.clear()
    for memo in (
        estimates._SHAPES,
        estimates._PAIRS,
        gpu_memory._KV_CACHE,
        gpu_memory._MEMORY_CACHE,
    ):
        memo.clear()


def tree_env(base: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
    """An environment for a child process that runs slmvllm from this working tree.

    PYTHONPATH puts the repository root first, so `python -m slmvllm` (and the
    `slmvllm` console script) import the code under test, never an installed copy
    that may be older. `base` defaults to this process's environment.
    """
    if under_mutmut():
        # The tree is a mutated copy whose code needs mutmut's configuration in the
        # working directory, and mutmut records which tests reach which function in
        # this process only: a test that starts a process would kill no mutant.
        pytest.skip("starts a process: left out of mutation runs")
    env = dict(os.environ if base is None else base)
    rest = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(ROOT)]
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *rest])
    env.update(extra)
    return env


def check_tree_under_test(package_file: str) -> None:
    """Raise UsageError unless `package_file` (slmvllm.__file__) lies in this repository."""
    where = Path(package_file).resolve()
    if not where.is_relative_to(ROOT):
        raise pytest.UsageError(
            f"the tests import slmvllm from {where}, not from the tree under test {ROOT}: "
            f"run pytest from {ROOT} (or set PYTHONPATH={ROOT})"
        )


def pytest_sessionstart(session: pytest.Session) -> None:
    """Fail the whole run, loudly, when the tests would import slmvllm from elsewhere."""
    check_tree_under_test(slmvllm.__file__)
    # Every child process started by a test inherits this, whatever env it builds on.
    if not under_mutmut():
        os.environ["PYTHONPATH"] = tree_env()["PYTHONPATH"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under mutmut, the quickest tests first: a mutant stops at the first test that fails
    (`-x`), so a mutant one fast test notices costs that test, not the slow ones before it.

    The durations are those mutmut measured on the clean tree (`mutmut-stats.json`, in
    the folder it runs the tests from). Outside mutation runs, the order is untouched.
    """
    stats = Path("mutmut-stats.json")
    if not under_mutmut() or not stats.is_file():
        return
    durations: dict[str, float] = json.loads(stats.read_text(encoding="utf-8"))["duration_by_test"]
    items.sort(key=lambda item: durations.get(item.nodeid, 0.0))


@pytest.fixture
def parsed_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the YAML parser reads from now on, in order: the rule-set
    loader's and the parsed cache's calls (a cache miss parses too)."""
    from slmvllm.advice import layer_files
    from slmvllm.loading import compiled

    names: list[str] = []
    for module in (layer_files, compiled):
        real = module.parse_yaml

        def record(source: Source, real: Callable[[Source], Document] = real) -> Document:
            names.append(source.name)
            return real(source)

        monkeypatch.setattr(module, "parse_yaml", record)
    return names


def rule_set_from_text(folder: Path, text: str, name: str = "rules.yaml") -> RuleSet:
    """A rule set a test writes as YAML, loaded and checked by the real loader."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return load_rule_set(path).rule_set


def free_api_catalog(catalog: Catalog) -> Catalog:
    """`catalog` with every API price at zero: a user's catalogue may hold a free tier."""
    zero = {"input_usd_per_million": 0.0, "output_usd_per_million": 0.0}
    zero |= {"input_usd_per_million_above": None, "output_usd_per_million_above": None}
    zero |= {"tier_above_input_tokens": None}
    return replace(
        catalog,
        models=tuple(
            m.model_copy(update={"prices": [p.model_copy(update=zero) for p in m.prices]})
            for m in catalog.models
        ),
    )


# The top-level keys of the contract's JSON result (shared/CONTRACT.md).
CONTRACT_KEYS = {
    "schema_version",
    "recommendation",
    "confidence",
    "scores",
    "reasons",
    "excluded",
    "assumptions",
    "what_would_change",
    "rule_set",
}
EXAMPLES = ROOT / "examples"
CASES = EXAMPLES / "cases"
# What issue 3 asks of each `slmvllm models --format json` record, at least.
MODEL_KEYS = frozenset(
    {
        "name",
        "params_billion",
        "active_params_billion",
        "open_weights",
        "license",
        "context_tokens",
        "prices",
    }
)


@pytest.fixture(scope="session")
def rule_set() -> RuleSet:
    return load_rule_set().rule_set


@pytest.fixture(autouse=True)
def _pinned_terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Rich reads these: pin width and colour so reports are the same everywhere.
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    yield


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(
    *args: str,
    stdin: str | bytes | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60,
) -> Run:
    """Run `python -m slmvllm` as a real process: real streams, real exit code."""
    full_env = tree_env(**{"COLUMNS": "100", "NO_COLOR": "1", **(env or {})})
    data = stdin.encode() if isinstance(stdin, str) else stdin
    proc = subprocess.run(
        [sys.executable, "-m", "slmvllm", *args],
        input=data if data is not None else b"",
        capture_output=True,
        env=full_env,
        cwd=cwd or ROOT,
        timeout=timeout,
    )
    return Run(
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


@pytest.fixture
def cli() -> type[Run]:
    return Run


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run the CLI's entry point in-process (fast): stdin is a pipe, never a terminal."""
    import io

    from slmvllm.cli import run

    def _invoke(*args: str, stdin: str = "") -> Run:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
        code = run(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return _invoke
