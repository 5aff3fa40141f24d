"""Every property of the requirements and rule set schemas is described; enums say each value."""

from __future__ import annotations

from typing import Any

import pytest

from slmvllm.render.schema_help import enum_values
from slmvllm.render.schemas import schema_for


def _properties(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    parts = [("root", schema), *schema.get("$defs", {}).items()]
    return [(n, k, p) for n, part in parts for k, p in part.get("properties", {}).items()]


@pytest.mark.parametrize("kind", ["requirements", "rules"])
def test_every_property_is_described(kind: str) -> None:
    props = _properties(schema_for(kind))  # type: ignore[arg-type]
    assert props
    for owner, name, prop in props:
        assert prop.get("description"), (owner, name)
        values = enum_values(prop)
        if values:
            meanings = prop.get("enumDescriptions")
            assert meanings and len(meanings) == len(values), (owner, name)


def test_requirements_descriptions_come_from_the_questions() -> None:
    props = schema_for("requirements")["properties"]
    assert props["domain_focus"]["description"].startswith(
        "How specialised the subject matter is. narrow = one specialised domain"
    )
    assert props["quality_bar"]["enumDescriptions"] == [
        "a wrong answer is cheap: the user can fix it",
        "a wrong answer costs something",
        "a wrong answer must not happen",
    ]
    for added in ("enterprise_agreement", "hardest_requests", "work_stages", "starting_point"):
        assert props[added]["enumDescriptions"], added
