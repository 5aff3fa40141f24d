"""YAML text to a located `Document`: composing nodes only, nothing constructed."""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.resolver import Resolver

from slmvllm.errors import InputError, Problem
from slmvllm.loading.documents import (
    MAX_DEPTH,
    MAX_VALUES,
    STDIN_NAME,
    Document,
    Location,
    Source,
    dotted,
)
from slmvllm.loading.scalars import STR_TAG, resolve_plain

_PLAIN_TAG = "tag:slmvllm,2024:plain"

# --------------------------------------------------------------------------- parsing


class _Composing(Composer, Resolver):
    """Composes nodes only; tells plain scalars apart so this module can resolve them.

    It counts nodes and depth while composing, so a 4 MiB file of tiny values or
    brackets stops early instead of costing minutes and a large node graph.
    """

    nodes = 0
    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.nodes += 1
        if self.nodes > MAX_VALUES:
            raise _Stop(f"holds more than {MAX_VALUES:,} values; is it the right file?", self)
        if self.depth >= MAX_DEPTH:
            raise _Stop(f"is nested more than {MAX_DEPTH} levels deep", self)
        event = _events(self).peek_event()
        if isinstance(event, yaml.ScalarEvent) and event.tag == "!":
            event.tag = STR_TAG  # YAML 1.2: the non-specific tag `!` makes a scalar text
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                return _PLAIN_TAG
            return STR_TAG
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]


def _events(loader: _Composing) -> Any:
    # The event methods come from the parser half of the concrete loader (pure or C).
    return loader


class _PureLoader(_Composing, yaml.SafeLoader):
    """PyYAML's pure-Python scanner and parser."""


if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser

    class _FastLoader(_Composing, CParser):
        """LibYAML's scanner and parser (about 8x faster), composed by the same checks.

        Only the event stream comes from C; composing stays in Python, so the depth
        and size limits hold (LibYAML's own composer recurses in C and crashes on
        deep nesting).
        """

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            Resolver.__init__(self)

    _Loader: type[Any] = _FastLoader
else:  # pragma: no cover - PyYAML built without LibYAML
    _Loader = _PureLoader


class _Stop(Exception):
    def __init__(self, message: str, loader: _Composing) -> None:
        super().__init__(message)
        self.mark = _events(loader).peek_event().start_mark


def parse_yaml(source: Source) -> Document:
    """Parse YAML text into a `Document`; every failure is an `InputError` with file:line:col."""
    bad = _NON_PRINTABLE.search(source.text)
    if bad:  # PyYAML's own rule, checked here so that both parsers judge alike
        raise InputError(_control_problem(source, bad.start()))
    loader = _Loader(source.text)
    try:
        try:
            node = loader.get_single_node()
        except _Stop as stop:
            line, column = stop.mark.line + 1, stop.mark.column + 1
            raise InputError(Problem(source.name, str(stop), line=line, column=column)) from None
        except RecursionError:  # the depth limit stops well before, unless the stack is short
            raise InputError(Problem(source.name, "nesting is too deep")) from None
        except yaml.MarkedYAMLError as exc:
            raise InputError(_yaml_problem(source, exc)) from None
        except yaml.YAMLError as exc:
            raise InputError(Problem(source.name, f"not valid YAML: {exc}")) from None
    finally:
        loader.dispose()
    if node is None:
        raise InputError(
            Problem(
                source.name,
                "is empty (or only comments); expected a mapping of fields",
                line=1,
                column=1,
            )
        )
    doc = Document(source=source.name, data=None)
    builder = _Builder(doc)
    doc.data = builder.build(node, (), 0)
    return doc


# The characters YAML allows in a stream (PyYAML's Reader.NON_PRINTABLE).
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def _control_problem(source: Source, position: int) -> Problem:
    before = source.text[:position]
    line = before.count("\n") + 1
    column = position - (before.rfind("\n") + 1) + 1
    code = ord(source.text[position])
    return Problem(
        source.name,
        f"not valid YAML: the control character U+{code:04X} is not allowed in YAML text",
        line=line,
        column=column,
    )


# The line breaks YAML counts (YAML 1.1, 5.4; PyYAML's Reader and LibYAML agree), so a
# mark's line and column point at the same character here as in the parser.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _char_at(text: str, line: int, column: int) -> str:
    lines = _LINE_BREAK.split(text)
    return lines[line][column : column + 1] if 0 <= line < len(lines) else ""


def _yaml_problem(source: Source, exc: yaml.MarkedYAMLError) -> Problem:
    name = source.name
    mark = exc.problem_mark or exc.context_mark
    context = exc.context or ""
    message = exc.problem or context or "the parser gave no reason"
    if "expected a single document" in context:
        message = "holds several YAML documents (---); put one use case per file"
    elif "maximum nesting depth" in message:  # LibYAML >= 0.2.6 stops at 1000 by itself
        message = f"is nested more than {MAX_DEPTH} levels deep"
    else:
        problem = exc.problem_mark
        at_tab = problem is not None and _char_at(source.text, problem.line, problem.column) == "\t"
        if at_tab:
            message = "a tab character here; YAML indents with spaces, not tabs"
        elif "<document start>" in message:  # text after a complete value: prose, code, TOML...
            message = "text after the end of the first value"
        elif "duplicate anchor" in context and exc.context_mark:
            anchor = context.split(";")[0]
            message = f"{anchor} (first at line {exc.context_mark.line + 1})"
        elif context and exc.problem:
            message = f"{message} ({context})"
        message = f"not valid YAML: {message}"
        if not name.endswith((".yaml", ".yml")) and name != STDIN_NAME:
            message += "; is it a YAML file?"
    return Problem(
        source=name,
        message=message,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
    )


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.count = 0
        self.active: set[int] = set()

    def fail(self, node: yaml.Node, message: str, loc: Location) -> InputError:
        return InputError(
            Problem(
                self.doc.source,
                message,
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
                field=dotted(loc) or None,
            )
        )

    def build(self, node: yaml.Node, loc: Location, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise self.fail(
                node, f"expands to more than {MAX_VALUES:,} values (an alias bomb?)", loc
            )
        if depth > MAX_DEPTH:
            raise self.fail(node, f"is nested more than {MAX_DEPTH} levels deep", loc)
        self.doc.values.setdefault(loc, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, loc)
        if id(node) in self.active:
            raise self.fail(node, "an alias refers to the node that contains it", loc)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                self.check_tag(node, "tag:yaml.org,2002:seq", loc)
                return [self.build(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode):
                self.check_tag(node, "tag:yaml.org,2002:map", loc)
                return self.mapping(node, loc, depth)
        finally:
            self.active.discard(id(node))
        raise self.fail(node, "unsupported YAML node", loc)  # pragma: no cover

    def check_tag(self, node: yaml.Node, expected: str, loc: Location) -> None:
        if node.tag != expected:
            raise self.fail(node, f"tag {node.tag!r} is not allowed: slmvllm reads plain data", loc)

    def mapping(self, node: yaml.MappingNode, loc: Location, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, "keys must be plain names, not lists or mappings", loc)
            key = self.scalar(key_node, loc)
            if not isinstance(key, str):
                raise self.fail(key_node, f"key {key_node.value!r} must be a name", loc)
            if key == "<<":
                raise self.fail(key_node, "merge keys (<<) are not supported; write keys out", loc)
            if key in out:
                first = self.doc.keys[(*loc, key)]
                raise self.fail(
                    key_node, f"duplicate key {key!r} (first at line {first[0]})", (*loc, key)
                )
            self.doc.keys[(*loc, key)] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            out[key] = self.build(value_node, (*loc, key), depth + 1)
        return out

    def scalar(self, node: yaml.ScalarNode, loc: Location) -> Any:
        if node.tag == STR_TAG:
            return node.value
        if node.tag != _PLAIN_TAG:
            raise self.fail(node, f"tag {node.tag!r} is not allowed: slmvllm reads plain data", loc)
        try:
            return resolve_plain(node.value)
        except ValueError as exc:
            raise self.fail(node, str(exc), loc) from None
