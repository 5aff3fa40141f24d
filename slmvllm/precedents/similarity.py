"""How alike a use case and a documented decision are: answers agreed on, plus words shared.

The similarity of a query (the requirement answers a user gave) and a case is

    similarity = FIELD_SHARE x agreement + (1 - FIELD_SHARE) x text

* **agreement**: over the fields the user gave (every requirements field but
  `use_case` and `priorities`), the mean of a per-field match in 0..1. A field the
  case does not give matches 0, so a case sharing more known answers ranks higher.
  An enum matches 1 when equal; an ordered scale (`domain_focus`, `task_breadth`,
  `data_sensitivity`, `ml_expertise`, `quality_bar`) gives partial credit,
  1 - steps apart / (values - 1); any other enum 0 when different. A number matches
  1 - |log10((a + 1) / (b + 1))| / 3, at least 0: equal is 1, a factor of 10 apart
  about 0.67, a factor of 1,000 or more 0.
* **text**: BM25 (k1 1.2, b 0.75; Robertson and Zaragoza, "The Probabilistic
  Relevance Framework: BM25 and Beyond", 2009) of the user's `use_case` against each
  case's one-line use case, divided by the best score over the corpus (so 1 for the
  best match, 0 with no word in common). Without a `use_case` the similarity is the
  agreement alone; with nothing but a `use_case` (a search), the text alone.

Ties are broken by id, so the same answers always give the same precedents. Pure
functions over plain data: no I/O, no network, no model.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, get_args

from slmvllm.precedents.corpus import Case
from slmvllm.requirements import Requirements

#: The weight of the answers against the words (chosen on the development part: docs/precedents.md).
FIELD_SHARE = 0.9
#: BM25's parameters, the usual defaults.
K1 = 1.2
B = 0.75
#: A number this many decades away matches 0.
DECADES = 3.0
#: Fields whose values are an ordered scale (partial credit for a near value).
ORDERED = ("domain_focus", "task_breadth", "data_sensitivity", "ml_expertise", "quality_bar")
#: Fields the similarity never compares: free text and weights.
NOT_COMPARED = frozenset({"use_case", "priorities"})

# Words that carry no meaning about a use case.
_STOP = frozenset(
    """a an and are as at be by for from in into is it its of on or that the their them this
    to with without which who whose what when where while per via using use used than then
    each every all any can may must one two three more most less very also such""".split()
)
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """The words BM25 compares: lower case, letters and digits, no stop words, a plural
    `s` dropped (so "emails" finds "email")."""
    out = []
    for w in _WORD.findall(text.lower()):
        if w in _STOP or len(w) < 2:
            continue
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.append(w)
    return out


@dataclass(frozen=True)
class TextIndex:
    """BM25 statistics of the corpus's use-case lines."""

    docs: tuple[Counter[str], ...]
    lengths: tuple[int, ...]
    idf: dict[str, float]
    mean_length: float

    def scores(self, query: str) -> list[float]:
        """The BM25 score of `query` against every document, in corpus order."""
        terms = [t for t in set(words(query)) if t in self.idf]
        out = []
        for doc, length in zip(self.docs, self.lengths, strict=True):
            total = 0.0
            norm = K1 * (1 - B + B * length / self.mean_length) if self.mean_length else K1
            for t in terms:
                tf = doc.get(t, 0)
                if tf:
                    total += self.idf[t] * tf * (K1 + 1) / (tf + norm)
            out.append(total)
        return out


def text_index(texts: Sequence[str]) -> TextIndex:
    """The BM25 index of some texts (idf = ln((N - df + 0.5) / (df + 0.5) + 1))."""
    docs = tuple(Counter(words(t)) for t in texts)
    n = len(docs)
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.keys())
    idf = {t: math.log((n - k + 0.5) / (k + 0.5) + 1.0) for t, k in df.items()}
    lengths = tuple(sum(d.values()) for d in docs)
    mean = sum(lengths) / n if n else 0.0
    return TextIndex(docs, lengths, idf, mean)


@cache
def _scales() -> dict[str, tuple[Any, ...]]:
    scales: dict[str, tuple[Any, ...]] = {}
    for name in ORDERED:
        annotation = Requirements.model_fields[name].annotation
        literal = next(a for a in get_args(annotation) if get_args(a))
        scales[name] = get_args(literal)
    return scales


def field_match(name: str, mine: Any, theirs: Any) -> float:
    """How far two answers to one field agree, 0..1 (see the module doc)."""
    if theirs is None or mine is None:
        return 0.0
    if isinstance(mine, bool) or isinstance(theirs, bool) or isinstance(mine, str):
        if mine == theirs:
            return 1.0
        scale = _scales().get(name)
        if scale and mine in scale and theirs in scale:
            return 1.0 - abs(scale.index(mine) - scale.index(theirs)) / (len(scale) - 1)
        return 0.0
    if isinstance(theirs, (int, float)) and isinstance(mine, (int, float)):
        a, b = max(float(mine), 0.0), max(float(theirs), 0.0)
        return max(0.0, 1.0 - abs(math.log10((a + 1.0) / (b + 1.0))) / DECADES)
    return 0.0


def agreement(given: Mapping[str, Any], answers: Mapping[str, Any]) -> tuple[float, list[str]]:
    """(the mean match over the fields `given`, the fields whose answers are the same)."""
    fields = [f for f in given if f not in NOT_COMPARED]
    if not fields:
        return 0.0, []
    total = 0.0
    same = []
    for f in fields:
        m = field_match(f, given[f], answers.get(f))
        total += m
        if m >= 1.0:
            same.append(f)
    return total / len(fields), same


@dataclass(frozen=True)
class Neighbour:
    """A case and how alike it is to the query."""

    case: Case
    similarity: float
    agreement: float
    text: float
    shared: tuple[str, ...]


def ranked(
    given: Mapping[str, Any],
    cases: Sequence[Case],
    index: TextIndex,
    exclude: Iterable[str] = (),
) -> list[Neighbour]:
    """Every case but the excluded ones, most alike first (ties by id)."""
    skip = set(exclude)
    compared = any(f not in NOT_COMPARED for f in given)
    query = given.get("use_case")
    text_scores = index.scores(query) if isinstance(query, str) and query.strip() else None
    if text_scores is not None:
        best = max(
            (s for c, s in zip(cases, text_scores, strict=True) if c.id not in skip), default=0.0
        )
    out = []
    for i, case in enumerate(cases):
        if case.id in skip:
            continue
        agree, same = agreement(given, case.answers)
        if text_scores is None:
            text, sim = 0.0, agree
        else:
            text = text_scores[i] / best if best > 0 else 0.0
            sim = FIELD_SHARE * agree + (1 - FIELD_SHARE) * text if compared else text
        out.append(Neighbour(case, sim, agree, text, tuple(same)))
    out.sort(key=lambda n: (-n.similarity, n.case.id))
    return out
