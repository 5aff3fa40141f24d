"""The precedents of a result in words: one line each, and the vote beside the advice."""

from __future__ import annotations

from slmvllm.precedents.precedent_model import Precedent
from slmvllm.render.safe import one_line
from slmvllm.result import Result


def shared_text(p: Precedent) -> str:
    """Which answers the precedent shares with the use case, in a few words."""
    if not p.shared:
        return "no answer in common"
    return "shares " + ", ".join(p.shared)


def precedent_line(p: Precedent) -> str:
    """`LLM 0.81 id (model): shares a, b` on one line."""
    model = f" ({one_line(p.model)})" if p.model else ""
    return f"{p.choice.upper():<6} {p.similarity:.2f}  {one_line(p.id)}{model}: {shared_text(p)}"


def precedent_parts(p: Precedent) -> tuple[str, str]:
    """(`LLM    0.81  `, `id (N answers shared)`): the one-screen report's line, in the
    lead a wrapped line hangs under and the rest."""
    n = len(p.shared)
    shared = f"{n} answer{'s' if n != 1 else ''} shared"
    return f"{p.choice.upper():<6} {p.similarity:.2f}  ", f"{one_line(p.id)} ({shared})"


def vote_text(result: Result) -> str | None:
    """What the closest decisions chose, and whether that agrees with the advice."""
    vote = result.precedent_vote
    if vote is None:
        return None
    shares = ", ".join(f"{o} {s:.0%}" for o, s in sorted(vote.shares.items(), key=lambda x: -x[1]))
    head = f"the {vote.cases} closest chose {vote.choice.upper()} ({shares})"
    if vote.choice == result.recommendation:
        return head + ": they agree with the advice"
    return head + f": they DISAGREE with the advice ({result.recommendation.upper()})"
