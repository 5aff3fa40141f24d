"""How many questions the adaptive questionnaire asks, over the corpus and the examples.

Each case's requirements file answers the questionnaire through the terminal's code
path (tests/questionnaire_replay.py): the file's value where it gives one, Enter where
it leaves a field out. Prints the median and maximum number of questions asked (the
use_case line counts; the one-line priorities offer does not), how many the full
questionnaire would ask, and whether each case ended with the file's recommendation.

Run: python benchmarks/questions_asked.py [--rules FILE] [LABELS_OR_FOLDER ...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slmvllm.advice.conditions import holds  # noqa: E402
from slmvllm.advice.engine import defaults  # noqa: E402
from slmvllm.advice.rule_set_model import RuleSet  # noqa: E402
from slmvllm.advice.rule_sets import load_rule_set  # noqa: E402
from slmvllm.advisor import CatalogFigures, advise, default_catalog  # noqa: E402
from slmvllm.loading.labels import load_labels  # noqa: E402
from tests.questionnaire_replay import replay  # noqa: E402


def _full_count(rs: RuleSet, given: dict[str, Any]) -> int:
    """What the full questionnaire asks with these answers: every question its ask_if lets."""
    values = defaults(rs) | given
    return sum(
        1
        for q in rs.questions
        if q.type != "priorities" and (q.ask_if is None or holds(q.ask_if, values))
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", nargs="*", type=Path)
    parser.add_argument("--rules", type=Path, default=None)
    args = parser.parse_args()
    labels = args.labels or [ROOT / "benchmarks" / "decisions", ROOT / "examples" / "cases"]
    rs = load_rule_set(args.rules).rule_set
    catalog = default_catalog()
    figures = CatalogFigures(catalog)
    asked: list[int] = []
    full: list[int] = []
    same = 0
    last: Counter[str] = Counter()
    cases = load_labels(labels)
    for case in cases:
        given = case.requirements.given()
        played = replay(rs, given, figures)
        answered = rs.requirements_model().model_validate(played.answers.values)
        if (
            advise(answered, rs, catalog).recommendation
            == advise(case.requirements, rs, catalog).recommendation
        ):
            same += 1
        asked.append(len(played.asked))
        full.append(_full_count(rs, given))
        if played.asked:
            last[played.asked[-1]] += 1
    print(f"rule set {rs.name} {rs.version}; {len(cases)} cases")
    print(
        f"questions asked: median {statistics.median(asked):g}, max {max(asked)}, "
        f"min {min(asked)} (the full questionnaire: median {statistics.median(full):g}, "
        f"max {max(full)}, priorities not counted)"
    )
    print(f"same recommendation as the file: {same}/{len(cases)}")
    print(
        "last question asked, most often: " + ", ".join(f"{f} {n}" for f, n in last.most_common(5))
    )
    return 0 if same == len(cases) else 1


if __name__ == "__main__":
    raise SystemExit(main())
