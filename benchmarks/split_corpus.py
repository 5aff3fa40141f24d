"""Split the corpus of documented decisions into a development part and a held-back test part.

Two generations of the split are kept in split.yaml:

1. **The first split** (seed 20261201, 2026-12-01): a third of the 138 cases of the first
   corpus, at random within each (expected label, ambiguous) group, were held back as
   the test part of rule set 2.0. That test part has since been looked at, so it is
   test data no more: every case of the first corpus is now development.
2. **The fresh test part** (seed 20261207, 2026-12-07): drawn only from the cases added
   after the first split (`split.yaml: first_split` lists the old ones), before any rule
   of rule set 3.0 was written: half of the new cases, at random within each
   (expected, ambiguous) group. The rest of the new cases join the development part.

The 21 calibration cases (examples/cases/) are not in the corpus: the rules were written
with them in view, so they count as development evidence, never as test cases.

    python benchmarks/split_corpus.py

Rerunning it gives the same split: both generations are read back from split.yaml, and
only a case in neither part (one added since) is placed, by the same stratified draw
among the cases added since, so adding a case never moves another. It writes split.yaml
and the labels files development.yaml and test.yaml beside index.yaml, which `slmvllm
eval` reads.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent / "decisions"
FIRST_SEED = 20261201
SEED = 20261207
TEST_SHARE = 1 / 2  # of the cases added after the first split


def split(entries: list[dict[str, object]], seed: int, share: float) -> tuple[list[str], list[str]]:
    """(development ids, test ids): stratified by (expected, ambiguous), seeded."""
    rng = random.Random(seed)
    groups: dict[tuple[str, bool], list[str]] = {}
    for entry in sorted(entries, key=lambda e: str(e["id"])):
        key = (str(entry["expected"]), bool(entry["ambiguous"]))
        groups.setdefault(key, []).append(str(entry["id"]))
    development: list[str] = []
    test: list[str] = []
    for key in sorted(groups):
        ids = groups[key]
        rng.shuffle(ids)
        n_test = round(len(ids) * share)
        test += ids[:n_test]
        development += ids[n_test:]
    return sorted(development), sorted(test)


def main() -> None:
    entries = yaml.safe_load((HERE / "index.yaml").read_text(encoding="utf-8"))
    previous = yaml.safe_load((HERE / "split.yaml").read_text(encoding="utf-8"))
    first = previous.get("first_split") or {
        "seed": FIRST_SEED,
        "development": previous["development"],
        "test": previous["test"],
    }
    old = set(first["development"]) | set(first["test"])
    ids = {str(e["id"]) for e in entries}
    if previous.get("seed") == SEED and "first_split" in previous:
        # The fresh split exists: keep every case where it is; place only unplaced ones.
        kept_development = set(previous["development"]) & ids
        kept_test = set(previous["test"]) & ids
        placed = kept_development | kept_test
        unplaced = [e for e in entries if e["id"] not in placed and e["id"] not in old]
        add_development, add_test = split(unplaced, SEED, TEST_SHARE)
        development = sorted(kept_development | set(add_development) | (old & ids))
        test = sorted(kept_test | set(add_test))
    else:
        new_entries = [e for e in entries if e["id"] not in old]
        new_development, test = split(new_entries, SEED, TEST_SHARE)
        development = sorted([str(e["id"]) for e in entries if e["id"] in old] + new_development)
    (HERE / "split.yaml").write_text(
        "# Written by benchmarks/split_corpus.py; do not edit. The fresh test part was drawn\n"
        "# from the cases added after the first split, before any rule of rule set 3.0.\n"
        + yaml.safe_dump(
            {
                "seed": SEED,
                "test_share_of_new_cases": TEST_SHARE,
                "method": "random within each (expected, ambiguous) group of the cases added "
                "after the first split, seeded; every case of the first corpus is development",
                "development": development,
                "test": test,
                "first_split": first,
            },
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    by_id = {e["id"]: e for e in entries}
    for name, ids in (("development", development), ("test", test)):
        part = [by_id[i] for i in ids]
        header = (
            f"# The {name} part of the corpus (see split.yaml); generated from index.yaml by "
            "benchmarks/split_corpus.py.\n"
        )
        (HERE / f"{name}.yaml").write_text(
            header + yaml.safe_dump(part, sort_keys=False, allow_unicode=True, width=100),
            encoding="utf-8",
        )
        print(f"{name}: {len(ids)} cases")


if __name__ == "__main__":
    main()
