"""Fit the default rule set's points and its confidence map on the development part.

The rules say *which way* the evidence points (each cites its source); this script sets
*how far*, from the documented decisions of the development part only, and anyone can
rerun it:

1. Every development case is scored once per rule: which rules fire (with the cost
   figures the estimates compute) and each rule's weighted effect per option.
2. Each rule gets a non-negative multiplier m (so no rule can turn against its source):
   the multipliers maximise the likelihood of the documented decisions under a softmax
   of the option scores, with an L2 pull towards m = 1 (the points as written), and the
   strength of that pull chosen by 5-fold cross-validation on the development part.
   Rules that exclude an option keep their exclusion; their points are fitted like any.
3. New points = old points x m, rounded to quarters (the rule language allows -10..10).
4. The confidence map: a logistic regression of "the advice matched the decision" on
   the score margin between the winner and the runner-up (in points per unit of mean
   criterion weight), the number of decisive fields left unknown, and whether the
   precedents' vote (the case itself left out) disagrees. It is fitted on out-of-fold
   advice: each case scored by points fitted on the other four folds, so the map is
   never fitted on a case the points were fitted to. Capped at CEILING.

    pip install '.[fit]'                      # scipy and numpy, development only
    python benchmarks/fit_rules.py            # print what it would write
    python benchmarks/fit_rules.py --write    # write it into rules/default.yaml

It reads the points as written from benchmarks/rules-as-written.yaml (the rule set with
every rule's points before any fit) and writes that text, with the fitted points and
calibration, to rules/default.yaml: rerunning it gives the same file. Change a rule's
text, sources or points as written in rules-as-written.yaml, then rerun.

The test part (benchmarks/decisions/test.yaml) is never read here, and its decisions
are left out of the precedents whose vote the confidence map reads.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from scipy.optimize import minimize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slmvllm.advice.engine import _compiled, _fired, _weighted_effects, resolve, weights  # noqa: E402
from slmvllm.advice.rule_set_model import RuleSet  # noqa: E402
from slmvllm.advice.rule_sets import load_rule_set  # noqa: E402
from slmvllm.advisor import CatalogFigures  # noqa: E402
from slmvllm.loading.labels import load_labels  # noqa: E402
from slmvllm.numbers.catalog import load_catalog  # noqa: E402

RULES = ROOT / "rules" / "default.yaml"
#: The rule set with its points as written (each rule's points before any fit): what the
#: fit starts from and pulls towards, so a rerun gives the same numbers.
AS_WRITTEN = ROOT / "benchmarks" / "rules-as-written.yaml"
SPLIT = ROOT / "benchmarks" / "decisions" / "split.yaml"
DEVELOPMENT = [ROOT / "benchmarks" / "decisions" / "development.yaml", ROOT / "examples" / "cases"]
AMBIGUOUS_WEIGHT = 0.5  # benchmark studies and vendor guidance count half
TEMPERATURE = 0.2  # softmax(score x T); the multipliers absorb any other scale
LAMBDAS = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
SEED = 20261201
#: No confidence above this: even a clear margin on unseen decisions is wrong now and then.
CEILING = 0.95


@dataclass
class Case:
    id: str
    expected: int  # index into the rule set's options
    weight: float
    effects: np.ndarray  # rules x options: the weighted effect of each fired rule (0 if not)
    allowed: np.ndarray  # options: False when a fired rule excludes it
    mean_weight: float


def load_cases(rs: RuleSet) -> list[Case]:
    catalog = load_catalog()
    figures = CatalogFigures(catalog)
    options = rs.option_order()
    compiled = _compiled(rs)
    out: list[Case] = []
    for labelled in load_labels(DEVELOPMENT):
        req = labelled.requirements
        values, _ = resolve(rs, req)
        figs, _ = figures(values)
        weight = weights(rs, req.priorities)
        fired = _fired(compiled, {**values, **figs})
        per_rule = _weighted_effects(rs, weight)
        effects = np.zeros((len(rs.rules), len(options)))
        allowed = np.ones(len(options), dtype=bool)
        for i, (rule, on) in enumerate(zip(rs.rules, fired, strict=True)):
            if not on:
                continue
            effects[i] = [per_rule[i][o] for o in options]
            for option in rule.exclude:
                allowed[options.index(option)] = False
        out.append(
            Case(
                id=labelled.label.id,
                expected=options.index(labelled.label.expected),
                weight=AMBIGUOUS_WEIGHT if labelled.label.ambiguous else 1.0,
                effects=effects,
                allowed=allowed,
                mean_weight=float(np.mean(list(weight.values()))) or 1.0,
            )
        )
    return out


def _loss(m: np.ndarray, cases: list[Case], lam: float) -> tuple[float, np.ndarray]:
    total = lam * float(np.sum((m - 1.0) ** 2))
    grad = 2 * lam * (m - 1.0)
    for case in cases:
        scores = TEMPERATURE * (m @ case.effects)
        scores = np.where(case.allowed, scores, -np.inf)
        top = np.max(scores[case.allowed])
        exp = np.where(case.allowed, np.exp(scores - top), 0.0)
        p = exp / exp.sum()
        total -= case.weight * math.log(max(p[case.expected], 1e-12))
        # d(-log p_e)/dm = T * (sum_o p_o E[:, o] - E[:, e])
        grad += case.weight * TEMPERATURE * (case.effects @ p - case.effects[:, case.expected])
    return total, grad


def fit(cases: list[Case], n_rules: int, lam: float) -> np.ndarray:
    result = minimize(
        _loss,
        np.ones(n_rules),
        args=(cases, lam),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0.0, 4.0)] * n_rules,
    )
    return np.asarray(result.x)


def accuracy(m: np.ndarray, cases: list[Case], clean_only: bool = False) -> float:
    right = total = 0
    for case in cases:
        if clean_only and case.weight < 1:
            continue
        scores = np.where(case.allowed, m @ case.effects, -np.inf)
        # Ties go to the option listed first, as in the engine.
        right += int(int(np.argmax(scores)) == case.expected)
        total += 1
    return right / total if total else float("nan")


def cross_validate(cases: list[Case], n_rules: int, lam: float, folds: int = 5) -> float:
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(cases))
    right = []
    for k in range(folds):
        held = {int(i) for i in order[k::folds]}
        train = [c for i, c in enumerate(cases) if i not in held]
        test = [c for i, c in enumerate(cases) if i in held]
        right.append(accuracy(fit(train, n_rules, lam), test, clean_only=True))
    return float(np.nanmean(right))


def rounded_points(rs: RuleSet, m: np.ndarray) -> dict[str, dict[str, dict[str, float]]]:
    out: dict[str, dict[str, dict[str, float]]] = {}
    for rule, factor in zip(rs.rules, m, strict=True):
        points: dict[str, dict[str, float]] = {}
        for option, per in rule.points.items():
            scaled = {c: round(v * factor * 4) / 4 for c, v in per.items()}
            scaled = {c: v for c, v in scaled.items() if v != 0}
            if scaled:
                points[option] = scaled
        out[rule.id] = points
    return out


def out_of_fold(
    cases: list[Case], n_rules: int, lam: float, folds: int = 5
) -> list[tuple[float, int]]:
    """(margin, recommended option) of every case, scored by multipliers fitted on the
    other folds only: what the advice does on decisions it was not fitted to."""
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(cases))
    out: list[tuple[float, int]] = [(0.0, 0)] * len(cases)
    for k in range(folds):
        held = {int(i) for i in order[k::folds]}
        m = fit([c for i, c in enumerate(cases) if i not in held], n_rules, lam)
        for i in held:
            out[i] = _margin(cases[i], m)
    return out


def _margin(case: Case, m: np.ndarray) -> tuple[float, int]:
    scores = np.where(case.allowed, m @ case.effects, -np.inf)
    order = np.argsort(-scores, kind="stable")
    margin = (scores[order[0]] - scores[order[1]]) if int(case.allowed.sum()) > 1 else 10.0
    return float(margin) / case.mean_weight, int(order[0])


def case_context(rs: RuleSet) -> dict[str, tuple[int, str | None]]:
    """Per development case: the decisive fields left unknown (with the written rule set)
    and the precedents' vote, the case itself left out."""
    from slmvllm.advisor import advise

    # The test part is never read: its decisions are left out of the precedents too.
    held_back = set(yaml.safe_load(SPLIT.read_text(encoding="utf-8"))["test"])
    out: dict[str, tuple[int, str | None]] = {}
    for labelled in load_labels(DEVELOPMENT):
        leave_out = held_back | {labelled.label.id}
        result = advise(labelled.requirements, rs, exclude_precedents=leave_out)
        unknowns = int(result.confidence_basis.get("decisive_unknowns", 0))
        vote = result.precedent_vote.choice if result.precedent_vote else None
        out[labelled.label.id] = (unknowns, vote)
    return out


def fit_confidence(
    cases: list[Case],
    oof: list[tuple[float, int]],
    context: dict[str, tuple[int, str | None]],
    options: list[str],
) -> tuple[float, float, float, float]:
    """(a, b, c, d) of P(right) = 1 / (1 + exp(-(a + b margin + c unknowns + d disagree))),
    fitted on out-of-fold recommendations (b >= 0; c, d <= 0)."""
    rows, right, weight = [], [], []
    for case, (margin, rec) in zip(cases, oof, strict=True):
        unknowns, vote = context[case.id]
        disagree = float(vote is not None and vote != options[rec])
        rows.append((margin, float(unknowns), disagree))
        right.append(float(rec == case.expected))
        weight.append(case.weight)
    x, y, w = np.array(rows), np.array(right), np.array(weight)

    def loss(p: np.ndarray) -> float:
        z = p[0] + x @ p[1:]
        q = np.clip(1 / (1 + np.exp(-z)), 1e-9, 1 - 1e-9)
        return float(-np.sum(w * (y * np.log(q) + (1 - y) * np.log(1 - q))))

    bounds = [(-10.0, 10.0), (0.0, 10.0), (-10.0, 0.0), (-10.0, 0.0)]
    result = minimize(loss, np.array([0.0, 0.5, 0.0, 0.0]), method="L-BFGS-B", bounds=bounds)
    a, b, c, d = (float(v) for v in result.x)
    return a, b, c, d


def _flow(points: dict[str, float]) -> str:
    return "{" + ", ".join(f"{c}: {v:g}" for c, v in points.items()) + "}"


def write_points(
    text: str, points: dict[str, dict[str, dict[str, float]]], excluding: set[str]
) -> tuple[str, list[str]]:
    """Replace each rule's `points:` block in the YAML text, keeping everything else.

    A rule whose points all round to zero and that excludes nothing has no say left:
    it is removed (and listed), since a rule must move a score or rule an option out.
    """
    removed: list[str] = []
    for rule_id, per_option in points.items():
        start = text.index(f"  - id: {rule_id}\n")
        end = text.find("\n  - id: ", start + 1)
        if end < 0:
            end = text.find("\n\n", start)
        end = len(text) if end < 0 else end
        block = text[start:end]
        if not per_option and rule_id not in excluding:
            text = text[:start].rstrip("\n") + "\n\n" + text[end:].lstrip("\n")
            removed.append(rule_id)
            continue
        new_lines = "".join(f"      {o}: {_flow(p)}\n" for o, p in per_option.items())
        if "    points:\n" in block:
            added = not block.endswith("\n")
            block = re.sub(
                r"    points:\n(?:      [a-z]+: \{[^\n]*\}\n)+",
                ("    points:\n" + new_lines) if new_lines else "",
                block + ("\n" if added else ""),
                count=1,
            )
            if added:
                block = block[:-1]
        text = text[:start] + block + text[end:]
    return text, removed


def write_calibration(text: str, fitted: tuple[float, float, float, float], n: int) -> str:
    a, b, c, d = fitted
    block = (
        "calibration:\n"
        f"  # Written by benchmarks/fit_rules.py from {n} development cases, each scored by\n"
        "  # points fitted on the other folds (5-fold); see docs/measuring.md.\n"
        "  method: logistic-margin\n"
        f"  intercept: {a:.4f}\n"
        f"  slope: {b:.4f}\n"
        f"  per_unknown: {c:.4f}\n"
        f"  disagree: {d:.4f}\n"
        f"  ceiling: {CEILING}\n"
    )
    if re.search(r"^calibration:\n", text, flags=re.M):
        return re.sub(r"^calibration:\n(?:  [^\n]*\n)+", block, text, count=1, flags=re.M)
    return text.replace("\nrules:\n", "\n" + block + "\nrules:\n", 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write into rules/default.yaml")
    args = parser.parse_args()
    rs = load_rule_set(AS_WRITTEN).rule_set
    cases = load_cases(rs)
    n_rules = len(rs.rules)
    ones = np.ones(n_rules)
    print(f"development cases: {len(cases)} ({sum(c.weight == 1 for c in cases)} clean)")
    print(f"points as written: clean accuracy {accuracy(ones, cases, True):.3f}")
    scores = {lam: cross_validate(cases, n_rules, lam) for lam in LAMBDAS}
    for lam, acc in scores.items():
        print(f"  lambda {lam:>5}: 5-fold clean accuracy {acc:.3f}")
    best_lam = max(LAMBDAS, key=lambda lam: (scores[lam], lam))
    m = fit(cases, n_rules, best_lam)
    print(f"chosen lambda {best_lam}; in-sample clean accuracy {accuracy(m, cases, True):.3f}")
    # Each case scored by points fitted on the other folds from the points as written:
    # the advice on decisions the points were not fitted to, which the confidence map
    # is fitted on.
    oof = out_of_fold(cases, n_rules, best_lam)
    print(f"out-of-fold clean accuracy {_oof_accuracy(cases, oof):.3f}")
    points = rounded_points(rs, m)
    for rule, factor in zip(rs.rules, m, strict=True):
        if abs(factor - 1) > 0.05:
            print(f"  {rule.id}: x{factor:.2f} -> {points[rule.id]}")
    excluding = {r.id for r in rs.rules if r.exclude}
    text, removed = write_points(AS_WRITTEN.read_text(encoding="utf-8"), points, excluding)
    for rule_id in removed:
        print(f"  {rule_id}: no weight left on the development part; removed")
    if args.write:
        RULES.write_text(text, encoding="utf-8")
        fitted_rs = load_rule_set(RULES).rule_set
        # The decisive unknowns of each case, counted with the fitted rules.
        context = case_context(fitted_rs)
        fitted = fit_confidence(cases, oof, context, rs.option_order())
        RULES.write_text(
            write_calibration(RULES.read_text(encoding="utf-8"), fitted, len(cases)),
            encoding="utf-8",
        )
        a, b, c, d = fitted
        print(
            f"confidence = 1 / (1 + exp(-({a:.4f} + {b:.4f} x margin + {c:.4f} x unknowns "
            f"+ {d:.4f} x disagree))), at most {CEILING}"
        )


def _oof_accuracy(cases: list[Case], oof: list[tuple[float, int]]) -> float:
    clean = [(c, r) for c, (_, r) in zip(cases, oof, strict=True) if c.weight == 1]
    return sum(c.expected == r for c, r in clean) / len(clean)


if __name__ == "__main__":
    main()
