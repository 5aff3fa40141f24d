"""Mutation testing of the core: how many one-line mistakes does the test suite catch?

    python benchmarks/mutation.py                      # every core module, one after another
    python benchmarks/mutation.py conditions cost_plans   # some modules (a name or a path)
    python benchmarks/mutation.py --summary            # print the table of the last runs again
    python benchmarks/mutation.py --survivors conditions  # show each surviving mutant's diff

mutmut (in the test extras) changes the code one small step at a time (`<` to `<=`,
`+` to `-`, a constant to another, a call argument dropped...) and runs the tests
that reach the changed function, quickest first (tests/conftest.py orders them by
mutmut's own timings); a mutant is *killed* when a test fails. The run works in a copy
of the working tree (`--workdir`, default /tmp/slmvllm-mutation), where mutmut keeps
its results in `mutants/`: a second run resumes. Only the modules named are mutated
(a mutated function is called through a trampoline, which slows every test), so run
a few modules at a time; which tests reach which function is collected again for
each run. Tests that lint, build a wheel, drive a browser or a terminal are left
out, and so is every test that starts a process (tests/conftest.py skips them under
mutmut): mutmut records coverage in its own process only.

The score is killed / (killed + survived): a mutant that times out counts as killed
(the change made the code loop), one no test reaches counts as survived. Mutants
listed in benchmarks/mutation-equivalents.md (changes that cannot alter any
behaviour, each with the reason) are counted apart and left out of the score.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "benchmarks" / "mutation-equivalents.md"
# The core, as issue 11 names it: the advice half, the numbers half, the loader, advise().
CORE = ("slmvllm/advice", "slmvllm/numbers", "slmvllm/loading", "slmvllm/advisor.py")
# Lint, type checks, the wheel and the browser test no logic a mutant can change.
LEFT_OUT = (
    "tests/test_tooling.py",
    "tests/test_wheel.py",
    "tests/test_browser.py",
    "tests/test_interactive.py",
    "tests/test_integrations.py",
    "tests/test_progress.py",
)
# A failing test, a timeout, a type error; -9: mutmut stops tests that hang past their time
# limit with SIGKILL (tests killed by an interrupted run are tried again on the next run).
KILLED = {1, 3, 36, 37, 24, -24, 152, 255, -9}
SURVIVED = {0, 5, 33}  # every test passed, or no test reaches the mutant
NO_TEST = 33  # mutmut's code for a mutant no test reaches
STOPPED = -9  # its test process was killed (an interrupted run): tried again


@dataclass
class Score:
    module: str
    killed: int
    survived: list[str]
    equivalent: list[str]
    other: dict[str, int]

    @property
    def counted(self) -> int:
        return self.killed + len(self.survived)

    @property
    def percent(self) -> float:
        return 100.0 * self.killed / self.counted if self.counted else 100.0


def core_modules() -> list[str]:
    found: list[str] = []
    for entry in CORE:
        path = ROOT / entry
        if path.is_file():
            found.append(entry)
        else:
            found += sorted(
                str(p.relative_to(ROOT)) for p in path.glob("*.py") if p.name != "__init__.py"
            )
    return found


def resolve_module(name: str, modules: list[str]) -> list[str]:
    """`conditions`, `advice/conditions`, `slmvllm/advice/conditions.py`: that module;
    `numbers` or `slmvllm/numbers`: every core module in that folder."""
    stem = name.removesuffix(".py").removesuffix("/").replace(".", "/")
    folder = [m for m in modules if f"/{stem.removeprefix('slmvllm/')}/" in f"/{m}"]
    if folder and not stem.endswith(tuple(Path(m).stem for m in folder)):
        return folder
    hits = [m for m in modules if m.removesuffix(".py").endswith(stem)]
    if len(hits) != 1:
        raise SystemExit(f"{name!r} names {len(hits)} core modules; choose one of: {modules}")
    return hits


def slug(module: str) -> str:
    return module.removeprefix("slmvllm/").removesuffix(".py").replace("/", ".")


def equivalents() -> dict[str, str]:
    """Mutant name -> reason, from the table in benchmarks/mutation-equivalents.md."""
    if not EQUIVALENTS.exists():
        return {}
    table: dict[str, str] = {}
    for line in EQUIVALENTS.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*`([^`]+__mutmut_\d+)`\s*\|(.*)\|\s*$", line)
        if match:
            table[match.group(1)] = match.group(2).strip()
    return table


def prepare(modules: list[str], workdir: Path) -> None:
    """A copy of the working tree with mutmut told to mutate these modules only.

    Copied again on every run, so new tests take part (mutmut collects coverage for new
    tests only); mutants/ is kept, so mutants already tried keep their results.

    Only the modules of this run are mutated: mutmut routes every call of a mutated
    function through a trampoline, and with the whole core trampolined the tests run
    several times slower. A module left out of an earlier run was copied into mutants/
    as plain source, newer than the original, which mutmut would take for its mutated
    copy: each module of this run is removed there first, so mutmut writes it again
    (its .meta stays, and with it the results of every function that did not change).
    """
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in files:
        source = ROOT / name
        if source.is_file():
            target = workdir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    also_copy = ["rules", "examples", "docs", "benchmarks", "README.md", "action.yml"]
    also_copy.append(".pre-commit-hooks.yaml")
    args = ["-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
    args += [f"--ignore={path}" for path in LEFT_OUT]
    config = (
        "\n[tool.mutmut]\n"
        'source_paths = ["slmvllm"]\n'
        f"only_mutate = {json.dumps(modules)}\n"
        f"also_copy = {json.dumps(also_copy)}\n"
        f"pytest_add_cli_args = {json.dumps(args)}\n"
        "use_git_change_detection = false\n"
    )
    with (workdir / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write(config)
    for module in modules:
        (workdir / "mutants" / module).unlink(missing_ok=True)
    # Which tests reach which function is recorded only for the functions mutated when
    # mutmut collects it: with another set of modules it must be collected again, and a
    # "no test reaches it" found with the old record is not to be trusted. A mutant whose
    # tests were killed (the run was interrupted) is tried again too.
    (workdir / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    for module in modules:
        meta = workdir / "mutants" / f"{module}.meta"
        if meta.exists():
            data = json.loads(meta.read_text(encoding="utf-8"))
            codes = data["exit_code_by_key"]
            for name, code in codes.items():
                if code in (NO_TEST, STOPPED):
                    codes[name] = None
            meta.write_text(json.dumps(data, indent=4), encoding="utf-8")
    # mutmut copies the package's data files (the catalogue, the compiled cache) into
    # mutants/ once, when it first makes the folder: bring them up to date each run.
    for name in files:
        if name.startswith("slmvllm/") and not name.endswith(".py"):
            target = workdir / "mutants" / name
            if target.parent.is_dir():
                shutil.copy2(ROOT / name, target)


def recheck(module: str, workdir: Path, known: dict[str, str]) -> int:
    """Forget the survivors' results so the next run tries them again (after new tests).

    Listed equivalents keep theirs: no test can kill them, and each costs a full run.
    """
    meta = workdir / "mutants" / f"{module}.meta"
    if not meta.exists():
        return 0
    data = json.loads(meta.read_text(encoding="utf-8"))
    codes = data["exit_code_by_key"]
    again = [name for name, code in codes.items() if code in SURVIVED and name not in known]
    for name in again:
        codes[name] = None
    for name in known.keys() & codes.keys():
        if codes[name] is None:  # left untried by an interrupted recheck: still equivalent
            codes[name] = 0
    meta.write_text(json.dumps(data, indent=4), encoding="utf-8")
    return len(again)


def run(modules: list[str], workdir: Path, children: int, log: Path) -> float:
    """One mutmut run over these modules (one coverage pass, then their mutants)."""
    patterns = [m.removesuffix(".py").replace("/", ".") + ".*" for m in modules]
    mutmut = Path(sys.executable).parent / "mutmut"
    # CI=true: the derandomized hypothesis profile (tests/conftest.py), the same each run.
    env = {**os.environ, "CI": "true"}
    env.pop("PYTHONPATH", None)
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.run(
            [str(mutmut), "run", "--max-children", str(children), *patterns],
            cwd=workdir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"mutmut failed (exit {proc.returncode}); log {log}:\n{tail}")
    return seconds


def score(module: str, workdir: Path, known: dict[str, str]) -> Score | None:
    meta = workdir / "mutants" / f"{module}.meta"
    if not meta.exists():
        return None
    codes: dict[str, int | None] = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    result = Score(module, 0, [], [], {})
    for name, code in sorted(codes.items()):
        if name in known:
            result.equivalent.append(name)
        elif code in KILLED:
            result.killed += 1
        elif code in SURVIVED:
            result.survived.append(name)
        else:
            key = "not run" if code is None else f"exit {code}"
            result.other[key] = result.other.get(key, 0) + 1
    return result


def print_table(scores: list[Score]) -> None:
    print(f"{'module':40} {'killed':>7} {'survived':>8} {'equiv.':>6} {'score':>7}")
    total_killed = total_counted = 0
    for s in scores:
        extra = "  " + ", ".join(f"{k}: {v}" for k, v in s.other.items()) if s.other else ""
        print(
            f"{s.module:40} {s.killed:>7} {len(s.survived):>8} {len(s.equivalent):>6} "
            f"{s.percent:>6.1f}%{extra}"
        )
        total_killed += s.killed
        total_counted += s.counted
    if total_counted:
        print(
            f"{'all':40} {total_killed:>7} {total_counted - total_killed:>8} "
            f"{sum(len(s.equivalent) for s in scores):>6} "
            f"{100.0 * total_killed / total_counted:>6.1f}%"
        )


def show_survivors(s: Score, workdir: Path) -> None:
    mutmut = Path(sys.executable).parent / "mutmut"
    for name in s.survived:
        diff = subprocess.run(
            [str(mutmut), "show", name], cwd=workdir, capture_output=True, text=True, check=False
        ).stdout
        print(diff)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="core modules (default: all of the core)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/slmvllm-mutation"))
    parser.add_argument("--children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--fresh", action="store_true", help="start over, forgetting results")
    parser.add_argument("--recheck", action="store_true", help="try the survivors again")
    parser.add_argument("--summary", action="store_true", help="print the last results only")
    parser.add_argument("--survivors", action="store_true", help="print each survivor's diff")
    options = parser.parse_args()

    every = core_modules()
    modules = [found for m in options.modules for found in resolve_module(m, every)] or every
    known = equivalents()
    workdir: Path = options.workdir
    if not (options.summary or options.survivors):
        if options.fresh and workdir.exists():
            shutil.rmtree(workdir)
        prepare(modules, workdir)
    if not (options.summary or options.survivors):
        for module in modules:
            if options.recheck:
                again = recheck(module, workdir, known)
                print(f"{module}: {again} survivor(s) to try again", file=sys.stderr)
        print(f"mutating {len(modules)} module(s) ...", file=sys.stderr, flush=True)
        seconds = run(modules, workdir, options.children, workdir / "mutmut.log")
        print(f"done in {seconds / 60:.1f} min", file=sys.stderr)
    scores: list[Score] = []
    for module in modules:
        result = score(module, workdir, known)
        if result is None:
            print(f"{module}: no results yet in {workdir}", file=sys.stderr)
            continue
        scores.append(result)
        if options.survivors:
            show_survivors(result, workdir)
    print_table(scores)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
