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

- one file, `advise -r FILE --format json`: at most 1.3x the floor program (issue 19;
  issue 9 asked 1.15x before the precedents, the estimates and the lean JSON)
  (benchmarks/floor.py: a typer command that reads the YAML, validates it with a
  pydantic model of the same fields and prints JSON), and faster than
  `check-jsonschema` on the same file against `slmvllm schema requirements`;
- `--version` and `--help`: at most 1.2x `python -c "import typer"`;
- a folder of 1,000 generated requirements files, full result, `--format json`
  and `--format jsonl`: at least 500 files a second end to end, peak memory under
  100 MB, output at most 15 MB and 12 KB a result on average (the lean JSON of issue
  19; it was 20 MB); and the same folder cut to 250 files, to show that
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
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from processes import (
    ENV,
    MB,
    NUMERIC,
    ONE_FILE,
    ROOT,
    SLMVLLM,
    Report,
    _checked,
    _env,
    _safe_yaml,
    alternate,
    med,
    mib,
    ms,
    run,
)
from rule_set_speed import rule_sets

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
        "<= 1.30x",
        ratio <= 1.3,
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
            "<= 15 MB",
            big_f["output_bytes"] <= 15 * MB,
        )
        per_result = big_f["output_bytes"] / 1000
        report.target(
            f"1,000 files {fmt}: size per result",
            f"{per_result / 1024:.1f} KB",
            "-",
            "-",
            "<= 12 KB",
            per_result <= 12 * 1024,
        )


def jobs(report: Report, repeat: int, work: Path) -> None:
    """`--jobs 2` against `--jobs 1` on the 1,000 files (made by `batch`), JSON Lines."""
    big = work / "cases-1000"
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"--jobs 1 and 2 on the 1,000 files, {cpus} CPUs, {repeat} alternating runs", flush=True)
    commands: dict[str, Sequence[str]] = {
        f"--jobs {n}": [*SLMVLLM, "advise", "-r", str(big), "-f", "jsonl", "--jobs", str(n)]
        for n in (1, 2)
    }
    runs = alternate(commands, repeat)
    wall = {name: med([r.seconds for r in rs]) for name, rs in runs.items()}
    peak = {name: med([r.peak for r in rs]) for name, rs in runs.items()}
    outputs = {_checked(run(argv, keep_stdout=True), argv).stdout for argv in commands.values()}
    report.figures["jobs"] = {"median_seconds": wall, "median_peak_bytes": peak, "cpus": cpus}
    for name in runs:
        print(
            f"    {name:<10} {wall[name]:6.2f} s  {1000 / wall[name]:6.0f} files/s  "
            f"peak {mib(peak[name])}"
        )
    speedup = wall["--jobs 1"] / wall["--jobs 2"]
    report.target(
        "1,000 files: --jobs 2 vs --jobs 1",
        f"{wall['--jobs 2']:.2f} s",
        f"--jobs 1 {wall['--jobs 1']:.2f} s",
        f"{speedup:.2f}x",
        ">= 1.50x faster (2+ CPUs)",
        speedup >= 1.5 or (cpus or 1) < 2,
    )
    report.target(
        "1,000 files: --jobs 2 output as --jobs 1",
        "same" if len(outputs) == 1 else "DIFFERENT",
        "-",
        "-",
        "byte for byte",
        len(outputs) == 1,
    )


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
            lambda: jobs(report, batch_repeat, work),
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
