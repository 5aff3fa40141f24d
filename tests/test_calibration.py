"""The advice against documented decisions, measured as `slmvllm eval` measures it.

Three labelled sets ship: the 21 calibration cases (examples/cases), and the corpus of
documented decisions (benchmarks/decisions) split into a development part, which the
rules' points and the confidence map were fitted on, and a held-back test part. The
tests assert floors (what the advice reaches today, rounded down), not exact counts
and not known wrong answers: an improvement passes, a regression fails.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.evaluation.evaluator import Evaluation, evaluate
from slmvllm.loading.labels import LabelledCase, load_labels

from .conftest import CASES, ROOT

DECISIONS = ROOT / "benchmarks" / "decisions"


@cache
def _cases(*paths: Path) -> list[LabelledCase]:
    return load_labels(list(paths))


@cache
def _evaluation(*paths: Path) -> Evaluation:
    return evaluate(_cases(*paths))


def _best_thumb(ev: Evaluation) -> float:
    # The rules of thumb only: the precedents' vote is evidence of another kind.
    return max(b.clean.share or 0.0 for b in ev.baselines if b.name != "precedents")


@pytest.mark.parametrize(
    "paths",
    [(CASES,), (DECISIONS / "index.yaml",)],
    ids=["calibration", "corpus"],
)
def test_every_case_carries_its_sources(paths: tuple[Path, ...]) -> None:
    for case in _cases(*paths):
        label = case.label
        header = Path(case.requirements_file).read_text(encoding="utf-8").splitlines()[0]
        assert header.startswith(f"# {label.id} — ") and "http" in header, label.id
        assert label.sources, label.id
        assert all(url.startswith(("http://", "https://")) for url in label.sources)


def test_every_file_is_labelled_once() -> None:
    calibration = {c.requirements_file for c in _cases(CASES)}
    assert calibration == {str(p) for p in CASES.glob("*.yaml") if p.name != "index.yaml"}
    corpus = {Path(c.requirements_file).resolve() for c in _cases(DECISIONS / "index.yaml")}
    assert corpus == {p.resolve() for p in (DECISIONS / "cases").glob("*.yaml")}
    assert len(corpus) >= 120


def test_the_corpus_has_enough_of_each_label() -> None:
    labels = [c.label.expected for c in _cases(DECISIONS / "index.yaml")]
    assert min(labels.count(o) for o in ("slm", "llm", "hybrid")) >= 30


def test_the_split_is_disjoint_complete_and_as_committed() -> None:
    split = yaml.safe_load((DECISIONS / "split.yaml").read_text(encoding="utf-8"))
    development, test = set(split["development"]), set(split["test"])
    everything = {c.label.id for c in _cases(DECISIONS / "index.yaml")}
    assert not development & test
    assert development | test == everything
    assert {c.label.id for c in _cases(DECISIONS / "development.yaml")} == development
    assert {c.label.id for c in _cases(DECISIONS / "test.yaml")} == test
    # The fresh test part is drawn from the cases added after the first split only:
    # about half of them, and none of the first corpus (its test part had been looked at).
    first = split["first_split"]
    old = set(first["development"]) | set(first["test"])
    assert not test & old and old <= development
    assert 0.45 <= len(test) / len(everything - old) <= 0.55


# Floors: today's figures rounded down (docs/measuring.md). The fresh test part was not
# looked at while the rules of 3.0 were written and fitted; its floor guards against a
# regression (it misses the target of 0.72: the docs say by how much).
FLOORS = [
    # (set, clean accuracy, margin over the best rule of thumb on the clean cases)
    ("calibration", (CASES,), 0.80, 0.10),
    ("development", (DECISIONS / "development.yaml", CASES), 0.75, 0.25),
    ("test", (DECISIONS / "test.yaml",), 0.50, 0.04),
]


@pytest.mark.parametrize(
    ("name", "paths", "accuracy", "margin"), FLOORS, ids=[f[0] for f in FLOORS]
)
def test_accuracy_floor(name: str, paths: tuple[Path, ...], accuracy: float, margin: float) -> None:
    ev = _evaluation(*paths)
    clean = ev.clean.accuracy.share
    assert clean is not None and clean >= accuracy, f"{name}: clean accuracy {clean:.2f}"
    assert clean - _best_thumb(ev) >= margin, f"{name}: {clean:.2f} vs {_best_thumb(ev):.2f}"


def test_confident_advice_is_mostly_right_on_the_development_part() -> None:
    ev = _evaluation(DECISIONS / "development.yaml", CASES)
    sure = ev.clean.high_confidence
    assert sure.share is not None and sure.share >= 0.8
    assert ev.clean.coverage is not None and ev.clean.coverage >= 0.4
    assert ev.clean.ece is not None and ev.clean.ece <= 0.10


def test_the_rule_set_under_test_is_the_fitted_default(rule_set: RuleSet) -> None:
    # The floors above hold for the shipped rule set and its fitted confidence map.
    assert rule_set.calibration is not None and rule_set.calibration.slope > 0
