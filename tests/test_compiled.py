"""The precompiled cache of the shipped YAML files: up to date, and unable to change a result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from slmvllm.advice.layers import SHIPPED_KEY, default_rule_set_path
from slmvllm.advice.rule_sets import load_rule_set
from slmvllm.errors import InputError
from slmvllm.loading import compiled
from slmvllm.loading.compiled import build_cache, cache_entries, digest, parse_shipped
from slmvllm.loading.documents import Source
from slmvllm.loading.yaml_parsing import parse_yaml
from slmvllm.numbers.catalog import load_catalog
from slmvllm.shipped import cache_path, expected_cache

RULES = "a: 1\nb: [x, 2.5, true]\n"


def test_the_committed_cache_matches_the_shipped_files() -> None:
    assert cache_path().read_text(encoding="utf-8") == expected_cache(), (
        "slmvllm/data/compiled.json is out of date: run `python -m slmvllm.shipped`"
    )


def test_a_matching_entry_gives_the_data_the_parser_gives() -> None:
    entries = cache_entries(build_cache({"r.yaml": RULES}))
    doc = parse_shipped(Source("r.yaml", RULES), "r.yaml", entries)
    assert doc.data == {"a": 1, "b": ["x", 2.5, True]}
    assert doc.data == parse_yaml(Source("r.yaml", RULES)).data
    assert doc.values == {}  # no positions: the data came from the cache
    assert doc.source == "r.yaml"  # but still the source's name


def test_a_stale_entry_is_ignored_and_the_file_parsed() -> None:
    entries = cache_entries(build_cache({"r.yaml": RULES}))
    edited = RULES.replace("a: 1", "a: 2")
    doc = parse_shipped(Source("r.yaml", edited), "r.yaml", entries)
    assert doc.data["a"] == 2
    assert doc.values  # parsed: positions known


def test_a_tampered_cache_is_ignored_whole() -> None:
    text = build_cache({"r.yaml": RULES})
    doc = json.loads(text)
    doc["entries"]["r.yaml"]["data"]["a"] = 99  # data changed, the file's hash kept
    assert cache_entries(json.dumps(doc)) == {}
    assert parse_shipped(Source("r.yaml", RULES), "r.yaml", {}).data["a"] == 1


@pytest.mark.parametrize(
    "raw",
    ["", "not json", "[]", '{"format": 99, "entries": {}, "checksum": ""}', '{"format": 1}'],
    ids=["empty", "not-json", "a-list", "other-format", "no-entries"],
)
def test_a_broken_cache_is_no_cache(raw: str) -> None:
    assert cache_entries(raw) == {}


def test_the_cache_key_is_the_exact_text() -> None:
    assert digest("a") != digest("a ")
    assert len(digest("")) == 64


def test_rule_set_and_catalogue_are_the_same_with_and_without_the_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cached_rules = load_rule_set()
    cached_catalog = load_catalog()
    assert compiled._entries().get(SHIPPED_KEY), "the shipped cache was not used"
    monkeypatch.setattr(compiled, "_entries", lambda: {})
    parsed_rules = load_rule_set()
    parsed_catalog = load_catalog()
    assert cached_rules.rule_set == parsed_rules.rule_set
    assert cached_rules.warnings == parsed_rules.warnings
    assert cached_catalog.models == parsed_catalog.models
    assert cached_catalog.gpus == parsed_catalog.gpus
    assert default_rule_set_path().is_file()


def test_a_problem_found_in_the_cached_default_is_still_located(tmp_path: Path) -> None:
    # A layer whose new exclusion clashes with the default's: the finding is placed in the
    # shipped file, which the cache supplied without positions; the message keeps its line.
    layer = tmp_path / "layer.yaml"
    layer.write_text(
        'extends: default\nname: mine\nversion: "1.0"\nrules:\n'
        "  - id: mine.no-slm\n    summary: no small model for agents\n"
        "    sources: [{ref: article}]\n    when: {field: task_type, is: agentic}\n"
        "    exclude: [slm]\n    reason: policy\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_rule_set(layer)
    problems = caught.value.problems
    assert problems and all(p.line is not None for p in problems)
    assert any("mine.no-slm" in p.message for p in problems)
