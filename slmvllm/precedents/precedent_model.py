"""What a result carries of its precedents (the JSON keys `precedents` and `precedent_vote`)."""

from __future__ import annotations

from pydantic import Field

from slmvllm.requirements import OptionName, Strict


class Precedent(Strict):
    """A documented decision like the use case: what it chose, how alike, where to read it."""

    id: str
    use_case: str
    choice: OptionName
    model: str = Field(description="the model(s) the decision serves, as its sources name them")
    similarity: float = Field(description="0..1: weighted answer agreement plus BM25 of the text")
    source: str = Field(description="the primary source")
    shared: list[str] = Field(description="the fields whose answers are the same as the user's")
    drivers: list[str] = Field(default_factory=list, description="the reasons its sources state")


class PrecedentVote(Strict):
    """The similarity-weighted vote of the closest documented decisions."""

    choice: OptionName
    shares: dict[str, float]
    cases: int = Field(description="how many of the closest decisions voted")
