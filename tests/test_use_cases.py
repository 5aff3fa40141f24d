"""A requirements file read for a rule set, with `--set` overrides merged over it."""

from __future__ import annotations

from typing import Any

import pytest

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advice.use_cases import requirements_for
from slmvllm.loading.documents import Source
from slmvllm.loading.yaml_parsing import parse_yaml

OVERRIDES = [
    # (file, --set overrides, priorities read, monthly_requests read)
    # A priority set on the command line joins the file's priorities, key by key.
    ("priorities: {cost: 4}\n", {"priorities": {"quality": 5}}, {"cost": 4, "quality": 5}, None),
    # The same key: the command line wins.
    ("priorities: {cost: 4}\n", {"priorities": {"cost": 1}}, {"cost": 1}, None),
    # No priorities in the file: the command line's are the priorities.
    ("monthly_requests: 10\n", {"priorities": {"quality": 5}}, {"quality": 5}, 10),
    # Any other field is replaced whole.
    ("monthly_requests: 10\n", {"monthly_requests": 20}, None, 20),
    # A priorities override does not touch the other fields.
    (
        "monthly_requests: 10\npriorities: {cost: 4}\n",
        {"priorities": {"latency": 2}},
        {"cost": 4, "latency": 2},
        10,
    ),
]


@pytest.mark.parametrize(("text", "overrides", "priorities", "requests"), OVERRIDES)
def test_set_priorities_merge_with_the_files_and_other_fields_replace(
    rule_set: RuleSet,
    text: str,
    overrides: dict[str, Any],
    priorities: dict[str, float] | None,
    requests: int | None,
) -> None:
    doc = parse_yaml(Source("use-case.yaml", text))
    read = requirements_for(rule_set, doc, overrides)
    assert read.priorities == priorities
    assert read.monthly_requests == requests
    # The document itself is left as it was: the next rule set reads the same file.
    assert doc.data == parse_yaml(Source("use-case.yaml", text)).data
