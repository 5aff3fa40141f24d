"""Speed of the core, measured here and not in tests: prints the figures.

    python benchmarks/bench_engine.py [--repeat N]

Figures: loading and checking the default rule set, one `advise` (scoring plus
the what-would-change search) on each calibration case, scoring alone, loading
the model catalogue, the estimates (54 models priced, break-even, cost check)
for each case, and the wall time of one `slmvllm advise` process (interpreter
start-up included).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slmvllm.advice.engine import advice_for, resolve, score, weights  # noqa: E402
from slmvllm.advice.rule_sets import load_rule_set  # noqa: E402
from slmvllm.loading.validation import load_model  # noqa: E402
from slmvllm.numbers.catalog import load_catalog  # noqa: E402
from slmvllm.numbers.cost_check import cost_check  # noqa: E402
from slmvllm.numbers.estimates import estimate  # noqa: E402
from slmvllm.requirements import Requirements  # noqa: E402


def timed(label: str, fn: Callable[[], object], repeat: int) -> None:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    print(
        f"{label:<46} median {statistics.median(samples) * 1000:9.2f} ms"
        f"   min {min(samples) * 1000:9.2f} ms   ({repeat} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    rs = load_rule_set().rule_set
    cases = [
        load_model(p, Requirements, what="requirements file")
        for p in sorted((ROOT / "examples" / "cases").glob("*.yaml"))
        if p.name != "index.yaml"  # the cases' labels, not a use case
    ]
    print(f"rule set: {len(rs.rules)} rules, {len(rs.criteria)} criteria; {len(cases)} cases")
    timed("load + check default rule set", load_rule_set, args.repeat)
    timed(
        f"advise x {len(cases)} cases (with what-would-change)",
        lambda: [advice_for(rs, c) for c in cases],
        args.repeat,
    )
    resolved = [(resolve(rs, c)[0], weights(rs, c.priorities)) for c in cases]
    timed(
        f"score only x {len(cases)} cases",
        lambda: [score(rs, v, w) for v, w in resolved],
        args.repeat,
    )
    timed("load + check the model catalogue", load_catalog, args.repeat)
    catalog = load_catalog()
    results = [advice_for(rs, c) for c in cases]

    def numbers() -> None:
        for r in results:
            est = estimate(r.requirements, r.recommendation, catalog)
            cost_check(r.criteria_scores, {e.option for e in r.excluded}, est, 3.0)

    timed(f"estimates x {len(cases)} cases (with cost check)", numbers, args.repeat)
    example = str(ROOT / "examples" / "support-triage.yaml")
    timed(
        "one `slmvllm advise -f json` process",
        lambda: subprocess.run(
            [sys.executable, "-m", "slmvllm", "advise", "-r", example, "-f", "json"],
            check=True,
            capture_output=True,
        ),
        max(3, args.repeat // 4),
    )


if __name__ == "__main__":
    main()
