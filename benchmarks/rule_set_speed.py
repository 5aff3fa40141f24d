"""The rule set targets of benchmarks/run.py: a rule set ten times the default's size,
and hostile rule sets of about 1 MB."""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path
from typing import Any

import yaml
from processes import ROOT, SLMVLLM, Report, _checked, _safe_yaml, med, mib, ms, run

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
