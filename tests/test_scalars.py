"""slmvllm.loading.scalars: how saved answers are written and how typed text is read."""

from __future__ import annotations

from typing import Any

import pytest

from slmvllm.loading.documents import Source
from slmvllm.loading.scalars import dump_yaml, parse_text
from slmvllm.loading.yaml_parsing import parse_yaml


def test_dump_keeps_key_order_unicode_and_quotes_only_what_would_not_read_back() -> None:
    data = {"zeta": "plain", "alpha": "1e5", "café": "é ✓", "sep": "a\u2028b", "n": 5}
    text = dump_yaml(data)
    # Keys in the given order (not sorted); non-ASCII written as is (not \\xe9 escapes);
    # `1e5` single-quoted (it would read back as a number); U+2028 double-quoted and
    # escaped (raw, YAML would fold it into a space); plain text and numbers plain.
    assert text == "zeta: plain\nalpha: '1e5'\ncafé: é ✓\nsep: \"a\\Lb\"\nn: 5\n"
    assert parse_yaml(Source("answers.yaml", text)).data == data


@pytest.mark.parametrize(
    ("text", "annotation", "value"),
    [
        # booleans: only true/false, for a bool field; anything else stays text
        ("true", bool, True),
        ("false", bool, False),
        (" true ", bool, True),
        ("yes", bool, "yes"),
        ("1", bool, "1"),
        # a text field never turns true into a boolean, nor 5 into a number
        ("true", str, "true"),
        ("5", str, "5"),
        # numbers for number fields, with the YAML grammar; other text stays text
        ("5", int, 5),
        ("1_000", int, 1000),
        ("2.5", float, 2.5),
        ("0755", int, "0755"),
        ("true", int, "true"),
        ("many", int | None, "many"),
    ],
)
def test_typed_text_is_read_as_the_fields_type(text: str, annotation: Any, value: Any) -> None:
    got = parse_text(text, annotation)
    assert got == value and type(got) is type(value)
