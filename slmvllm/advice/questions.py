"""The questionnaire without a terminal: which question comes next, how answers and --set parse.

Answers typed at a prompt and values given to ``--set`` are both text; both go
through `parse_value`, which reads numbers with the same grammar as a plain
YAML scalar and then validates strictly, as a file's values are.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from slmvllm.advice.conditions import holds
from slmvllm.advice.engine import defaults
from slmvllm.advice.rule_set_model import Question, RuleSet
from slmvllm.errors import did_you_mean
from slmvllm.loading.scalars import dump_yaml, parse_text
from slmvllm.loading.validation import literal_choices
from slmvllm.requirements import Requirements, field_names


class AnswerError(ValueError):
    """An answer or a --set value that does not fit its field; the message says why."""


def pending_questions(rs: RuleSet, answers: Mapping[str, Any]) -> Iterator[Question]:
    """The questions still to ask, in order, skipping answered ones and those whose ask_if fails.

    A generator: each question's ask_if is judged on the answers given so far,
    so callers must add an answer before asking for the next question.
    """
    for question in rs.questions:
        if question.field in answers:
            continue
        if question.ask_if is not None and not holds(question.ask_if, defaults(rs) | dict(answers)):
            continue
        yield question


def parse_value(rs: RuleSet, field: str, text: str) -> Any:
    """Read text as a value of `field`; raises AnswerError with the reason and a hint."""
    if field == "priorities":
        return parse_priorities(rs, text)
    model = rs.requirements_model()
    annotation = model.model_fields[field].annotation
    for choice in literal_choices(annotation):
        if choice.lower() == text.strip().lower():  # typed text: any case, as at a prompt
            return choice
    try:
        value = parse_text(text, annotation)
    except ValueError as exc:
        raise AnswerError(str(exc)) from None
    return check_value(field, value, model)


def check_value(field: str, value: Any, model: type[Requirements] = Requirements) -> Any:
    """Validate one field's value as a requirements file would; raises AnswerError."""
    try:
        checked = model.model_validate({field: value})
    except ValidationError as exc:
        from slmvllm.loading.documents import Document
        from slmvllm.loading.validation import validation_problems

        doc = Document(source="", data={field: value})
        problem = validation_problems(model, doc, exc)[0]
        raise AnswerError(problem.message) from None
    return getattr(checked, field)  # as a file's value would be: 5 for a number field is 5.0


def parse_choice(question: Question, text: str) -> str:
    """An enum answer: the value itself (any case) or its number in the list of choices."""
    choices = question.choices or []
    answer = text.strip()
    # ASCII digits only: str.isdigit() also accepts '²' (which int() rejects) and other scripts.
    if answer.isascii() and answer.isdigit() and 1 <= int(answer) <= len(choices):
        return choices[int(answer) - 1]
    for choice in choices:
        if choice.lower() == answer.lower():
            return choice
    raise AnswerError(
        f"{answer!r} is not one of: {', '.join(choices)}" + did_you_mean(answer, choices)
    )


def parse_answer(rs: RuleSet, question: Question, text: str) -> Any:
    """One typed answer -> value; an empty answer returns None (keep the default)."""
    if not text.strip():
        return None
    if question.type == "enum":
        return parse_choice(question, text)
    return parse_value(rs, question.field, text)


def parse_priorities(rs: RuleSet, text: str) -> dict[str, float]:
    """`cost=5, latency=1` -> {"cost": 5, "latency": 1}, each a criterion of the rule set, 0..5."""
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
        name, sep, raw = part.partition("=")
        name = name.strip()
        if not sep:
            raise AnswerError(f"write criterion=weight, e.g. cost=5 (got {part!r})")
        out[name] = parse_weight(rs, name, raw)
    return out


def parse_weight(rs: RuleSet, name: str, raw: str) -> float:
    """One criterion's weight from text, checked against the rule set's criteria."""
    if name not in rs.criteria:
        raise AnswerError(
            f"unknown criterion {name!r}; use one of: {', '.join(rs.criteria)}"
            + did_you_mean(name, rs.criteria)
        )
    value = parse_text(raw, float)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 5:
        raise AnswerError(
            f"the weight of {name!r} must be a number from 0 to 5, got {raw.strip()!r}"
        )
    return float(value)


def parse_assignments(rs: RuleSet, assignments: list[str]) -> dict[str, Any]:
    """`--set FIELD=VALUE` (repeatable; `priorities.NAME=W` for one weight) -> field values."""
    out: dict[str, Any] = {}
    known = field_names(rs.requirements_model())
    for item in assignments:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise AnswerError(
                f"--set {item!r}: write FIELD=VALUE, e.g. --set monthly_requests=50000"
            )
        where = f"--set {name}"
        if name.startswith("priorities."):
            criterion = name.split(".", 1)[1]
            try:
                weight = parse_weight(rs, criterion, raw)
            except AnswerError as exc:
                raise AnswerError(f"{where}: {exc}") from None
            out.setdefault("priorities", {})[criterion] = weight
            continue
        if name not in known:
            raise AnswerError(
                f"--set: unknown field {name!r} for rule set {rs.name!r}"
                + did_you_mean(name, known)
            )
        if not raw.strip():
            raise AnswerError(f"{where}: give a value after '='")
        try:
            out[name] = parse_value(rs, name, raw)
        except AnswerError as exc:
            raise AnswerError(f"{where}: {exc}") from None
    return out


def answers_yaml(
    rs: RuleSet,
    answers: Mapping[str, Any],
    *,
    partial: bool = False,
    origin: str = "the questionnaire",
    skipped: Iterable[str] = (),
) -> str:
    """Answers as a requirements file, in questionnaire order, ready for `advise -r`.

    `skipped` names the fields the questionnaire did not ask because no answer to them
    could change the recommendation; a comment lists them.
    """
    order = [q.field for q in rs.questions] + list(field_names(rs.requirements_model()))
    ordered = {
        f: answers[f] for f in dict.fromkeys(order) if f in answers and answers[f] is not None
    }
    header = f"# slmvllm requirements, saved from {origin}.\n"
    if partial:
        header += (
            "# Partial: the questionnaire stopped early. Continue with:\n"
            "#   slmvllm advise -r THIS_FILE --interactive\n"
        )
    names = list(skipped)
    if names:
        text = (
            "Not asked (no answer to them could change the recommendation; they take the "
            f"rule set's defaults): {', '.join(names)}"
        )
        header += "".join(f"# {line}\n" for line in textwrap.wrap(text, 86))
    body = dump_yaml(ordered) if ordered else "{}\n"
    return header + body
