"""The whole result for one use case: the advice and the numbers behind it."""

from __future__ import annotations

from slmvllm.advice.advice_model import Advice
from slmvllm.numbers.estimate_models import Estimates


class Result(Advice):
    """The contract's result document with its optional additions, estimates included."""

    estimates: Estimates | None = None
