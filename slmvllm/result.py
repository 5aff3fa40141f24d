"""The whole result for one use case: the advice and the numbers behind it."""

from __future__ import annotations

from pydantic import Field

from slmvllm.advice.advice_model import Advice
from slmvllm.numbers.estimate_models import Estimates
from slmvllm.precedents.precedent_model import Precedent, PrecedentVote


class Result(Advice):
    """The contract's result document with its optional additions, estimates included."""

    estimates: Estimates | None = None
    precedents: list[Precedent] = Field(
        default_factory=list,
        description="the documented decisions most like this use case, most alike first",
    )
    precedent_vote: PrecedentVote | None = Field(
        default=None,
        description="the similarity-weighted choice of the closest documented decisions",
    )
