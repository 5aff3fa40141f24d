"""A requirements document read for one rule set: its own fields, --set overrides, its criteria.

A rule set may add requirements fields (a question with `adds_field: true`), so
which keys a requirements file may hold depends on the rule set it is read for.
An unknown key that another rule set of the run knows (`rules diff` reads each
file for two) says which one; otherwise it names the rule set that lacks it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from slmvllm.advice.engine import check_requirements
from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.errors import InputError, Problem
from slmvllm.loading.documents import Document
from slmvllm.loading.validation import validate
from slmvllm.requirements import Requirements, field_names

_UNKNOWN_KEY = re.compile(r"unknown key '([^']*)'")


def requirements_for(
    rs: RuleSet,
    doc: Document,
    overrides: Mapping[str, Any] | None = None,
    others: Iterable[RuleSet] = (),
) -> Requirements:
    """Validate a requirements document for `rs` (with `--set` overrides applied).

    Raises `InputError` with every problem located; an unknown key says which rule
    set of `others` adds it, if one does, or that `rs` has no such field.
    """
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        raise InputError(
            doc.problem((), f"the top level is {kind}; a requirements file is a mapping of fields")
        )
    data = dict(doc.data)
    for name, value in (overrides or {}).items():
        if name == "priorities" and isinstance(data.get("priorities"), dict):
            data["priorities"] = {**data["priorities"], **value}
        else:
            data[name] = value
    merged = Document(doc.source, data, doc.values, doc.keys)
    try:
        requirements = validate(rs.requirements_model(), merged)
    except InputError as exc:
        raise InputError([_with_owner(p, rs, list(others)) for p in exc.problems]) from None
    problems = [
        doc.problem(loc, message, key=True) for loc, message in check_requirements(rs, requirements)
    ]
    if problems:
        raise InputError(problems)
    return requirements


def _with_owner(problem: Problem, rs: RuleSet, others: list[RuleSet]) -> Problem:
    match = _UNKNOWN_KEY.match(problem.message)
    if match is None or problem.field != match.group(1):  # only top-level keys are fields
        return problem
    name = match.group(1)
    owners = [o for o in others if name in field_names(o.requirements_model())]
    if owners:
        hint = (
            f" for rule set {rs.name!r} {rs.version}: rule set {owners[0].name!r} "
            f"{owners[0].version} adds it, and a field a rule set adds is valid only with it"
        )
    else:
        hint = (
            f" for rule set {rs.name!r} {rs.version} (a field a rule set adds with a question "
            "is valid only with that rule set: pass it with --rules)"
        )
    head = match.group(0)
    return replace(problem, message=head + hint + problem.message[len(head) :])
