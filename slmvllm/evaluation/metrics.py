"""How right, how sure: accuracy, confusion matrix, precision and recall, reliability, ECE.

Pure functions over `Outcome`s (what was expected, what was predicted, with what
confidence); no I/O. The shapes follow scikit-learn's `confusion_matrix`,
`classification_report` and `calibration_curve`, the ones people know. Usable
from any script:

    >>> from slmvllm.evaluation.metrics import Outcome, summarize
    >>> m = summarize([Outcome("slm", "slm", 0.9), Outcome("llm", "slm", 0.6)])
    >>> m.accuracy.share, m.confusion["llm"]["slm"]
    (0.5, 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from slmvllm.requirements import OPTIONS

#: Confidence bins of the reliability table: [0, 0.5) [0.5, 0.6) ... [0.9, 1.0].
#: The advisor's confidence is at least 0.5 today; a calibrated probability may be lower.
BIN_EDGES: tuple[float, ...] = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
#: "Sure enough to act on": the share right at or above this confidence is reported.
HIGH_CONFIDENCE = 0.7


@dataclass(frozen=True)
class Outcome:
    """One case: the option the decision chose, the one predicted, and the stated confidence."""

    expected: str
    predicted: str
    confidence: float | None = None  # None for predictors that state none (rules of thumb)

    @property
    def correct(self) -> bool:
        """Whether the prediction is the expected option."""
        return self.expected == self.predicted


@dataclass(frozen=True)
class Share:
    """`right` of `cases`; `share` is None when there are no cases (not 0: nothing was measured)."""

    right: int
    cases: int

    @property
    def share(self) -> float | None:
        """right / cases, or None for no cases."""
        return self.right / self.cases if self.cases else None


@dataclass(frozen=True)
class OptionScore:
    """Precision and recall of one option; None where the denominator is zero."""

    option: str
    precision: float | None  # of the cases predicted as this option, the share expected so
    recall: float | None  # of the cases expected as this option, the share predicted so
    predicted: int  # cases predicted as this option (precision's denominator)
    support: int  # cases expected as this option (recall's denominator)


@dataclass(frozen=True)
class Bin:
    """One row of the reliability table: confidences in [low, high) (the last bin holds 1.0)."""

    low: float
    high: float
    cases: int
    mean_confidence: float | None  # None for an empty bin
    share_right: float | None


@dataclass(frozen=True)
class Metrics:
    """Everything measured on one set of outcomes."""

    accuracy: Share
    confusion: dict[str, dict[str, int]]  # expected (row) -> predicted (column) -> cases
    per_option: list[OptionScore]
    reliability: list[Bin]
    ece: float | None  # expected calibration error; None without confidences
    high_confidence: Share  # right among the cases at or above `threshold`
    threshold: float
    coverage: float | None  # share of all cases at or above `threshold`


def accuracy(outcomes: Iterable[Outcome]) -> Share:
    """How many outcomes are right, of how many."""
    items = list(outcomes)
    return Share(sum(o.correct for o in items), len(items))


def confusion_matrix(
    outcomes: Iterable[Outcome], options: Sequence[str] = OPTIONS
) -> dict[str, dict[str, int]]:
    """Cases per (expected, predicted) pair: rows are expected options, columns predicted ones.

    Raises ValueError for an option not in `options` (a typo would otherwise vanish).
    """
    matrix = {row: dict.fromkeys(options, 0) for row in options}
    for o in outcomes:
        if o.expected not in matrix or o.predicted not in matrix:
            raise ValueError(f"unknown option in {o}; options are {', '.join(options)}")
        matrix[o.expected][o.predicted] += 1
    return matrix


def precision_recall(matrix: dict[str, dict[str, int]]) -> list[OptionScore]:
    """Per option: precision = diagonal / column sum, recall = diagonal / row sum."""
    scores = []
    for option in matrix:
        hit = matrix[option][option]
        predicted = sum(row[option] for row in matrix.values())
        support = sum(matrix[option].values())
        scores.append(
            OptionScore(
                option=option,
                precision=hit / predicted if predicted else None,
                recall=hit / support if support else None,
                predicted=predicted,
                support=support,
            )
        )
    return scores


def bin_index(confidence: float, edges: Sequence[float] = BIN_EDGES) -> int:
    """The bin of a confidence: [edges[i], edges[i+1]), the last bin closed at edges[-1]."""
    if not edges[0] <= confidence <= edges[-1]:
        raise ValueError(f"confidence {confidence} is outside [{edges[0]}, {edges[-1]}]")
    for i in range(len(edges) - 2, -1, -1):
        if confidence >= edges[i]:
            return i
    return 0  # pragma: no cover - the range check above makes this unreachable


def reliability_table(outcomes: Iterable[Outcome], edges: Sequence[float] = BIN_EDGES) -> list[Bin]:
    """Cases, mean confidence and share right per confidence bin (outcomes without one skipped)."""
    if len(edges) < 2 or any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
        raise ValueError(f"bin edges must rise, at least two of them: {list(edges)}")
    members: list[list[Outcome]] = [[] for _ in edges[:-1]]
    for o in outcomes:
        if o.confidence is not None:
            members[bin_index(o.confidence, edges)].append(o)
    table = []
    for i, group in enumerate(members):
        n = len(group)
        table.append(
            Bin(
                low=edges[i],
                high=edges[i + 1],
                cases=n,
                mean_confidence=sum(o.confidence or 0.0 for o in group) / n if n else None,
                share_right=sum(o.correct for o in group) / n if n else None,
            )
        )
    return table


def expected_calibration_error(table: Sequence[Bin]) -> float | None:
    """ECE = sum over bins of n_bin / N * |share right in bin - mean confidence in bin|."""
    total = sum(b.cases for b in table)
    if not total:
        return None
    return sum(
        b.cases / total * abs((b.share_right or 0.0) - (b.mean_confidence or 0.0))
        for b in table
        if b.cases
    )


def high_confidence(outcomes: Iterable[Outcome], threshold: float = HIGH_CONFIDENCE) -> Share:
    """Right among the outcomes whose confidence is at least `threshold`."""
    return accuracy(o for o in outcomes if o.confidence is not None and o.confidence >= threshold)


def summarize(
    outcomes: Iterable[Outcome],
    options: Sequence[str] = OPTIONS,
    *,
    edges: Sequence[float] = BIN_EDGES,
    threshold: float = HIGH_CONFIDENCE,
) -> Metrics:
    """All the metrics of one set of outcomes."""
    items = list(outcomes)
    matrix = confusion_matrix(items, options)
    table = reliability_table(items, edges)
    sure = high_confidence(items, threshold)
    return Metrics(
        accuracy=accuracy(items),
        confusion=matrix,
        per_option=precision_recall(matrix),
        reliability=table,
        ece=expected_calibration_error(table),
        high_confidence=sure,
        threshold=threshold,
        coverage=sure.cases / len(items) if items else None,
    )
