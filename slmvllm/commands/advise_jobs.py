"""Advising a batch of use cases, on one process or several (`advise --jobs N`).

Each use case is advised and rendered where it is made: in this process with one job,
in forked worker processes with more. Workers inherit the rule set, the catalogue and
the parsed use cases when they are forked, so a task is a range of indices and an
answer is the rendered text: nothing large is pickled. Answers come back in input
order, a bounded number of chunks ahead of the writer, so memory stays flat however
many files there are.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from slmvllm.advisor import advise

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult

    from slmvllm.advice.rule_set_model import RuleSet
    from slmvllm.numbers.catalog import Catalog
    from slmvllm.requirements import Requirements
    from slmvllm.result import Result

#: What a worker hands back for one use case: text ready to write (one JSON document,
#: markdown, full JSON Lines), a lean JSON line and its references (a JSON Lines record
#: or an item of a JSON list, whose texts the writer keeps once per document), or the
#: result itself (the text report, --report and --record need it whole).
Shape = Literal["jsonl", "json", "json-item", "markdown", "result"]
Payload = "str | tuple[str, dict[str, str]] | Result"


@dataclass(frozen=True)
class Made:
    """One advised use case, as the writer and the gates need it."""

    source: str | None
    recommendation: str
    confidence: float
    payload: Any  # see Payload


@dataclass(frozen=True)
class Batch:
    """Everything the advice of every use case needs; forked workers inherit it."""

    rule_set: RuleSet
    catalog: Catalog
    cases: Sequence[tuple[str | None, Requirements]]
    shape: Shape
    full_json: bool
    all_candidates: bool
    tier: str | None


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def made(batch: Batch, index: int) -> Made:
    """Advise and render the use case at `index`."""
    source, requirements = batch.cases[index]
    result = advise(
        requirements,
        batch.rule_set,
        batch.catalog,
        all_candidates=batch.all_candidates,
        tier=batch.tier,
    )
    payload = render(batch.rule_set, batch.shape, source, result, full_json=batch.full_json)
    return Made(source, result.recommendation, result.confidence, payload)


def render(
    rule_set: RuleSet, shape: Shape, source: str | None, result: Result, *, full_json: bool
) -> Any:
    """One result rendered to `shape` (see Payload)."""
    if shape == "result":
        return result
    if shape == "markdown":
        from slmvllm.render.estimates_view import render_estimates_markdown
        from slmvllm.render.markdown import render_markdown

        return render_markdown(result, rule_set, source=source) + (
            render_estimates_markdown(result.estimates) if result.estimates else ""
        )
    from slmvllm.render.json_doc import dumps_json, json_line, result_dict

    doc = result_dict(result, source)
    if full_json:
        return json_line(doc) if shape == "jsonl" else dumps_json(doc)
    from slmvllm.render.lean_json import References, dumps_lean, split_lean_line

    lean = References().lean(doc)
    if shape in ("jsonl", "json-item"):
        return split_lean_line(lean)
    return dumps_lean(lean)


def made_in_order(batch: Batch, jobs: int) -> Iterator[Made]:
    """Every use case of `batch`, advised and rendered, in input order.

    With more than one job (and more than one case, on a system that can fork) the work
    runs in that many worker processes; results are yielded as soon as every earlier
    one is, so the output streams.
    """
    count = len(batch.cases)
    jobs = min(jobs, count)
    if jobs > 1:
        import multiprocessing  # only a batch pays for it

        if "fork" not in multiprocessing.get_all_start_methods():
            jobs = 1
    if jobs <= 1:
        for index in range(count):
            yield made(batch, index)
        return
    yield from _in_workers(batch, jobs)


_BATCH: Batch | None = None  # the batch forked workers inherit


class WorkerError(RuntimeError):
    """An unexpected error in a worker process, carried back as its type name and message
    (an exception object may not survive pickling back to the parent)."""


def _made_range(bounds: tuple[int, int]) -> list[Made] | WorkerError:
    assert _BATCH is not None, "a worker runs only after the batch is set"
    try:
        return [made(_BATCH, index) for index in range(*bounds)]
    except Exception as exc:  # a bug: the parent reports it as an internal error
        import traceback

        error = WorkerError(f"{type(exc).__name__}: {exc}")
        error.__notes__ = ["".join(traceback.format_exception(exc))]
        return error


def _answers(answer: list[Made] | WorkerError) -> list[Made]:
    if isinstance(answer, WorkerError):
        raise answer
    return answer


def _in_workers(batch: Batch, jobs: int) -> Iterator[Made]:
    global _BATCH
    count = len(batch.cases)
    # Chunks small enough to stream and balance the workers, large enough that the
    # round trip per chunk is small beside the work in it.
    size = max(1, min(16, count // (jobs * 8)))
    chunks = [(start, min(start + size, count)) for start in range(0, count, size)]
    _BATCH = batch
    import multiprocessing

    context = multiprocessing.get_context("fork")
    try:
        with context.Pool(jobs) as pool:
            pending: deque[AsyncResult[list[Made] | WorkerError]] = deque()
            ahead = jobs * 4  # chunks in flight: bounds the answers waiting to be written
            for bounds in chunks:
                pending.append(pool.apply_async(_made_range, (bounds,)))
                if len(pending) >= ahead:
                    yield from _answers(pending.popleft().get())
            while pending:
                yield from _answers(pending.popleft().get())
    finally:
        _BATCH = None
