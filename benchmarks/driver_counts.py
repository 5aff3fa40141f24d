"""Count the decision drivers of the corpus: how many decisions each decides, and which
questions express it (before rule set 3.0 and now).

Reads the `drivers` of every case in benchmarks/decisions/index.yaml (ENCODING.md,
section 5, defines each driver) and prints a Markdown table, most frequent first:

    python benchmarks/driver_counts.py                                  # the whole corpus
    python benchmarks/driver_counts.py benchmarks/decisions/development.yaml
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slmvllm.loading.labels import DECISION_DRIVERS, load_labels  # noqa: E402

INDEX = ROOT / "benchmarks" / "decisions" / "index.yaml"

#: The fields that express each driver: (fields of rule set 2.0, fields added in 3.0).
EXPRESSED_BY: dict[str, tuple[str, str]] = {
    "cost_at_volume": ("monthly_requests, budget_usd_per_month", ""),
    "latency": ("latency_p95_ms", ""),
    "data_control": ("data_sensitivity, hosting", ""),
    "provider_agreement": ("", "enterprise_agreement"),
    "quality_ceiling": ("quality_bar (partly)", "hardest_requests"),
    "time_to_market": ("weeks_to_launch, ml_expertise", ""),
    "own_the_model": ("ml_expertise (partly)", "starting_point (partly)"),
    "existing_asset": ("", "starting_point"),
    "work_split": ("difficulty_mix (partly)", "work_stages"),
    "on_device": ("hosting", ""),
    "breadth": ("task_breadth, domain_focus, world_knowledge", ""),
    "narrow_accuracy": ("domain_focus, labelled_examples, output_form", ""),
}


def main() -> None:
    cases = load_labels([Path(p) for p in sys.argv[1:]] or INDEX)
    any_pos: Counter[str] = Counter()
    first: Counter[str] = Counter()
    by_choice: dict[str, Counter[str]] = {d: Counter() for d in DECISION_DRIVERS}
    tagged = 0
    for case in cases:
        drivers = case.label.drivers
        if drivers:
            tagged += 1
            first[drivers[0]] += 1
        for d in drivers:
            any_pos[d] += 1
            by_choice[d][case.label.expected] += 1
    print(f"{len(cases)} decisions, {tagged} with drivers\n")
    print(
        "| driver | decisions | decisive first | slm / llm / hybrid "
        "| expressed before 3.0 | added in 3.0 |"
    )
    print("|---|---:|---:|---|---|---|")
    for d in sorted(DECISION_DRIVERS, key=lambda d: (-any_pos[d], d)):
        c = by_choice[d]
        before, added = EXPRESSED_BY[d]
        print(
            f"| `{d}` | {any_pos[d]} | {first[d]} | {c['slm']} / {c['llm']} / {c['hybrid']} | "
            f"{before or 'no'} | {added or '-'} |"
        )


if __name__ == "__main__":
    main()
