"""Does each field of rule set 3.0 earn its place? Cross-validated accuracy without it.

For each optional field added in rule set 3.0 (and all four together), the rules that
read the field are dropped and the rest refitted exactly as benchmarks/fit_rules.py
fits them, from the points as written (5-fold cross-validation on the development part,
at the lambda the fit chooses with every field); the figure is the clean accuracy on
the held-out folds. A field earns its place when accuracy falls
without it. Also prints how many development cases give the field, and how many
recommendations of the shipped rule set it decides (the advice with and without it).

    pip install '.[fit]'
    python benchmarks/field_ablation.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fit_rules as fr  # noqa: E402

from slmvllm.advice.conditions import fields_read  # noqa: E402
from slmvllm.advice.rule_sets import load_rule_set  # noqa: E402
from slmvllm.advisor import advise  # noqa: E402
from slmvllm.loading.labels import load_labels  # noqa: E402

FIELDS = ("enterprise_agreement", "hardest_requests", "work_stages", "starting_point")


def main() -> None:
    rs = load_rule_set(fr.AS_WRITTEN).rule_set
    cases = fr.load_cases(rs)
    reads = [fields_read(r.when) if r.when else set() for r in rs.rules]
    labelled = load_labels(fr.DEVELOPMENT)
    shipped = load_rule_set(fr.RULES).rule_set  # "decides": the shipped, fitted rule set

    def cv_without(fields: set[str]) -> float:
        keep = [i for i, r in enumerate(reads) if not r & fields]
        sub = [
            fr.Case(c.id, c.expected, c.weight, c.effects[keep], c.allowed, c.mean_weight)
            for c in cases
        ]
        return fr.cross_validate(sub, len(keep), lam)

    scores = {lam: fr.cross_validate(cases, len(rs.rules), lam) for lam in fr.LAMBDAS}
    lam = max(fr.LAMBDAS, key=lambda x: (scores[x], x))
    full = scores[lam]
    print(
        f"{len(cases)} development cases; lambda {lam}; "
        f"5-fold clean accuracy with every field: {full:.3f}"
    )
    print(f"{'without':<22} {'given':>6} {'decides':>8} {'cv accuracy':>12} {'change':>8}")
    for name in (*FIELDS, "all four"):
        fields = set(FIELDS) if name == "all four" else {name}
        given = sum(any(getattr(c.requirements, f) is not None for f in fields) for c in labelled)
        decides = 0
        for c in labelled:
            req = c.requirements
            if not any(getattr(req, f) is not None for f in fields):
                continue
            without = req.model_copy(update=dict.fromkeys(fields))
            decides += (
                advise(req, shipped).recommendation != advise(without, shipped).recommendation
            )
        acc = cv_without(fields)
        print(f"{name:<22} {given:>6} {decides:>8} {acc:>12.3f} {acc - full:>+8.3f}")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
