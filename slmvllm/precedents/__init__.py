"""Precedents: the documented decisions most like a use case, and what they chose.

`corpus` loads the shipped cases, `similarity` says how alike a use case and a case
are, and `find_precedents` (here) returns what a result shows: the closest three, and
the vote of the closest `VOTE_K`, each weighted by its similarity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from slmvllm.precedents.corpus import Corpus, load_corpus
from slmvllm.precedents.precedent_model import Precedent, PrecedentVote
from slmvllm.precedents.similarity import Neighbour, TextIndex, ranked, text_index
from slmvllm.requirements import OPTIONS, OptionName

#: How many precedents a result shows.
SHOWN = 3
#: How many of the closest cases vote (chosen on the development part: docs/precedents.md).
VOTE_K = 9
#: An ambiguous case (a study, vendor guidance) votes with this share of its similarity.
AMBIGUOUS_VOTE = 0.5


@cache
def _index(corpus: Corpus) -> TextIndex:
    return text_index([c.use_case for c in corpus.cases])


def nearest(
    given: Mapping[str, Any], exclude: Iterable[str] = (), corpus: Corpus | None = None
) -> list[Neighbour]:
    """Every case of the corpus (the shipped one by default), most alike first."""
    corpus = corpus if corpus is not None else load_corpus()
    return ranked(given, corpus.cases, _index(corpus), exclude)


def vote(neighbours: list[Neighbour], k: int = VOTE_K) -> PrecedentVote | None:
    """The similarity-weighted vote of the `k` closest cases (None when none is alike)."""
    shares: dict[OptionName, float] = dict.fromkeys(OPTIONS, 0.0)
    voters = [n for n in neighbours[:k] if n.similarity > 0]
    for n in voters:
        shares[n.case.choice] += n.similarity * (AMBIGUOUS_VOTE if n.case.ambiguous else 1.0)
    total = sum(shares.values())
    if total <= 0:
        return None
    rounded: dict[str, float] = {o: round(v / total, 4) for o, v in shares.items()}
    choice = max(OPTIONS, key=lambda o: (shares[o], -OPTIONS.index(o)))
    return PrecedentVote(choice=choice, shares=rounded, cases=len(voters))


def precedent(n: Neighbour) -> Precedent:
    """What a result shows of one neighbour."""
    c = n.case
    return Precedent(
        id=c.id,
        use_case=c.use_case,
        choice=c.choice,
        model=c.model,
        similarity=round(n.similarity, 3),
        source=c.source,
        shared=list(n.shared),
        drivers=list(c.drivers),
    )


def find_precedents(
    given: Mapping[str, Any], exclude: Iterable[str] = (), corpus: Corpus | None = None
) -> tuple[list[Precedent], PrecedentVote | None]:
    """The `SHOWN` closest documented decisions and the vote of the `VOTE_K` closest.

    A decision with nothing in common (similarity 0) is never shown and never votes:
    with no answer and no word to compare, a result has no precedents.
    """
    neighbours = [n for n in nearest(given, exclude, corpus) if n.similarity > 0]
    return [precedent(n) for n in neighbours[:SHOWN]], vote(neighbours)
