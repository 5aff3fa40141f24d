"""How plain YAML scalars and typed text read, and YAML text that reads back the same."""

from __future__ import annotations

import re
import types
import typing
from typing import Any, Literal, Union, get_args, get_origin

import yaml

from slmvllm.loading.documents import MAX_INT_DIGITS

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*(_[0-9]+)*)")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|(0|[1-9][0-9]*(_[0-9]+)*)(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
STR_TAG = "tag:yaml.org,2002:str"


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
    return dumper.represent_scalar(STR_TAG, value, style=style)


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
