"""Text that came from files is shown literally: no terminal escapes, no rich markup."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Invisible characters that reorder or hide text ("Trojan Source"): bidi overrides and
# isolates, zero-width space and marks, line and paragraph separators.
_INVISIBLE = re.compile("[\u200b\u200e\u200f\u2028-\u202e\u2066-\u2069]")
# Code points XML 1.0 forbids beyond the controls above: lone surrogates (bad bytes at a
# prompt arrive as these) and the noncharacters U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
# Everything XML 1.0 does not allow in a document (https://www.w3.org/TR/xml/#charsets):
# what is left after a whole report is made, whatever path its text took.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def literal(text: object) -> str:
    """`text` with control characters (ESC and friends) made visible as \\xNN escapes.

    Bidi overrides and other invisible reordering characters become \\uNNNN.
    """
    shown = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))
    shown = _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", shown)
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", shown)


def xml_text(document: str) -> str:
    """A whole SVG or HTML document with every character XML forbids shown as \\uNNNN.

    Text from files goes through `literal` already; this is the last filter before a
    report file is written, so no path can put a character there that stops it rendering.
    """
    return _XML_FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def one_line(text: object) -> str:
    """`literal(text)` with newlines and tabs shown as \\n and \\t: it stays one line.

    For output read line by line, where a newline in a name could forge a line.
    """
    return literal(text).replace("\n", "\\n").replace("\t", "\\t")
