"""Split the corpus of decisions into a development part and a held-back test part.

Run once, before any rule is revised, and commit what it writes; rerunning it gives
the same split (fixed seed). About a third of the cases, chosen at random within each
(expected label, ambiguous) group, go to the test part; the rest to development. The
21 calibration cases (examples/cases/) are not in the corpus: the rules were written
with them in view, so they count as development evidence, never as test cases.

    python benchmarks/split_corpus.py

Writes benchmarks/decisions/split.yaml (the ids of each part, the seed, the method)
and the labels files development.yaml and test.yaml beside index.yaml, which
`slmvllm eval` reads.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent / "decisions"
SEED = 20261201
TEST_SHARE = 1 / 3


def split(entries: list[dict[str, object]]) -> tuple[list[str], list[str]]:
    """(development ids, test ids): stratified by (expected, ambiguous), seeded."""
    rng = random.Random(SEED)
    groups: dict[tuple[str, bool], list[str]] = {}
    for entry in sorted(entries, key=lambda e: str(e["id"])):
        key = (str(entry["expected"]), bool(entry["ambiguous"]))
        groups.setdefault(key, []).append(str(entry["id"]))
    development: list[str] = []
    test: list[str] = []
    for key in sorted(groups):
        ids = groups[key]
        rng.shuffle(ids)
        n_test = round(len(ids) * TEST_SHARE)
        test += ids[:n_test]
        development += ids[n_test:]
    return sorted(development), sorted(test)


def main() -> None:
    entries = yaml.safe_load((HERE / "index.yaml").read_text(encoding="utf-8"))
    development, test = split(entries)
    (HERE / "split.yaml").write_text(
        "# Written by benchmarks/split_corpus.py before any rule was revised; do not edit.\n"
        + yaml.safe_dump(
            {
                "seed": SEED,
                "test_share": round(TEST_SHARE, 4),
                "method": "random within each (expected, ambiguous) group, seeded",
                "development": development,
                "test": test,
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
