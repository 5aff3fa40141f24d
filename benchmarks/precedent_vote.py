"""How the precedents' vote was set up, and whether it belongs in the score (docs/measuring.md).

On the development part only (the test part left out of the corpus the vote draws on):

1. the vote's settings: how right the vote alone is, for the share of the answers
   against the words (`similarity.FIELD_SHARE`) and the number of voters (`VOTE_K`);
2. the vote in the score: 5-fold cross-validated accuracy of the rules fitted as
   benchmarks/fit_rules.py fits them, without the vote and with it as one more term
   (its weight fitted like a rule's), at a few scales;
3. when the rules (out of fold) and the vote disagree, how often each is right.

    pip install '.[fit]'
    python benchmarks/precedent_vote.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fit_rules as fr  # noqa: E402

import slmvllm.precedents as precedents  # noqa: E402
import slmvllm.precedents.similarity as similarity  # noqa: E402
from slmvllm.advice.rule_sets import load_rule_set  # noqa: E402
from slmvllm.loading.labels import load_labels  # noqa: E402

SHARES = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
VOTERS = (3, 5, 7, 9, 11)
SCALES = (0.0, 2.0, 4.0, 8.0)


def main() -> None:
    held_back = set(yaml.safe_load(fr.SPLIT.read_text(encoding="utf-8"))["test"])
    labelled = load_labels(fr.DEVELOPMENT)
    clean = [c for c in labelled if not c.label.ambiguous]

    print("1. the vote alone, right on clean development cases:")
    chosen = similarity.FIELD_SHARE
    for share in SHARES:
        similarity.FIELD_SHARE = share
        row = []
        for k in VOTERS:
            right = 0
            for case in clean:
                near = precedents.nearest(case.requirements.given(), held_back | {case.label.id})
                vote = precedents.vote(near, k)
                right += vote is not None and vote.choice == case.label.expected
            row.append(f"{k} voters {right}/{len(clean)}")
        print(f"  answers {share:.1f}: " + ", ".join(row))
    similarity.FIELD_SHARE = chosen

    rs = load_rule_set(fr.AS_WRITTEN).rule_set
    cases = fr.load_cases(rs)
    by_id = {c.label.id: c for c in labelled}
    options = rs.option_order()
    shares: dict[str, np.ndarray] = {}
    for case in cases:
        _, vote = precedents.find_precedents(
            by_id[case.id].requirements.given(), held_back | {case.id}
        )
        shares[case.id] = (
            np.array([vote.shares[o] for o in options]) if vote else np.zeros(len(options))
        )

    print("2. 5-fold clean accuracy, lambda 3, the vote as one more term:")
    n = len(rs.rules)
    for scale in SCALES:
        with_vote = [
            fr.Case(
                c.id,
                c.expected,
                c.weight,
                np.vstack([c.effects, shares[c.id] * c.mean_weight * scale]),
                c.allowed,
                c.mean_weight,
            )
            for c in cases
        ]
        accuracy = fr.cross_validate(with_vote, n + 1, 3.0)
        print(f"  scale {scale:>4}: {accuracy:.3f}" + ("  (without the vote)" if not scale else ""))

    print("3. when the out-of-fold rules and the vote disagree (clean cases):")
    oof = fr.out_of_fold(cases, n, 3.0)
    rules_right = vote_right = disagree = 0
    for case, (_, rec) in zip(cases, oof, strict=True):
        if case.weight < 1 or not shares[case.id].any():
            continue
        voted = int(np.argmax(shares[case.id]))
        if voted == rec:
            continue
        disagree += 1
        rules_right += rec == case.expected
        vote_right += voted == case.expected
    print(f"  {disagree} cases: the rules right {rules_right}, the vote right {vote_right}")


if __name__ == "__main__":
    main()
