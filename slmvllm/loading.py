"""The one way YAML becomes data, and data becomes models, in slmvllm.

Every YAML input (requirements, rule sets, model catalogues) goes through
`read_source` -> `parse_yaml` -> `validate`. The policy, documented in the README:

* PyYAML only composes the node graph (safe: no Python objects are ever built);
  this module builds plain data from the nodes itself, so it controls every
  case: duplicate keys, tags, aliases, nesting, and how plain scalars read.
* Plain scalars follow the YAML 1.2 core schema, stricter still: `yes`, `no`,
  `on`, `off` stay text; `1:30` stays text; `0755` stays text (leading zero);
  dates stay text; decimal integers (with optional `_` between digits) and
  decimal floats are numbers; `.nan` and `.inf` are errors.
* Quoted scalars are always text. Models are strict: a quoted "5" is not an
  integer, a bare 3.10 is not text. Text typed at a prompt or given to --set
  goes through `parse_text`, which reads numbers with the same grammar.
* Any explicit tag other than `!!str` is an error; so are aliases that refer
  to themselves, documents that expand to too many values, nesting deeper than
  `MAX_DEPTH`, files over `MAX_BYTES`, binary or non-UTF-8 files, several
  documents in one file, and empty files.
"""

from __future__ import annotations

import difflib
import re
import sys
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from yaml.composer import Composer
from yaml.resolver import Resolver

from slmvllm.errors import InputError, Problem

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_VALUES = 100_000
MAX_INT_DIGITS = 30
STDIN_NAME = "<stdin>"

Location = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*(_[0-9]+)*)")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|(0|[1-9][0-9]*(_[0-9]+)*)(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_TAG = "tag:slmvllm,2024:plain"


@dataclass(frozen=True)
class Source:
    """The text of one input and the name to show for it in messages."""

    name: str
    text: str


@dataclass
class Document:
    """Plain data parsed from one source, with the line and column of every key and value."""

    source: str
    data: Any
    values: dict[Location, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Location, tuple[int, int]] = field(default_factory=dict)

    def position(self, loc: Location, *, key: bool = False) -> tuple[int, int] | None:
        """Line and column (1-based) of the value (or key) at `loc`, or of its nearest parent."""
        probe = tuple(loc)
        if key and probe in self.keys:
            return self.keys[probe]
        while probe:
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), None)

    def problem(self, loc: Location, message: str, *, key: bool = False) -> Problem:
        """A `Problem` located at `loc` in this document."""
        pos = self.position(loc, key=key)
        return Problem(
            source=self.source,
            message=message,
            line=pos[0] if pos else None,
            column=pos[1] if pos else None,
            field=dotted(loc) or None,
        )


def dotted(loc: Iterable[str | int]) -> str:
    """`("rules", 3, "when")` -> `rules[3].when`, the way messages name a place."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


# --------------------------------------------------------------------------- reading


def read_source(path: Path, *, what: str = "file", stdin: typing.IO[bytes] | None = None) -> Source:
    """Read one input as UTF-8 text: a path, or standard input when `path` is `-`."""
    if str(path) == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        raw = stream.read(MAX_BYTES + 1)
        return Source(STDIN_NAME, _decode(raw, STDIN_NAME))
    name = str(path)
    try:
        if path.is_symlink() and not path.exists():
            raise InputError(
                Problem(
                    name, f"broken symbolic link (points to {path.readlink()}); fix or remove it"
                )
            )
        if not path.exists():
            raise InputError(Problem(name, f"no such {what}; check the path"))
        if path.is_dir():
            raise InputError(Problem(name, f"is a directory, expected a YAML {what}"))
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except PermissionError:
        raise InputError(Problem(name, "permission denied; check the file's permissions")) from None
    except OSError as exc:  # a name too long, a loop of links, an I/O error...
        raise InputError(Problem(name, f"cannot be read: {exc.strerror or exc}")) from None
    return Source(name, _decode(raw, name))


def _decode(raw: bytes, name: str) -> str:
    if len(raw) > MAX_BYTES:
        raise InputError(
            Problem(name, f"is larger than {MAX_BYTES // (1024 * 1024)} MiB; is it the right file?")
        )
    if b"\x00" in raw:
        line, column = _byte_position(raw, raw.index(b"\x00"))
        raise InputError(Problem(name, "is a binary file, not YAML text", line=line, column=column))
    try:
        return raw.decode("utf-8-sig")  # a leading byte-order mark is accepted and dropped
    except UnicodeDecodeError as exc:
        line, column = _byte_position(raw, exc.start)
        raise InputError(
            Problem(
                name,
                f"is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
                line=line,
                column=column,
            )
        ) from None


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    # Line and column (1-based, counting bytes) of a byte the decoder stopped at.
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, offset - line_start + 1


def directory_yaml_files(path: Path) -> list[Path]:
    """Every `*.yaml` and `*.yml` file directly in a folder, sorted by name."""
    try:
        files = sorted(p for p in path.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())
    except PermissionError:
        raise InputError(Problem(str(path), "permission denied; cannot list the folder")) from None
    except OSError as exc:
        raise InputError(
            Problem(str(path), f"cannot list the folder: {exc.strerror or exc}")
        ) from None
    if not files:
        raise InputError(Problem(str(path), "folder has no *.yaml or *.yml file"))
    return files


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
            event.tag = _STR_TAG  # YAML 1.2: the non-specific tag `!` makes a scalar text
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                return _PLAIN_TAG
            return _STR_TAG
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
        except RecursionError:  # pragma: no cover - the depth limit stops well before
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


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    return lines[line][column : column + 1] if 0 <= line < len(lines) else ""


def _yaml_problem(source: Source, exc: yaml.MarkedYAMLError) -> Problem:
    name = source.name
    mark = exc.problem_mark or exc.context_mark
    message = exc.problem or exc.context or "not valid YAML"
    if "expected a single document" in (exc.context or ""):
        message = "holds several YAML documents (---); put one use case per file"
    elif "maximum nesting depth" in message:  # LibYAML >= 0.2.6 stops at 1000 by itself
        message = f"is nested more than {MAX_DEPTH} levels deep"
    else:
        problem = exc.problem_mark
        at_tab = problem is not None and _char_at(source.text, problem.line, problem.column) == "\t"
        if at_tab or "'\\t'" in message:
            message = "a tab character here; YAML indents with spaces, not tabs"
        elif "<document start>" in message:  # text after a complete value: prose, code, TOML...
            message = "text after the end of the first value"
        elif "duplicate anchor" in (exc.context or "") and exc.context_mark:
            anchor = (exc.context or "").split(";")[0]
            message = f"{anchor} (first at line {exc.context_mark.line + 1})"
        elif exc.context and exc.problem and "duplicate anchor" not in message:
            message = f"{message} ({exc.context})"
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
        if node.tag == _STR_TAG:
            return node.value
        if node.tag != _PLAIN_TAG:
            raise self.fail(node, f"tag {node.tag!r} is not allowed: slmvllm reads plain data", loc)
        try:
            return resolve_plain(node.value)
        except ValueError as exc:
            raise self.fail(node, str(exc), loc) from None


def resolve_plain(text: str) -> Any:
    """What an unquoted YAML scalar means under slmvllm's policy (see the module docstring)."""
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _SPECIAL_FLOAT.fullmatch(text):
        raise ValueError(f"{text} (NaN or infinity) is not allowed; give a finite number")
    if _INT.fullmatch(text):
        if len(text.replace("_", "")) > MAX_INT_DIGITS:
            raise ValueError(f"the number {text[:20]}... is too large")
        return int(text.replace("_", ""))
    if _FLOAT.fullmatch(text) and any(ch.isdigit() for ch in text):
        value = float(text.replace("_", ""))
        if value in (float("inf"), float("-inf")):
            raise ValueError(f"the number {text[:20]} is too large")
        return value
    return text


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, quoting every string this module would not read back as text."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    try:
        plain = resolve_plain(value) == value
    except ValueError:
        plain = False
    # PyYAML resolves as YAML 1.1 and leaves `1e5` plain; this module reads it as a number.
    style = None if plain else "'"
    if any(c in value for c in _UNICODE_BREAKS):
        # PyYAML writes NEL and the Unicode line separators raw inside quotes, where YAML
        # reads them as line breaks (folded to spaces); double quotes escape them.
        style = '"'
    return dumper.represent_scalar(_STR_TAG, value, style=style)


_UNICODE_BREAKS = ("\x85", "\u2028", "\u2029")


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """YAML text for plain data that `parse_yaml` reads back as the same data."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


def parse_text(text: str, annotation: Any) -> Any:
    """Read text typed at a prompt or given to --set as a value of the field's type.

    Numbers use the same grammar as plain YAML scalars; everything else stays text,
    so strict validation afterwards treats prompts, --set and files alike.
    """
    text = text.strip()
    kinds = scalar_kinds(annotation)
    if kinds & {int, float}:
        try:
            value = resolve_plain(text)
        except ValueError:
            raise
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        return text
    if bool in kinds:
        value = resolve_plain(text)
        return value if isinstance(value, bool) else text
    return text


def scalar_kinds(annotation: Any) -> set[type]:
    """The Python types a (possibly Optional or Annotated) annotation accepts."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return scalar_kinds(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        kinds: set[type] = set()
        for arg in get_args(annotation):
            kinds |= scalar_kinds(arg)
        return kinds
    if origin is Literal:
        return {str}
    if isinstance(annotation, type):
        return {annotation}
    return set()


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
    seen: set[tuple[int | None, int | None, str | None]] = set()
    for error in exc.errors(include_url=False):
        kind = error["type"]
        raw: Location = tuple(p for p in error["loc"] if not _is_union_tag(p))
        loc = raw if kind == "missing" else _existing(doc, raw)
        given = error.get("input")
        if kind == "extra_forbidden":
            name = str(loc[-1])
            allowed = allowed_keys(model, loc[:-1])
            message = f"unknown key {name!r}" + did_you_mean(name, allowed)
            problems.append(doc.problem(loc, message, key=True))
            continue
        if kind == "missing":
            problems.append(doc.problem(loc[:-1], f"missing required key {loc[-1]!r}"))
            continue
        message = _reword(error["msg"], kind, given, model, raw, error.get("ctx"))
        problem = doc.problem(loc, message)
        spot = (problem.line, problem.column, problem.field)
        if spot not in seen:  # a union reports once per member; the first says enough
            seen.add(spot)
            problems.append(problem)
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


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
    annotation = annotation_at(model, loc)
    choices = literal_choices(annotation) if annotation is not None else []
    if kind == "literal_error" and not choices and isinstance(ctx, dict):
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
    if kind == "literal_error" and choices:
        return (
            f"{describe(given)} is not allowed; use one of: {', '.join(map(str, choices))}"
            + did_you_mean(str(given), [str(c) for c in choices])
        )
    if kind in {"int_type", "float_type", "int_from_float"}:
        hint = ""
        if isinstance(given, str):
            if given[:1] == "0" and given[1:2].isdigit():
                hint = "; write it without the leading zero"
            elif ":" in given:
                hint = "; write a single number"
            elif _reads_as_number(given):  # it was quoted in a file
                hint = "; numbers are written without quotes"
        elif kind == "int_from_float" or isinstance(given, float):
            hint = "; use a whole number"
        what = "a whole number" if kind != "float_type" else "a number"
        return f"expected {what}, got {describe(given)}{hint}"
    if kind == "string_unicode":
        return "expected text, got bytes that are not valid UTF-8"
    if kind == "string_type":
        hint = "; put it in quotes to keep it as text" if given is not None else ""
        return f"expected text, got {describe(given)}{hint}"
    if kind == "bool_type":
        return f"expected true or false, got {describe(given)}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"expected a mapping of keys, got {describe(given)}"
    if kind == "list_type":
        return f"expected a list, got {describe(given)}"
    if msg.startswith("Value error, "):
        return msg[len("Value error, ") :]
    return msg[:1].lower() + msg[1:] + (f" (got {describe(given)})" if given is not None else "")


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


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`; did you mean 'x'?` when a candidate is close, else an empty string."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def annotation_at(model: type[BaseModel], loc: Location) -> Any:
    """The type annotation of the value at `loc` inside `model`, or None when unknown."""
    current: Any = model
    for part in loc:
        current = _unwrap_optional(current)
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
        elif origin is dict and len(args) == 2:
            current = args[1]
        elif origin is typing.Annotated:
            current = args[0]
        else:
            return None
    return current


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
    target = _unwrap_optional(annotation_at(model, loc) if loc else model)
    if isinstance(target, type) and issubclass(target, BaseModel):
        return [info.alias or name for name, info in target.model_fields.items()]
    origin = get_origin(target)
    if origin in (Union, types.UnionType) or origin is typing.Annotated:
        keys: list[str] = []
        for arg in get_args(target):
            arg = _unwrap_optional(arg)
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                keys += [info.alias or name for name, info in arg.model_fields.items()]
        return keys
    return []


def load_model(
    path: Path, model: type[M], *, what: str, context: dict[str, Any] | None = None
) -> M:
    """Read, parse and validate one YAML file into `model`."""
    return validate(model, parse_yaml(read_source(path, what=what)), context=context)
