"""Text that came from files is shown literally: no terminal escapes, no rich markup."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Invisible characters that reorder or hide text ("Trojan Source"): bidi overrides and
# isolates, zero-width space and marks, line and paragraph separators.
_INVISIBLE = re.compile("[\u200b\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def literal(text: object) -> str:
    """`text` with control characters (ESC and friends) made visible as \\xNN escapes.

    Bidi overrides and other invisible reordering characters become \\uNNNN.
    """
    shown = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", shown)


def one_line(text: object) -> str:
    """`literal(text)` with newlines and tabs shown as \\n and \\t: it stays one line.

    For output read line by line, where a newline in a name could forge a line.
    """
    return literal(text).replace("\n", "\\n").replace("\t", "\\t")
