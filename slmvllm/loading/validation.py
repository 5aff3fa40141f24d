"""Validating documents against strict models; every error becomes a located `Problem`."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, RootModel, ValidationError

from slmvllm.errors import InputError, Problem, did_you_mean
from slmvllm.loading.documents import Document, Location, M
from slmvllm.loading.scalars import resolve_plain

# --------------------------------------------------------------------------- validating


def validate(model: type[M], doc: Document, *, context: dict[str, Any] | None = None) -> M:
    """Validate a document against a strict pydantic model, turning every error into a Problem."""
    try:
        return model.model_validate(doc.data, context=context)
    except ValidationError as exc:
        raise InputError(validation_problems(model, doc, exc)) from None


def validation_problems(
    model: type[BaseModel], doc: Document, exc: ValidationError
) -> list[Problem]:
    """One `Problem` per pydantic error, with file:line:col, a reworded message and hints."""
    problems: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    for error in exc.errors():
        kind = error["type"]
        raw: Location = tuple(p for p in error["loc"] if not _is_union_tag(p))
        if kind in _KEY_KINDS:
            # The key is the last part; pydantic puts a union's member names before it.
            parent = _existing(doc, raw[:-1])
            name = str(raw[-1])
            if kind == "missing":
                problem = doc.problem(parent, f"missing required key {name!r}")
            else:
                hint = did_you_mean(name, allowed_keys(model, parent))
                problem = doc.problem((*parent, raw[-1]), f"unknown key {name!r}{hint}", key=True)
            # Two keys of one mapping share its position: only exact repeats are dropped.
            spot: tuple[Any, ...] = (problem.line, problem.column, problem.field, problem.message)
        else:
            given = error.get("input")
            message = _reword(error["msg"], kind, given, model, raw, error.get("ctx"))
            problem = doc.problem(_existing(doc, raw), message)
            # A union reports once per member; the first says enough.
            spot = (problem.line, problem.column, problem.field)
        if spot not in seen:
            seen.add(spot)
            problems.append(problem)
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


_KEY_KINDS = frozenset({"missing", "extra_forbidden"})


def _existing(doc: Document, loc: Location) -> Location:
    # Pydantic appends union members and validator names ("int", "[key]") to locations;
    # keep the longest prefix that names a place in the document.
    for end in range(len(loc), 0, -1):
        if loc[:end] in doc.values or loc[:end] in doc.keys:
            return loc[:end]
    return loc


def _is_union_tag(part: str | int) -> bool:
    # Discriminated unions insert the tag into the location; messages leave it out.
    return isinstance(part, str) and part.startswith("cond:")


def _reword(
    msg: str, kind: str, given: Any, model: type[BaseModel], loc: Location, ctx: Any = None
) -> str:
    choices = literal_choices(annotation_at(model, loc))  # [] when the place is unknown
    if kind == "literal_error" and not choices and isinstance(ctx, dict):
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
    if kind == "literal_error" and choices:
        return (
            f"{describe(given)} is not allowed; use one of: {', '.join(map(str, choices))}"
            + did_you_mean(str(given), [str(c) for c in choices])
        )
    if kind in {"int_type", "float_type"}:  # every model is strict: no "int_from_float"
        hint = ""
        if isinstance(given, str):
            if given[:1] == "0" and given[1:2].isdigit():
                hint = "; write it without the leading zero"
            elif ":" in given:
                hint = "; write a single number"
            elif _reads_as_number(given):  # it was quoted in a file
                hint = "; numbers are written without quotes"
        elif isinstance(given, float):
            hint = "; use a whole number"
        what = "a whole number" if kind != "float_type" else "a number"
        return f"expected {what}, got {describe(given)}{hint}"
    if kind == "string_type":
        hint = "; put it in quotes to keep it as text" if given is not None else ""
        return f"expected text, got {describe(given)}{hint}"
    if kind == "bool_type":
        return f"expected true or false, got {describe(given)}"
    if kind in {"dict_type", "model_type"}:
        if not loc:
            # The whole file is not a mapping: it may be a file nobody meant to show (a
            # labels file can name any file next to it), so say what it is, never what it says.
            return f"the file is {kind_of(given)}, not a mapping of keys; is it the right file?"
        return f"expected a mapping of keys, got {describe(given)}"
    if kind == "list_type":
        return f"expected a list, got {describe(given)}"
    if msg.startswith("Value error, "):
        return msg[len("Value error, ") :]
    return f"{msg[:1].lower()}{msg[1:]} (got {describe(given)})"


def _reads_as_number(text: str) -> bool:
    try:
        value = resolve_plain(text)
    except ValueError:
        return True  # NaN, infinity or too large: a number, though not an allowed one
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def describe(value: Any) -> str:
    """A short, safe description of a value for an error message."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


def kind_of(value: Any) -> str:
    """What a value is (text, a number, a list...), without any of its content."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "one piece of text"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def annotation_at(model: type[BaseModel], loc: Location) -> Any:
    """The type annotation of the value at `loc` inside `model`, or None when unknown."""
    current: Any = model
    for part in loc:
        current = _bare(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(part)) or _by_alias(current, str(part))
            if info is None:
                return None
            current = info.annotation
            continue
        origin = get_origin(current)
        args = get_args(current)
        if origin in (list, tuple) and args:
            current = args[0]
        elif origin is dict and args:
            current = args[1]
        else:
            return None
    return current


def _bare(annotation: Any) -> Any:
    # Without Optional and Annotated; a RootModel (a file that is a list, say) stands for
    # its `root`, which it validates at the same location.
    annotation = _unwrap_optional(annotation)
    if isinstance(annotation, type) and issubclass(annotation, RootModel):
        return _unwrap_optional(annotation.model_fields["root"].annotation)
    return annotation


def _by_alias(model: type[BaseModel], name: str) -> Any:
    for info in model.model_fields.values():
        if info.alias == name:
            return info
    return None


def _unwrap_optional(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap_optional(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap_optional(args[0])
    return annotation


def literal_choices(annotation: Any) -> list[Any]:
    """The allowed values of a Literal (possibly Optional) annotation."""
    annotation = _unwrap_optional(annotation)
    if get_origin(annotation) is Literal:
        return list(get_args(annotation))
    return []


def allowed_keys(model: type[BaseModel], loc: Location) -> list[str]:
    """The keys a mapping at `loc` may hold (field names or aliases), for did-you-mean hints."""
    target = _bare(annotation_at(model, loc))
    members = get_args(target) if get_origin(target) in (Union, types.UnionType) else (target,)
    keys: list[str] = []
    for member in map(_bare, members):
        if isinstance(member, type) and issubclass(member, BaseModel):
            keys += [info.alias or name for name, info in member.model_fields.items()]
    return keys
