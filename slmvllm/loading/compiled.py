"""The shipped YAML files, parsed ahead of time: a cache that can never change a result.

Parsing the shipped rule set and catalogue costs about 20 ms of every run (PyYAML's
composer is pure Python). `slmvllm/data/compiled.json` holds, for each shipped file,
the plain data `parse_yaml` makes of it and the SHA-256 of the exact text it was made
from. A file whose text does not match its entry (a stale cache, or an edited file)
is parsed as usual; so is every file when the cache is missing, unreadable, of
another format, or altered (its checksum covers every entry). Validation and the
rule-set checks run on the data either way, so the cache only skips parsing.

The cache is rebuilt with ``python -m slmvllm.shipped`` and a test fails when it is
out of date.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from typing import Any

from slmvllm.loading.documents import Document, Source
from slmvllm.loading.yaml_parsing import parse_yaml

FORMAT = 1
CACHE_FILE = "compiled.json"


def digest(text: str) -> str:
    """The SHA-256 of a text as UTF-8, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _checksum(entries: Any) -> str:
    return digest(json.dumps(entries, sort_keys=True, separators=(",", ":"), ensure_ascii=True))


def build_cache(texts: dict[str, str]) -> str:
    """The cache file's text for the shipped files' texts (name -> YAML text)."""
    entries = {
        name: {"sha256": digest(text), "data": parse_yaml(Source(name, text)).data}
        for name, text in sorted(texts.items())
    }
    doc = {"format": FORMAT, "checksum": _checksum(entries), "entries": entries}
    return json.dumps(doc, ensure_ascii=True, indent=1, sort_keys=False) + "\n"


@cache
def _entries() -> dict[str, Any]:
    try:
        raw = resources.files("slmvllm").joinpath("data", CACHE_FILE).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return {}
    return cache_entries(raw)


def cache_entries(raw: str) -> dict[str, Any]:
    """The entries of a cache file's text; none when it is not an intact cache of this format."""
    try:
        doc = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        return {}
    entries = doc.get("entries")
    if not isinstance(entries, dict) or doc.get("checksum") != _checksum(entries):
        return {}
    return entries


def parse_shipped(source: Source, name: str, entries: dict[str, Any] | None = None) -> Document:
    """`parse_yaml(source)`, from the cache when it holds exactly this text under `name`.

    `entries` stands in for the shipped cache's (tests).
    """
    entry = (_entries() if entries is None else entries).get(name)
    if isinstance(entry, dict) and entry.get("sha256") == digest(source.text):
        return Document(source.name, entry.get("data"))
    return parse_yaml(source)
