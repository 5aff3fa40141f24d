"""`slmvllm init [FILE]`: a commented requirements template, every field with its values."""

from __future__ import annotations

import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slmvllm.advice.rule_set_model import Question, RuleSet
from slmvllm.advice.rule_sets import load_rule_set
from slmvllm.errors import ExitCode, InputError, Problem
from slmvllm.loading.saving import write_atomic
from slmvllm.render.consoles import print_warnings, stderr_console
from slmvllm.render.safe import one_line
from slmvllm.render.schemas import schema_for
from slmvllm.requirements import field_names

# Where the modeline points by default: a schema file beside the template, which
# `slmvllm schema requirements > requirements.schema.json` writes.
DEFAULT_SCHEMA_REF = "requirements.schema.json"


@dataclass(frozen=True)
class InitOptions:
    file: Path | None  # None: write the template to stdout
    rules: Path | None
    schema_ref: str
    force: bool


def _bounds(spec: dict[str, Any]) -> str:
    for option in spec.get("anyOf", [spec]):
        kind = option.get("type")
        if kind not in {"integer", "number"}:
            continue
        words = {"integer": "a whole number", "number": "a number"}[kind]
        limits = []
        if "minimum" in option:
            limits.append(f">= {option['minimum']:g}")
        if "exclusiveMinimum" in option:
            limits.append(f"> {option['exclusiveMinimum']:g}")
        if "maximum" in option:
            limits.append(f"<= {option['maximum']:g}")
        return f"{words} {' and '.join(limits)}".strip()
    return ""


def _comment(text: str) -> list[str]:
    # Comment lines kept short enough to read beside the value in any editor.
    return [f"# {line}" for line in textwrap.wrap(one_line(text), 86) or [""]]


def template(rs: RuleSet, schema_ref: str = DEFAULT_SCHEMA_REF) -> str:
    """The template's text: a modeline for YAML editors, then every field, commented."""
    props = schema_for("requirements")["properties"]
    questions: dict[str, Question] = {q.field: q for q in rs.questions}
    lines = [
        f"# yaml-language-server: $schema={schema_ref}",
        "# slmvllm requirements: one use case. Every field is optional: a field left null",
        "# takes the rule set's default and the report lists it as an assumption.",
        "#   slmvllm advise -r THIS_FILE            # the advice",
        "#   slmvllm advise -r THIS_FILE --explain  # every rule, source and number",
        "",
    ]
    for name in field_names(rs.requirements_model()):  # a layer's own fields too
        q = questions.get(name)
        if q is not None:
            lines += _comment(q.prompt)
            lines += _comment(q.help)
        allowed = ""
        if q is not None and q.choices:
            allowed = "one of: " + ", ".join(q.choices)
        elif name == "priorities":
            allowed = "a weight 0..5 per criterion, as in the lines below"
        elif name == "use_case":
            allowed = "one line of text"
        elif name in props:
            allowed = _bounds(props[name])
        elif q is not None and q.type in {"integer", "number"}:  # a field a layer adds
            allowed = {"integer": "a whole number >= 0", "number": "a number >= 0"}[q.type]
        elif q is not None:
            allowed = "one line of text"
        default = "unknown" if q is None or q.default is None else str(q.default)
        if name == "priorities":
            default = "the rule set's weights, shown below"
        lines += _comment(f"allowed: {allowed}; default: {default}")
        if name == "priorities":
            lines.append("priorities: null")
            for criterion, info in rs.criteria.items():
                lines += textwrap.wrap(
                    f"#   {criterion}: {info.weight}  # {one_line(info.meaning)}",
                    88,
                    subsequent_indent="#       ",
                )
        else:
            lines.append(f"{name}: null")
        lines.append("")
    return "\n".join(lines)


def run_init(opts: InitOptions) -> int:
    """Write the template to FILE (never over an existing one without --force) or stdout."""
    if opts.schema_ref != one_line(opts.schema_ref):  # it goes into a YAML comment, as is
        raise InputError(
            Problem(
                "command line",
                f"--schema '{one_line(opts.schema_ref)}' holds a line break or a control "
                "character; give a path or URL on one line",
            )
        )
    loaded = load_rule_set(opts.rules)
    err = stderr_console()
    print_warnings(err, loaded.warnings)
    text = template(loaded.rule_set, opts.schema_ref)
    if opts.file is None:
        sys.stdout.write(text)
        return ExitCode.OK
    write_atomic(opts.file, text, overwrite=opts.force)
    shown = one_line(opts.file)
    err.print(f"Wrote a requirements template to {shown}", markup=False)
    if opts.schema_ref == DEFAULT_SCHEMA_REF:
        folder = one_line(opts.file.parent / DEFAULT_SCHEMA_REF)
        err.print(
            f"For completion in YAML editors: slmvllm schema requirements > {folder}",
            markup=False,
        )
    err.print(f"Fill it in, then: slmvllm advise -r {shown}", markup=False)
    return ExitCode.OK
