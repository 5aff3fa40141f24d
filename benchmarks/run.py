"""Every speed and memory target of slmvllm, measured against its baseline in one run.

    python benchmarks/run.py [--quick] [--repeat N] [--json FILE]

Run it with the Python of an environment where slmvllm's `bench` extra is installed
(`pip install -e '.[bench]'`: check-jsonschema, the second baseline of the one-file
target). Each command runs as a process of its own, as a user would run it, with
PYTHONPATH set to this checkout so the tree under test runs; its wall time is taken
around the process and its peak memory (maximum resident set size) comes from the
operating system (`os.wait4`), not from a timer or a tracer inside the process. Commands
compared with each other run in alternation (A B A B ...), so a burst of other work
on the machine falls on both; the figures are medians.

The targets (issue 9):

- one file, `advise -r FILE --format json`: at most 1.15x the floor program
  (benchmarks/floor.py: a typer command that reads the YAML, validates it with a
  pydantic model of the same fields and prints JSON), and faster than
  `check-jsonschema` on the same file against `slmvllm schema requirements`;
- `--version` and `--help`: at most 1.2x `python -c "import typer"`;
- a folder of 1,000 generated requirements files, full result, `--format json`
  and `--format jsonl`: at least 500 files a second end to end, peak memory under
  100 MB, output under 20 MB; and the same folder cut to 250 files, to show that
  the peak memory does not grow with the number of files (at most 5 MB more);
- a hostile rule set of about 1 MB (many rules, long condition lists): loaded and
  checked, or refused, by `slmvllm rules check` within 2 s, one located message
  and no traceback;
- a rule set ten times the default's size (the default's rules copied with new
  ids): loaded and checked by `load_rule_set` in under 100 ms. This one is timed
  inside a fresh process around the call alone (imports excluded, nothing cached
  from an earlier load), the median over several processes.

Exit status: 0 when every target holds, 1 when one is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


def _safe_yaml(text: str) -> Any:
    """YAML text as plain data, with LibYAML's safe loader (nothing is constructed)."""
    loader = yaml.CSafeLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


ROOT = Path(__file__).resolve().parent.parent
SLMVLLM = [sys.executable, "-m", "slmvllm"]
ONE_FILE = ROOT / "examples" / "support-triage.yaml"
#: Fields varied across the generated folder, with the range each is drawn from.
NUMERIC = {
    "monthly_requests": (1_000, 200_000_000),
    "input_tokens": (20, 60_000),
    "output_tokens": (1, 4_000),
    "latency_p95_ms": (100, 30_000),
    "labelled_examples": (0, 500_000),
    "budget_usd_per_month": (50, 500_000),
}
MB = 1024 * 1024


# --------------------------------------------------------------------------- running a process


@dataclass(frozen=True)
class Run:
    """One finished process: wall seconds, peak resident memory (bytes), output bytes, exit."""

    seconds: float
    peak: int
    out_bytes: int
    code: int
    stdout: bytes
    stderr: bytes


def _env(pycache: Path) -> dict[str, str]:
    env = dict(os.environ)
    # As installed: with bytecode (pip writes it), kept out of the checkout. Without
    # it every slmvllm module would be compiled from source on every run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env.pop("SLMVLLM_PROGRESS_DELAY", None)
    env["NO_COLOR"] = "1"
    return env


ENV: dict[str, str] = {}


def run(argv: Sequence[str], *, keep_stdout: bool = False) -> Run:
    """Run `argv` to its end; time it from outside and ask the kernel for its peak memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=ENV, cwd=ROOT
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; tell Popen
        size = out.tell()
        out.seek(0)
        err.seek(0)
        stdout = out.read() if keep_stdout else b""
        stderr = err.read(1_000_000)
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return Run(seconds, peak, size, proc.returncode, stdout, stderr)


def alternate(commands: dict[str, Sequence[str]], repeat: int) -> dict[str, list[Run]]:
    """Run every command `repeat` times, interleaved and in rotating order, after a warm-up."""
    for argv in commands.values():  # warm the page cache and any compiled bytecode
        _checked(run(argv), argv)
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    names = list(commands)
    for i in range(repeat):
        shift = i % len(names)
        for name in names[shift:] + names[:shift]:
            runs[name].append(_checked(run(commands[name]), commands[name]))
    return runs


def _checked(result: Run, argv: Sequence[str], codes: tuple[int, ...] = (0,)) -> Run:
    if result.code not in codes:
        shown = " ".join(str(a) for a in argv)
        detail = result.stderr.decode(errors="replace")[-2000:]
        raise SystemExit(f"benchmark command failed (exit {result.code}): {shown}\n{detail}")
    return result


def med(values: Sequence[float]) -> float:
    return statistics.median(values)


# --------------------------------------------------------------------------- the report


@dataclass
class Report:
    rows: list[tuple[str, str, str, str, str, bool]] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def target(
        self, name: str, measured: str, baseline: str, ratio: str, bound: str, ok: bool
    ) -> None:
        self.rows.append((name, measured, baseline, ratio, bound, ok))
        print(f"  {'met' if ok else 'MISSED'}: {name}: {measured} ({bound})", flush=True)

    def table(self) -> str:
        head = ("target", "measured", "baseline", "ratio", "bound", "verdict")
        body = [(*r[:5], "met" if r[5] else "MISSED") for r in self.rows]
        widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
        lines = [
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in [head, *body]
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def mib(size: float) -> str:
    return f"{size / MB:.1f} MB"


# --------------------------------------------------------------------------- the targets


def one_file(report: Report, repeat: int, work: Path) -> None:
    print(f"one file, {ONE_FILE.relative_to(ROOT)}, {repeat} alternating runs", flush=True)
    schema = work / "requirements.schema.json"
    schema.write_bytes(
        _checked(
            run([*SLMVLLM, "schema", "requirements"], keep_stdout=True),
            ["slmvllm schema requirements"],
        ).stdout
    )
    check_jsonschema = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    commands: dict[str, Sequence[str]] = {
        "advise": [*SLMVLLM, "advise", "-r", str(ONE_FILE), "--format", "json"],
        "floor": [sys.executable, str(ROOT / "benchmarks" / "floor.py"), str(ONE_FILE)],
    }
    if check_jsonschema:
        commands["check-jsonschema"] = [
            check_jsonschema,
            "--schemafile",
            str(schema),
            str(ONE_FILE),
        ]
    runs = alternate(commands, repeat)
    wall = {name: med([r.seconds for r in rs]) for name, rs in runs.items()}
    peak = {name: med([r.peak for r in rs]) for name, rs in runs.items()}
    report.figures["one_file"] = {"median_seconds": wall, "median_peak_bytes": peak}
    for name in runs:
        print(f"    {name:<18} {ms(wall[name]):>8}   peak {mib(peak[name])}")
    ratio = wall["advise"] / wall["floor"]
    report.target(
        "one file vs floor",
        ms(wall["advise"]),
        f"floor {ms(wall['floor'])}",
        f"{ratio:.2f}x",
        "<= 1.15x",
        ratio <= 1.15,
    )
    if check_jsonschema:
        ratio = wall["advise"] / wall["check-jsonschema"]
        report.target(
            "one file vs check-jsonschema",
            ms(wall["advise"]),
            f"check-jsonschema {ms(wall['check-jsonschema'])}",
            f"{ratio:.2f}x",
            "< 1.00x",
            ratio < 1.0,
        )
    else:
        report.target(
            "one file vs check-jsonschema",
            ms(wall["advise"]),
            "not installed",
            "-",
            "pip install -e '.[bench]'",
            False,
        )


def start_up(report: Report, repeat: int) -> None:
    print(f"start-up, {repeat} alternating runs", flush=True)
    commands: dict[str, Sequence[str]] = {
        "--version": [*SLMVLLM, "--version"],
        "--help": [*SLMVLLM, "--help"],
        "import typer": [sys.executable, "-c", "import typer"],
    }
    runs = alternate(commands, repeat)
    wall = {name: med([r.seconds for r in rs]) for name, rs in runs.items()}
    report.figures["start_up"] = {"median_seconds": wall}
    for name in runs:
        print(f"    {name:<18} {ms(wall[name]):>8}")
    for name in ("--version", "--help"):
        ratio = wall[name] / wall["import typer"]
        report.target(
            name,
            ms(wall[name]),
            f"import typer {ms(wall['import typer'])}",
            f"{ratio:.2f}x",
            "<= 1.20x",
            ratio <= 1.2,
        )


def make_folder(folder: Path, count: int, seed: int = 9) -> None:
    """`count` requirements files, each a shipped example or case with its numbers redrawn.

    Every file gets its own volumes, token counts, latency, data and budget (drawn
    log-uniformly), so no two files share the estimates' cache entries.
    """
    sources = [
        *sorted((ROOT / "examples").glob("*.yaml")),
        *sorted((ROOT / "examples" / "cases").glob("*.yaml")),
        *sorted((ROOT / "benchmarks" / "decisions" / "cases").glob("*.yaml")),
    ]
    bases = []
    for path in sources:
        if path.name == "index.yaml":  # a labels file, not a use case
            continue
        data = _safe_yaml(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "use_case" in data:
            bases.append(data)
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        data = dict(bases[i % len(bases)])
        for name, (low, high) in NUMERIC.items():
            if name in data or rng.random() < 0.5:
                value = round(10 ** rng.uniform(len(str(low)) - 1, len(str(high)) - 1))
                data[name] = min(max(value, low), high)
        if "budget_usd_per_month" in data:
            data["budget_usd_per_month"] = float(data["budget_usd_per_month"])
        data["use_case"] = f"{data['use_case']} (variant {i})"
        text = yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True)
        (folder / f"case-{i:04d}.yaml").write_text(text, encoding="utf-8")


def batch(report: Report, repeat: int, work: Path) -> None:
    big, small = work / "cases-1000", work / "cases-250"
    make_folder(big, 1000)
    small.mkdir()
    for path in sorted(big.iterdir())[:250]:
        (small / path.name).symlink_to(path)
    print(
        f"a folder of 1,000 generated files (and 250 of them), {repeat} alternating runs",
        flush=True,
    )
    commands: dict[str, Sequence[str]] = {}
    for fmt in ("json", "jsonl"):
        for folder, n in ((big, 1000), (small, 250)):
            commands[f"{fmt} {n}"] = [*SLMVLLM, "advise", "-r", str(folder), "--format", fmt]
    runs = alternate(commands, repeat)
    figures: dict[str, Any] = {}
    for name, rs in runs.items():
        n = int(name.split()[1])
        wall, peak = med([r.seconds for r in rs]), med([r.peak for r in rs])
        size = rs[0].out_bytes
        figures[name] = {
            "seconds": wall,
            "files_per_second": n / wall,
            "peak_bytes": peak,
            "output_bytes": size,
        }
        print(
            f"    {name:<10} {wall:6.2f} s  {n / wall:6.0f} files/s  peak {mib(peak)}  "
            f"output {mib(size)}"
        )
    report.figures["batch"] = figures
    for fmt in ("json", "jsonl"):
        big_f, small_f = figures[f"{fmt} 1000"], figures[f"{fmt} 250"]
        rate = big_f["files_per_second"]
        report.target(
            f"1,000 files {fmt}: speed",
            f"{rate:.0f} files/s",
            f"{big_f['seconds']:.2f} s",
            "-",
            ">= 500 files/s",
            rate >= 500,
        )
        report.target(
            f"1,000 files {fmt}: peak memory",
            mib(big_f["peak_bytes"]),
            "-",
            "-",
            "< 100 MB",
            big_f["peak_bytes"] < 100 * MB,
        )
        growth = big_f["peak_bytes"] - small_f["peak_bytes"]
        report.target(
            f"1,000 files {fmt}: memory flat",
            f"{growth / MB:+.1f} MB",
            f"250 files {mib(small_f['peak_bytes'])}",
            "-",
            "<= 5 MB more",
            growth <= 5 * MB,
        )
        report.target(
            f"1,000 files {fmt}: output",
            mib(big_f["output_bytes"]),
            "-",
            "-",
            "< 20 MB",
            big_f["output_bytes"] < 20 * MB,
        )


# --------------------------------------------------------------------------- rule sets


def _default_rules() -> dict[str, Any]:
    path = ROOT / "rules" / "default.yaml"
    data: dict[str, Any] = _safe_yaml(path.read_text(encoding="utf-8"))
    return data


def write_tenfold(path: Path) -> int:
    """The default rule set with its rules copied ten times (new ids); returns the rule count."""
    data = _default_rules()
    rules = [
        {**rule, "id": rule["id"] if k == 0 else f"{rule['id']}.copy{k}"}
        for k in range(10)
        for rule in data["rules"]
    ]
    data["rules"] = rules
    path.write_text(yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False), encoding="utf-8")
    return len(rules)


_HOSTILE_NUMBERS = [
    ("monthly_requests", "gte", 1),
    ("budget_usd_per_month", "lt", 0.001),
    ("labelled_examples", "gt", 1),
    ("budget_usd_per_month", "gte", 0.001),
    ("monthly_requests", "lte", 1),
    ("context_tokens", "lt", 1),
    ("weeks_to_launch", "gt", 0.001),
    ("input_tokens", "gte", 1),
]
_HOSTILE_ENUMS = [
    ("task_type", ["classification", "extraction", "chat", "rag_qa", "code", "agentic"]),
    ("domain_focus", ["narrow", "moderate"]),
    ("hosting", ["on_prem", "on_device", "any"]),
    ("data_sensitivity", ["internal", "regulated"]),
    ("quality_bar", ["high", "critical"]),
]
#: How each hostile rule set is built: tests per rule, words of prose per rule.
HOSTILE_KINDS = {
    "many": "about 800 rules, each a 16-test condition and a long claim",
    "long": "10 rules, each a condition list of 1,800 tests",
    "refused": "about 800 rules, each citing an unknown reference and criterion",
    "dense": "1 MB of short tests: more values than the loader takes",
}


def write_hostile(path: Path, kind: str, target_bytes: int = 1_000_000) -> int:
    """A rule set of about `target_bytes` of kind `kind` (`HOSTILE_KINDS`); returns its rules.

    Written as text, not through a YAML dumper, so a megabyte takes milliseconds.
    Every number in a condition is a new threshold, so proving that a rule can fire
    has as many cases as the checks allow. The loader takes at most 100,000 values
    (nodes) per file; "many", "long" and "refused" stay under that (long prose,
    long numbers) so the whole-rule-set checks run, "dense" goes over it.
    """
    data = _default_rules()
    head = yaml.dump(
        {
            k: data[k]
            for k in (
                "name",
                "version",
                "description",
                "references",
                "options",
                "criteria",
                "questions",
            )
        },
        Dumper=yaml.CSafeDumper,
        sort_keys=False,
    )
    rng = random.Random(kind)

    def test(j: int) -> str:
        if j % 4 == 3:
            name, values = _HOSTILE_ENUMS[j % len(_HOSTILE_ENUMS)]
            return f"{{field: {name}, in: [{', '.join(rng.sample(values, 2))}]}}"
        name, op, step = _HOSTILE_NUMBERS[j % len(_HOSTILE_NUMBERS)]
        value = rng.randint(1, 10**9) * step
        return f"{{field: {name}, {op}: {round(value, 3)}}}"

    tests_per_rule, words = {
        "many": (16, 60),
        "long": (1800, 0),
        "refused": (16, 60),
        "dense": (24, 0),
    }[kind]
    claim_words = [
        "evidence",
        "throughput",
        "latency",
        "budget",
        "router",
        "tokens",
        "fine-tuning",
        "regulated",
        "on-premises",
        "distillation",
    ]
    parts = [head, "rules:\n"]
    size = len(head)
    count = 0
    while size < target_bytes and (kind != "long" or count < 10):
        tests = ",\n        ".join(test(j) for j in range(tests_per_rule))
        ref, criterion = (
            ("article", "cost") if kind != "refused" else (f"nowhere{count}", f"unknown{count}")
        )
        claim = " ".join(rng.choice(claim_words) for _ in range(words))
        text = (
            f"  - id: hostile.{kind}-{count}\n"
            f"    summary: Generated rule {count}.\n"
            + (f"    claim: {claim}\n" if claim else "")
            + f"    sources: [{{ref: {ref}}}]\n"
            f"    when:\n      {'any' if count % 2 else 'all'}: [\n        {tests}]\n"
            f"    points:\n      slm: {{{criterion}: 1}}\n"
        )
        parts.append(text)
        size += len(text)
        count += 1
    path.write_text("".join(parts), encoding="utf-8")
    return count


def rule_sets(report: Report, repeat: int, work: Path) -> None:
    tenfold = work / "tenfold.yaml"
    n = write_tenfold(tenfold)
    print(
        f"rule sets: ten times the default ({n} rules, {mib(tenfold.stat().st_size)}), "
        f"{repeat} processes",
        flush=True,
    )
    timer = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from slmvllm.advice.rule_sets import load_rule_set\n"
        "start = time.perf_counter()\n"
        "load_rule_set(Path(sys.argv[1]))\n"
        "print(time.perf_counter() - start)\n"
    )
    default = ROOT / "rules" / "default.yaml"
    loads: dict[str, list[float]] = {"default": [], "tenfold": []}
    for _ in range(repeat):
        for name, path in (("default", default), ("tenfold", tenfold)):
            argv = [sys.executable, "-c", timer, str(path)]
            loads[name].append(float(_checked(run(argv, keep_stdout=True), argv).stdout))
    load = {name: med(v) for name, v in loads.items()}
    report.figures["rule_set_load_seconds"] = load
    print(f"    load_rule_set: default {ms(load['default'])}, ten times {ms(load['tenfold'])}")
    report.target(
        f"rule set x10 ({n} rules): load",
        ms(load["tenfold"]),
        f"default {ms(load['default'])}",
        f"{load['tenfold'] / load['default']:.1f}x",
        "< 100 ms (in-process)",
        load["tenfold"] < 0.1,
    )
    hostile: dict[str, Any] = {}
    for kind in HOSTILE_KINDS:
        path = work / f"hostile-{kind}.yaml"
        count = write_hostile(path, kind)
        argv = [*SLMVLLM, "rules", "check", str(path)]
        runs = [_checked(run(argv), argv, (0, 1, 2)) for _ in range(max(1, repeat // 2))]
        wall = med([r.seconds for r in runs])
        last = runs[-1]
        clean = b"Traceback" not in last.stderr and last.code in (0, 2)
        lines = last.stderr.decode(errors="replace").strip().splitlines()
        said = lines[-1].replace(str(work) + os.sep, "")[:110] if lines else "(no message)"
        hostile[kind] = {
            "rules": count,
            "bytes": path.stat().st_size,
            "seconds": wall,
            "exit": last.code,
            "peak_bytes": last.peak,
        }
        print(
            f"    hostile {kind:<8} {count:5d} rules {mib(path.stat().st_size)}: "
            f"{ms(wall)}, exit {last.code}, peak {mib(last.peak)}; {said}"
        )
        report.target(
            f"hostile rule set ({kind}, {count} rules, {mib(path.stat().st_size)})",
            ms(wall),
            f"exit {last.code}",
            "-",
            "< 2 s, exit 0 or 2",
            wall < 2.0 and clean,
        )
    report.figures["hostile"] = hostile


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (3, batch 1)")
    parser.add_argument("--repeat", type=int, help="repetitions of the short commands (10)")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args(argv)
    repeat = args.repeat or (3 if args.quick else 10)
    batch_repeat = 1 if args.quick else 3
    report = Report()
    started = time.strftime("%Y-%m-%d %H:%M")
    print(
        f"slmvllm benchmarks, {started}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    steps: list[Callable[[], None]]
    with tempfile.TemporaryDirectory(prefix="slmvllm-bench-") as tmp:
        work = Path(tmp)
        ENV.update(_env(work / "pycache"))
        steps = [
            lambda: one_file(report, repeat, work),
            lambda: start_up(report, repeat),
            lambda: batch(report, batch_repeat, work),
            lambda: rule_sets(report, repeat, work),
        ]
        for step in steps:
            step()
    print()
    print(report.table())
    missed = [r[0] for r in report.rows if not r[5]]
    print()
    print(
        f"{len(report.rows) - len(missed)} of {len(report.rows)} targets met"
        + (f"; missed: {', '.join(missed)}" if missed else "")
    )
    if args.json:
        report.figures["date"] = started
        report.figures["targets"] = [
            {
                "target": r[0],
                "measured": r[1],
                "baseline": r[2],
                "ratio": r[3],
                "bound": r[4],
                "met": r[5],
            }
            for r in report.rows
        ]
        args.json.write_text(json.dumps(report.figures, indent=2) + "\n", encoding="utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
