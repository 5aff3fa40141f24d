"""How many development cases each optional field decides (docs/requirements.md).

For every case of the development part (benchmarks/decisions/development.yaml and the
calibration cases) that gives the field, the advice is made with and without it; a case
is *decided* by the field when the recommendation changes. The script says how many,
and how many of those changes turn a miss into a match (or the other way).

    python benchmarks/field_effects.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slmvllm.advisor import advise, default_rule_set  # noqa: E402
from slmvllm.loading.labels import load_labels  # noqa: E402

FIELDS = ("difficulty_mix", "output_form", "world_knowledge")
DEVELOPMENT = [ROOT / "benchmarks" / "decisions" / "development.yaml", ROOT / "examples" / "cases"]


def main() -> None:
    rs = default_rule_set()
    cases = load_labels(DEVELOPMENT)
    print(f"{len(cases)} development cases")
    print(f"{'field':<16} {'given':>6} {'decides':>8} {'miss->match':>12} {'match->miss':>12}")
    for name in FIELDS:
        given = decided = fixed = broke = 0
        for case in cases:
            req = case.requirements
            if getattr(req, name) is None:
                continue
            given += 1
            with_it = advise(req, rs).recommendation
            without = advise(req.model_copy(update={name: None}), rs).recommendation
            if with_it == without:
                continue
            decided += 1
            expected = case.label.expected
            fixed += with_it == expected
            broke += without == expected
        print(f"{name:<16} {given:>6} {decided:>8} {fixed:>12} {broke:>12}")


if __name__ == "__main__":
    main()
